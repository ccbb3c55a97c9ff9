"""Projections: what the log means per budget line, per jenis belanja and per date.

For every event side the ledger keeps a *posting* (seq, date, resolved line, jenis and
the three deltas) and, per *bucket* and date, a *daily* row with the day's deltas and the
cumulative figures at the end of that day. A bucket is a line (``CQ.6639/521211``,
``CQ.6639/`` when code-level) or a jenis belanja (``#52``, ``#-`` without akun).

As-of figures are then one indexed look-up per bucket (the last daily row on or before
the date), whatever the number of events; rule 5 is checked on the daily rows of the
lines a batch touched, at every date. ``--known-at`` reports, which must ignore later
recordings, fold the postings instead.
"""

from typing import NamedTuple

from . import codes, kinds


class Figures(NamedTuple):
    """A line's (or a group's) figures as of a date; immutable.

    Attributes:
      ceiling, locked, realised: cumulative over the year up to the as-of date.
      realised_before: realised up to the day before the period start.

    A NamedTuple (the standard library's): the report commands never import attrs, and
    nothing here is written by hand that the language gives.
    """

    ceiling: int = 0
    locked: int = 0
    realised: int = 0
    realised_before: int = 0

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
        return self.ceiling - self.locked - self.realised


def postings_of(seq, values, year, recorded_at, state, line_akun):
    """The posting rows of one event, given its ``FIELDS`` values: (seq, year, date, code,
    line akun, jenis, dc, dl, dr, kind, ref, recorded_at) — the last three copied from the
    event, so that a line's history reads one index range instead of visiting the log.

    The one place postings are made (append, verify, and through them every report).
    One-line kinds are built straight from the values, without an Event (most of a log);
    ``line_akun`` caches ``state.line_akun`` per (year, code, akun)."""
    kind = values[0]
    if kind in _NO_LINES:
        return ()
    if kinds.general(kind, values[8]):
        from .events import Event

        event = Event(*values)
        return tuple(
            (seq, year, event.date, side.code, state.line_akun(year, side.code, side.akun),
             codes.jenis_of(side.akun), side.ceiling, side.locked, side.realised, kind,
             event.ref, recorded_at)
            for side in event.sides())
    date, code, akun = values[1], values[2], values[3]
    key = (year, code, akun)
    la = line_akun.get(key)
    if la is None:
        la = line_akun[key] = state.line_akun(year, code, akun)
    dc, dl, dr, _role = kinds.ONE_SIDE[kind](values[6])
    return ((seq, year, date, code, la, codes.jenis_of(akun), dc, dl, dr, kind,
             values[7], recorded_at),)


_NO_LINES = frozenset(k for k, spec in kinds.KINDS.items() if not spec.effects) | {kinds.CLOSE}


def void_postings(conn, seq, target_seq, target, year, recorded_at):
    """The postings of void ``seq``: the stored postings of the event it voids
    (``target_seq``, ``target`` its Event) negated, on the same lines and dates, with the
    void's seq and recording time — so that the voided event counts nowhere from then on,
    and still counts for a ``--known-at`` before the void. Read through the line index, per
    line the event names (each stored code-level or per akun), in stored order."""
    found = {}
    for code, akun in dict.fromkeys((s.code, s.akun or "") for s in target.sides()):
        for row in conn.execute(
                "SELECT rowid, date, code, akun, jenis, ceiling, locked, realised, kind, ref "
                "FROM postings WHERE year = ? AND code = ? AND akun IN ('', ?) AND date = ? "
                "AND seq = ?", (year, code, akun, target.date, target_seq)):
            found[row[0]] = row[1:]
    return [(seq, year, date, code, la, jenis, -c, -l, -r, kind, ref, recorded_at)
            for date, code, la, jenis, c, l, r, kind, ref in (found[k] for k in sorted(found))]


def daily_deltas(conn, after_rowid=0):
    """The day's deltas ``(year, bucket, date, dc, dl, dr)`` of the postings stored after
    ``after_rowid`` (a batch's: postings are appended in seq order; 0 for all of them),
    summed per line bucket (``CQ.6639/521211``) and jenis bucket (``#52``) and date, in the
    daily table's (year, bucket, date) order. SQLite sums and sorts them, spilling to disk
    as it needs: a batch that touches every line of a ministry on every day keeps no copy
    of its deltas in memory."""
    part = "SELECT year, {bucket} AS bucket, date, ceiling, locked, realised FROM postings WHERE rowid > ?"
    return conn.execute(
        "SELECT year, bucket, date, SUM(ceiling), SUM(locked), SUM(realised) FROM ("
        + part.format(bucket="code || '/' || akun") + " UNION ALL "
        + part.format(bucket="'#' || jenis")
        + ") GROUP BY year, bucket, date ORDER BY year, bucket, date", (after_rowid, after_rowid))


def running(deltas):
    """The figures ``(ceiling, locked, realised)`` after each ``(dc, dl, dr)`` in turn: how
    a line's days (``cumulative``) and a line's events (``reports.history``) add up."""
    c = l = r = 0
    for dc, dl, dr in deltas:
        c, l, r = c + dc, l + dl, r + dr
        yield c, l, r


def cumulative(rows):
    """Per (year, bucket), in order: ``(year, bucket, date, dc, dl, dr, c, l, r)`` with the
    figures at the end of each day, from ``daily_deltas`` rows (or daily rows' first six
    columns)."""
    import itertools

    for _bucket, days in itertools.groupby(rows, key=lambda row: row[:2]):
        days = list(days)
        for day, figures in zip(days, running(day[3:] for day in days)):
            yield (*day, *figures)


def merge_daily(conn, changes, check):
    """Fold a batch's ``daily_deltas`` into the daily table, one bucket at a time, and
    recompute each touched bucket's cumulative figures from its earliest changed date on.
    ``check(year, bucket, date, c, l, r)`` is called for every row from there on (line and
    jenis buckets); it may raise to refuse the batch. Returns the years touched."""
    import itertools

    years = set()
    for (year, bucket), days in itertools.groupby(changes, key=lambda row: row[:2]):
        rows = {r[0]: [r[1], r[2], r[3]] for r in conn.execute(
            "SELECT date, d_ceiling, d_locked, d_realised FROM daily WHERE year = ? AND bucket = ?",
            (year, bucket))}
        first = None
        for _y, _b, date, dc, dl, dr in days:
            first = first or date
            row = rows.setdefault(date, [0, 0, 0])
            row[0] += dc
            row[1] += dl
            row[2] += dr
        out = []
        for row in cumulative((year, bucket, date, *rows[date]) for date in sorted(rows)):
            if row[2] >= first:
                out.append(row)
                check(*row[:3], *row[6:])
        conn.executemany("INSERT OR REPLACE INTO daily VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", out)
        conn.execute("INSERT OR IGNORE INTO buckets VALUES (?, ?)", (year, bucket))
        years.add(year)
    return years


def totals(conn, year):
    """``(date, ceiling, locked, realised)`` of the whole satker at the end of every day of
    ``year`` on which a figure changed: the sum of its jenis buckets (a few per day)."""
    latest, out = {}, []
    rows = conn.execute("SELECT date, bucket, ceiling, locked, realised FROM daily WHERE "
                        "year = ? AND bucket >= '#' AND bucket < '$' ORDER BY date",  # the key
                        (year,)).fetchall()
    for i, (date, bucket, c, l, r) in enumerate(rows):
        latest[bucket] = (c, l, r)
        if i + 1 == len(rows) or rows[i + 1][0] != date:
            out.append((date, *(sum(f) for f in zip(*latest.values()))))
    return out


LATEST = """
SELECT d.bucket, d.ceiling, d.locked, d.realised, (
  SELECT x.realised FROM daily x WHERE x.year = b.year AND x.bucket = b.bucket AND x.date <= ?
  ORDER BY x.date DESC LIMIT 1) FROM buckets b
JOIN daily d ON d.year = b.year AND d.bucket = b.bucket AND d.date = (
  SELECT max(x.date) FROM daily x WHERE x.year = b.year AND x.bucket = b.bucket AND x.date <= ?)
WHERE b.year = ? AND {which}
"""


def figures_as_of(conn, year, as_of, period_start, jenis=False):
    """Bucket -> Figures from the daily projection (every event recorded so far): for each
    bucket, in one query, its last day on or before the date and its realised on the day
    before the period starts (two index seeks), whatever the number of events."""
    which = "b.bucket LIKE '#%'" if jenis else "b.bucket NOT LIKE '#%'"
    before = _day_before(period_start) if period_start > f"{year}-01-01" else f"{year - 1}-12-31"
    return {_strip(bucket, jenis): Figures(c, l, r, rb or 0) for bucket, c, l, r, rb in
            conn.execute(LATEST.format(which=which), (before, as_of, year))}


def _day_before(date):
    import datetime as dt
    return (dt.date.fromisoformat(date) - dt.timedelta(days=1)).isoformat()


GROUPS = {"line": "code, akun", "jenis": "jenis", "line_jenis": "code, akun, jenis"}


def fold(conn, year, group="line", as_of=None, max_seq=None, period_start=None):
    """The one fold of postings into figures, for what the maintained daily projection
    cannot answer (``--known-at`` reports, year-end seals, the data-package export): rows
    ``(*group, ceiling, locked, realised, realised_before, initial ceiling)`` in group
    order, over the postings of ``year`` dated on or before ``as_of`` and with ``seq`` up
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
        "SUM(CASE WHEN kind = 'pagu' THEN ceiling ELSE 0 END) "
        f"FROM postings WHERE {' AND '.join(where)} GROUP BY {columns} ORDER BY {columns}", params)


def figures_known_at(conn, year, as_of, period_start, max_seq, jenis=False):
    """Bucket -> Figures folded from postings with ``seq <= max_seq`` (for --known-at)."""
    if jenis:
        rows = fold(conn, year, "jenis", as_of, max_seq, period_start)
        return {j: Figures(c, l, r, rb) for j, c, l, r, rb, _initial in rows}
    rows = fold(conn, year, "line", as_of, max_seq, period_start)
    return {f"{code}/{akun}": Figures(c, l, r, rb) for code, akun, c, l, r, rb, _initial in rows}


def _strip(bucket, jenis):
    return bucket[1:] if jenis else bucket
