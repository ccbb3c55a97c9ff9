"""The budget rules that need the ledger's state: 3, 4, 5, 6, 7, 9 and 10. Each is a function
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
from .events import CEILING, CREATE, FIELDS, Event
from .money import MAX_AMOUNT, rupiah

_QUOTED = tuple(f'"{f}"' for f in FIELDS)  # "end" is an SQL word
_EVER = 2**62  # a seq after every event


class State:
    """What the rules ask of the ledger, answered by the store's indexed reads and cached
    for one transaction: code levels, which lines have a ceiling, SP2D by number, and how
    much has been corrected away from an SP2D."""

    def __init__(self, conn, levels=None):
        """``levels``: ``{(year, code): styles}`` already read (verify reads them all at
        once); any other code is looked up."""
        self.conn = conn
        self.upto = None  # verify: the seq being judged (corrections count up to it)
        self.strict = True  # the v2.0 rules (verify: False for events appended before them)
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

    def voided(self, seq):
        """Whether event ``seq`` is voided."""
        return self.conn.execute("SELECT 1 FROM events WHERE voids = ?", (seq,)).fetchone() is not None

    def sp2d(self, year, ref):
        """The SP2D of ``year`` numbered ``ref`` as an Event, or None."""
        row = store.sp2d_record(self.conn, year, ref)
        return Event.from_record(row) if row else None

    def event(self, seq):
        """The recorded event number ``seq`` as an Event, or None."""
        row = self.conn.execute(f"SELECT {', '.join(_QUOTED)} FROM events WHERE seq = ?",
                                (seq,)).fetchone()
        return Event(*row) if row else None

    def contract(self, year, number):
        """The registered, not voided contract of ``year`` numbered ``number``:
        ``(seq, Event)``, or None (``contract_at`` as the ledger stands now)."""
        return self.contract_at(year, number, _EVER)

    def close(self, year, number, contract_seq, other_than=None):
        """The not voided close of that contract (``other_than``: but not the close with
        that ref, the one being judged): ``(seq, date)``, or None."""
        row = self.conn.execute(  # every live event naming the number is the live contract's
            "SELECT seq, date FROM events WHERE year = ? AND contract = ? AND "
            f"kind = 'contract_close' AND ref IS NOT ? AND {store.NOT_VOIDED} "
            "ORDER BY seq LIMIT 1", (year, number, other_than)).fetchone()
        return tuple(row) if row else None

    def contract_at(self, year, number, seq):
        """The contract numbered ``number`` that event ``seq`` belongs to: the first one
        registered (before or after it: row order in a file does not matter) that was not
        voided before ``seq`` — a number is free again only once its contract is voided,
        and then every event naming it was voided first. Voided since or not: ``(seq,
        Event)``, or None. Postings are made from this, so that verify, replaying the log,
        makes the same ones."""
        row = self.conn.execute(
            f"SELECT seq, {', '.join(_QUOTED)} FROM events c WHERE year = ? AND ref = ? AND "
            "kind <> 'sp2d' AND kind = 'contract' AND NOT EXISTS (SELECT 1 FROM events v "
            "WHERE v.voids = c.seq AND v.seq < ?) ORDER BY seq LIMIT 1",
            (year, number, seq)).fetchone()
        return (row[0], Event(*row[1:])) if row else None

    def close_at(self, year, number, seq):
        """The close of contract ``number`` standing when event ``seq`` was recorded
        (recorded before it and not voided before it): ``(seq, date)``, or None."""
        row = self.conn.execute(
            "SELECT seq, date FROM events e WHERE year = ? AND contract = ? AND "
            "kind = 'contract_close' AND seq < ? AND NOT EXISTS (SELECT 1 FROM "
            "events v WHERE v.voids = e.seq AND v.seq < ?) ORDER BY seq DESC LIMIT 1",
            (year, number, seq, seq)).fetchone()
        return tuple(row) if row else None

    def unpaid(self, year, number, seq, date):
        """What contract ``number`` has unpaid on ``date`` by the postings recorded before
        event ``seq`` (its value less its payments; a voided contract's postings and their
        voids cancel): what its close releases."""
        return self.conn.execute(
            "SELECT COALESCE(SUM(committed), 0) FROM postings WHERE year = ? AND contract = ? "
            "AND date <= ? AND seq < ? AND release = 0",
            (year, number, date, seq)).fetchone()[0]

    def corrected_away(self, year, sp2d):
        """Corrected away from SP2D ``sp2d`` so far: by the whole batch in an append, up to
        the event being judged in verify (so the correction that goes too far is named)."""
        return store.corrected_away(self.conn, year, sp2d, self.upto)


def refuse_closed_year(event, closed, year=None):
    """Rule 9: ``closed`` maps a sealed year to its seal's seq; ``year`` is the event's
    (a void's is the year of the event it voids)."""
    year = event.year if year is None else year
    if year in closed:
        if event.kind == "void":
            raise RuleError(9, f"seq {event.voids} is in {year}, which is closed (sealed at seq "
                               f"{closed[year]}); a closed year's events cannot be voided")
        when = f"for {event.month}" if event.month else f"dated {event.date}"
        raise RuleError(9, f"{year} is closed (sealed at seq {closed[year]}); "
                           f"{event.describe()} {when} cannot be recorded. "
                           "Record it in an open year")


def refuse_second_pagu(event, existing):
    """Rule 3: one pagu per line and year. ``existing`` points at the first (``seq 17``)."""
    if existing is not None:
        raise RuleError(3, f"{codes.line_key(event.code, event.akun)} already has its pagu for "
                           f"{event.year} ({existing}); change a ceiling with revise, shift, "
                           "cut or grant")


def refuse_same_key(event, year, existing, holder=None):
    """Rule 6: an event whose key (kinds.key_of) is taken by a recorded, not voided event
    with other content; ``existing`` points at it (``seq 17``), ``holder`` is its kind.
    Identical ones were skipped."""
    if existing is None:
        return
    if event.kind == "sp2d" and holder in (None, "sp2d"):
        raise RuleError(6, f"SP2D {event.ref} is already recorded for {year} with different "
                           f"content ({existing}); record a correction or refund, or void "
                           f"{existing} first if it was recorded in error")
    if kinds.KINDS[event.kind].key == "sp2d":  # SP2D, UP and TUP share their numbers
        held = kinds.KINDS[holder].label if holder in kinds.KINDS else "an SP2D"
        raise RuleError(6, f"SP2D number {event.ref} ({event.describe()}) is already recorded "
                           f"for {year} as {held} with different content ({existing}); void "
                           f"{existing} first if it was recorded in error")
    if event.kind == "void":
        raise RuleError(6, f"seq {event.voids} is already voided ({existing}) with a different "
                           "note; a void cannot be voided or repeated")
    line = (f" on {codes.line_key(event.code, event.akun)}" if event.code else
            f" for {event.month}, jenis {event.jenis}," if event.month else "")
    raise RuleError(6, f"{event.describe()}{line} is already recorded for {year} with "
                       f"different content ({existing}); void {existing} first if it was "
                       "recorded in error")


def judge_void(state, void, year):
    """Rule 10, the part that needs the ledger without the voided event (the store's
    reads leave voided events out): no correction or refund still names a voided SP2D, and
    every event on a line whose ceiling the voided event gave still has one (rule 4).
    Rule 5 on the voided event's lines is judged with the projections."""
    target = state.event(void.voids)
    if target.kind == "sp2d":
        row = state.conn.execute(
            "SELECT seq, kind FROM events WHERE year = ? AND sp2d = ? AND kind IN "
            f"('correction', 'refund') AND {store.NOT_VOIDED} LIMIT 1", (year, target.ref)).fetchone()
        if row:
            raise RuleError(10, f"SP2D {target.ref} (seq {void.voids}) cannot be voided: the "
                                f"{row[1]} at seq {row[0]} names it; void that first")
    if target.kind == "tup":
        row = state.conn.execute(
            f"SELECT seq FROM events WHERE year = ? AND tup = ? AND {store.NOT_VOIDED} "
            "ORDER BY seq LIMIT 1", (year, target.ref)).fetchone()
        if row:
            raise RuleError(10, f"TUP {target.ref} (seq {void.voids}) cannot be voided: seq "
                                f"{row[0]} ({state.event(row[0]).describe()}) names it; void "
                                "that first")
    _judge_contract_void(state, void, target, year)
    codes_created = {s.code for s in target.sides() if s.role == CREATE}
    for code in sorted(codes_created):
        for (seq,) in state.conn.execute(
                "SELECT DISTINCT seq FROM postings WHERE year = ? AND code = ? ORDER BY seq",
                (year, code)).fetchall():
            other = state.event(seq)
            if other is None or other.kind == "void" or seq == void.voids or state.voided(seq):
                continue
            try:
                check_lines(state, other)
            except RuleError as e:
                if e.rule != 4:
                    raise
                raise RuleError(10, f"seq {void.voids} ({target.describe()}) cannot be voided: "
                                    f"seq {seq} ({other.describe()}) would be left on a line with "
                                    f"no ceiling in {year}; void or move that first") from None


def _judge_contract_void(state, void, target, year):
    """Rule 10 for contracts: a contract cannot be voided while an event names it (its
    payments, addenda and close go first). Every other event of a contract may be voided;
    what that does to a close's release is ``projections.void_postings``'s."""
    seq = void.voids
    number = target.ref if target.kind == "contract" else target.contract
    if number is None:
        return
    about = f"seq {seq} ({target.describe()}) cannot be voided"
    if target.kind == "contract":
        for (other,) in state.conn.execute(
                "SELECT seq FROM events WHERE year = ? AND contract = ? AND "
                f"{store.NOT_VOIDED} ORDER BY seq", (year, number)).fetchall():
            mine = state.contract_at(year, number, other)
            if mine is not None and mine[0] == seq:  # not a later registration's
                raise RuleError(10, f"{about}: seq {other} names contract {number}; void that "
                                    "first")
        return
    # A close's void takes back its release as it stands; a payment or addendum voided
    # while a close stands moves that release (projections.void_postings).


def void_breaks_message(void, target, bucket, date, figures):
    """Rule 10's words when the ledger without the voided event breaks rule 5."""
    c, l, r, b, k = figures
    if bucket.startswith("@"):
        return (f"seq {void.voids} ({target.describe()}) cannot be voided: without it contract "
                f"{bucket[1:]} would be paid beyond its value on {date}")
    held = [("ceiling", c), ("locked", l)] + [(n, v) for n, v in (("blocked", b),
                                                                  ("committed", k)) if v]
    return (f"seq {void.voids} ({target.describe()}) cannot be voided: without it {bucket} on "
            f"{date} would hold " + ", ".join(f"{n} {rupiah(v)}" for n, v in held)
            + f", realised {rupiah(r)}")


def judge(state, values, year, judged):
    """Rules 4 and 7 for one stored event (its ``FIELDS`` values), as both the append and
    verify judge them: a one-line kind that names no other event once per line and role
    (``judged`` remembers; the verdict cannot differ), every other event on its own."""
    kind = values[0]
    if not kinds.general(kind, values[kinds.SP2D], values[kinds.CONTRACT], values[kinds.TUP]):
        key = (year, values[2], values[3], kinds.ONE_SIDE[kind](values[6])[-1])
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
    if event.contract is not None:
        _check_contract(state, event)
    if event.tup is not None:
        _check_tup(state, event)


def _check_tup(state, event):
    """Rule 7 for a PTUP SP2D or a TUP return: the TUP it names (``tup``, its SP2D number) is
    recorded for the event's year and dated on or before it."""
    y, number = event.year, event.tup
    row = store.sp2d_record(state.conn, y, number, "tup")
    if row is None:
        raise RuleError(7, f"{event.describe()} names TUP {number}, which is not recorded for "
                           f"{y}; record the SP2D TUP first")
    if event.date < row["date"]:
        raise RuleError(7, f"{event.describe()} dated {event.date} comes before TUP {number} "
                           f"({row['date']}) that it settles")


def _check_contract(state, event):
    """Rule 7 for an event naming a contract (an SP2D paying it, an addendum, a close): the
    contract is registered in the event's year, on or before the event's date, and not
    closed before it (a payment on the closing day is allowed; a second close is not); a
    payment is on the contract's line."""
    y, number = event.year, event.contract
    contract = state.contract(y, number)
    who = event.describe()
    if contract is None:
        raise RuleError(7, f"{who} names contract {number}, which is not registered for {y}")
    seq, registered = contract
    if event.date < registered.date:
        raise RuleError(7, f"{who} dated {event.date} comes before contract {number} was "
                           f"registered ({registered.date})")
    close = state.close(y, number, seq, other_than=event.ref if event.kind == "contract_close"
                        else None)
    if close is not None and (event.kind == "contract_close" or event.date > close[1]):
        raise RuleError(7, f"{who} dated {event.date}: contract {number} was closed on "
                           f"{close[1]} (seq {close[0]})")
    if event.kind == "contract_close":
        later = state.conn.execute(
            "SELECT seq, date FROM events WHERE year = ? AND contract = ? AND date > ? AND "
            f"kind <> 'contract_close' AND {store.NOT_VOIDED} ORDER BY date, seq LIMIT 1",
            (y, number, event.date)).fetchone()
        if later:
            raise RuleError(7, f"{who} dated {event.date} comes before seq {later[0]} of "
                               f"contract {number}, dated {later[1]}; date the close on or "
                               "after the contract's last payment or addendum")
    if event.kind == "sp2d":
        line = codes.line_key(event.code, state.line_akun(y, event.code, event.akun))
        theirs = codes.line_key(registered.code,
                                state.line_akun(y, registered.code, registered.akun))
        if line != theirs:
            raise RuleError(7, f"{who} on {line} pays contract {number}, which is registered "
                               f"on {theirs}")


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
    line_of, line_akun = line, line[1]
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
    if state.strict and original.akun != line_akun:  # v2.0: the akun too, on a code-level line
        raise RuleError(7, elsewhere(codes.line_key(line_of[0], line_akun),
                                     codes.line_key(original.code, original.akun)))
    return original, paid


def rule5_message(event, deltas, line, date, before):
    """Rule 5's words for the event that breaks a line on ``date``.

    ``deltas``: what the event moves there (the FIGURES deltas of its postings on the line
    up to that date); ``before``: the figures the line would have on that date without it.
    """
    dc, dl, dr, db, dk = deltas
    c, l, r, b, k = before
    where = f"{line} on {date}"
    what = event.describe()
    if dc < 0 and c + dc < 0:
        return f"{what} would make the ceiling of {where} negative: ceiling {rupiah(c)}, asked {rupiah(-dc)}"
    if dl < 0 and l + dl < 0:
        return f"{what} would unlock more than is locked on {where}: locked {rupiah(l)}, asked {rupiah(-dl)}"
    if db < 0 and b + db < 0:
        return f"{what} would unblock more than is blocked on {where}: blocked {rupiah(b)}, asked {rupiah(-db)}"
    if dr < 0 and r + dr < 0:
        return f"{what} would take back more than is realised on {where}: realised {rupiah(r)}, asked {rupiah(-dr)}"
    if dk < 0 and k + dk < 0:
        return f"{what} would release more than is committed on {where}: committed {rupiah(k)}, asked {rupiah(-dk)}"
    available = c - l - b - k - r
    if dr > 0 and dk < 0:  # a payment against a contract uses what the contract reserved
        available, asked, verb = available - dk, dr, "would overspend"
    elif dr > 0:
        asked, verb = dr, "would overspend"
    elif dk > 0:
        asked, verb = dk, "would commit more than is available on"
    elif dl > 0:
        asked, verb = dl, "would lock more than is available on"
    elif db > 0:
        asked, verb = db, "would block more than is available on"
    else:
        held = ["realised", "locked"] + [n for n, v in (("blocked", b), ("committed", k)) if v]
        asked = -dc
        verb = f"would cut below what is {', '.join(held[:-1])} and {held[-1]} on"
    return f"{what} {verb} {where}: available {rupiah(available)}, asked {rupiah(asked)}"


def contract_message(event, number, date, paid_over):
    """Rule 5's words when payments (or an addendum) leave a contract paid beyond its value."""
    if event.kind == "contract_change" and event.amount < 0:
        return (f"{event.describe()} would lower the value of contract {number} below what is "
                f"paid on {date}: paid {rupiah(paid_over)} more than the new value")
    return (f"{event.describe()} would pay contract {number} beyond its value on {date}: "
            f"paid {rupiah(paid_over)} more than the contract is worth")


def month_end(month):
    """The last day of ``YYYY-MM``."""
    import calendar

    y, m = int(month[:4]), int(month[5:7])
    return f"{month}-{calendar.monthrange(y, m)[1]:02d}"


def check_plans(conn, year, month, jenis, first_seq, describe, row_of=lambda seq: None):
    """Rule 11 on the plans of one month and jenis: every plan dated after the month ended
    equals the plan in force at its end (the latest, by date then seq, dated on or before
    it; none: 0). ``first_seq``: the seq after which this batch's events are (0: verify);
    a refusal names a plan of the batch dated after the month, else the batch's plan or
    void that changed what was in force."""
    end = month_end(month)
    rows = conn.execute(
        f"SELECT seq, date, amount FROM events WHERE year = ? AND month = ? AND jenis = ? AND "
        f"kind = 'plan' AND {store.NOT_VOIDED} ORDER BY date, seq", (year, month, jenis)).fetchall()
    in_force = next((r[2] for r in reversed(rows) if r[1] <= end), 0)
    late = [r for r in rows if r[1] > end and r[2] != in_force]
    if not late:
        return
    mine = [r for r in late if r[0] > first_seq]
    if mine:
        seq, date, amount = mine[0]
        event = describe(seq)
        raise RuleError(11, f"{event.describe()} dated {date} would change the plan of {month}, "
                            f"jenis {jenis}, a month that ended on {end}: plan in force "
                            f"{rupiah(in_force)}, asked {rupiah(amount)}; a past month is not "
                            "re-planned", row_of(seq))
    seq, date, amount = late[0]
    changed = conn.execute(  # the batch's plan of that month, or a void of one
        "SELECT e.seq FROM events e WHERE e.seq > ? AND ((e.kind = 'plan' AND e.year = ? AND "
        "e.month = ? AND e.jenis = ?) OR e.voids IN (SELECT p.seq FROM events p WHERE "
        "p.year = ? AND p.month = ? AND p.jenis = ? AND p.kind = 'plan')) ORDER BY e.seq LIMIT 1",
        (first_seq, year, month, jenis, year, month, jenis)).fetchone()
    culprit = describe(changed[0]) if changed else describe(seq)
    what = (f"seq {culprit.voids} ({describe(culprit.voids).describe()}) cannot be voided"
            if culprit.kind == "void" else f"{culprit.describe()} dated {culprit.date}")
    raise RuleError(10 if culprit.kind == "void" else 11,
                    f"{what}: the plan in force for {month}, jenis {jenis}, would become "
                    f"{rupiah(in_force)}, but seq {seq}, dated {date} after the month ended, "
                    f"keeps {rupiah(amount)}; a past month is not re-planned",
                    row_of(changed[0]) if changed else None)


def cash_message(event, account, tup, date, before, moved, gup=None, target=None):
    """``(rule, words)`` for the event that breaks the bendahara's ``account`` ("up", or
    "tup" with ``tup`` its number) on ``date``: ``before`` is the outstanding there without
    the event, ``moved`` what the event moves; ``gup``: ``(GUP Event, amount)`` when a GUP
    lacks UP outstanding; ``target``: for a void, the event it voids."""
    what = event.describe()
    where = "UP" if account == "up" else f"TUP {tup}"
    after = before + moved
    if event.kind == "void":
        return 10, (f"seq {event.voids} ({target.describe()}) cannot be voided: without it "
                    + (f"{gup[0].describe()} of {rupiah(gup[1])} on {date} would find UP "
                       f"outstanding of only {rupiah(after)}" if gup and after >= 0 else
                       f"the {where} outstanding on {date} would be {rupiah(after)}"))
    if gup is not None and after >= 0:
        if gup[0] == event:
            return 7, (f"{what} needs UP outstanding of at least its amount on {date}: "
                       f"outstanding {rupiah(before)}, GUP {rupiah(gup[1])}; record the SP2D UP "
                       "first, or a GUP nihil / LS instead")
        return 7, (f"{what} would leave {gup[0].describe()} on {date} with less UP outstanding "
                   f"than its amount: outstanding {rupiah(after)}, GUP {rupiah(gup[1])}")
    verb = "return" if event.kind in ("up_return", "tup_return") else "account for"
    of = "UP" if account == "up" else f"of TUP {tup}"
    return 5, (f"{what} would {verb} more {of} than is outstanding on {date}: outstanding "
               f"{rupiah(before)}, asked {rupiah(-moved)}")


def too_large(*figures):
    """Rule 2 on figures: a line's, a jenis' or the total's beyond what anggaran keeps."""
    return any(abs(f) > MAX_AMOUNT for f in figures)


def too_large_message(what, date, figures):
    names = kinds.FIGURES
    name, value = next((n, f) for n, f in zip(names, figures) if abs(f) > MAX_AMOUNT)
    return (f"the {name} of {what} would reach {rupiah(value)} on {date}, above the limit of "
            f"{rupiah(MAX_AMOUNT)}; check the amounts")


def breaks(ceiling, locked, realised, blocked=0, committed=0):
    """True when a line's figures break rule 5 at one date."""
    return (ceiling < 0 or locked < 0 or realised < 0 or blocked < 0 or committed < 0
            or realised + locked + blocked + committed > ceiling)


__all__ = ["State", "judge", "judge_void", "refuse_closed_year", "refuse_second_pagu",
           "refuse_same_key", "check_lines", "rule5_message", "void_breaks_message", "breaks",
           "too_large", "too_large_message",
           "CEILING", "CREATE"]
