"""The fast paths of import and verify give exactly what the general code gives.

Appends and verify take shortcuts for the common case (a row already in clean form, an
event that moves one line); each shortcut must agree with the general path it skips, on
everything a user or the chain can see.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anggaran import events
from anggaran.kinds import ONE_SIDE
from anggaran.errors import RuleError
from anggaran.events import KINDS, Event

CODES = ["CQ.6639", "WA.3355", "CQ.6639.QMA.001", "CQ", "cq.6639", " CQ.6639", "CQ.66391", "",
         "CQ.6639" + ".AB1" * 130]  # a valid-looking code longer than 500 characters
AKUNS = ["521211", "511111", "52121", "521211 ", "5212a1", ""]
DATES = ["2024-03-01", "2024-02-30", "2024-3-1", "1899-12-31", "2999-12-31", " 2024-03-01",
         "2024-03-01T00:00", "２０２４-03-01"]
TEXT = st.one_of(st.sampled_from(["240122300000123", "S-1", "a\u202eb", "x\ny", "  ", "\t",
                                  "PEMKAB LUMAJANG", "r" * 501, "ok\u00a0"]),
                 st.text(max_size=12))
AMOUNT = st.one_of(st.integers(-10**16, 10**16), st.sampled_from(["1.500.000", "Rp 5", "0", "-3", "x"]),
                   st.booleans(), st.floats(allow_nan=False, allow_infinity=False), st.none())


@st.composite
def raw_rows(draw):
    kind = draw(st.sampled_from(list(KINDS) + ["SP2D", "carry-over", "bogus", 7]))
    req, opt = KINDS.get(kind, (set(), set()))
    fields = sorted(req | opt) if draw(st.booleans()) else sorted(req)
    raw = {"kind": kind}
    for f in fields:
        if draw(st.integers(0, 9)) == 0:
            continue  # a required field may be missing
        if f in ("code", "from_code"):
            raw[f] = draw(st.sampled_from(CODES))
        elif f in ("akun", "from_akun"):
            raw[f] = draw(st.sampled_from(AKUNS))
        elif f == "date":
            raw[f] = draw(st.sampled_from(DATES))
        elif f == "amount":
            raw[f] = draw(AMOUNT)
        elif f == "to_year":
            raw[f] = draw(st.sampled_from([2025, "2025", 2023, "20x5"]))
        else:
            raw[f] = draw(st.one_of(TEXT, st.integers(0, 10**6)))
    if draw(st.integers(0, 19)) == 0:
        raw["bogus"] = "1"
    return raw


def _outcome(raw):
    try:
        return Event.parse(dict(raw))
    except RuleError as e:
        return ("refused", str(e))


@settings(max_examples=600, deadline=None)
@given(raw_rows())
def test_event_parse_fast_path_equals_the_full_path(raw):
    """Same Event or same refusal, word for word, with and without the fast path (the
    fast path also remembers valid dates and codes: asked twice, it must agree twice)."""
    fast = _outcome(raw), _outcome(raw)
    saved = events._fast_fields
    events._fast_fields = lambda raw: None
    try:
        full = _outcome(raw)
    finally:
        events._fast_fields = saved
    assert fast == (full, full)


@pytest.mark.parametrize("kind,amount", [(k, a) for k in sorted(ONE_SIDE) for a in (1, 250_000)]
                         + [("revise", -40_000)])
def test_one_side_table_equals_event_sides(kind, amount):
    """The judge and verify project one-line kinds from ONE_SIDE without building the
    event's sides: deltas and rule-4 role must be those of Event.sides()."""
    event = Event(kind=kind, date="2024-03-01", code="CQ.6639", akun="521211", amount=amount,
                  ref="R1")
    (side,) = event.sides()
    assert ONE_SIDE[kind](amount) == (side.ceiling, side.locked, side.realised, side.role)
