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
from .dates import iso_day
from .errors import AnggaranError, UsageError
from .money import percent
from .names import names_known, shipped

LEVELS = ("program", "kegiatan", "akun", "jenis")
FIGURES = ("ceiling", "locked", "realised_before", "realised_in_period", "realised",
           "absorption_pct", "balance", "available")


def parse_date(text, what):
    """A date option (``--as-of``, ``--from``) as ``YYYY-MM-DD`` (typed that way or day
    first, ``31/12/2024``, ``31-12-2024``); UsageError otherwise."""
    if isinstance(text, dt.date):
        text = text.isoformat()
    raw = str(text).strip()
    try:
        return iso_day(raw)
    except ValueError:
        raise UsageError(f"{what} '{raw[:40]}' is not a date like 2024-12-31 or "
                         "31/12/2024") from None


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


def moment(ledger, as_of=None, known_at=None, today=None):
    """What a listing (``contracts``, ``bendahara``) reads: ``(as_of, known_at, max_seq,
    year)`` after the defaults and checks of ``resolve_dates`` and ``resolve_known_at``.
    Call it inside the read transaction, so the seq bound and the reads agree."""
    as_of, _ = resolve_dates(ledger, as_of, None, today)
    known, max_seq = resolve_known_at(ledger, known_at)
    return as_of, known, max_seq, int(as_of[:4])


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
    """bucket -> Figures, from the daily projection when nothing is hidden by known-at.
    A line (or jenis) whose every event up to the date was voided has no row: a voided
    event counts nowhere."""
    if max_seq >= ledger.head()[0]:
        found = projections.figures_as_of(ledger.conn, year, as_of, period_start, jenis)
    else:
        found = projections.figures_known_at(ledger.conn, year, as_of, period_start, max_seq, jenis)
    for bucket in [b for b, f in found.items() if not any(f)]:
        if not _live(ledger.conn, year, bucket, as_of, max_seq, jenis):
            del found[bucket]
    return found


def _live(conn, year, bucket, as_of, max_seq, jenis):
    """Whether the bucket holds a posting up to ``as_of`` of an event that is neither a void
    nor voided by ``max_seq`` (asked only of the rare rows whose figures are all zero)."""
    where = "jenis = ?" if jenis else "code = ? AND akun = ?"
    keys = (bucket,) if jenis else tuple(bucket.split("/"))
    return conn.execute(
        f"SELECT 1 FROM postings p WHERE year = ? AND {where} AND date <= ? AND seq <= ? "
        "AND NOT EXISTS (SELECT 1 FROM events v WHERE v.voids = p.seq AND v.seq <= ?) AND "
        "(SELECT e.kind FROM events e WHERE e.seq = p.seq) <> 'void' LIMIT 1",
        (year, *keys, as_of, max_seq, max_seq)).fetchone() is not None


def row(code, level, name, f):
    return {
        "code": code, "level": level, "name": name,
        "ceiling": f.ceiling, "locked": f.locked,
        "realised_before": f.realised_before, "realised_in_period": f.realised_in_period,
        "realised": f.realised, "absorption_pct": percent(f.realised, f.ceiling),
        "balance": f.balance, "available": f.available,
        "blocked": f.blocked, "committed": f.committed,
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


def first_dates(ledger, known_at=None):
    """``{year: date of its first budget event}`` over the events recorded by ``known_at``
    (all when None): what the ledger holds, for saying why a report has no rows."""
    conn = ledger.conn
    conn.execute("BEGIN")
    try:
        _, max_seq = resolve_known_at(ledger, known_at)
        return dict(conn.execute("SELECT year, min(date) FROM postings WHERE seq <= ? "
                                 "GROUP BY year ORDER BY year", (max_seq,)).fetchall())
    finally:
        conn.execute("ROLLBACK")


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


_FOUR = operator.attrgetter(*projections.Figures._fields)  # every figure, in order


def _total(figures):
    """The sum of many Figures in one pass (``+`` builds a Figures per step)."""
    return projections.Figures(*map(sum, zip(*map(_FOUR, figures))))


HISTORY_FIGURES = ("ceiling", "locked", "realised", "blocked", "committed")  # postings' columns


def history(ledger, code, akun=None, as_of=None, known_at=None, today=None):
    """Every event that touched a code's lines (or one line with ``akun``) in the as-of
    year up to the as-of date, in effective-date order, with running figures. A voided
    event keeps its row with zero deltas and ``voided_by`` (the void's seq); as known at a
    time before its void, it counts and ``voided_by`` is null.

    Rows carry the deltas and running figures of ceiling, locked, realised, blocked and
    committed. An SP2D or addendum dated before a close of its contract but recorded after
    it (or a void of one recorded before it) also moves what the close released: that
    delta shows on the close's row, which reads what the close released in the end."""
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
        # Per posting: the void that cancels its event, if recorded by max_seq; and whether
        # it is a void's own (negating) posting, which the voided event's row stands for.
        sql = ("SELECT p.seq, p.date, p.recorded_at, p.kind, p.ref, p.ceiling, p.locked, "
               "p.realised, p.blocked, p.committed, (SELECT v.seq FROM events v WHERE v.voids = p.seq AND v.seq <= ?), "
               "(SELECT e.kind FROM events e WHERE e.seq = p.seq) = 'void', p.release, "
               "p.contract, CASE WHEN p.kind = 'sp2d' THEN COALESCE((SELECT e.payment FROM "
               "events e WHERE e.seq = p.seq), 'ls') END FROM postings p "
               "WHERE p.year = ? AND p.code = ? AND p.date <= ? AND p.seq <= ?")
        args = [max_seq, year, code, as_of, max_seq]
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
    events, voided_by = [], {}  # one per event: both sides of a shift inside the code are one row
    closes = {}  # (contract, date) -> index in events of its close's row
    payments = {}  # seq -> an SP2D's payment (ls, gup, gup_nihil, ptup)
    for record in records:
        *record, by, is_void, release, contract, payment = record
        if payment is not None and not is_void:
            payments[record[0]] = payment
        if release and not (record[3] == "contract_close" and not is_void):
            # What a later event (or a void) moved a close's release by shows on the
            # close's row, which then reads what the close released in the end.
            at = closes.get((contract, record[1]))
            if at is not None and events[at][0] not in voided_by:
                events[at] = (*events[at][:5], *(a + b for a, b in zip(events[at][5:],
                                                                       record[5:])))
            continue
        if is_void:
            continue  # a void shows as its voided event's row, with zero deltas
        if by is not None:  # a voided event keeps its row, moving nothing
            voided_by[record[0]] = by
            record[5:] = (0,) * len(HISTORY_FIGURES)
        if events and events[-1][:2] == tuple(record[:2]):  # one event, one date
            events[-1] = (*events[-1][:5], *(a + b for a, b in zip(events[-1][5:], record[5:])))
        else:
            events.append(tuple(record))
            if record[3] == "contract_close" and by is None:  # a voided close takes its own
                closes[(contract, record[1])] = len(events) - 1
    rows = [{"seq": seq, "date": date, "recorded_at": recorded_at, "kind": kind, "ref": ref,
             "delta_ceiling": dc, "delta_locked": dl, "delta_realised": dr,
             "ceiling": c, "locked": l, "realised": r, "balance": c - r,
             "absorption_pct": percent(r, c), "voided_by": voided_by.get(seq),
             "delta_blocked": db, "delta_committed": dk, "blocked": b, "committed": k,
             "payment": payments.get(seq)}
            for (seq, date, recorded_at, kind, ref, dc, dl, dr, db, dk), (c, l, r, b, k)
            in zip(events, projections.running(e[5:] for e in events))]
    return {"code": code, "akun": akun, "year": year, "as_of": as_of, "rows": rows}


# ------------------------------------------------------------------ absorption

MONTH_ENDS = ("01-31", "02-29", "03-31", "04-30", "05-31", "06-30",
              "07-31", "08-31", "09-30", "10-31", "11-30", "12-31")


def shipped_targets(year):
    """The quarterly targets shipped for ``year`` (``ledger_data/targets_YEAR.csv``), or
    None when none are shipped for it: another year's targets are never used instead."""
    try:
        text = shipped(f"targets_{int(year)}.csv")
    except (FileNotFoundError, ModuleNotFoundError):
        return None
    return read_targets(io.StringIO(text))


def read_targets(stream):
    """Quarterly absorption targets: CSV ``jenis,tw1,tw2,tw3,tw4``, ``,`` or ``;``
    separated, each target a percentage from 0 to 100 written ``20``, ``20.5``, ``20,5``
    (Indonesian decimal comma, in a ``;`` file or a quoted cell) or ``20%``. ``{jenis:
    (tw1, tw2, tw3, tw4)}`` as Decimals; a bad cell is refused naming its row (the line of
    the file) and column."""
    text = stream.read()
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    need = {"jenis", "tw1", "tw2", "tw3", "tw4"}
    if not reader.fieldnames or not need <= {(f or "").strip().lower() for f in reader.fieldnames}:
        raise AnggaranError("a targets file needs the header jenis,tw1,tw2,tw3,tw4 "
                            "(e.g. 52,15,50,70,90)")
    targets, first_row = {}, {}
    for rec in reader:
        n = reader.line_num
        if None in rec:  # restkey: more cells than the header names
            raise AnggaranError(f"targets row {n} has more cells than the header; a decimal "
                                "comma in a ,-separated file needs quotes (\"20,5\"), or "
                                "separate the file with ;")
        rec = {k.strip().lower(): (v or "").strip() for k, v in rec.items() if k}
        if not any(rec.values()):
            continue
        jenis = rec["jenis"]
        if not (len(jenis) == 2 and jenis.isascii() and jenis.isdigit()):
            raise AnggaranError(f"targets row {n}, column jenis: '{jenis[:20]}' is not a jenis "
                                "belanja like 52")
        if jenis in first_row:
            raise AnggaranError(f"targets row {n}, column jenis: jenis {jenis} is already given "
                                f"in row {first_row[jenis]}")
        first_row[jenis] = n
        targets[jenis] = tuple(_target(rec[f"tw{q}"], n, f"tw{q}") for q in range(1, 5))
    if not targets:
        raise AnggaranError("the targets file has a header but no rows (e.g. 52,15,50,70,90)")
    return targets


def _target(text, row, column):
    """One target cell as a Decimal percentage (``20``, ``20.5``, ``20,5``, ``20%``)."""
    from decimal import Decimal, InvalidOperation

    number = text.removesuffix("%").strip().replace(",", ".")
    try:
        if not number or not all(c.isdigit() or c == "." for c in number) or not number.isascii():
            raise InvalidOperation
        value = Decimal(number)
        if not 0 <= value <= 100:
            raise InvalidOperation
    except InvalidOperation:
        raise AnggaranError(f"targets row {row}, column {column}: '{text[:20]}' is not a "
                            "percentage from 0 to 100 (write 20, 20.5, 20,5 or 20%)") from None
    return value


def absorption(ledger, year=None, targets=None, known_at=None, today=None):
    """Cumulative absorption at each month end per jenis belanja (realised over ceiling −
    lock), with the quarterly targets and whether each quarter end is below target.

    ``targets`` (``read_targets``) default to those shipped for the year; when none are
    shipped the target cells are None and ``note`` says so (otherwise ``note`` is None)."""
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
    note = None
    if targets is None:
        targets = shipped_targets(year)
        if targets is None:
            targets = {}
            note = (f"no absorption targets are shipped for {year}; the target columns are "
                    "empty (give them with --targets FILE)")
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
    return {"satker": ledger.satker, "year": year, "note": note, "rows": rows}


def _leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
