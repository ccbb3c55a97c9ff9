"""Year end: sealing a fiscal year after reconciliation (``anggaran close YEAR``).

The seal is one appended event of kind ``close`` dated 31 December of the year. Its
``seal`` holds every line's final ceiling, locked, blocked, committed and realised figures
(a seal made before v2.0: ceiling, locked, realised) and the chain head hash before it. Afterwards any event dated in that year is refused (rule 9), and
``verify`` checks that the sealed figures still equal a replay of the log.

Closing is permanent. The library seals when asked (``Ledger.close_year``); asking the
person first is the command line's job, which shows ``year_totals`` — the same checks
and figures the seal would record — before it asks.
"""

import datetime as dt

from .errors import AnggaranError, UsageError
from .money import rupiah
from .projections import fold


def seal_figures(conn, year, before_seq, legacy=False):
    """``{line: [ceiling, locked, blocked, committed, realised]}`` of a year from events
    before ``before_seq`` (``projections.fold``); with ``legacy``, ``[ceiling, locked,
    realised]`` as seals made before v2.0 hold them."""
    max_seq = None if before_seq == float("inf") else before_seq - 1
    rows = fold(conn, year, max_seq=max_seq)
    if legacy:
        return {f"{code}/{akun}": [c, l, r] for code, akun, c, l, r, _rb, _i, _b, _k in rows}
    return {f"{code}/{akun}": [c, l, b, k, r] for code, akun, c, l, r, _rb, _i, b, k in rows}


def parse_year(year):
    """``YEAR`` as an int, or UsageError (exit 2)."""
    try:
        number = int(str(year).strip())
        if not 1900 <= number <= 2999:
            raise ValueError
    except (TypeError, ValueError):
        raise UsageError(f"YEAR '{year}' must be a fiscal year like 2024") from None
    return number


def _ended(year, today):
    today = today or dt.date.today()
    if year >= today.year:
        raise AnggaranError(f"{year} has not ended yet (today is {today.isoformat()}); close a "
                            "year after 31 December, once it is reconciled")


def _closable_lines(ledger, year):
    """The year's lines as the seal would record them, after the refusals: a closed year,
    a year with no events, a lock still standing. Reads inside the caller's transaction."""
    conn = ledger.conn
    closed = conn.execute("SELECT seq FROM events WHERE kind = 'close' AND year = ?",
                          (year,)).fetchone()
    if closed:
        raise AnggaranError(f"{year} is already closed (seal at seq {closed[0]})")
    lines = seal_figures(conn, year, float("inf"))
    if not lines:
        raise AnggaranError(f"there are no budget events dated in {year}: nothing to close")
    locked = {line: f[1] for line, f in lines.items() if f[1] != 0}
    if locked:
        line, amount = next(iter(sorted(locked.items())))
        raise AnggaranError(f"{year} cannot be closed: lock pagu of {rupiah(amount)} still "
                            f"stands on {line}" + (f" and {len(locked) - 1} more line(s)"
                                                   if len(locked) > 1 else "")
                            + "; record the unlock (or the revision's outcome) first")
    open_contract = conn.execute(
        "SELECT c.ref, c.seq FROM events c WHERE c.year = ? AND c.ref IS NOT NULL AND "
        "c.kind <> 'sp2d' AND c.kind = 'contract' AND "  # through events_key
        "NOT EXISTS (SELECT 1 FROM events v WHERE v.voids = c.seq) AND NOT EXISTS (SELECT 1 "
        "FROM events x WHERE x.year = c.year AND x.contract = c.ref AND x.kind = 'contract_close' "
        "AND NOT EXISTS (SELECT 1 FROM events v WHERE v.voids = x.seq)) "
        "ORDER BY c.ref LIMIT 1", (year,)).fetchone()
    if open_contract:
        raise AnggaranError(f"{year} cannot be closed: contract {open_contract[0]} (seq "
                            f"{open_contract[1]}) is still open; record its contract_close first")
    for account, tup, outstanding in conn.execute(
            "SELECT account, tup, SUM(outstanding) FROM cash WHERE year = ? GROUP BY account, tup "
            "HAVING SUM(outstanding) <> 0 ORDER BY account DESC, tup LIMIT 1", (year,)):
        what = "UP" if account == "up" else f"TUP {tup}"
        raise AnggaranError(f"{year} cannot be closed: {what} of {rupiah(outstanding)} is still "
                            "outstanding with the bendahara; account for it ("
                            + ("GUP nihil" if account == "up" else "PTUP") + ") or return it (setoran "
                            f"{'UP' if account == 'up' else 'TUP'}) first")
    return lines


def _reconciled(ledger, year, statement):
    """Refuse unless ``statement`` equals the ledger as of 31 December of ``year``."""
    as_of = f"{year}-12-31"
    differences = ledger.reconcile(statement, as_of=as_of)["differences"]
    if differences:
        n = len(differences)
        raise AnggaranError(
            f"{year} is not closed: the statement {statement} differs from the ledger as of "
            f"{as_of} ({n} difference{'s' if n != 1 else ''}); see {'them' if n != 1 else 'it'} "
            f"with: anggaran reconcile {statement} --as-of {as_of}")


def year_totals(ledger, year, today=None, statement=None):
    """What closing ``year`` would seal, after the same refusals ``close_year`` makes (and,
    with ``statement``, the same reconciliation), writing nothing: ``{"year", "ceiling",
    "locked", "realised", "balance", "lines", "head_seq"}`` summed over the year's lines."""
    year = parse_year(year)
    _ended(year, today)
    if statement is not None:
        _reconciled(ledger, year, statement)
    conn = ledger.conn
    conn.execute("BEGIN")
    try:
        lines = _closable_lines(ledger, year)
        head_seq = ledger.head()[0]
    finally:
        conn.execute("ROLLBACK")
    ceiling, locked, blocked, _committed, realised = (sum(f[i] for f in lines.values())
                                                      for i in range(5))
    return {"year": year, "ceiling": ceiling, "locked": locked, "blocked": blocked,
            "realised": realised, "balance": ceiling - realised, "lines": len(lines),
            "head_seq": head_seq}


def close_year(ledger, year, today=None, statement=None):
    """Append the seal of ``year``; refuse a closed year, an open lock, an unfinished year,
    and, with ``statement`` (a treasury statement file, as for ``reconcile``), a year whose
    figures as of 31 December differ from it. The seal is appended only if nothing was
    recorded between the reconciliation and the seal."""
    from .chain import identity
    from .events import Event, canonical_json

    year = parse_year(year)
    _ended(year, today)
    reconciled_at = None
    if statement is not None:
        reconciled_at = ledger.head()[0]
        _reconciled(ledger, year, statement)

    def seal_it():
        lines = _closable_lines(ledger, year)
        head_seq, head_hash = ledger.head()
        if reconciled_at is not None and head_seq != reconciled_at:
            raise AnggaranError(f"{year} is not closed: events were recorded while the statement "
                                f"was compared (now up to seq {head_seq}); run close again")
        seal = canonical_json({"year": year, "head_hash": head_hash, "lines": lines})
        event = Event(kind="close", date=f"{year}-12-31")
        ident = identity(event.canonical(), seal)
        return event, ident, seal

    return ledger.append_seal(seal_it)
