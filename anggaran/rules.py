"""The budget rules that need the ledger's state (3, 4, 5, 6, 7; rule 9 is the closed-year
check in append.py).

Rules 1 and 2 (and the field part of 7) are judged on one row alone in ``events.py``.
Here, the state is the ledger *as it would stand with the whole batch applied*: the
batch is inserted first inside the write transaction, then judged, then committed or
rolled back. So row order inside an import file does not matter (rule 8).

Line resolution (contract, "The ledger"): per code and year, the code is *akun-level*
once a ceiling event on it names an akun, *code-level* otherwise. ``Resolver`` answers
that, and which lines have a ceiling-creating event, from indexed queries with a cache
that is valid for one transaction.
"""

from . import codes
from .errors import RuleError
from .events import CEILING, CREATE, Event
from .money import rupiah
from .store import IS_CEILING, code_levels

CEILING_KINDS = ("pagu", "revise", "cut", "grant", "carry_over", "shift")


class Resolver:
    """Code levels and ceiling lines per year, read from the (uncommitted) log."""

    def __init__(self, conn, levels=None):
        """``levels``: ``{(year, code): styles}`` already read (verify reads them all at
        once); any code not in it is looked up."""
        self.conn = conn
        self._levels = dict(levels or {})
        self._created = {}

    def levels(self, year, code):
        """The set of ceiling styles on a code that year: {"akun"}, {"code"}, both or none."""
        key = (year, code)
        if key not in self._levels:
            self._levels[key] = code_levels(self.conn, year, code)
        return self._levels[key]

    def line_akun(self, year, code, akun):
        """The akun part of the line an event side counts against ('' when code-level)."""
        return akun if "akun" in self.levels(year, code) else ""

    def has_ceiling(self, year, code, line_akun):
        key = (year, code, line_akun)
        if key not in self._created:
            row = self.conn.execute(
                f"SELECT 1 FROM events WHERE year = ? AND code = ? AND akun IS ? AND {IS_CEILING} "
                "AND (kind IN ('pagu','grant','shift') OR (kind = 'revise' AND amount > 0)) LIMIT 1",
                (year, code, line_akun or None),
            ).fetchone()
            self._created[key] = row is not None
        return self._created[key]


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


def check_lines(resolver, event):
    """Rule 4 for every side of the event, and rule 7's cross-event checks."""
    for side in event.sides():
        levels = resolver.levels(event.year, side.code)
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
            if not resolver.has_ceiling(event.year, side.code, side.akun):
                raise RuleError(4, f"{_what(event)} on {codes.line_key(side.code, side.akun)}: akun "
                                   f"{side.akun} is not in the DIPA of {side.code} for {event.year}")
        elif not resolver.has_ceiling(event.year, side.code, ""):
            raise RuleError(4, f"{_what(event)} on {side.code}/: the line has no ceiling in "
                               f"{event.year}; record its pagu first")
    if event.kind == "correction":
        _check_correction(resolver, event)
    elif event.kind == "refund" and event.sp2d is not None:
        _check_refund(resolver, event)


def _what(event):
    return event.describe()


def _sp2d(conn, year, ref):
    row = conn.execute(
        "SELECT * FROM events WHERE year = ? AND kind = 'sp2d' AND ref = ?", (year, ref)
    ).fetchone()
    return Event.from_record(row) if row else None


def _check_correction(resolver, event):
    y = event.year
    original = _sp2d(resolver.conn, y, event.sp2d)
    if original is None:
        raise RuleError(7, f"SP2D koreksi names SP2D {event.sp2d}, which is not recorded for {y}")
    from_line = (event.from_code, resolver.line_akun(y, event.from_code, event.from_akun))
    sp_line = (original.code, resolver.line_akun(y, original.code, original.akun))
    if event.date < original.date:
        raise RuleError(7, f"SP2D koreksi dated {event.date} comes before SP2D {event.sp2d} "
                           f"({original.date}) that it corrects, {codes.line_key(*from_line)}")
    if from_line != sp_line:
        raise RuleError(7, f"SP2D koreksi moves SP2D {event.sp2d} away from "
                           f"{codes.line_key(*from_line)}, but that SP2D was paid on {codes.line_key(*sp_line)}")
    total = resolver.conn.execute(
        "SELECT SUM(amount) FROM events WHERE year = ? AND kind = 'correction' AND sp2d = ?",
        (y, event.sp2d),
    ).fetchone()[0]
    if total > original.amount:
        raise RuleError(7, f"SP2D koreksi would correct {rupiah(total)} away from SP2D {event.sp2d}, "
                           f"which is only {rupiah(original.amount)}, {codes.line_key(*sp_line)}")


def _check_refund(resolver, event):
    y = event.year
    original = _sp2d(resolver.conn, y, event.sp2d)
    if original is None:
        raise RuleError(7, f"refund {event.ref} names SP2D {event.sp2d}, which is not recorded for {y}")
    line = (event.code, resolver.line_akun(y, event.code, event.akun))
    sp_line = (original.code, resolver.line_akun(y, original.code, original.akun))
    if event.date < original.date:
        raise RuleError(7, f"refund {event.ref} dated {event.date} comes before SP2D {event.sp2d} "
                           f"({original.date}) that it returns money of, {codes.line_key(*line)}")
    if line != sp_line:
        raise RuleError(7, f"refund {event.ref} is on {codes.line_key(*line)}, but SP2D "
                           f"{event.sp2d} was paid on {codes.line_key(*sp_line)}")


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


__all__ = ["Resolver", "refuse_second_pagu", "refuse_second_sp2d", "check_lines", "rule5_message", "breaks",
           "CEILING", "CREATE"]
