"""Projections: what the log means per budget line, per jenis belanja and per date.

For every event side the ledger keeps a *posting* (seq, date, resolved line, jenis, the
deltas of the five figures ``kinds.FIGURES`` and the contract it belongs to) and, per
*bucket* and date, a *daily* row with the day's deltas and the cumulative figures at the
end of that day. A bucket is a line (``CQ.6639/521211``, ``CQ.6639/`` when code-level), a
jenis belanja (``#52``, ``#-`` without akun) or a contract (``@`` and its number: its
payments as ``realised``, its unpaid value as ``committed``).

As-of figures are then one indexed look-up per bucket (the last daily row on or before
the date), whatever the number of events; rule 5 is checked on the daily rows of the
lines a batch touched, at every date. ``--known-at`` reports, which must ignore later
recordings, fold the postings instead.
"""

from typing import NamedTuple

from . import codes, kinds
from .kinds import CONTRACT, SP2D

N = len(kinds.FIGURES)
# A posting row, in this order everywhere (the append writes it, verify compares it).
POSTING_COLUMNS = ("seq, year, date, code, akun, jenis, ceiling, locked, realised, blocked, "
                   "committed, kind, ref, recorded_at, contract, release")
DAILY_COLUMNS = ("year, bucket, date, d_ceiling, d_locked, d_realised, d_blocked, d_committed, "
                 "ceiling, locked, realised, blocked, committed")
INSERT_POSTINGS = f"INSERT INTO postings ({POSTING_COLUMNS}) VALUES ({', '.join('?' * 16)})"
INSERT_DAILY = f"INSERT OR REPLACE INTO daily ({DAILY_COLUMNS}) VALUES ({', '.join('?' * 13)})"


class Figures(NamedTuple):
    """A line's (or a group's) figures as of a date; immutable.

    Attributes:
      ceiling, locked, realised, blocked, committed: cumulative over the year up to the
        as-of date (committed: the unpaid value of the contracts open on that date).
      realised_before: realised up to the day before the period start.

    A NamedTuple (the standard library's): the report commands never import attrs, and
    nothing here is written by hand that the language gives.
    """

    ceiling: int = 0
    locked: int = 0
    realised: int = 0
    realised_before: int = 0
    blocked: int = 0
    committed: int = 0

    def __add__(self, other):
        return Figures(*(a + b for a, b in zip(self, other)))

    @property
    def realised_in_period(self):
        return self.realised - self.realised_before

    @property
    def balance(self):
        return self.ceiling - self.realised

    @property
    def available(self):
        """Pagu Tersedia: what may still be committed or spent."""
        return self.ceiling - self.locked - self.blocked - self.committed - self.realised


def postings_of(seq, values, year, recorded_at, state, line_akun):
    """The posting rows of one event, given its ``FIELDS`` values: (seq, year, date, code,
    line akun, jenis, the five deltas, kind, ref, recorded_at, contract) — kind, ref and
    recording time copied from the event, so that a line's history reads one index range
    instead of visiting the log; contract: the contract the posting belongs to, if any.

    The one place postings are made (append, verify, and through them every report).
    One-line kinds are built straight from the values, without an Event (most of a log);
    ``line_akun`` caches ``state.line_akun`` per (year, code, akun)."""
    kind = values[0]
    if kind in _NO_LINES:
        return ()
    if kinds.general(kind, values[SP2D], values[CONTRACT], values[kinds.TUP]):
        from .events import Event

        event = Event(*values)
        if kind in kinds.CONTRACT_KINDS or event.contract is not None:
            return contract_postings(seq, event, year, recorded_at, state)
        return tuple(
            (seq, year, event.date, side.code, state.line_akun(year, side.code, side.akun),
             codes.jenis_of(side.akun), *side.figures(), kind, event.ref, recorded_at, None, 0)
            for side in event.sides())
    date, code, akun = values[1], values[2], values[3]
    key = (year, code, akun)
    la = line_akun.get(key)
    if la is None:
        la = line_akun[key] = state.line_akun(year, code, akun)
    return ((seq, year, date, code, la, codes.jenis_of(akun), *kinds.ONE_SIDE[kind](values[6])[:N],
             kind, values[7], recorded_at, None, 0),)


def contract_postings(seq, event, year, recorded_at, state):
    """The postings of an event that belongs to a contract (kinds.CONTRACT_KINDS, and an
    SP2D naming one), on the contract's line and in its bucket:

    - a contract: committed + its value, at its registration date;
    - an addendum: committed ± its amount, at its date;
    - an SP2D: realised + amount and committed − amount, at its date;
    - a close: committed − what is unpaid, at its date: the contract's committed postings
      recorded before the close and dated on or before it.

    A contract, addendum or SP2D dated on or before a close that was recorded before it (a
    late payment; in one file, a row after the close) also moves the close's release: the
    opposite committed delta at the close's date, so that committed after the close stays 0
    and ``--known-at`` before the late event still sees the release as it was. A release
    and the deltas that move it are marked (``release`` 1): the contract's own bucket
    leaves them out, so it holds value − paid at every date, which rule 5 keeps from going
    below 0 — also on the closing day. The contract and its close are those in force when
    the event was recorded (``state.contract_at``, ``close_at``), so verify recomputes the
    same rows."""
    kind = event.kind
    number = event.ref if kind == "contract" else event.contract
    if kind == "contract":
        contract = event
    else:
        found = state.contract_at(year, number, seq)
        if found is None:  # rule 7 refuses it; verify reports the event as broken
            return ()
        contract = found[1]
    code, akun = contract.code, contract.akun
    line = (code, state.line_akun(year, code, akun))
    jenis = codes.jenis_of(akun)

    def posting(date, dr=0, dk=0, jenis=jenis, release=0):
        return (seq, year, date, *line, jenis, 0, 0, dr, 0, dk, kind, event.ref, recorded_at,
                number, release)

    close = state.close_at(year, number, seq)
    if kind == "contract_close":
        unpaid = state.unpaid(year, number, seq, event.date)
        return (posting(event.date, dk=-unpaid, release=1),)
    if kind == "contract":
        out = [posting(event.date, dk=event.amount)]
        moved = event.amount
    elif kind == "contract_change":
        out = [posting(event.date, dk=event.amount)]
        moved = event.amount
    else:  # an SP2D paying the contract: realised under its own akun's jenis (on a
        # code-level line it may differ from the contract's), committed under the contract's
        spent = codes.jenis_of(event.akun)
        out = ([posting(event.date, dr=event.amount, dk=-event.amount)] if spent == jenis else
               [posting(event.date, dr=event.amount, jenis=spent),
                posting(event.date, dk=-event.amount)])
        moved = -event.amount
    if close is not None and event.date <= close[1]:
        out.append(posting(close[1], dk=-moved, release=1))
    return tuple(out)


_NO_LINES = (frozenset(k for k, spec in kinds.KINDS.items() if not spec.effects)
             - set(kinds.CONTRACT_KINDS)) | {kinds.CLOSE}


def void_postings(conn, seq, target_seq, target, year, recorded_at, state=None):
    """The postings of void ``seq``: the stored postings of the event it voids
    (``target_seq``, ``target`` its Event) negated, on the same lines and dates, with the
    void's seq and recording time — so that the voided event counts nowhere from then on,
    and still counts for a ``--known-at`` before the void. Read through the line index, per
    line the event names (each stored code-level or per akun), in stored order."""
    found = {}
    number = target.ref if target.kind == "contract" else target.contract
    if number is not None:  # a contract's postings: all in its bucket, whatever their line
        rows = conn.execute(
            "SELECT rowid, date, code, akun, jenis, ceiling, locked, realised, blocked, "
            "committed, kind, ref, contract, release FROM postings WHERE year = ? AND "
            "contract = ? AND seq = ?", (year, number, target_seq))
        found.update((row[0], row[1:]) for row in rows)
    for code, akun in dict.fromkeys((s.code, s.akun or "") for s in target.sides()):
        for row in conn.execute(
                "SELECT rowid, date, code, akun, jenis, ceiling, locked, realised, blocked, "
                "committed, kind, ref, contract, release FROM postings WHERE year = ? AND "
                "code = ? AND akun IN ('', ?) AND date = ? AND seq = ?",
                (year, code, akun, target.date, target_seq)):
            found[row[0]] = row[1:]
    rows = [found[k] for k in sorted(found)]
    if number is not None and target.kind != "contract_close":
        # A late event's delta on a close that was voided since is gone with that void.
        standing = state.close_at(year, number, target_seq)
        if standing is not None and state.close_at(year, number, seq) != standing:
            rows = [r for r in rows if not r[-1]]
    out = [(seq, year, date, code, la, jenis, *(-f for f in figures), kind, ref, recorded_at,
            contract, release)
           for date, code, la, jenis, *figures, kind, ref, contract, release in rows]
    if target.kind == "contract_close":
        # The close's void takes back its release as it stands now: with what late events
        # and voids recorded since moved it (all at its date, all marked).
        moved = conn.execute(
            "SELECT COALESCE(SUM(committed), 0) FROM postings WHERE year = ? AND contract = ? "
            "AND date = ? AND release = 1 AND seq > ? AND seq < ? AND kind <> 'contract_close'",
            (year, number, target.date, target_seq, seq)).fetchone()[0]
        if moved and out:
            out.append((*out[0][:10], -moved, *out[0][11:]))
    if number is not None and target.kind != "contract_close":
        # Recorded before a close that stands now (and dated on or before it), the voided
        # event is in what the close released: the release moves back by what it moved.
        close = state.close_at(year, number, seq)
        if close is not None and close[0] > target_seq and target.date <= close[1]:
            moved = sum(p[10] for p in out if not p[15] and p[2] == target.date)
            if moved:
                first = next(p for p in out if not p[15])
                out.append((*first[:2], close[1], *first[3:6], 0, 0, 0, 0, -moved,
                            *first[11:15], 1))
    return out


CASH_COLUMNS = "seq, year, date, account, tup, kind, amount, outstanding, ref, code, recorded_at"
INSERT_CASH = f"INSERT INTO cash ({CASH_COLUMNS}) VALUES ({', '.join('?' * 11)})"


def cash_of(seq, values, year, recorded_at):
    """The bendahara's book rows of one event, given its ``FIELDS`` values (none for most
    events): ``(seq, year, date, account, tup, kind, amount, outstanding delta, ref, code,
    recorded_at)`` — ``kind`` the CASH name (an SP2D's payment), ``tup`` the TUP's SP2D
    number on the TUP account. The one place book rows are made (append, verify)."""
    name = kinds.cash_kind(values[0], values[kinds.PAYMENT])
    if name is None:
        return ()
    account, sign = kinds.CASH[name]
    amount = values[6]
    tup = None if account == "up" else (values[7] if name == "tup" else values[kinds.TUP])
    return ((seq, year, values[1], account, tup, name, amount, sign * amount, values[7],
             values[2], recorded_at),)


def void_cash(seq, target_values, year, recorded_at):
    """The book rows of void ``seq``: those of the event it voids (``target_values``, its
    ``FIELDS`` values; book rows depend on nothing else), negated, with the void's seq and
    recording time (as ``void_postings`` does for lines)."""
    return tuple((*row[:6], -row[6], -row[7], *row[8:])
                 for row in cash_of(seq, target_values, year, recorded_at))


def daily_deltas(conn, after_rowid=0):
    """The day's deltas ``(year, bucket, date, *five deltas)`` of the postings stored after
    ``after_rowid`` (a batch's: postings are appended in seq order; 0 for all of them),
    summed per line bucket (``CQ.6639/521211``), jenis bucket (``#52``) and contract bucket
    (``@K-01``: payments and committed only) and date, in the daily table's (year, bucket,
    date) order. SQLite sums and sorts them, spilling to disk as it needs: a batch that
    touches every line of a ministry on every day keeps no copy of its deltas in memory."""
    figures = "ceiling, locked, realised, blocked, committed"
    part = f"SELECT year, {{bucket}} AS bucket, date, {figures} FROM postings WHERE rowid > ?"
    return conn.execute(
        "SELECT year, bucket, date, SUM(ceiling), SUM(locked), SUM(realised), SUM(blocked), "
        "SUM(committed) FROM ("
        + part.format(bucket="code || '/' || akun") + " UNION ALL "
        + part.format(bucket="'#' || jenis") + " UNION ALL "
        "SELECT year, '@' || contract, date, 0, 0, realised, 0, committed FROM postings "
        "WHERE rowid > ? AND contract IS NOT NULL AND release = 0"
        ") AS deltas GROUP BY year, bucket, date ORDER BY year, bucket, date",
        (after_rowid, after_rowid, after_rowid))


def running(deltas):
    """The figures after each tuple of deltas in turn (as many figures as deltas): how a
    line's days (``cumulative``) and a line's events (``reports.history``) add up."""
    figures = None
    for d in deltas:
        figures = tuple(d) if figures is None else tuple(a + b for a, b in zip(figures, d))
        yield figures


def cumulative(rows):
    """Per (year, bucket), in order: ``(year, bucket, date, *deltas, *figures)`` with the
    figures at the end of each day, from ``daily_deltas`` rows (or daily rows' year,
    bucket, date and deltas)."""
    import itertools

    for _bucket, days in itertools.groupby(rows, key=lambda row: row[:2]):
        days = list(days)
        for day, figures in zip(days, running(day[3:] for day in days)):
            yield (*day, *figures)


def merge_daily(conn, changes, check):
    """Fold a batch's ``daily_deltas`` into the daily table, one bucket at a time, and
    recompute each touched bucket's cumulative figures from its earliest changed date on.
    ``check(year, bucket, date, *figures)`` is called for every row from there on (every
    kind of bucket); it may raise to refuse the batch. Returns the years touched."""
    import itertools

    years = set()
    for (year, bucket), days in itertools.groupby(changes, key=lambda row: row[:2]):
        rows = {r[0]: list(r[1:]) for r in conn.execute(
            "SELECT date, d_ceiling, d_locked, d_realised, d_blocked, d_committed FROM daily "
            "WHERE year = ? AND bucket = ?", (year, bucket))}
        first = None
        for _y, _b, date, *deltas in days:
            first = first or date
            row = rows.setdefault(date, [0] * N)
            for k, d in enumerate(deltas):
                row[k] += d
        out = []
        for row in cumulative((year, bucket, date, *rows[date]) for date in sorted(rows)):
            if row[2] >= first:
                out.append(row)
                check(*row[:3], *row[3 + N:])
        conn.executemany(INSERT_DAILY, out)
        conn.execute("INSERT OR IGNORE INTO buckets VALUES (?, ?)", (year, bucket))
        years.add(year)
    return years


def totals(conn, year):
    """``(date, *figures)`` of the whole satker at the end of every day of ``year`` on which
    a figure changed: the sum of its jenis buckets (a few per day)."""
    latest, out = {}, []
    rows = conn.execute("SELECT date, bucket, ceiling, locked, realised, blocked, committed "
                        "FROM daily WHERE year = ? AND bucket >= '#' AND bucket < '$' "
                        "ORDER BY date", (year,)).fetchall()  # the key's range: jenis buckets
    for i, (date, bucket, *figures) in enumerate(rows):
        latest[bucket] = figures
        if i + 1 == len(rows) or rows[i + 1][0] != date:
            out.append((date, *(sum(f) for f in zip(*latest.values()))))
    return out


LATEST = """
SELECT d.bucket, d.ceiling, d.locked, d.realised, (
  SELECT x.realised FROM daily x WHERE x.year = b.year AND x.bucket = b.bucket AND x.date <= ?
  ORDER BY x.date DESC LIMIT 1), d.blocked, d.committed FROM buckets b
JOIN daily d ON d.year = b.year AND d.bucket = b.bucket AND d.date = (
  SELECT max(x.date) FROM daily x WHERE x.year = b.year AND x.bucket = b.bucket AND x.date <= ?)
WHERE b.year = ? AND {which}
"""


def figures_as_of(conn, year, as_of, period_start, jenis=False):
    """Bucket -> Figures from the daily projection (every event recorded so far): for each
    bucket, in one query, its last day on or before the date and its realised on the day
    before the period starts (two index seeks), whatever the number of events."""
    which = "b.bucket LIKE '#%'" if jenis else "b.bucket NOT LIKE '#%' AND b.bucket NOT LIKE '@%'"
    before = before_period(year, period_start)
    return {_strip(bucket, jenis): Figures(c, l, r, rb or 0, b, k) for bucket, c, l, r, rb, b, k in
            conn.execute(LATEST.format(which=which), (before, as_of, year))}


def before_period(year, period_start):
    """The last day before the period: what ``realised_before`` is read at."""
    return _day_before(period_start) if period_start > f"{year}-01-01" else f"{year - 1}-12-31"


def _day_before(date):
    import datetime as dt
    return (dt.date.fromisoformat(date) - dt.timedelta(days=1)).isoformat()


GROUPS = {"line": "code, akun", "jenis": "jenis", "line_jenis": "code, akun, jenis"}


def fold(conn, year, group="line", as_of=None, max_seq=None, period_start=None):
    """The one fold of postings into figures, for what the maintained daily projection
    cannot answer (``--known-at`` reports, year-end seals, the data-package export): rows
    ``(*group, ceiling, locked, realised, realised_before, initial ceiling, blocked,
    committed)`` in group order, over the postings of ``year`` dated on or before ``as_of`` and with ``seq`` up
    to ``max_seq`` (None: all). ``realised_before``: dated before ``period_start``;
    ``initial ceiling``: the ``pagu`` events' part of the ceiling."""
    columns = GROUPS[group]
    where, params = ["year = ?"], [period_start or "", year]
    if as_of is not None:
        where.append("date <= ?")
        params.append(as_of)
    if max_seq is not None:
        where.append("seq <= ?")
        params.append(max_seq)
    return conn.execute(
        f"SELECT {columns}, SUM(ceiling), SUM(locked), SUM(realised), "
        "SUM(CASE WHEN date < ? THEN realised ELSE 0 END), "
        "SUM(CASE WHEN kind = 'pagu' THEN ceiling ELSE 0 END), SUM(blocked), SUM(committed) "
        f"FROM postings WHERE {' AND '.join(where)} GROUP BY {columns} ORDER BY {columns}", params)


def figures_known_at(conn, year, as_of, period_start, max_seq, jenis=False):
    """Bucket -> Figures folded from postings with ``seq <= max_seq`` (for --known-at)."""
    if jenis:
        rows = fold(conn, year, "jenis", as_of, max_seq, period_start)
        return {j: Figures(c, l, r, rb, b, k) for j, c, l, r, rb, _initial, b, k in rows}
    rows = fold(conn, year, "line", as_of, max_seq, period_start)
    return {f"{code}/{akun}": Figures(c, l, r, rb, b, k)
            for code, akun, c, l, r, rb, _initial, b, k in rows}


def _strip(bucket, jenis):
    return bucket[1:] if jenis else bucket
