"""The rules as plain functions of a state and an event, judged without SQLite: a tiny
in-memory state stands in for the ledger. Read like the contract's rule list."""

import pytest

from anggaran import rules
from anggaran.errors import RuleError
from anggaran.events import Event


class TinyState:
    """What ``rules.State`` answers, from a list of events held in memory."""

    strict = True  # the v2.0 rules (verify judges events appended before them by v1.1's)

    def __init__(self, *events):
        self.events = [Event.parse(e) for e in events]

    def levels(self, year, code):
        styles = set()
        for e in self.events:
            for side in e.sides():
                if e.year == year and side.code == code and side.role in (rules.CREATE, rules.CEILING):
                    styles.add("akun" if side.akun else "code")
        return styles

    def line_akun(self, year, code, akun):
        return akun if "akun" in self.levels(year, code) else ""

    def has_ceiling(self, year, code, line_akun):
        return any(e.year == year and s.code == code and (s.akun or "") == line_akun
                   and s.role == rules.CREATE for e in self.events for s in e.sides())

    def sp2d(self, year, ref):
        return next((e for e in self.events if e.kind == "sp2d" and e.year == year and e.ref == ref), None)

    def corrected_away(self, year, sp2d):
        return sum(e.amount for e in self.events
                   if e.kind == "correction" and e.year == year and e.sp2d == sp2d)


PAGU = {"kind": "pagu", "date": "2024-01-02", "code": "CQ.6639", "akun": "521211", "amount": 1000,
        "ref": "DIPA-01"}
SP2D = {"kind": "sp2d", "date": "2024-03-04", "code": "CQ.6639", "akun": "521211", "amount": 600,
        "ref": "S1"}


def refused(rule, call, *args):
    with pytest.raises(RuleError) as caught:
        call(*args)
    assert caught.value.rule == rule
    return caught.value.what


def test_rule_3_one_pagu_per_line_and_year():
    event = Event.parse(PAGU)
    rules.refuse_second_pagu(event, None)
    assert "already has its pagu for 2024 (seq 1)" in refused(3, rules.refuse_second_pagu, event, "seq 1")


def test_rule_4_an_event_needs_a_ceiling_on_its_line():
    sp2d = Event.parse(SP2D)
    rules.check_lines(TinyState(PAGU), sp2d)
    what = refused(4, rules.check_lines, TinyState(), sp2d)
    assert what == "SP2D S1 on CQ.6639/521211: CQ.6639 has no ceiling in 2024; record its pagu first"
    other_akun = Event.parse({**SP2D, "akun": "524111"})
    assert "akun 524111 is not in the DIPA of CQ.6639" in refused(4, rules.check_lines, TinyState(PAGU),
                                                                  other_akun)


def test_rule_4_no_mixed_ceiling_levels():
    code_level = {**PAGU, "akun": None, "code": "CQ.6639"}
    state = TinyState(PAGU, code_level)
    assert "would mix code-level and akun-level ceilings" in refused(
        4, rules.check_lines, state, Event.parse({**PAGU, "kind": "grant", "amount": 5}))


def test_rule_5_at_one_date():
    assert not rules.breaks(1000, 0, 1000)
    assert rules.breaks(1000, 1, 1000)  # realised + locked above the ceiling
    assert rules.breaks(-1, 0, 0) and rules.breaks(10, -1, 0) and rules.breaks(10, 0, -1)


def test_rule_6_an_sp2d_number_once_a_year():
    rules.refuse_same_key(Event.parse(SP2D), 2024, None)
    what = refused(6, rules.refuse_same_key, Event.parse(SP2D), 2024, "seq 2")
    assert what.startswith("SP2D S1 is already recorded for 2024 with different content (seq 2)")
    assert "void seq 2 first" in what


def test_rule_6_keys_every_kind():
    """An SP2D number per year; a void by the seq it voids; any other kind by kind, year,
    ref and the lines it names; ``name`` has no key."""
    from anggaran import kinds

    def key(e):
        event = Event.parse(e)
        return kinds.key_of(event.kind, event.year, event.to_dict())

    cut = {"kind": "cut", "date": "2024-05-01", "code": "CQ.6639", "akun": "521211", "amount": 5,
           "ref": "PHM-1"}
    assert key(SP2D) == key({**SP2D, "amount": 1, "code": "CQ.6870", "date": "2024-12-01"})
    assert key(SP2D) != key({**SP2D, "date": "2025-03-04"})
    assert key(cut) == key({**cut, "amount": 6, "date": "2024-06-01", "note": "x"})
    assert len({key(cut), key({**cut, "ref": "PHM-2"}), key({**cut, "akun": "521219"}),
                key({**cut, "code": "CQ.6870"}), key({**cut, "date": "2025-05-01"}),
                key({**cut, "kind": "carry_over"}), key({**cut, "kind": "lock"})}) == 7
    void = {"kind": "void", "date": "2024-06-01", "voids": 7, "note": "salah input"}
    assert key(void) == key({**void, "note": "other", "date": "2024-07-01"}) != key({**void, "voids": 8})
    assert key({"kind": "name", "date": "2024-01-02", "code": "CQ", "name": "Teknis"}) is None
    what = refused(6, rules.refuse_same_key, Event.parse({**cut, "amount": 6}), 2024, "seq 3")
    assert what.startswith("cut PHM-1 on CQ.6639/521211 is already recorded for 2024 with "
                           "different content (seq 3)")
    assert "seq 7 is already voided (seq 9)" in refused(6, rules.refuse_same_key,
                                                        Event.parse(void), 2024, "seq 9")


def test_rule_7_a_correction_follows_its_sp2d():
    state = TinyState(PAGU, {**PAGU, "akun": "521219"}, SP2D)
    fix = {"kind": "correction", "date": "2024-03-05", "from_code": "CQ.6639", "from_akun": "521211",
           "code": "CQ.6639", "akun": "521219", "amount": 600, "sp2d": "S1", "ref": "KOR-1"}
    rules.check_lines(state, Event.parse(fix))
    assert "names SP2D S9, which is not recorded for 2024" in refused(
        7, rules.check_lines, state, Event.parse({**fix, "sp2d": "S9"}))
    assert "comes before SP2D S1" in refused(
        7, rules.check_lines, state, Event.parse({**fix, "date": "2024-03-01"}))
    state.events += [Event.parse(fix), Event.parse(fix)]  # the state holds the whole batch
    assert "would correct 1.200 away from SP2D S1, which is only 600" in refused(
        7, rules.check_lines, state, Event.parse(fix))


def test_rule_7_a_refund_is_on_its_sp2d_line():
    state = TinyState(PAGU, {**PAGU, "akun": "521219"}, SP2D)
    refund = {"kind": "refund", "date": "2024-04-01", "code": "CQ.6639", "akun": "521211",
              "amount": 10, "ref": "SSPB-1", "sp2d": "S1"}
    rules.check_lines(state, Event.parse(refund))
    assert "but SP2D S1 was paid on CQ.6639/521211" in refused(
        7, rules.check_lines, state, Event.parse({**refund, "akun": "521219"}))


def test_rule_7_ties_the_akun_on_a_code_level_line():
    """v2.0: a refund's akun and a correction's from_akun are its SP2D's, also on a
    code-level line (where the akun counts only for the jenis report); events appended
    before v2.0 keep v1.1's rule 7, which compared the line only."""
    code_level = {**PAGU, "akun": None}
    state = TinyState(code_level, SP2D)  # the SP2D names akun 521211 on CQ.6639/
    refund = {"kind": "refund", "date": "2024-04-01", "code": "CQ.6639", "akun": "521211",
              "amount": 10, "ref": "SSPB-1", "sp2d": "S1"}
    rules.check_lines(state, Event.parse(refund))
    assert refused(7, rules.check_lines, state, Event.parse({**refund, "akun": "521219"})) == (
        "refund SSPB-1 is on CQ.6639/521219, but SP2D S1 was paid on CQ.6639/521211")
    fix = {"kind": "correction", "date": "2024-03-05", "from_code": "CQ.6639",
           "from_akun": "521211", "code": "CQ.6639", "akun": "521219", "amount": 100,
           "sp2d": "S1", "ref": "KOR-1"}
    rules.check_lines(state, Event.parse(fix))
    assert refused(7, rules.check_lines, state, Event.parse({**fix, "from_akun": "524111"})) == (
        "SP2D koreksi moves SP2D S1 away from CQ.6639/524111, but that SP2D was paid on "
        "CQ.6639/521211")
    state.strict = False
    rules.check_lines(state, Event.parse({**refund, "akun": "521219"}))
    rules.check_lines(state, Event.parse({**fix, "from_akun": "524111"}))


def test_rule_9_a_closed_year_takes_no_event():
    assert "2024 is closed (sealed at seq 40)" in refused(
        9, rules.refuse_closed_year, Event.parse(SP2D), {2024: 40})
    rules.refuse_closed_year(Event.parse(SP2D), {2023: 12})


def test_judge_asks_a_one_line_kind_once_per_line_and_role():
    class Counting(TinyState):
        asked = 0

        def levels(self, year, code):
            Counting.asked += 1
            return super().levels(year, code)

    state, judged = Counting(PAGU), set()
    for n in range(50):
        values = Event.parse({**SP2D, "ref": f"S{n}"}).values()
        rules.judge(state, values, 2024, judged)
    assert Counting.asked == 1


def test_the_library_imports_no_module_in_a_circle():
    """Every ``from . import x`` / ``from .x import y`` in the library, at module level or
    inside a function, points down the layers: no module reaches back to one that
    reaches it (docs/architecture.md)."""
    import ast
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "anggaran"
    graph = {}
    for path in folder.glob("*.py"):
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    edges.add(node.module.split(".")[0])
                else:
                    edges.update(alias.name for alias in node.names)
        graph[path.stem] = edges & {p.stem for p in folder.glob("*.py")}

    def reach(start):
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    circles = sorted(m for m in graph if m in reach(m))
    assert circles == [], f"modules that import themselves through others: {circles}"


def test_a_ledger_closes_with_contextlib_closing(db):
    import contextlib

    from anggaran.ledger import Ledger

    with contextlib.closing(Ledger.open(db)) as led:
        assert led.head()[0] == 0
