"""Year end: sealing a fiscal year after reconciliation (``anggaran close YEAR``).

The seal is one appended event of kind ``close`` dated 31 December of the year. Its
``seal`` holds every line's final ceiling, locked and realised figures and the chain head
hash before it. Afterwards any event dated in that year is refused (rule 9), and
``verify`` checks that the sealed figures still equal a replay of the log.
"""

import datetime as dt

from .errors import AnggaranError, UsageError
from .chain import identity
from .events import Event, canonical_json
from .projections import fold


def seal_figures(conn, year, before_seq):
    """``{line: [ceiling, locked, realised]}`` of a year from events before ``before_seq``
    (``projections.fold``)."""
    max_seq = None if before_seq == float("inf") else before_seq - 1
    return {f"{code}/{akun}": [c, l, r]
            for code, akun, c, l, r, _rb, _initial in fold(conn, year, max_seq=max_seq)}


def close_year(ledger, year, today=None):
    """Append the seal of ``year``; refuse a closed year, an open lock or an unfinished year."""
    try:
        year = int(str(year).strip())
        if not 1900 <= year <= 2999:
            raise ValueError
    except (TypeError, ValueError):
        raise UsageError(f"YEAR '{year}' must be a fiscal year like 2024") from None
    today = today or dt.date.today()
    if year >= today.year:
        raise AnggaranError(f"{year} has not ended yet (today is {today.isoformat()}); close a "
                            "year after 31 December, once it is reconciled")
    conn = ledger.conn

    def seal_it():
        closed = conn.execute("SELECT seq FROM events WHERE kind = 'close' AND year = ?",
                              (year,)).fetchone()
        if closed:
            raise AnggaranError(f"{year} is already closed (seal at seq {closed[0]})")
        head_seq, head_hash = ledger.head()
        lines = seal_figures(conn, year, head_seq + 1)
        if not lines:
            raise AnggaranError(f"there are no budget events dated in {year}: nothing to close")
        locked = {line: f[1] for line, f in lines.items() if f[1] != 0}
        if locked:
            line, amount = next(iter(sorted(locked.items())))
            from .money import rupiah
            raise AnggaranError(f"{year} cannot be closed: lock pagu of {rupiah(amount)} still "
                                f"stands on {line}" + (f" and {len(locked) - 1} more line(s)"
                                                       if len(locked) > 1 else "")
                                + "; record the unlock (or the revision's outcome) first")
        seal = canonical_json({"year": year, "head_hash": head_hash, "lines": lines})
        event = Event(kind="close", date=f"{year}-12-31")
        ident = identity(event.canonical(), seal)
        return event, ident, seal

    return ledger.append_seal(seal_it)

