"""Reports as of any date: the SP2D realisation report, jenis belanja, line history,
monthly absorption. Every function returns rows (dicts); the CLI renders them.

Dates: ``as_of`` defaults to today, but not past 31 December of the latest year that has
an event; ``period_start`` (``--from``) defaults to the first day of the as-of month and
must lie in the as-of year, not after it. ``known_at`` restricts the log to events
recorded at or before that moment, so a report equals what the ledger printed then.
"""

import csv
import datetime as dt
import io
import operator

from . import codes, projections, store
from .dates import DATE_RE, FIRST_YEAR, LAST_YEAR
from .errors import UsageError
from .money import percent
from .names import names_known, shipped

LEVELS = ("program", "kegiatan", "akun", "jenis")
FIGURES = ("ceiling", "locked", "realised_before", "realised_in_period", "realised",
           "absorption_pct", "balance", "available")


def parse_date(text, what):
    """A date option (``--as-of``, ``--from``) as ``YYYY-MM-DD``; UsageError otherwise."""
    if isinstance(text, dt.date):
        text = text.isoformat()
    raw = str(text).strip()
    try:
        if not DATE_RE.match(raw) or not FIRST_YEAR <= int(raw[:4]) <= LAST_YEAR:
            raise ValueError
        return dt.date.fromisoformat(raw).isoformat()
    except ValueError:
        raise UsageError(f"{what} '{raw[:40]}' is not a date like 2024-12-31") from None


def resolve_dates(ledger, as_of=None, period_start=None, today=None):
    """The as-of date and period start after defaults and checks (UsageError if off)."""
    if as_of is None:
        today = today or dt.date.today()
        # A seal is dated in a year that has other events, so max(year) is a money year.
        last = store.last_year(ledger.conn)
        as_of = today.isoformat()
        if last is not None and as_of > f"{last}-12-31":
            as_of = f"{last}-12-31"
    else:
        as_of = parse_date(as_of, "--as-of")
    if period_start is None:
        period_start = as_of[:8] + "01"
    else:
        period_start = parse_date(period_start, "--from")
        if period_start[:4] != as_of[:4] or period_start > as_of:
            raise UsageError(f"--from {period_start} must be in the as-of year {as_of[:4]} and "
                             f"not after --as-of {as_of}")
    return as_of, period_start


def resolve_known_at(ledger, known_at):
    """(normalised time or None, the last seq recorded at or before it)."""
    from .dates import parse_time

    head_seq = ledger.head()[0]
    if known_at is None:
        return None, head_seq
    try:
        moment = parse_time(known_at, "--known-at")
    except ValueError as e:
        raise UsageError(str(e)) from None
    return moment, last_seq_recorded_by(ledger.conn, moment, head_seq)


def last_seq_recorded_by(conn, moment, head_seq):
    """The last seq recorded at or before ``moment``: a binary search over seq, since
    ``recorded_at`` never goes backwards along the log (append refuses it, verify checks
    it), so no index on ``recorded_at`` has to be kept up on every append."""
    lo, hi = 0, head_seq
    while lo < hi:
        mid = (lo + hi + 1) // 2
        row = conn.execute("SELECT recorded_at FROM events WHERE seq >= ? ORDER BY seq LIMIT 1",
                           (mid,)).fetchone()
        if row is not None and row[0] <= moment:
            lo = mid
        else:
            hi = mid - 1
    return lo


def figures(ledger, year, as_of, period_start, max_seq, jenis=False):
    """bucket -> Figures, from the daily projection when nothing is hidden by known-at."""
    if max_seq >= ledger.head()[0]:
        return projections.figures_as_of(ledger.conn, year, as_of, period_start, jenis)
    return projections.figures_known_at(ledger.conn, year, as_of, period_start, max_seq, jenis)


def row(code, level, name, f):
    return {
        "code": code, "level": level, "name": name,
        "ceiling": f.ceiling, "locked": f.locked,
        "realised_before": f.realised_before, "realised_in_period": f.realised_in_period,
        "realised": f.realised, "absorption_pct": percent(f.realised, f.ceiling),
        "balance": f.balance, "available": f.available,
    }


def report(ledger, as_of=None, period_start=None, known_at=None, by="kegiatan", today=None):
    """The realisation report as a dict: satker, year, as_of, from, known_at, by, rows."""
    if by not in LEVELS:
        raise UsageError(f"--by must be one of {', '.join(LEVELS)}")
    ledger.conn.execute("BEGIN")
    try:
        as_of, period_start = resolve_dates(ledger, as_of, period_start, today)
        known, max_seq = resolve_known_at(ledger, known_at)
        year = int(as_of[:4])
        names = names_known(ledger.conn, max_seq)
        lines = figures(ledger, year, as_of, period_start, max_seq, jenis=(by == "jenis"))
    finally:
        ledger.conn.execute("ROLLBACK")
    rows = [row("", "total", "JUMLAH SELURUHNYA", _total(lines.values()))]
    if by == "jenis":
        for jenis in sorted(lines, key=lambda j: (j == codes.NO_JENIS, j)):
            rows.append(row(jenis, "jenis", codes.jenis_name(jenis), lines[jenis]))
    else:
        rows += _tree(lines, names, by)
    return {"satker": ledger.satker, "year": year, "as_of": as_of, "from": period_start,
            "known_at": known, "by": by, "rows": rows}


def _tree(lines, names, by):
    """Program, kegiatan and line rows. The lines are grouped under their kegiatan and
    the kegiatan under their program in one pass, and each group summed once: the cost
    is O(lines · log lines) (the sorting), never a scan of every line per kegiatan."""
    kegiatan_in, lines_in = {}, {}
    for bucket in lines:
        k = codes.kegiatan_of(bucket.split("/")[0])
        if k not in lines_in:
            lines_in[k] = []
            kegiatan_in.setdefault(codes.program_of(k), []).append(k)
        lines_in[k].append(bucket)
    rows = []
    for p in sorted(kegiatan_in):
        kegiatan = {k: _total(lines[b] for b in lines_in[k]) for k in sorted(kegiatan_in[p])}
        rows.append(row(p, "program", names.get(p, ""), _total(kegiatan.values())))
        if by == "program":
            continue
        for k, f in kegiatan.items():
            rows.append(row(k, "kegiatan", names.get(k, ""), f))
            if by != "akun":
                continue
            for bucket in sorted(lines_in[k], key=codes.line_order):
                code = bucket.split("/")[0]
                rows.append(row(bucket, "akun", names.get(code, "") if code != k else "", lines[bucket]))
    return rows


_FOUR = operator.attrgetter("ceiling", "locked", "realised", "realised_before")


def _total(figures):
    """The sum of many Figures in one pass (``+`` builds a Figures per step)."""
    return projections.Figures(*map(sum, zip(*map(_FOUR, figures))))


def history(ledger, code, akun=None, as_of=None, known_at=None, today=None):
    """Every event that touched a code's lines (or one line with ``akun``) in the as-of
    year up to the as-of date, in effective-date order, with running figures."""
    if "/" in code:
        c, _, a = code.partition("/")
        raise UsageError(f"write one line as CODE --akun AKUN: history {c}" + (f" --akun {a}" if a else ""))
    if not codes.is_code(code):
        raise UsageError(f"'{code}' is not a budget code like CQ.6639")
    if akun is not None and not codes.is_akun(akun):
        raise UsageError(f"--akun '{akun}' is not a six-digit akun like 521211")
    conn = ledger.conn
    conn.execute("BEGIN")
    try:
        as_of, _ = resolve_dates(ledger, as_of, None, today)
        _, max_seq = resolve_known_at(ledger, known_at)
        year = int(as_of[:4])
        sql = ("SELECT p.seq, p.date, p.recorded_at, p.kind, p.ref, p.ceiling, p.locked, "
               "p.realised FROM postings p "
               "WHERE p.year = ? AND p.code = ? AND p.date <= ? AND p.seq <= ?")
        args = [year, code, as_of, max_seq]
        if akun is not None:
            if store.code_levels(conn, year, code) == {"code"}:
                raise UsageError(f"{code} keeps one code-level line in {year} ({code}/): omit --akun "
                                 "(the akun on its SP2Ds counts only for the jenis report)")
            sql += " AND p.akun = ?"
            args.append(akun)
        sql += " ORDER BY p.date, p.seq"
        records = conn.execute(sql, args).fetchall()
    finally:
        conn.execute("ROLLBACK")
    events = []  # one per event: both sides of a shift inside the code are one row
    for record in records:
        if events and events[-1][0] == record[0]:
            events[-1] = (*events[-1][:5], *(a + b for a, b in zip(events[-1][5:], record[5:])))
        else:
            events.append(tuple(record))
    rows = [{"seq": seq, "date": date, "recorded_at": recorded_at, "kind": kind, "ref": ref,
             "delta_ceiling": dc, "delta_locked": dl, "delta_realised": dr,
             "ceiling": c, "locked": l, "realised": r, "balance": c - r,
             "absorption_pct": percent(r, c)}
            for (seq, date, recorded_at, kind, ref, dc, dl, dr), (c, l, r)
            in zip(events, projections.running(e[5:] for e in events))]
    return {"code": code, "akun": akun, "year": year, "as_of": as_of, "rows": rows}


# ------------------------------------------------------------------ absorption

MONTH_ENDS = ("01-31", "02-29", "03-31", "04-30", "05-31", "06-30",
              "07-31", "08-31", "09-30", "10-31", "11-30", "12-31")


def default_targets():
    text = shipped("targets_2024.csv")
    return read_targets(io.StringIO(text))


def read_targets(stream):
    """Quarterly absorption targets: CSV ``jenis,tw1,tw2,tw3,tw4`` (percent, whole or decimal)."""
    from decimal import Decimal, InvalidOperation

    targets = {}
    reader = csv.DictReader(stream)
    need = {"jenis", "tw1", "tw2", "tw3", "tw4"}
    if not reader.fieldnames or not need <= {f.strip() for f in reader.fieldnames}:
        raise UsageError("a targets file needs the header jenis,tw1,tw2,tw3,tw4 "
                         "(e.g. 52,15,50,70,90)")
    for n, rec in enumerate(reader, start=1):
        rec = {k.strip(): (v or "").strip() for k, v in rec.items() if k}
        try:
            values = tuple(Decimal(rec[f"tw{q}"]) for q in range(1, 5))
            if not all(v.is_finite() and 0 <= v <= 100 for v in values):
                raise InvalidOperation
            targets[rec["jenis"]] = values
        except InvalidOperation:
            raise UsageError(f"targets row {n}: tw1..tw4 must be percentages from 0 to 100, "
                             "like 50 or 72.5") from None
    return targets


def absorption(ledger, year=None, targets=None, known_at=None, today=None):
    """Cumulative absorption at each month end per jenis belanja (realised over ceiling −
    lock), with the quarterly targets and whether each quarter end is below target."""
    targets = default_targets() if targets is None else targets
    conn = ledger.conn
    conn.execute("BEGIN")
    try:
        if year is None:
            year = int(resolve_dates(ledger, None, None, today)[0][:4])
        year = int(year)
        _, max_seq = resolve_known_at(ledger, known_at)
        months = []
        for m, end in enumerate(MONTH_ENDS, start=1):
            day = f"{year}-{end}"
            if end == "02-29" and not _leap(year):
                day = f"{year}-02-28"
            months.append(figures(ledger, year, day, f"{year}-01-01", max_seq, jenis=True))
    finally:
        conn.execute("ROLLBACK")
    kinds = sorted({j for month in months for j in month}, key=lambda j: (j == codes.NO_JENIS, j))
    rows = []
    for jenis in [""] + kinds:
        cells = []
        for m, month in enumerate(months, start=1):
            if jenis:
                f = month.get(jenis, projections.Figures())
            else:
                f = sum(month.values(), projections.Figures())
            pct = percent(f.realised, f.ceiling - f.locked)
            target = None
            if m % 3 == 0 and jenis in targets:
                target = targets[jenis][m // 3 - 1]
            cells.append({"month": m, "realised": f.realised, "ceiling": f.ceiling,
                          "locked": f.locked, "absorption_pct": pct, "target_pct": target,
                          "below_target": target is not None and pct < target})
        rows.append({"jenis": jenis or "", "name": codes.jenis_name(jenis) if jenis else "TOTAL SATKER",
                     "months": cells})
    return {"satker": ledger.satker, "year": year, "rows": rows}


def _leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
