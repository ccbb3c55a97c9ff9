"""The budget rules that need the ledger's state: 3, 4, 5, 6, 7 and 9. Each is a function
of a *state* and an event (or a line's figures) that returns normally or raises the
``RuleError`` the contract words; none reads or writes the database itself.

Rules 1 and 2 (and the field part of 7) are judged on one row alone in ``events.py``.
The state is the ledger *as it would stand with the whole batch applied* (rule 8: row
order inside a file does not matter). ``State`` reads it through the store, inside the
append's write transaction with the batch staged in it (so a batch of a million rows
needs no copy in memory); verify uses the same ``State`` over the whole log, and a test
may hand any object with the same four methods.

Line resolution (contract, "The ledger"): per code and year, the code is *akun-level*
once a ceiling event on it names an akun, *code-level* otherwise.
"""

from . import codes, kinds, store
from .errors import RuleError
from .events import CEILING, CREATE, Event
from .money import rupiah


class State:
    """What the rules ask of the ledger, answered by the store's indexed reads and cached
    for one transaction: code levels, which lines have a ceiling, SP2D by number, and how
    much has been corrected away from an SP2D."""

    def __init__(self, conn, levels=None):
        """``levels``: ``{(year, code): styles}`` already read (verify reads them all at
        once); any other code is looked up."""
        self.conn = conn
        self.upto = None  # verify: the seq being judged (corrections count up to it)
        self._levels = dict(levels or {})
        self._created = {}

    def levels(self, year, code):
        """The set of ceiling styles on a code that year: {"akun"}, {"code"}, both or none."""
        key = (year, code)
        if key not in self._levels:
            self._levels[key] = store.code_levels(self.conn, year, code)
        return self._levels[key]

    def line_akun(self, year, code, akun):
        """The akun part of the line an event side counts against ('' when code-level)."""
        return akun if "akun" in self.levels(year, code) else ""

    def has_ceiling(self, year, code, line_akun):
        key = (year, code, line_akun)
        if key not in self._created:
            self._created[key] = store.has_ceiling(self.conn, year, code, line_akun)
        return self._created[key]

    def sp2d(self, year, ref):
        """The SP2D of ``year`` numbered ``ref`` as an Event, or None."""
        row = store.sp2d_record(self.conn, year, ref)
        return Event.from_record(row) if row else None

    def corrected_away(self, year, sp2d):
        """Corrected away from SP2D ``sp2d`` so far: by the whole batch in an append, up to
        the event being judged in verify (so the correction that goes too far is named)."""
        return store.corrected_away(self.conn, year, sp2d, self.upto)


def refuse_closed_year(event, closed):
    """Rule 9: ``closed`` maps a sealed year to its seal's seq."""
    if event.year in closed:
        raise RuleError(9, f"{event.year} is closed (sealed at seq {closed[event.year]}); "
                           f"{event.describe()} dated {event.date} cannot be recorded. "
                           "Record it in an open year")


def refuse_second_pagu(event, existing):
    """Rule 3: one pagu per line and year. ``existing`` points at the first (``seq 17``)."""
    if existing is not None:
        raise RuleError(3, f"{codes.line_key(event.code, event.akun)} already has its pagu for "
                           f"{event.year} ({existing}); change a ceiling with revise, shift, "
                           "cut or grant")


def refuse_second_sp2d(event, existing):
    """Rule 6: an SP2D number is unique per year (identical events were skipped before)."""
    if existing is not None:
        raise RuleError(6, f"SP2D {event.ref} is already recorded for {event.year} with different "
                           f"content ({existing}); record a correction or refund instead")


def judge(state, values, year, judged):
    """Rules 4 and 7 for one stored event (its ``FIELDS`` values), as both the append and
    verify judge them: a one-line kind that names no other event once per line and role
    (``judged`` remembers; the verdict cannot differ), every other event on its own."""
    kind = values[0]
    if not kinds.general(kind, values[8]):
        key = (year, values[2], values[3], kinds.ONE_SIDE[kind](values[6])[3])
        if key in judged:
            return
        judged.add(key)
    check_lines(state, Event(*values))


def check_lines(state, event):
    """Rule 4 for every side of the event, and rule 7's cross-event checks."""
    for side in event.sides():
        levels = state.levels(event.year, side.code)
        if len(levels) > 1 and side.akun is None and side.role != CREATE:
            field = "from_akun" if side.part == "from" else "akun"
            raise RuleError(4, f"{_what(event)} on {side.code}: its ceilings are per akun in "
                               f"{event.year}, so the event must name the akun ({field})")
        if len(levels) > 1:
            raise RuleError(4, f"{side.code} would mix code-level and akun-level ceilings in "
                               f"{event.year}; record every ceiling of a code with an akun, or none")
        if side.role == CREATE:
            continue
        if not levels:
            raise RuleError(4, f"{_what(event)} on {codes.line_key(side.code, side.akun)}: "
                               f"{side.code} has no ceiling in {event.year}; record its pagu first")
        if "akun" in levels:
            if side.akun is None:
                raise RuleError(4, f"{_what(event)} on {side.code}: its ceiling is per akun in "
                                   f"{event.year}, so the event must name an akun")
            if not state.has_ceiling(event.year, side.code, side.akun):
                raise RuleError(4, f"{_what(event)} on {codes.line_key(side.code, side.akun)}: akun "
                                   f"{side.akun} is not in the DIPA of {side.code} for {event.year}")
        elif not state.has_ceiling(event.year, side.code, ""):
            raise RuleError(4, f"{_what(event)} on {side.code}/: the line has no ceiling in "
                               f"{event.year}; record its pagu first")
    if event.kind == "correction":
        _check_correction(state, event)
    elif event.kind == "refund" and event.sp2d is not None:
        _check_refund(state, event)


def _what(event):
    return event.describe()


def _check_correction(state, event):
    original, line = _named_sp2d(state, event, "SP2D koreksi", "corrects",
                                 (event.from_code, event.from_akun),
                                 lambda line, paid: f"SP2D koreksi moves SP2D {event.sp2d} away from "
                                                    f"{line}, but that SP2D was paid on {paid}")
    total = state.corrected_away(event.year, event.sp2d)
    if total > original.amount:
        raise RuleError(7, f"SP2D koreksi would correct {rupiah(total)} away from SP2D {event.sp2d}, "
                           f"which is only {rupiah(original.amount)}, {line}")


def _check_refund(state, event):
    _named_sp2d(state, event, f"refund {event.ref}", "returns money of", (event.code, event.akun),
                lambda line, paid: f"refund {event.ref} is on {line}, but SP2D {event.sp2d} was "
                                   f"paid on {paid}")


def _named_sp2d(state, event, who, verb, line, elsewhere):
    """Rule 7 for an event that names an SP2D (``event.sp2d``): it is recorded in the
    event's year, not dated after the event, and was paid on ``line`` (code, akun); else
    ``elsewhere(line, paid_on)`` words the refusal. Returns the SP2D and its line."""
    y = event.year
    original = state.sp2d(y, event.sp2d)
    if original is None:
        raise RuleError(7, f"{who} names SP2D {event.sp2d}, which is not recorded for {y}")
    line = codes.line_key(line[0], state.line_akun(y, *line))
    paid = codes.line_key(original.code, state.line_akun(y, original.code, original.akun))
    if event.date < original.date:
        raise RuleError(7, f"{who} dated {event.date} comes before SP2D {event.sp2d} "
                           f"({original.date}) that it {verb}, {line}")
    if line != paid:
        raise RuleError(7, elsewhere(line, paid))
    return original, paid


def rule5_message(event, side, line, date, before):
    """Rule 5's words for the event that breaks a line on ``date``.

    ``before`` is the (ceiling, locked, realised) the line would have on that date
    without this event.
    """
    c, l, r = before
    where = f"{line} on {date}"
    what = event.describe()
    if side.ceiling < 0 and c + side.ceiling < 0:
        return f"{what} would make the ceiling of {where} negative: ceiling {rupiah(c)}, asked {rupiah(-side.ceiling)}"
    if side.locked < 0:
        return f"{what} would unlock more than is locked on {where}: locked {rupiah(l)}, asked {rupiah(-side.locked)}"
    if side.realised < 0:
        return f"{what} would take back more than is realised on {where}: realised {rupiah(r)}, asked {rupiah(-side.realised)}"
    available = c - l - r
    if side.realised > 0:
        verb = "would overspend"
    elif side.locked > 0:
        verb = "would lock more than is available on"
    else:
        verb = "would cut below what is realised and locked on"
    asked = side.realised or side.locked or -side.ceiling
    return f"{what} {verb} {where}: available {rupiah(available)}, asked {rupiah(asked)}"


def breaks(ceiling, locked, realised):
    """True when figures break rule 5 at one date."""
    return ceiling < 0 or locked < 0 or realised < 0 or realised + locked > ceiling


__all__ = ["State", "judge", "refuse_closed_year", "refuse_second_pagu", "refuse_second_sp2d", "check_lines", "rule5_message", "breaks",
           "CEILING", "CREATE"]
