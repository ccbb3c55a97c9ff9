"""The read paths cost O(lines · log lines), not lines × kegiatan (issue 20).

A ministry-sized ledger has ~10,000 lines under ~2,500 kegiatan; a report that walks
every line once per kegiatan (25 million steps) takes seconds where one grouping pass
takes milliseconds. These tests count the per-line grouping calls and compare the
tree's cost at 1k and 10k lines; neither depends on how fast the machine is.
"""

import json

import pytest

from anggaran import codes, reports
from anggaran.ledger import Ledger
from anggaran.projections import Figures

LINES_PER_KEGIATAN = 4


def line_codes(n_lines):
    """n budget lines, four per kegiatan, on codes of three and four segments (one in
    four code-level), spread over three programs."""
    out = []
    for i in range(n_lines):
        k = i // LINES_PER_KEGIATAN
        code = f"{('AG', 'CQ', 'WA')[k % 3]}.{1000 + k}.{k % 7:03d}"
        if i % 2:
            code += f".{i % 5:03d}"
        out.append((code, "" if i % LINES_PER_KEGIATAN == 3 else f"5211{i % 89:02d}"))
    return out


def write_events(path, n_lines):
    with open(path, "w", encoding="utf-8") as f:
        for i, (code, akun) in enumerate(line_codes(n_lines)):
            line = {"code": code, **({"akun": akun} if akun else {})}
            f.write(json.dumps({"kind": "pagu", "date": "2024-01-02", "amount": 10_000_000 + i,
                                "ref": "SP DIPA-076.01.2.657757/2024", **line}) + "\n")
            f.write(json.dumps({"kind": "sp2d", "date": "2024-03-04", "amount": 1_000 + i,
                                "ref": f"24{i:013d}", **line}) + "\n")


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A ledger of 2,000 lines under 500 kegiatan (4,000 events)."""
    tmp = tmp_path_factory.mktemp("scaling")
    write_events(tmp / "events.jsonl", 2000)
    ledger = Ledger.init(tmp / "ledger.db", "657757", "KPU KABUPATEN LUMAJANG")
    ledger.import_file(tmp / "events.jsonl")
    yield ledger, tmp
    ledger.close()


@pytest.fixture
def calls(monkeypatch):
    """Counts of codes.kegiatan_of and codes.program_of calls (the per-line grouping)."""
    counted = {"kegiatan_of": 0, "program_of": 0}
    for name in counted:
        real = getattr(codes, name)

        def counting(code, real=real, name=name):
            counted[name] += 1
            return real(code)
        monkeypatch.setattr(codes, name, counting)
    return counted


@pytest.mark.parametrize("by", ["program", "kegiatan", "akun"])
def test_report_groups_each_line_once(big, calls, by):
    ledger, _ = big
    rep = ledger.report(as_of="2024-12-31", by=by)
    assert rep["rows"][0]["realised"] == sum(1_000 + i for i in range(2000))
    # Once per line and a little more, never once per line per kegiatan (1,000,000 calls).
    assert calls["kegiatan_of"] <= 2 * 2000, calls
    assert calls["program_of"] <= 2 * 2000, calls


def test_report_by_akun_rows_are_in_tree_order(big):
    ledger, _ = big
    rows = ledger.report(as_of="2024-12-31", by="akun")["rows"][1:]
    lines = [codes.line_key(c, a) for c, a in line_codes(2000)]
    parents = {f(b.split("/")[0]) for b in lines for f in (codes.program_of, codes.kegiatan_of)}

    def place(code):  # a program, then each of its kegiatan followed by its lines
        p, k = codes.program_of(code.split("/")[0]), codes.kegiatan_of(code.split("/")[0])
        return (p,) if code == p else (p, k) if code == k else (p, k, codes.line_order(code))
    assert len(rows) == 3 + 500 + 2000
    assert [r["code"] for r in rows] == sorted(parents | set(lines), key=place)


def test_reconcile_groups_each_line_once(big, calls):
    ledger, tmp = big
    statement = tmp / "statement.csv"
    with open(statement, "w", encoding="utf-8") as f:
        f.write("code,ceiling,realised\n")
        for i, (code, akun) in enumerate(line_codes(2000)):
            f.write(f"{codes.line_key(code, akun)},{10_000_000 + i},{1_000 + i}\n")
    assert ledger.reconcile(statement, as_of="2024-12-31")["differences"] == []
    assert calls["kegiatan_of"] <= 3 * 2000, calls


def _tree_steps(n_lines, monkeypatch):
    """How many line figures the report tree reads to group and sum ``n_lines`` lines: a
    count, not a time, so the test does not depend on how busy the machine is."""
    lines = {codes.line_key(c, a): Figures(10, 0, i, 0) for i, (c, a) in enumerate(line_codes(n_lines))}
    steps = [0]
    real = reports._FOUR

    def counted(figures):
        steps[0] += 1
        return real(figures)

    monkeypatch.setattr(reports, "_FOUR", counted)
    reports._tree(lines, {}, "akun")
    return steps[0]


def test_tree_cost_grows_with_lines_not_lines_squared(monkeypatch):
    """10x the lines (and kegiatan): ~10x the figures read, ~100x if quadratic."""
    small, large = _tree_steps(1000, monkeypatch), _tree_steps(10_000, monkeypatch)
    assert small >= 1000  # every line is read at least once
    assert large / small < 12, f"10x the lines read {large / small:.0f}x the figures"
