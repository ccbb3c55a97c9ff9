"""``verify``: recompute everything the ledger claims and name the first thing that is off.

1. The append-only triggers are in place, unaltered.
2. ``seq`` runs 1, 2, 3, ... with no gap; every ``prev_hash`` is the previous ``hash``;
   every ``hash`` is SHA-256 over the previous hash and the event's canonical body; every
   ``ident`` matches the content; ``recorded_at`` never goes backwards.
3. With ``head``: the exported chain head is still in the chain (a truncated tail shows).
4. The projections (postings, daily figures) equal a replay from scratch, and rule 5
   holds at every date.
5. Every year-end seal equals a replay of the log up to it.
"""

import json
from collections import defaultdict

import attrs

from . import projections, rules, store
from .append import chain_hash, identity
from .errors import VerifyError
from .events import CEILING, CREATE, FIELDS, Event
from .rules import CEILING_KINDS


@attrs.frozen
class VerifyResult:
    """An intact ledger. Attributes: events (count), head_seq, head_hash, seals (years)."""

    events: int
    head_seq: int
    head_hash: str
    seals: tuple = ()


class _Levels:
    """The Resolver interface over levels computed in memory."""

    def __init__(self, levels):
        self.levels = levels

    def line_akun(self, year, code, akun):
        return akun if "akun" in self.levels.get((year, code), ()) else ""


def verify(ledger, head=None):
    """Check everything; ``head`` is a chain head exported earlier (or its first 12+ hex
    digits, as ``record`` prints them)."""
    import re

    from .errors import UsageError

    if head is not None:
        head = head.strip().rstrip("…").lower()
        if not re.fullmatch(r"[0-9a-f]{12,64}", head):
            raise UsageError("--head takes a chain head hash as verify prints it (64 hex digits; "
                             "its first 12 or more will do)")
    conn = ledger.conn
    missing = store.missing_triggers(conn)
    tampered = ("the append-only triggers are missing or altered (" + ", ".join(missing)
                + "): the file was tampered with") if missing else None
    conn.execute("BEGIN")
    try:
        start = _check_meta(ledger)
        try:
            count, head_seq, head_hash, levels, seals = _check_chain(conn, head, start)
        except VerifyError as e:
            raise VerifyError(f"{tampered}, and {e}" if tampered else str(e), e.seq) from None
        if tampered:
            raise VerifyError(tampered)
        resolver = _Levels(levels)
        deltas = _check_postings(conn, resolver)
        _check_daily(conn, deltas)
        _check_seals(conn, resolver, seals, start)
    finally:
        conn.execute("ROLLBACK")
    return VerifyResult(events=count, head_seq=head_seq, head_hash=head_hash,
                        seals=tuple(sorted(seals)))


def _check_meta(ledger):
    """The satker's code and name are bound into the chain by the genesis hash."""
    meta = store.meta(ledger.conn)
    expected = store.genesis(meta.get("satker"), meta.get("name"), meta.get("created_at"))
    if meta.get("genesis") != expected:
        raise VerifyError("the satker code, name or creation time in the file's metadata was "
                          "changed: it no longer matches the start of the chain")
    return expected


_COLUMNS = ", ".join(FIELDS)


def _stream(conn, sql):
    """Yield the rows of ``sql`` as plain tuples, 5,000 at a time from SQLite."""
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute(sql)
    while True:
        chunk = cursor.fetchmany(5000)
        if not chunk:
            return
        yield from chunk


def _events(conn, columns):
    """``(seq, *FIELDS, *columns)`` of every event in seq order."""
    extra = "".join(", " + c for c in columns)
    return _stream(conn, f"SELECT seq, {_COLUMNS}{extra} FROM events ORDER BY seq")


def _check_chain(conn, head, start):
    expected_seq, prev_hash, last_time = 1, start, ""
    levels = defaultdict(set)
    seals = {}
    seen_head = head is None
    n = len(FIELDS)
    for rec in _events(conn, ("year", "seal", "recorded_at", "ident", "prev_hash", "hash")):
        seq = rec[0]
        year, seal, recorded_at, ident, rec_prev, rec_hash = rec[n + 1:]
        if seq != expected_seq:
            if seq > expected_seq:
                raise VerifyError(f"seq {expected_seq} is missing: the event was deleted "
                                  f"(the log jumps to seq {seq})", expected_seq)
            raise VerifyError(f"seq {seq} appears out of order", seq)
        if rec_prev != prev_hash:
            raise VerifyError(f"seq {seq} does not chain to seq {seq - 1}: an event was "
                              "inserted, deleted or reordered here", seq)
        try:
            event = Event(*rec[1:n + 1])
            canonical = event.canonical()
        except (TypeError, ValueError) as e:
            raise VerifyError(f"seq {seq} cannot be read ({e}): it was edited", seq) from None
        if chain_hash(prev_hash, canonical, seq, recorded_at, seal) != rec_hash:
            raise VerifyError(f"seq {seq} does not match its hash: its content was edited "
                              "(or events were swapped)", seq)
        kind = event.kind
        if kind != "close" and identity(canonical) != ident:
            raise VerifyError(f"seq {seq}: its identity does not match its content", seq)
        if year != event.year:
            raise VerifyError(f"seq {seq}: its year column does not match its date", seq)
        if recorded_at < last_time:
            raise VerifyError(f"seq {seq}: recorded_at goes backwards", seq)
        if kind in CEILING_KINDS:
            for side in event.sides():
                if side.role in (CREATE, CEILING):
                    levels[(year, side.code)].add("akun" if side.akun else "code")
        elif kind == "close":
            seals[year] = (seq, json.loads(seal))
        if head is not None and rec_hash.startswith(head):
            seen_head = True
        prev_hash, last_time = rec_hash, recorded_at
        expected_seq += 1
    count = expected_seq - 1
    if not seen_head:
        raise VerifyError(f"the exported chain head {head[:16]}… is not in the chain, which "
                          f"ends at seq {count} ({prev_hash[:16]}…): events after it were "
                          "removed, or the log was rewritten", count + 1)
    for (year, code), styles in levels.items():
        if len(styles) > 1:
            raise VerifyError(f"{code} mixes code-level and akun-level ceilings in {year}")
    return count, count, prev_hash, levels, seals


def _check_postings(conn, resolver):
    stored = _stream(conn, "SELECT seq, year, date, code, akun, jenis, ceiling, locked, realised, "
                           "kind, ref, recorded_at FROM postings ORDER BY rowid")
    deltas = projections.new_deltas()
    for rec in _events(conn, ("recorded_at",)):
        event = Event(*rec[1:-1])
        for expected in projections.postings_for(event, rec[0], resolver, rec[-1]):
            got = next(stored, None)
            if got != expected:
                raise VerifyError(f"the postings of seq {rec[0]} do not match the log: "
                                  "the projection tables were altered", rec[0])
            projections.add_deltas(deltas, expected)
    extra = next(stored, None)
    if extra is not None:
        raise VerifyError(f"a posting for seq {extra[0]} has no event behind it: the "
                          "projection tables were altered", extra[0])
    return deltas


def _check_daily(conn, deltas):
    expected = {}
    by_bucket = defaultdict(list)
    for (year, bucket, date), d in deltas.items():
        by_bucket[(year, bucket)].append((date, d))
    for (year, bucket), days in by_bucket.items():
        c = l = r = 0
        for date, (dc, dl, dr) in sorted(days):
            c, l, r = c + dc, l + dl, r + dr
            if not bucket.startswith("#") and rules.breaks(c, l, r):
                raise VerifyError(f"rule 5 is broken on {bucket} on {date}: ceiling {c}, "
                                  f"locked {l}, realised {r}")
            expected[(year, bucket, date)] = (dc, dl, dr, c, l, r)
    n = 0
    for row in conn.execute("SELECT * FROM daily"):
        n += 1
        key = (row[0], row[1], row[2])
        if expected.get(key) != tuple(row[3:]):
            raise VerifyError(f"the daily figures of {row[1]} on {row[2]} do not match the "
                              "log: the projection tables were altered")
    if n != len(expected):
        raise VerifyError("daily figures are missing for some lines: the projection tables "
                          "were altered")
    buckets = {(r[0], r[1]) for r in conn.execute("SELECT year, bucket FROM buckets")}
    if buckets != {(y, b) for (y, b, _d) in expected}:
        raise VerifyError("the list of lines (buckets) does not match the log: the projection "
                          "tables were altered")


def _check_seals(conn, resolver, seals, start):
    from .close import seal_figures

    for year, (seq, seal) in seals.items():
        head = conn.execute("SELECT hash FROM events WHERE seq = ?", (seq - 1,)).fetchone()
        if seal.get("head_hash") != (head[0] if head else start):
            raise VerifyError(f"the seal of {year} (seq {seq}) names a chain head that is "
                              "not the event before it", seq)
        # The whole log: an event dated in a sealed year after its seal breaks it too.
        if seal.get("lines") != seal_figures(conn, year, float("inf")):
            raise VerifyError(f"the seal of {year} (seq {seq}) no longer equals a replay of "
                              "the log", seq)
