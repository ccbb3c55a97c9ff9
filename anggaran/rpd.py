"""The withdrawal plan (RPD, Halaman III DIPA) against realisation: ``anggaran rpd``.

A ``plan`` event sets the planned realisation of one jenis belanja in one month; a later
plan for the same month and jenis replaces it (rule 11 keeps a month that has ended as it
was planned). For year Y and as-of date D, for every month of Y up to D and every jenis:

- ``plan``: the plan in force at the end of the month (the latest — by date, then seq —
  not voided plan for that month and jenis dated on or before the month's last day and
  D; none: 0);
- ``realised``: the net realisation of that jenis dated in that month, up to D (SP2D −
  refund ± correction: the jenis buckets of the daily projection);
- ``deviation_pct`` = min(100, 100 × |realised − plan| / plan); 100 when the plan is 0
  and something was realised; 0 when both are 0;
- ``weighted_deviation_pct`` = Σ deviation × the jenis' share of (ceiling − blocked) at the
  month's end (or D), over the jenis with a non-zero base (code-level ceilings have no
  jenis and take no part); null when no jenis has a base;
- ``average_deviation_pct``: the mean of the weighted deviations from January to the last
  full month up to D (a month whose last day is D is full), at most November; null with no
  full month (or none with a base).

Everything is exact (fractions) until the edge, where it is rounded half-up to 2 decimals
once. The IKPA's ``deviasi`` indicator scores the average as ``rpd`` prints it.
"""

from fractions import Fraction

from . import codes, reports
from .dates import FIRST_YEAR, LAST_YEAR
from .errors import UsageError
from .money import percent
from .rules import month_end


def rounded(value):
    """A Fraction percentage as the contract prints it: Decimal, half-up, 2 decimals."""
    return None if value is None else percent(value.numerator, 100 * value.denominator)


def deviation(plan, realised):
    """min(100, 100 × |realised − plan| / plan); 100 when plan is 0 and realised is not."""
    if plan == 0:
        return Fraction(0 if realised == 0 else 100)
    return min(Fraction(100), Fraction(100 * abs(realised - plan), plan))


def plans(conn, year, as_of, max_seq):
    """``{(month, jenis): [(date, seq, amount), …]}`` of the year's plans dated by ``as_of``,
    recorded by seq ``max_seq`` and not voided by then, in date, seq order."""
    out = {}
    for month, jenis, date, seq, amount in conn.execute(
            "SELECT month, jenis, date, seq, amount FROM events p WHERE year = ? AND "
            "kind = 'plan' AND date <= ? AND seq <= ? AND NOT EXISTS (SELECT 1 FROM events v "
            "WHERE v.voids = p.seq AND v.seq <= ?) ORDER BY date, seq",
            (year, as_of, max_seq, max_seq)):
        out.setdefault((month, jenis), []).append((date, seq, amount))
    return out


def in_force(found, month, jenis, day):
    """The plan in force on ``day`` for the month and jenis (0 when none)."""
    amount = 0
    for date, _seq, value in found.get((month, jenis), ()):
        if date <= day:
            amount = value
    return amount


class JenisFigures:
    """Figures per jenis belanja at any day of ``year`` up to ``upto``, as known at seq
    ``max_seq``: from the daily projection (one indexed look-up per jenis and day) when
    nothing is hidden, else from ONE fold of the year's postings by jenis and date, which
    every later day reads (``--known-at``: a dozen month ends cost one pass, not twelve).
    A jenis whose figures are all zero is kept (with zeros), never looked up in the log."""

    def __init__(self, ledger, year, upto, max_seq):
        self.conn, self.year = ledger.conn, year
        self.rows = None
        if max_seq < ledger.head()[0]:
            self.rows = self.conn.execute(
                "SELECT jenis, date, SUM(ceiling), SUM(locked), SUM(realised), SUM(blocked), "
                "SUM(committed) FROM postings WHERE year = ? AND date <= ? AND seq <= ? "
                "GROUP BY jenis, date ORDER BY date", (year, upto, max_seq)).fetchall()

    def at(self, day):
        """``{jenis: projections.Figures}`` at the end of ``day``."""
        from .projections import Figures, figures_as_of

        if self.rows is None:
            return figures_as_of(self.conn, self.year, day, f"{self.year}-01-01", jenis=True)
        sums = {}
        for jenis, date, c, l, r, b, k in self.rows:
            if date > day:
                break
            f = sums.get(jenis, (0, 0, 0, 0, 0))
            sums[jenis] = (f[0] + c, f[1] + l, f[2] + r, f[3] + b, f[4] + k)
        return {j: Figures(c, l, r, 0, b, k) for j, (c, l, r, b, k) in sums.items()}


def compute(ledger, year, as_of, max_seq):
    """The months of ``year`` up to ``as_of`` with exact figures: ``[{"month", "day" (its
    end or as_of), "jenis": {jenis: {"plan", "realised", "deviation", "base"}},
    "weighted" (Fraction or None), "full"}]``, and the average (Fraction or None). Reads
    inside the caller's transaction."""
    conn = ledger.conn
    found = plans(conn, year, as_of, max_seq)
    jenis_figures = JenisFigures(ledger, year, as_of, max_seq)
    months, before = [], {}
    for m in range(1, 13):
        month = f"{year}-{m:02d}"
        if f"{month}-01" > as_of:
            break
        end = month_end(month)
        day = min(end, as_of)
        figures = jenis_figures.at(day)
        kinds = ({j for j, f in figures.items() if j != codes.NO_JENIS and any(f)}
                 | {j for (mm, j) in found if mm == month})
        rows = {}
        for j in sorted(kinds):
            f = figures.get(j)
            realised_to_date = f.realised if f else 0
            plan = in_force(found, month, j, day)
            realised = realised_to_date - before.get(j, 0)
            rows[j] = {"plan": plan, "realised": realised, "deviation": deviation(plan, realised),
                       "base": (f.ceiling - f.blocked) if f else 0}
        before = {j: f.realised for j, f in figures.items()}
        total = sum(r["base"] for r in rows.values() if r["base"])
        weighted = (sum(r["deviation"] * r["base"] for r in rows.values() if r["base"]) / total
                    if total else None)
        months.append({"month": month, "day": day, "jenis": rows,
                       "weighted": None if weighted is None else Fraction(weighted),
                       "full": end <= as_of})
    counted = [m["weighted"] for m in months[:11] if m["full"] and m["weighted"] is not None]
    average = sum(counted) / len(counted) if counted else None
    return months, (None if average is None else Fraction(average))


def rpd(ledger, year=None, as_of=None, known_at=None, today=None):
    """``anggaran rpd``: ``{"satker", "year", "as_of", "known_at", "months": [{"month",
    "jenis": [{"jenis", "plan", "realised", "deviation_pct"}], "weighted_deviation_pct"}],
    "average_deviation_pct"}`` (see the module's docstring). ``year`` defaults to the as-of
    year; with a ``year`` and no ``as_of``, the as-of date is at most its 31 December."""
    conn = ledger.conn
    conn.execute("BEGIN")  # one snapshot for every read
    try:
        if year is not None and not FIRST_YEAR <= int(year) <= LAST_YEAR:
            raise UsageError(f"--year {year} is outside the fiscal years anggaran keeps "
                             f"({FIRST_YEAR}-{LAST_YEAR})")
        if year is not None and as_of is None:
            default = reports.resolve_dates(ledger, None, None, today)[0]
            as_of = min(default, f"{int(year)}-12-31")
        as_of, known, max_seq, as_of_year = reports.moment(ledger, as_of, known_at, today)
        year = as_of_year if year is None else int(year)
        if year > as_of_year:
            raise UsageError(f"--year {year} is after --as-of {as_of}; give an as-of date in "
                             "or after that year")
        months, average = compute(ledger, year, min(as_of, f"{year}-12-31"), max_seq)
    finally:
        conn.execute("ROLLBACK")
    return {"satker": ledger.satker, "year": year, "as_of": as_of, "known_at": known,
            "months": [{"month": m["month"],
                        "jenis": [{"jenis": j, "plan": r["plan"], "realised": r["realised"],
                                   "deviation_pct": rounded(r["deviation"])}
                                  for j, r in m["jenis"].items()],
                        "weighted_deviation_pct": rounded(m["weighted"])} for m in months],
            "average_deviation_pct": rounded(average)}

