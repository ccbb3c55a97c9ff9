"""The bendahara's book: the UP and TUP advances (``anggaran bendahara``) and the rules that
keep them whole.

The bendahara pengeluaran receives cash by an SP2D UP (uang persediaan, revolving) or an
SP2D TUP (tambahan UP, one-off, to be accounted for within a month); neither is
realisation. The spending is booked as realisation by an SP2D paid by GUP (which also
replenishes the UP: the cash comes back, so the UP outstanding stays), GUP nihil (accounts
for UP without new cash, e.g. in December) or PTUP (accounts for one TUP); what is left is
deposited back (``up_return``, ``tup_return``: setoran, with an NTPN).

Every event that moves an advance has rows in the ``cash`` table
(``projections.cash_of``; ``kinds.CASH`` says which account and which way), a void's rows
negating its event's. Everything here is a fold of those rows:

- UP ``outstanding`` = up − gup_nihil − up_return; each TUP's = tup − ptup − tup_return.
- Rule 5: neither is ever negative, at any date (end of day). Rule 7: a GUP needs UP
  outstanding of at least its amount at the end of its date.
- A TUP is ``due`` one month after its date (the same day of the next month, or that
  month's last day: 31 January → 29 February in a leap year); it is ``overdue`` when
  unsettled after that day.

The book is small beside the log (a few percent of the events), so a check reads a year's
account whole through its index, never the log.
"""

import datetime as dt
from collections import defaultdict

from . import reports, rules
from .errors import RuleError

_LIVE = "NOT EXISTS (SELECT 1 FROM events v WHERE v.voids = c.seq AND v.seq <= ?)"


def add_month(date):
    """The same day of the next month, or that month's last day (ISO dates)."""
    day = dt.date.fromisoformat(date)
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d).isoformat()
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")  # pragma: no cover


def _days(a, b):
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


# ------------------------------------------------------------------ the report

def book(ledger, as_of=None, known_at=None, today=None):
    """``anggaran bendahara``: ``{"satker", "year", "as_of", "known_at", "up": {...},
    "tup": [...], "warnings": [...]}`` as of ``as_of`` (default as for ``report``), as known
    at ``known_at`` (ISO 8601; None: everything recorded). See the module's docstring."""
    conn = ledger.conn
    conn.execute("BEGIN")  # one snapshot for every read
    try:
        as_of, known, max_seq, year = reports.moment(ledger, as_of, known_at, today)
        up = _up(conn, year, as_of, max_seq)
        each = tups(conn, year, as_of, max_seq)
    finally:
        conn.execute("ROLLBACK")
    return {"satker": ledger.satker, "year": year, "as_of": as_of, "known_at": known,
            "up": up, "tup": each, "warnings": _warnings(up, each, as_of)}


def _up(conn, year, as_of, max_seq):
    sums = defaultdict(int)
    months = {}
    for kind, month, amount, count in conn.execute(
            "SELECT kind, substr(date, 1, 7), SUM(amount), SUM(CASE WHEN amount > 0 THEN 1 "
            "WHEN amount < 0 THEN -1 ELSE 0 END) FROM cash c "
            "WHERE year = ? AND account = 'up' AND tup IS NULL AND date <= ? AND seq <= ? "
            "GROUP BY kind, substr(date, 1, 7)", (year, as_of, max_seq)):
        sums[kind] += amount
        if kind in ("gup", "gup_nihil") and (amount or count):
            m = months.setdefault(month, {"month": month, "gup_count": 0, "gup_amount": 0,
                                          "gup_nihil_amount": 0})
            m["gup_count"] += count
            m["gup_amount" if kind == "gup" else "gup_nihil_amount"] += amount
    last = dict(conn.execute(
        "SELECT kind, max(date) FROM cash c WHERE year = ? AND account = 'up' AND tup IS NULL "
        f"AND date <= ? AND seq <= ? AND amount > 0 AND {_LIVE} GROUP BY kind",
        (year, as_of, max_seq, max_seq)).fetchall())
    replenished = max((last[k] for k in ("gup", "gup_nihil") if last.get(k)), default=None)
    return {
        "advanced": sums["up"], "accounted": sums["gup"] + sums["gup_nihil"],
        "returned": sums["up_return"],
        "outstanding": sums["up"] - sums["gup_nihil"] - sums["up_return"],
        "last_advance": last.get("up"), "last_replenishment": replenished,
        "days_since_replenishment": _days(replenished, as_of) if replenished else None,
        "by_month": [m for _k, m in sorted(months.items()) if m["gup_count"]],
    }


def tups(conn, year, as_of, max_seq):
    """Each TUP of the year dated by D (and not voided), in date and number order."""
    found = {}
    for ref, date, code, amount in conn.execute(
            "SELECT tup, date, code, amount FROM cash c WHERE year = ? AND account = 'tup' "
            f"AND kind = 'tup' AND amount > 0 AND date <= ? AND seq <= ? AND {_LIVE} "
            "ORDER BY date, tup", (year, as_of, max_seq, max_seq)):
        found[ref] = {"ref": ref, "date": date, "code": code, "amount": amount, "accounted": 0,
                      "returned": 0, "outstanding": amount, "due": add_month(date),
                      "status": "open", "settled_on": None, "days_late": 0}
    last = {}
    for ref, kind, amount, date in conn.execute(
            "SELECT tup, kind, SUM(amount), max(CASE WHEN amount > 0 AND " + _LIVE +
            " THEN date END) FROM cash c WHERE year = ? AND account = 'tup' AND kind <> 'tup' "
            "AND date <= ? AND seq <= ? GROUP BY tup, kind",
            (max_seq, year, as_of, max_seq)):
        t = found.get(ref)
        if t is None:
            continue
        t["accounted" if kind == "ptup" else "returned"] += amount
        if date and amount:
            last[ref] = max(last.get(ref, date), date)
    for ref, t in found.items():
        t["outstanding"] = t["amount"] - t["accounted"] - t["returned"]
        if t["outstanding"] == 0:
            t["status"], t["settled_on"] = "settled", last.get(ref, t["date"])
            t["days_late"] = max(0, _days(t["due"], t["settled_on"]))
        else:
            t["days_late"] = max(0, _days(t["due"], as_of))
            if as_of > t["due"]:
                t["status"] = "overdue"
    return list(found.values())


def _warnings(up, tups, as_of):
    from .money import rupiah

    out = []
    for t in tups:
        if t["status"] == "overdue":
            out.append(f"TUP {t['ref']} of {t['date']} was due on {t['due']} and is "
                       f"{t['days_late']} days late: {rupiah(t['outstanding'])} not yet "
                       "accounted for (PTUP) or returned")
    since = up["last_replenishment"] or up["last_advance"]
    if up["outstanding"] > 0 and since is not None and add_month(since) < as_of:
        what = ("has not been replenished (GUP) since" if up["last_replenishment"] else
                "has had no GUP since it was advanced on")
        out.append(f"UP outstanding {rupiah(up['outstanding'])} {what} {since} "
                   f"({_days(since, as_of)} days): file a GUP")
    return out


# ------------------------------------------------------------------ rules 5 and 7

def accounts(conn):
    """``{(year, account, tup)}`` of the whole book (verify)."""
    return set(conn.execute("SELECT DISTINCT year, account, tup FROM cash").fetchall())


def _rows(conn, year, account, tup, since=""):
    """The account's rows dated ``since`` or later ``(date, seq, kind, amount, outstanding
    delta, for a GUP the seq of the void that cancelled it or None)`` in date, seq order,
    and the outstanding at the end of the day before ``since``."""
    where = "year = ? AND account = ? AND tup IS ?"
    before = conn.execute(f"SELECT COALESCE(SUM(outstanding), 0) FROM cash WHERE {where} "
                          "AND date < ?", (year, account, tup, since)).fetchone()[0]
    rows = conn.execute(
        "SELECT date, seq, kind, amount, outstanding, CASE WHEN kind = 'gup' AND amount > 0 "
        "THEN (SELECT v.seq FROM events v WHERE v.voids = c.seq) END FROM cash c "
        f"WHERE {where} AND date >= ? ORDER BY date, seq", (year, account, tup, since)).fetchall()
    return rows, before


def _first_break(rows, outstanding=0):
    """The first date on which the account breaks: ``(date, outstanding, (seq, amount) of
    the GUP it fails or None)``, or None; from ``outstanding`` at the start of ``rows``
    (as ``_rows`` gives them)."""
    i = 0
    while i < len(rows):
        date = rows[i][0]
        need = None
        while i < len(rows) and rows[i][0] == date:
            _d, seq, kind, amount, delta, voided_by = rows[i]
            i += 1
            outstanding += delta
            if kind == "gup" and amount > 0 and voided_by is None:
                if need is None or amount > need[1]:
                    need = (seq, amount)
        if outstanding < 0:
            return date, outstanding, None
        if need is not None and outstanding < need[1]:
            return date, outstanding, need
    return None


def check(conn, year, account, tup, first_seq, describe, row_of=lambda seq: None, since=""):
    """Rules 5 and 7 on one account of ``year`` after an append whose events have seq
    above ``first_seq`` (0: verify, the whole log): raise RuleError naming the event that
    breaks it. ``describe(seq)`` gives a recorded event as an Event.

    Blame as rule 5 does on a line: a GUP of this batch that finds too little outstanding
    is named itself; otherwise, from the figure on the broken date without this batch,
    the batch's events dated by then are added in effective order, and the first after
    which it breaks is named. ``since``: the earliest date the batch moved on the account
    (nothing before it can break; verify: "", every date)."""
    rows, before = _rows(conn, year, account, tup, since)
    broken = _first_break(rows, before)
    if broken is None:
        return
    date, outstanding, gup = broken
    need = 0 if gup is None else gup[1]
    if gup is not None and gup[0] > first_seq:
        culprit, moved = gup[0], 0
    else:
        mine = [r for r in rows if r[1] > first_seq and r[0] <= date]
        now = outstanding - sum(r[4] for r in mine)
        culprit, moved = (mine[-1][1] if mine else rows[-1][1]), 0
        for seq in dict.fromkeys(r[1] for r in mine):  # effective order: date, then seq
            moved = sum(r[4] for r in mine if r[1] == seq)
            if now + moved < need:
                culprit = seq
                break
            now += moved
        outstanding = now
    event = describe(culprit)
    target = describe(event.voids) if event.kind == "void" else None
    raise RuleError(*rules.cash_message(event, account, tup, date, outstanding, moved,
                                        gup and (describe(gup[0]), gup[1]), target),
                    row_of(culprit))
