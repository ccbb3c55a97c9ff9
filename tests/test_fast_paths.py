"""The fast path of the append and verify gives exactly what the general code gives.

Appends and verify build the postings of an event that moves one line straight from its
stored columns (``kinds.ONE_SIDE``); that shortcut must agree with ``Event.sides``.
"""

import pytest

from anggaran.events import Event
from anggaran.kinds import ONE_SIDE


@pytest.mark.parametrize("kind,amount", [(k, a) for k in sorted(ONE_SIDE) for a in (1, 250_000)]
                         + [("revise", -40_000)])
def test_one_side_table_equals_event_sides(kind, amount):
    """The judge and verify project one-line kinds from ONE_SIDE without building the
    event's sides: deltas and rule-4 role must be those of Event.sides()."""
    event = Event(kind=kind, date="2024-03-01", code="CQ.6639", akun="521211", amount=amount,
                  ref="R1")
    (side,) = event.sides()
    assert ONE_SIDE[kind](amount) == (*side.figures(), side.role)
