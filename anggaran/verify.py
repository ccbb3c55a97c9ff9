"""``verify``: recompute everything the ledger claims and name the first thing that is off.

1. The schema objects are exactly those anggaran creates (no trigger, index or view added,
   none dropped or altered); SQLite's own ``integrity_check`` finds the file sound.
2. ``seq`` runs 1, 2, 3, ... with no gap; every ``prev_hash`` is the previous ``hash``;
   every ``hash`` is SHA-256 over the previous hash and the event's canonical body; every
   ``ident`` (a seal's too) matches the content; ``recorded_at`` never goes backwards.
3. With ``head``: the exported chain head is still in the chain (a truncated tail shows);
   with ``witness``: every head kept in the witness file is in the chain (witness.py).
4. The rules an append judges hold for the whole log: 4 and 7 (lines, references) as the
   append judges them, 3 and 6 (no second pagu, SP2D number or identical event), 9 (no
   event behind its year's seal).
5. The projections (postings, compared by seq; daily figures) equal a replay from
   scratch, and rule 5 holds at every date.
6. Every year-end seal equals a replay of the log up to it.
"""

import json
import os
import sqlite3
import sys
from collections import defaultdict

import attrs

from . import backend, kinds, projections, rules, store
from .chain import chain_hash, identity
from .errors import RuleError, VerifyError
from .events import FIELDS, VOIDS, canonical_of

MONTH = FIELDS.index("month")


@attrs.frozen
class VerifyResult:
    """An intact ledger. Attributes: events (count), head_seq, head_hash, seals (years)."""

    events: int
    head_seq: int
    head_hash: str
    seals: tuple = ()
    witnessed: int = None  # heads checked in the witness file, when one was given


def verify(ledger, head=None, witness=None):
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
    problems = backend.schema_problems(conn)
    tampered = (store.schema_message(problems) + ": the file was tampered with") if problems else None
    conn.execute("BEGIN")
    try:
        start = _check_meta(ledger)
        levels = _levels(conn)
        try:
            count, head_hash, seals, broken, altered, late = _replay_all(ledger, head, start, levels)
        except VerifyError as e:
            raise VerifyError(f"{tampered}, and {e}" if tampered else str(e), e.seq) from None
        if tampered:
            raise VerifyError(tampered)
        witnessed = None  # the chain's anchor outside the file, before what hangs on the chain
        if witness:
            from . import witness as witnessing

            witnessed = witnessing.check(conn, witness, store.meta(conn))
        if altered is not None:  # altered postings would make any seal look wrong: first
            raise altered
        findings = [f for f in (broken, _check_keys(conn), _check_seals(conn, seals, start), late)
                    if f is not None]
        if findings:  # the first by seq (a seal comes before what was dated behind it)
            raise min(findings, key=lambda f: f.seq)
        _check_levels(levels)
        _check_daily(conn)
        _check_book(conn)
        _check_plans(conn)
    finally:
        conn.execute("ROLLBACK")
    return VerifyResult(events=count, head_seq=count, head_hash=head_hash,
                        seals=tuple(sorted(seals)), witnessed=witnessed)


def _integrity(conn):
    """SQLite's own check of the file — pages, indexes and records that a flipped byte can
    damage without touching any value the chain covers — as a VerifyError, or None. (A
    PostgreSQL server checks its own pages; ``amcheck`` is the administrator's tool.)"""
    if store.is_pg(conn):
        return None
    try:
        found = [r[0] for r in conn.execute("PRAGMA integrity_check(1)")]
    except sqlite3.DatabaseError as e:
        found = [str(e)]
    if found != ["ok"]:
        return VerifyError(f"SQLite reports the file damaged ({found[0]}): restore the ledger "
                           "from a backup")
    return None


def _check_keys(conn):
    """Rules 1 (a ref on every money event), 3, 6 and 10 over the whole log (the triggers
    and the append enforce them; a file rewritten without them is caught here): no repeated
    content, no second not-voided SP2D number, pagu or void of one event, and from the
    v2.0 rules on, no two not-voided events with one key (kinds.key_of)."""
    from . import kinds

    live = store.NOT_VOIDED
    strict = int(store.rules_from(conn))
    money = ", ".join(repr(k) for k, spec in kinds.KINDS.items() if "ref" in spec.required)
    other = ", ".join(repr(k) for k, spec in kinds.KINDS.items()
                      if "ref" in spec.required and spec.key is None or spec.key == "line")
    checks = (  # (what, the key's columns, the events it applies to)
        ("repeats an event already recorded (rule 6)", ("ident",), "1 = 1"),
        ("reuses an SP2D number of its year (rule 6)", ("year", "ref"),
         f"kind IN ('sp2d', 'up', 'tup') AND {live}"),
        ("is a second pagu for its line and year (rule 3)", ("year", "code", "akun"),
         f"kind = 'pagu' AND {store.IS_CEILING} AND {live}"),
        ("voids an event voided already (rule 6)", ("voids",), "voids IS NOT NULL"),
        ("reuses a contract number of its year (rule 6)", ("year", "ref"),
         f"kind = 'contract' AND {live}"),
        ("repeats the key of another event with other content (rule 6)",
         ("kind", "year", *kinds.KEY_FIELDS),
         f"seq >= {strict} AND kind IN ({other}) AND {live}"),
    )
    found = []
    for what, key, where in checks:
        columns = ", ".join(key)
        for group in conn.execute(f"SELECT {columns} FROM events WHERE {where} GROUP BY {columns} "
                                  "HAVING count(*) > 1"):  # none, in an intact ledger
            match = " AND ".join(f"{c} IS ?" for c in key)
            second = conn.execute(f"SELECT seq FROM events WHERE {where} AND {match} ORDER BY seq "
                                  "LIMIT 1 OFFSET 1", tuple(group)).fetchone()[0]
            found.append((second, what))
    missing = conn.execute(f"SELECT min(seq) FROM events WHERE seq >= {strict} AND ref IS NULL "
                           f"AND kind IN ({money})").fetchone()[0]
    if missing is not None:
        found.append((missing, "has no ref (document number), which every money event needs "
                               "(rule 1)"))
    if found:
        seq, what = min(found)
        return VerifyError(f"seq {seq} {what}: the log was altered", seq)
    return None


def _check_meta(ledger):
    """The satker's code and name are bound into the chain by the genesis hash."""
    meta = store.meta(ledger.conn)
    expected = store.genesis(meta.get("satker"), meta.get("name"), meta.get("created_at"))
    if meta.get("genesis") != expected:
        raise VerifyError("the satker code, name or creation time in the file's metadata was "
                          "changed: it no longer matches the start of the chain")
    return expected


_COLUMNS = ", ".join(f'"{f}"' for f in FIELDS)  # "end" is an SQL word


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


def _events(conn, columns, first_seq, last_seq):
    """``(seq, *FIELDS, *columns)`` of the events ``first_seq..last_seq`` in seq order;
    from seq 1, any event below it too (a row slipped in at seq 0 or less is then found
    out of order)."""
    extra = "".join(", " + c for c in columns)
    low = "" if first_seq <= 1 else f"seq >= {int(first_seq)} AND "
    return _stream(conn, f"SELECT seq, {_COLUMNS}{extra} FROM events "
                         f"WHERE {low}seq <= {int(last_seq)} ORDER BY seq")


def _levels(conn):
    """(year, code) -> the ceiling styles used on it ({"akun"}, {"code"} or both), read
    through the small partial index of ceiling events before the replay, which needs them
    from its first event on (an SP2D may precede, in seq, the pagu of its batch)."""
    levels = defaultdict(set)
    for year, code, has_akun in conn.execute(
            f"SELECT year, code, akun IS NOT NULL FROM events WHERE {store.IS_CEILING} "
            f"AND {store.NOT_VOIDED} GROUP BY 1, 2, 3 UNION SELECT year, from_code, "
            "from_akun IS NOT NULL FROM events WHERE kind = 'shift' AND from_code IS NOT NULL "
            f"AND {store.NOT_VOIDED} GROUP BY 1, 2, 3"):
        levels[(year, code)].add("akun" if has_akun else "code")
    return levels


def _check_levels(levels):
    for (year, code), styles in levels.items():
        if len(styles) > 1:
            raise VerifyError(f"{code} mixes code-level and akun-level ceilings in {year}")


# The second process earns its place: 30 % of verify's wall time at 1M events
# (bench/machinery.py, RESULTS.md).
PARALLEL_FROM = 50_000  # events; below this a second process costs more than it saves
FIRST_SHARE = 0.6  # of the seqs, replayed here while the second process checks the rest


def _replay_all(ledger, head, start, levels):
    """``_replay`` over the whole log: in two processes at once for a big log (the first
    half of the seqs here, the second in a fresh Python process with its own read-only
    connection: two cores, about half the wall time), else in this one. Findings are
    reported in seq order either way. ``ANGGARAN_VERIFY_PROCESSES=1`` keeps it in one.
    Returns ``(count, head_hash, seals, then the first finding of each kind or None: a rule
    broken, the postings altered, an event after its year's seal)``."""
    conn = ledger.conn
    last = conn.execute("SELECT max(seq) FROM events").fetchone()[0] or 0
    closed = dict(conn.execute("SELECT year, min(seq) FROM events WHERE kind = 'close' GROUP BY year"))
    voided = dict(conn.execute("SELECT voids, seq FROM events WHERE voids IS NOT NULL"))
    job = {"levels": levels, "closed": closed, "head": head, "voided": voided,
           "strict_from": store.rules_from(conn)}
    if (last < PARALLEL_FROM or not sys.executable or store.is_pg(conn)
            or os.environ.get("ANGGARAN_VERIFY_PROCESSES", "2") == "1"):
        parts = [_integrity(conn) or _replay(conn, start, 1, last, None, **job)]
    else:
        # The second process also runs SQLite's integrity check (about a third of a
        # replay's time on the bench's ledgers), so this one takes the larger share.
        mid = int(last * FIRST_SHARE) + 1
        path = conn.execute("PRAGMA database_list").fetchone()[2] or ledger.path
        wait, stop = _start_child({"db": path, "first_seq": mid, "last_seq": last,
                                   **job, "levels": dict(levels)})
        try:
            first = _replay(conn, start, 1, mid - 1, None, **job)
        except BaseException:  # Ctrl+C, a database error: the second process is not needed
            stop()
            raise
        parts = [first, wait()]
    for part in parts:  # a damaged file first: it explains anything else
        if isinstance(part, VerifyError) and part.seq is None:
            raise part
    for part in parts:  # chain faults next, in seq order: they explain any other finding
        if isinstance(part, VerifyError):
            raise part
    count = sum(p["count"] for p in parts)
    head_hash = parts[-1]["last_hash"]
    if not any(p["seen"] for p in parts):
        raise VerifyError(f"the exported chain head {head[:16]}… is not in the chain, which "
                          f"ends at seq {count} ({head_hash[:16]}…): events after it were "
                          "removed, or the log was rewritten", count + 1)
    seals = {}
    for part in parts:
        seals.update(part["seals"])
    late = next((VerifyError(*p["late"]) for p in parts if p["late"] is not None), None)
    broken = next((VerifyError(*p["broken"]) for p in parts if p["broken"] is not None), None)
    altered = None
    try:
        if _postings_off(conn, parts, last):
            # Postings are written in seq order, and the fast comparison above streams them
            # in physical order; rows rewritten in another order are compared again by seq.
            altered = _postings_by_seq(conn, levels, last, voided)
    except TypeError:  # a value of the wrong type where a seq belongs
        altered = VerifyError("the postings table holds a value of the wrong type: the "
                              "projection tables were altered")
    return count, head_hash, seals, broken, altered, late


def _postings_off(conn, parts, last):
    """Did the fast, physical-order comparison of the postings find anything off?"""
    if any(p["bad_posting"] for p in parts):
        return True
    tail = conn.execute("SELECT seq FROM postings ORDER BY rowid DESC LIMIT 1").fetchone()
    if tail is not None and tail[0] > last:
        return True
    stored = conn.execute("SELECT count(*) FROM postings").fetchone()[0]
    return stored != sum(p["postings"] for p in parts)


_POSTING_COLUMNS = projections.POSTING_COLUMNS


def _postings_by_seq(conn, levels, last, voided):
    """The stored postings against those the log implies, event by event in seq order
    whatever the rows' physical order; the first difference as a VerifyError, or None."""
    import itertools

    state = rules.State(conn, levels)
    line_akun = {}
    n = len(FIELDS)
    order = lambda p: tuple("" if v is None else v for v in p)  # noqa: E731
    stored = itertools.groupby(_stream(conn, f"SELECT {_POSTING_COLUMNS} FROM postings ORDER BY seq"),
                               key=lambda p: p[0])
    group = next(stored, None)
    for rec in _events(conn, ("year", "recorded_at"), 1, last):
        seq = rec[0]
        got = []
        if group is not None and group[0] < seq:  # postings of a seq with no event
            return _altered_postings(group[0])
        if group is not None and group[0] == seq:
            got = sorted(group[1], key=order)
            group = next(stored, None)
        try:
            expected = _expected_postings(conn, state, seq, rec[1:n + 1], rec[n + 1], rec[n + 2],
                                          line_akun, voided)
        except (TypeError, ValueError, AttributeError, KeyError):
            return _altered_postings(seq)
        if not _same_postings(sorted(expected, key=order), [tuple(p) for p in got],
                              seq in voided):
            return _altered_postings(seq)
    return None if group is None else _altered_postings(group[0])


def _expected_postings(conn, state, seq, values, year, recorded_at, line_akun, voided):
    """The postings event ``seq`` implies: ``projections.postings_of``, or for a void the
    negation of the stored postings of the event it voids (on whatever line each was
    stored: see ``_same_postings``)."""
    if values[0] == "void":
        target = state.event(values[VOIDS])
        if target is None or values[VOIDS] >= seq or target.kind in ("void", "close"):
            raise ValueError("a void that names no event it may void")
        return projections.void_postings(conn, seq, values[VOIDS], target, year, recorded_at,
                                         state)
    return projections.postings_of(seq, values, year, recorded_at, state, line_akun)


def _same_postings(expected, got, voided):
    """Postings equal; for a voided event, the stored line may be the code-level line or
    the akun's where the ledger now resolves the other: a code's ceiling style can change
    once its ceilings are voided (a pagu recorded without its akun, voided and recorded
    again per akun), and a void's negation sits on the line its event was stored on."""
    if expected == got:
        return True
    if not voided or len(expected) != len(got):
        return False
    return all(g is not None and len(g) == len(e) and e[:4] == g[:4] and e[5:] == g[5:]
               and "" in (g[4], e[4]) for e, g in zip(expected, got))


def _void_year(conn, seq, voids):
    """A void's year: its voided event's, which must be recorded before it."""
    row = conn.execute("SELECT year FROM events WHERE seq = ? AND seq < ?", (voids, seq)).fetchone()
    if row is None:
        raise VerifyError(f"seq {seq} voids seq {voids}, which is not an earlier event: the log "
                          "was altered", seq)
    return row[0]


def _altered_postings(seq):
    return VerifyError(f"the postings of seq {seq} do not match the log: the projection "
                       "tables were altered", seq)


def _replay_child(db, levels, closed, first_seq, last_seq, head, voided, strict_from):
    conn = store.read_only(db)
    try:
        conn.execute("BEGIN")
        damaged = _integrity(conn)
        if damaged is not None:
            return damaged
        start = conn.execute("SELECT hash FROM events WHERE seq = ?", (first_seq - 1,)).fetchone()
        if start is None:
            return VerifyError(f"seq {first_seq - 1} is missing: the event was deleted", first_seq - 1)
        rowid = _first_posting_at(conn, first_seq)
        return _replay(conn, start[0], first_seq, last_seq, rowid, levels, closed, head, voided,
                       strict_from)
    finally:
        conn.close()


def _first_posting_at(conn, seq):
    """The rowid of the first posting of ``seq`` or later (postings are stored in seq
    order, so a binary search over rowid finds it without an index on seq)."""
    lo, hi = conn.execute("SELECT min(rowid), max(rowid) + 1 FROM postings").fetchone()
    if lo is None:
        return 1
    while lo < hi:
        mid = (lo + hi) // 2
        row = conn.execute("SELECT seq FROM postings WHERE rowid >= ? ORDER BY rowid LIMIT 1",
                           (mid,)).fetchone()
        if row is not None and row[0] < seq:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _start_child(job):
    """Start ``_replay_child(**job)`` in a second process (``worker.py``); return
    ``(wait, stop)``: wait for its result (a VerifyError comes back as one; other
    failures are raised), or end it."""
    from .worker import Worker

    child = Worker("anggaran.verify:_child_main", job)

    def wait():
        try:
            message = child.receive() or ("error", "RuntimeError", child.stderr_tail()
                                          or "the second verify process stopped unexpectedly")
        finally:
            child.close(kill=False)
        if message[0] == "ok":
            return message[1]
        if message[0] == "verify":
            return VerifyError(message[1], message[2])
        if message[1] in ("DatabaseError", "OperationalError"):
            raise sqlite3.DatabaseError(message[2])
        raise RuntimeError(f"verify failed in its second process: {message[1]}: {message[2]}")

    return wait, child.close


def _child_main(job):
    """The second process: run the job, answer with one message."""
    from .worker import send

    try:
        result = _replay_child(**job)
        message = (("verify", str(result), result.seq) if isinstance(result, VerifyError)
                   else ("ok", result))
    except BaseException as e:  # noqa: BLE001 - everything goes back to the parent
        message = ("error", type(e).__name__, str(e))
    send(message)
    sys.stdout.buffer.flush()


def _replay(conn, start, first_seq, last_seq, first_rowid, levels, closed, head, voided,
            strict_from):
    """``_walk_range``, with its first chain fault returned rather than raised; a text
    value SQLite cannot decode (bytes written behind the library's back) is such a fault,
    an edit, not a database failure."""
    progress = [first_seq]
    try:
        return _walk_range(conn, start, first_seq, last_seq, first_rowid, levels, closed, head,
                           progress, voided, strict_from)
    except VerifyError as e:
        return e
    except sqlite3.OperationalError as e:
        if "decode" not in str(e):
            raise
        return VerifyError(f"an event from seq {progress[0]} on holds text that is not UTF-8: "
                           "it was edited", progress[0])


def _walk_range(conn, start, first_seq, last_seq, first_rowid, levels, closed, head, progress,
                voided, strict_from):
    """One pass over the events ``first_seq..last_seq``: sequence, chain, identity, year
    and recording order of every event (a chain fault is raised at once); rules 4, 7 and
    9 judged as an append judges them, against the whole log; the postings each event
    implies, compared with the stored ones (from ``first_rowid`` on, in physical order)
    as they stream by. Returns a dict; the first
    rule finding (``broken``, and ``late`` for rule 9) and whether the postings looked off
    are reported in it, so
    that a broken chain further on is reported first (it explains them)."""
    n = len(FIELDS)
    expected_seq, prev_hash = first_seq, start
    row = conn.execute("SELECT recorded_at FROM events WHERE seq = ?", (first_seq - 1,)).fetchone()
    last_time = row[0] if row else ""
    seals = {}
    seen = head is None
    state = rules.State(conn, levels)
    where = "" if first_rowid is None else f"WHERE rowid >= {int(first_rowid)} "
    stored = _stream(conn, f"SELECT {_POSTING_COLUMNS} FROM postings {where}ORDER BY rowid")
    compared = 0
    bad_posting = False
    broken = late = None
    judged = set()
    line_akun = {}
    for rec in _events(conn, ("year", "seal", "recorded_at", "ident", "prev_hash", "hash"),
                       first_seq, last_seq):
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
        kind, date = values[0], values[1]
        try:
            canonical = canonical_of(values)
            event_year = int((values[MONTH] or date)[:4])  # a plan's: its month's
        except (TypeError, ValueError):
            raise VerifyError(f"seq {seq} cannot be read (a field has the wrong type): it was "
                              "edited", seq) from None
        if chain_hash(prev_hash, canonical, seq, recorded_at, seal) != rec_hash:
            raise VerifyError(f"seq {seq} does not match its hash: its content was edited "
                              "(or events were swapped)", seq)
        if identity(canonical, seal) != ident:
            raise VerifyError(f"seq {seq}: its identity does not match its content", seq)
        if kind == "void":
            event_year = _void_year(conn, seq, values[VOIDS])
        if year != event_year:
            raise VerifyError(f"seq {seq}: its year column does not match its date", seq)
        if recorded_at < last_time:
            raise VerifyError(f"seq {seq}: recorded_at goes backwards", seq)
        if kind == "close":
            try:
                seals[year] = (seq, json.loads(seal))
            except (TypeError, ValueError):
                raise VerifyError(f"seq {seq}: the seal cannot be read: it was edited", seq) from None
        if not seen and rec_hash.startswith(head):
            seen = True
        prev_hash, last_time = rec_hash, recorded_at
        expected_seq += 1
        progress[0] = expected_seq
        if late is None and year in closed and seq > closed[year]:
            late = (f"seq {seq} is dated in {year}, which was closed at seq {closed[year]} "
                      "(rule 9): the log was altered", seq)
        if kind == "name" or kind == "close":
            continue
        is_voided = seq in voided
        try:
            if broken is None and not is_voided and kind != "void":  # a voided one never happened
                state.upto = seq
                state.strict = seq >= strict_from
                try:
                    rules.judge(state, values, year, judged)
                except RuleError as e:
                    broken = (f"seq {seq} breaks rule {e.rule}: {e.what}", seq)
            expected = _expected_postings(conn, state, seq, values, year, recorded_at, line_akun,
                                          voided)
        except (TypeError, ValueError, AttributeError, KeyError):
            raise VerifyError(f"seq {seq} cannot be read (a field has the wrong type): it was "
                              "edited", seq) from None
        for posting in expected:
            if bad_posting:
                break
            got = next(stored, None)
            if got == posting or (is_voided and _same_postings([posting], [got], True)):
                compared += 1
            else:
                bad_posting = True
    if expected_seq <= last_seq:
        after = conn.execute("SELECT min(seq) FROM events WHERE seq > ?", (expected_seq,)).fetchone()[0]
        raise VerifyError(f"seq {expected_seq} is missing: the event was deleted"
                          + (f" (the log jumps to seq {after})" if after else ""), expected_seq)
    if not bad_posting:
        extra = next(stored, None)
        bad_posting = extra is not None and not (isinstance(extra[0], int) and extra[0] > last_seq)
    return {"count": expected_seq - first_seq, "last_hash": prev_hash, "seals": seals,
            "bad_posting": bad_posting, "broken": broken, "late": late,
            "seen": seen,
            "postings": compared}


def _check_daily(conn):
    """The daily table against the postings (already compared with the log) folded the way
    every append folds them (``projections.daily_deltas``, ``cumulative``), both streamed
    in key order, with rule 5 on every line at every date; then the list of buckets. The
    fold is summed and sorted by SQLite: memory stays flat however many lines and days."""
    altered = "do not match the log: the projection tables were altered"
    stored = _stream(conn, f"SELECT {projections.DAILY_COLUMNS} FROM daily "
                           "ORDER BY year, bucket, date")
    buckets = set()
    n = projections.N
    for expected in projections.cumulative(projections.daily_deltas(conn)):
        year, bucket, date = expected[:3]
        figures = expected[3 + n:]
        buckets.add((year, bucket))
        if bucket[0] == "@":
            broken = figures[-1] < 0  # a contract paid beyond its value
        else:
            broken = bucket[0] != "#" and rules.breaks(*figures)
        if broken or rules.too_large(*figures):
            rule = 2 if rules.too_large(*figures) else 5
            raise VerifyError(f"rule {rule} is broken on {bucket} on {date}: "
                              + ", ".join(f"{name} {value}" for name, value
                                          in zip(kinds.FIGURES, figures)))
        got = next(stored, None)
        if got == expected:
            continue
        try:
            missing = got is None or got[:3] > expected[:3]
        except TypeError:  # a value of the wrong type: altered, not missing
            missing = False
        if missing:
            raise VerifyError("daily figures are missing for some lines: the projection "
                              "tables were altered")
        raise VerifyError(f"the daily figures of {got[1]} on {got[2]} {altered}")
    extra = next(stored, None)
    if extra is not None:
        raise VerifyError(f"the daily figures of {extra[1]} on {extra[2]} {altered}")
    if buckets != {(r[0], r[1]) for r in conn.execute("SELECT year, bucket FROM buckets")}:
        raise VerifyError("the list of lines (buckets) does not match the log: the projection "
                          "tables were altered")


# The events that have rows in the bendahara's book, and the voids (a void of one has too).
_BOOK_EVENTS = (f"SELECT seq, {_COLUMNS}, year, recorded_at FROM events WHERE kind IN "
                f"({', '.join(repr(k) for k in kinds.CASH if k in kinds.KINDS)}, 'void') "
                "OR payment IS NOT NULL ORDER BY seq")


def _check_book(conn):
    """The bendahara's book (``cash``) against the log (``projections.cash_of``; a void's
    rows: its event's negated), row by row in seq order, then rules 5 and 7 on every
    account of every year (``bendahara.check``) as an append judges them."""
    from . import bendahara

    n = len(FIELDS)
    altered = "the bendahara's book (cash) does not match the log at seq {}: the projection " \
              "tables were altered"
    stored = _stream(conn, f"SELECT {projections.CASH_COLUMNS} FROM cash ORDER BY seq, rowid")
    targets = {r[0] for r in conn.execute("SELECT voids FROM events WHERE voids IS NOT NULL")}
    values_of = {}  # seq -> values of the voided events with book rows (memory stays small)
    for rec in _stream(conn, _BOOK_EVENTS):
        seq, values, year, recorded_at = rec[0], rec[1:n + 1], rec[n + 1], rec[n + 2]
        if values[0] == "void":
            target = values_of.get(values[VOIDS])
            expected = (projections.void_cash(seq, target, year, recorded_at)
                        if target is not None else ())
        else:
            expected = projections.cash_of(seq, values, year, recorded_at)
            if expected and seq in targets:
                values_of[seq] = values
        for row in expected:
            if next(stored, None) != row:
                raise VerifyError(altered.format(seq), seq)
    extra = next(stored, None)
    if extra is not None:
        raise VerifyError(altered.format(extra[0]), extra[0] if isinstance(extra[0], int) else None)
    state = rules.State(conn)
    for year, account, tup in sorted(bendahara.accounts(conn), key=lambda a: (a[0], a[1], a[2] or "")):
        try:
            bendahara.check(conn, year, account, tup, 0, state.event)
        except RuleError as e:
            raise VerifyError(f"rule {e.rule} is broken in the bendahara's book: {e.what}") from None


def _check_plans(conn):
    """Rule 11 on every month and jenis that has plans (``rules.check_plans``)."""
    state = rules.State(conn)
    for year, month, jenis in conn.execute(
            "SELECT DISTINCT year, month, jenis FROM events WHERE kind = 'plan' ORDER BY 1, 2, 3"
    ).fetchall():
        try:
            rules.check_plans(conn, year, month, jenis, 0, state.event)
        except RuleError as e:
            raise VerifyError(f"rule {e.rule} is broken on the plan of {month}, jenis {jenis}: "
                              f"{e.what}") from None


def _check_seals(conn, seals, start):
    """The first seal (by seq) that names the wrong chain head or no longer equals a replay
    of the log, as a VerifyError; or None."""
    from .close import seal_figures

    for year, (seq, seal) in sorted(seals.items(), key=lambda item: item[1][0]):
        head = conn.execute("SELECT hash FROM events WHERE seq = ?", (seq - 1,)).fetchone()
        if seal.get("head_hash") != (head[0] if head else start):
            return VerifyError(f"the seal of {year} (seq {seq}) names a chain head that is "
                               "not the event before it", seq)
        # The whole log: an event dated in a sealed year after its seal breaks it too.
        lines = seal.get("lines")
        legacy = bool(lines) and isinstance(lines, dict) and all(
            isinstance(f, list) and len(f) == 3 for f in lines.values())
        if lines != seal_figures(conn, year, float("inf"), legacy):
            return VerifyError(f"the seal of {year} (seq {seq}) no longer equals a replay of "
                               "the log", seq)
    return None
