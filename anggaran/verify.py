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

import hashlib
import json
from collections import defaultdict

import attrs

from . import codes, projections, rules, store
from .append import ONE_SIDE
from .errors import VerifyError
from .events import FIELDS, Event, canonical_of


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
        resolver = _Levels(_levels(conn))
        try:
            count, head_hash, seals, deltas, bad_posting = _replay(conn, head, start, resolver)
        except VerifyError as e:
            raise VerifyError(f"{tampered}, and {e}" if tampered else str(e), e.seq) from None
        if tampered:
            raise VerifyError(tampered)
        _check_levels(resolver.levels)
        if bad_posting is not None:
            raise bad_posting
        _check_daily(conn, deltas)
        _check_seals(conn, resolver, seals, start)
    finally:
        conn.execute("ROLLBACK")
    return VerifyResult(events=count, head_seq=count, head_hash=head_hash,
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


def _levels(conn):
    """(year, code) -> the ceiling styles used on it ({"akun"}, {"code"} or both), read
    through the small partial index of ceiling events before the replay, which needs them
    from its first event on (an SP2D may precede, in seq, the pagu of its batch)."""
    levels = defaultdict(set)
    for year, code, has_akun in conn.execute(
            f"SELECT year, code, akun IS NOT NULL FROM events WHERE {store.IS_CEILING} "
            "GROUP BY 1, 2, 3 UNION SELECT year, from_code, from_akun IS NOT NULL FROM events "
            "WHERE kind = 'shift' AND from_code IS NOT NULL GROUP BY 1, 2, 3"):
        levels[(year, code)].add("akun" if has_akun else "code")
    return levels


def _check_levels(levels):
    for (year, code), styles in levels.items():
        if len(styles) > 1:
            raise VerifyError(f"{code} mixes code-level and akun-level ceilings in {year}")


def _replay(conn, head, start, resolver):
    """One pass over the log: sequence, chain, identity, year and recording order of
    every event; the postings it implies, compared with the stored ones as they stream
    by; the daily deltas they add up to. A postings mismatch is returned, not raised, so
    that a broken chain further on is reported first (it explains the mismatch)."""
    n = len(FIELDS)
    expected_seq, prev_hash, last_time = 1, start, ""
    seals = {}
    seen_head = head is None
    deltas = projections.new_deltas()
    stored = _stream(conn, "SELECT seq, year, date, code, akun, jenis, ceiling, locked, realised, "
                           "kind, ref, recorded_at FROM postings ORDER BY rowid")
    bad_posting = None
    line_akun = {}
    sha256 = hashlib.sha256
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
        values = rec[1:n + 1]
        kind, date, code, akun, amount = values[0], values[1], values[2], values[3], values[6]
        try:
            canonical = canonical_of(values)
            event_year = int(date[:4])
        except (TypeError, ValueError):
            raise VerifyError(f"seq {seq} cannot be read (a field has the wrong type): it was "
                              "edited", seq) from None
        text = f"{prev_hash}\n{canonical}\n{seq}\n{recorded_at}"  # append.chain_hash, inlined
        if seal is not None:
            text += "\n" + seal
        if sha256(text.encode("utf-8")).hexdigest() != rec_hash:
            raise VerifyError(f"seq {seq} does not match its hash: its content was edited "
                              "(or events were swapped)", seq)
        if kind != "close" and sha256(canonical.encode("utf-8")).digest() != ident:
            raise VerifyError(f"seq {seq}: its identity does not match its content", seq)
        if year != event_year:
            raise VerifyError(f"seq {seq}: its year column does not match its date", seq)
        if recorded_at < last_time:
            raise VerifyError(f"seq {seq}: recorded_at goes backwards", seq)
        if kind == "close":
            try:
                seals[year] = (seq, json.loads(seal))
            except (TypeError, ValueError):
                raise VerifyError(f"seq {seq}: the seal cannot be read: it was edited", seq) from None
        if head is not None and rec_hash.startswith(head):
            seen_head = True
        prev_hash, last_time = rec_hash, recorded_at
        expected_seq += 1
        if bad_posting is not None or kind == "name" or kind == "close":
            continue
        # The postings this event implies (as projections.postings_for), against the stored.
        simple = ONE_SIDE.get(kind)
        try:
            if simple is not None:
                key = (year, code, akun)
                la = line_akun.get(key)
                if la is None:
                    la = line_akun[key] = resolver.line_akun(year, code, akun)
                dc, dl, dr = simple(amount)[:3]
                jenis = akun[:2] if akun else codes.NO_JENIS
                expected = ((seq, year, date, code, la, jenis, dc, dl, dr, kind, values[7],
                             recorded_at),)
            else:
                expected = projections.postings_for(Event(*values), seq, resolver, recorded_at)
        except (TypeError, ValueError):
            raise VerifyError(f"seq {seq} cannot be read (a field has the wrong type): it was "
                              "edited", seq) from None
        for posting in expected:
            if next(stored, None) != posting:
                bad_posting = VerifyError(f"the postings of seq {seq} do not match the log: "
                                          "the projection tables were altered", seq)
                break
            _seq, _y, _d, p_code, p_akun, p_jenis, dc, dl, dr = posting[:9]
            for d in (deltas[(year, f"{p_code}/{p_akun}", date)], deltas[(year, "#" + p_jenis, date)]):
                d[0] += dc
                d[1] += dl
                d[2] += dr
    count = expected_seq - 1
    if not seen_head:
        raise VerifyError(f"the exported chain head {head[:16]}… is not in the chain, which "
                          f"ends at seq {count} ({prev_hash[:16]}…): events after it were "
                          "removed, or the log was rewritten", count + 1)
    if bad_posting is None:
        extra = next(stored, None)
        if extra is not None:
            bad_posting = VerifyError(f"a posting for seq {extra[0]} has no event behind it: "
                                      "the projection tables were altered", extra[0])
    return count, prev_hash, seals, deltas, bad_posting


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
