"""The contract list (``anggaran contracts``): every contract (kontrak) of a year with its
value, what has been paid on it and what is still committed, as of any date and as known
at any time.

For as-of date D (its year Y) and known-at time T (only events recorded by then): every
contract of Y registered on or before D, in contract-number order, with

- ``value``: its amount plus or minus its addenda (``contract_change``) dated on or before D;
- ``paid`` / ``payments``: the sum and count of the SP2Ds naming it dated on or before D;
- ``status``: ``closed`` once a ``contract_close`` dated on or before D names it (with
  ``closed_on``, its date), else ``open``;
- ``outstanding``: value - paid while open, 0 once closed (what its close released).

A voided event counts nowhere (a void recorded after T does not count as known at T).
These are the figures the line's ``committed`` adds up (``projections.contract_postings``):
the open contracts' outstanding is what the funds view shows as Komitmen.

Reads go through indexes, never a scan of the log: the contract numbers of the year from
the per-contract buckets of the daily projection (``@K-01``), each contract through the
rule-6 key index (``events_key``), and the events naming contracts (addenda, closes,
payments) through ``events_contract``. The cost grows with the year's contracts and the
events that name them, not with the size of the log.
"""

from . import reports

# The contracts of a year registered by D and recorded (and not voided) by seq T.
REGISTERED = """
SELECT e.seq, e.ref, e.date, e.signed, e.code, e.akun, e.supplier, e.amount
FROM buckets b JOIN events e
  ON e.year = b.year AND e.ref = substr(b.bucket, 2) AND e.kind <> 'sp2d' AND e.kind = 'contract'
WHERE b.year = ? AND b.bucket >= '@' AND b.bucket < 'A' AND e.date <= ? AND e.seq <= ?
  AND NOT EXISTS (SELECT 1 FROM events v WHERE v.voids = e.seq AND v.seq <= ?)
ORDER BY b.bucket
"""  # '@' and the number: contract-number order, as the key reads them

# The events of a year naming a contract (addenda, closes, payments), dated by D, recorded
# (and not voided) by seq T.
_NAMING = """
SELECT e.contract, e.seq, e.kind, e.date, e.amount FROM events e
WHERE e.year = ? AND e.contract IS NOT NULL AND e.date <= ? AND e.seq <= ?
  AND NOT EXISTS (SELECT 1 FROM events v WHERE v.voids = e.seq AND v.seq <= ?)
"""


def contracts(ledger, as_of=None, known_at=None, today=None):
    """``{"satker", "year", "as_of", "known_at", "contracts": [...]}``: the year's contracts
    as of ``as_of`` (default as for ``report``), as known at ``known_at`` (ISO 8601; None:
    everything recorded)."""
    conn = ledger.conn
    conn.execute("BEGIN")  # one snapshot for every read
    try:
        as_of, known, max_seq, year = reports.moment(ledger, as_of, known_at, today)
        found = {}
        for seq, ref, date, signed, code, akun, supplier, amount in conn.execute(
                REGISTERED, (year, as_of, max_seq, max_seq)):
            found[ref] = {"seq": seq, "ref": ref, "date": date, "signed": signed or date,
                          "code": code, "akun": akun, "supplier": supplier, "value": amount,
                          "paid": 0, "outstanding": 0, "payments": 0, "status": "open",
                          "closed_on": None}
        for number, seq, kind, date, amount in conn.execute(
                _NAMING, (year, as_of, max_seq, max_seq)):
            c = found.get(number)
            if c is None:  # not registered by D
                continue
            if kind == "contract_change":
                c["value"] += amount
            elif kind == "contract_close":
                c["status"], c["closed_on"] = "closed", date
            else:  # an SP2D paying it
                c["paid"] += amount
                c["payments"] += 1
    finally:
        conn.execute("ROLLBACK")
    rows = []
    for c in found.values():
        del c["seq"]
        c["outstanding"] = c["value"] - c["paid"] if c["status"] == "open" else 0
        rows.append(c)
    return {"satker": ledger.satker, "year": year, "as_of": as_of, "known_at": known,
            "contracts": rows}
