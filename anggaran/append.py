"""How a batch of events is appended: chained, judged as a whole, projected, in one
transaction (the caller holds ``BEGIN IMMEDIATE``).

1. Insert, in chunks: each row is checked for rule 9 (closed year), skipped when
   identical to an event already recorded or to an earlier row (rule 6), checked for
   rules 3 and 6 (a second pagu, an SP2D number reused), given the next ``seq``,
   ``recorded_at`` and its chain hash, and inserted.
2. Judge: with the whole batch in the table, rules 4 and 7 for every new event, reading
   the batch back in seq order (so an SP2D may precede the grant that funds it).
3. Project: postings and daily figures; rule 5 on every touched line at every date.

The chain hash and identity are ``chain.py``'s.
"""

import json
from array import array

import attrs

from . import faults, kinds, projections, rules, store
from .chain import chain_hash, identity
from .errors import RuleError
from .events import CONTRACT, FIELDS, VOIDS, Event

MONTH, JENIS = FIELDS.index("month"), FIELDS.index("jenis")


@attrs.frozen
class AppendResult:
    """What an append did. Attributes: new, skipped (already recorded), head_seq, head_hash,
    seqs (the new events' seq numbers), summary_rows (an import's skipped totals rows)."""

    new: int
    skipped: int
    head_seq: int
    head_hash: str
    seqs: tuple = ()
    summary_rows: int = 0  # import: summary rows (JUMLAH, Total) skipped

CHUNK = 2000
DEFER = 10_000  # rows of one file that may wait for a void later in it (rule 8)
_QUOTED = ", ".join(f'"{f}"' for f in FIELDS)  # "end" is an SQL word
_COLUMNS = ("seq", *(f'"{f}"' for f in FIELDS), "year", "seal", "recorded_at", "ident",
            "prev_hash", "hash")
INSERT = f"INSERT INTO events ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
SELECT_EVENTS = f"SELECT seq, {_QUOTED}, year, recorded_at FROM events"
INSERT_POSTINGS = projections.INSERT_POSTINGS
SELECT_ONE = f"SELECT {_QUOTED} FROM events WHERE seq = ?"

def _nfc(values):
    """Stored field values with their text in NFC (a ledger made before v2.0 may hold text
    in another normal form; the same text typed again is the same event)."""
    import unicodedata

    return tuple(unicodedata.normalize("NFC", v) if isinstance(v, str) else v for v in values)


def _defaults_dropped(values):
    """Stored field values as v2.0 stores them: a ``carry_over``'s ``to_year`` equal to its
    default (the next year) dropped, as a ledger made before v2.0 kept it."""
    from .events import FIELDS

    fields = dict(zip(FIELDS, values))
    if fields["kind"] == "carry_over" and fields["to_year"] == int(fields["date"][:4]) + 1:
        fields["to_year"] = None
    return tuple(fields.values())


class Appender:
    def __init__(self, conn):
        self.conn = conn
        head = conn.execute(
            "SELECT seq, hash, recorded_at FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        self.first_seq = self.seq = head[0] if head else 0
        self.prev_hash = head[1] if head else store.meta(conn)["genesis"]
        self.last_time = head[2] if head else ""
        self.now = store.now_utc()
        self.closed = {r[0]: r[1] for r in conn.execute(
            "SELECT year, seq FROM events WHERE kind = 'close'")}
        self.rows = array("q")  # rows[seq - first_seq - 1] = import row number (0: none)
        self.skipped = 0
        self.batch = {}  # seq -> (kind, year) of the current chunk's events
        self.targets = {}  # seq -> (kind, year) of the events this batch's voids name
        self.voided = {}  # voided seq -> the void's seq, for those targets
        # Rule 8 with voids: order inside a file does not matter. A row whose key is taken
        # waits (up to DEFER rows) for a void later in the file; a row skipped as identical
        # to an event is refused if a later row voids that event.
        self.deferred = []  # (row, event, recorded_at, the seq holding the key, its refusal)
        self.skipped_seq, self.skipped_row = array("q"), array("q")

    # ---------------------------------------------------------------- 1. insert

    def insert_all(self, items):
        """Insert ``(row, Event or RuleError, recorded_at)`` items in chunks (an item may
        carry its canonical JSON and identity as two more fields). Errors are
        raised in row order: a row's own refusal (a RuleError item) only once the rows
        before it have been judged, and so is a failure of the file itself."""
        try:
            self._insert_items(items)
        except RuleError as e:  # a row waiting for a void comes first, if it comes earlier
            waiting = [d[4] for d in self.deferred or () if e.row is None or (d[0] or 0) < e.row]
            raise (waiting[0] if waiting else e) from None
        deferred, self.deferred = self.deferred, None  # now: refuse rather than wait
        for row, event, recorded_at, seq, error in deferred:
            if seq not in self.voided:
                raise error
            self._insert_chunk([(row, event, recorded_at)])

    def _insert_items(self, items):
        chunk = []
        items = iter(items)
        while True:
            try:
                item = next(items)
            except StopIteration:
                break
            except RuleError:  # the file itself failed (not UTF-8, bad CSV) at this row
                self._insert_chunk(chunk)
                raise
            chunk.append(item)
            if len(chunk) == CHUNK:
                self._insert_chunk(chunk)
                chunk = []
        self._insert_chunk(chunk)

    def _insert_chunk(self, chunk):
        conn = self.conn
        self.batch = {}
        prepared = []
        for item in chunk:
            if isinstance(item[1], RuleError):
                break  # raised below once the rows before it have been judged
            canonical = item[1].canonical()
            prepared.append((*item, canonical, identity(canonical)))
        self._read_targets([p[1].voids for p in prepared if p[1].kind == "void"])
        years = [p[1].year for p in prepared]  # a void's: its target's, found in the loop
        known = {r[0]: (r[1], r[2]) for r in self._lookup_rows(
            "SELECT ident, seq, (SELECT v.seq FROM events v WHERE v.voids = events.seq) "
            "FROM events WHERE ident IN ({})", [p[4] for p in prepared])}
        keys, pagu_lines = self._read_keys(prepared, years), {}
        for year in set(years):
            for code, akun, seq in self._lookup_rows(
                    "SELECT code, akun, seq FROM events WHERE year = ? AND code IN ({}) AND kind = 'pagu' "
                    f"AND {store.IS_CEILING} AND {store.NOT_VOIDED}",
                    [p[1].code for p, y in zip(prepared, years) if p[1].kind == "pagu" and y == year],
                    year):
                pagu_lines[(year, code, akun or "")] = seq
        values = []
        for (row, event, recorded_at, canonical, ident), year in zip(prepared, years):
            try:
                if event.kind == "void":
                    self._check_void(event)
                    year = self._year(event)
                if ident in known:  # identical to one recorded: skipped, even in a closed year
                    seq, voided_by = known[ident]
                    if voided_by is None:
                        self.skipped += 1
                        self.skipped_seq.append(seq)
                        self.skipped_row.append(row or 0)
                        continue
                    raise RuleError(6, f"{event.describe()} is identical to seq {seq}, which was "
                                       f"voided by seq {voided_by}; a voided event is not "
                                       "recorded again (record the right one instead)")
                rules.refuse_closed_year(event, self.closed, year)
                key = kinds.key_of(event.kind, year, event)
                if key is not None and key in keys:
                    seq, content = keys[key]
                    if content == canonical:  # the same, once both are in NFC
                        self.skipped += 1
                        self.skipped_seq.append(seq)
                        self.skipped_row.append(row or 0)
                        continue
                    holder = json.loads(content)["kind"] if content else None
                    taken, refuse = seq, lambda: rules.refuse_same_key(
                        event, year, self._where(taken), holder)
                else:
                    taken = pagu_lines.get((year, event.code, event.akun or "")) \
                        if event.kind == "pagu" else None
                    refuse = lambda: rules.refuse_second_pagu(event, self._where(taken))  # noqa: E731
                if taken is not None:
                    try:
                        refuse()
                    except RuleError as e:
                        if self.deferred is None or len(self.deferred) >= DEFER:
                            raise
                        self.deferred.append((row, event, recorded_at, taken,
                                              e.at_row(row) if row is not None else e))
                        continue
                recorded_at = self._recorded_at(recorded_at)
            except RuleError as e:
                raise e.at_row(row) if row is not None else e
            self.seq += 1
            known[ident] = (self.seq, None)
            if key is not None:
                keys[key] = (self.seq, canonical)
            if event.kind == "pagu":
                pagu_lines[(year, event.code, event.akun or "")] = self.seq
            elif event.kind == "void":
                self.voided[event.voids] = self.seq
                self._refuse_skipped_copy(event, row)
                for seen, (seq, _by) in list(known.items()):
                    if seq == event.voids:
                        known[seen] = (seq, self.seq)
                for index in (keys, pagu_lines):  # its key is free again
                    for k in [k for k, v in index.items()
                              if (v[0] if isinstance(v, tuple) else v) == event.voids]:
                        del index[k]
            self.batch[self.seq] = (event.kind, year)
            digest = chain_hash(self.prev_hash, canonical, self.seq, recorded_at)
            values.append((self.seq, *event.values(), year, None,
                           recorded_at, ident, self.prev_hash, digest))
            self.prev_hash, self.last_time = digest, recorded_at
            self.rows.append(row or 0)
        conn.executemany(INSERT, values)
        faults.at("insert", self.seq - self.first_seq)
        if len(prepared) < len(chunk):
            raise chunk[len(prepared)][1]

    def _refuse_skipped_copy(self, void, void_row):
        """Rule 6 for a row of this file skipped as identical to the event ``void`` cancels
        (at ``void_row``): it would otherwise be reported as recorded while it counts
        nowhere."""
        if void.voids in self.skipped_seq:
            row = self.skipped_row[self.skipped_seq.index(void.voids)] or None
            raise RuleError(6, f"this row is identical to seq {void.voids}, which row "
                               f"{void_row} of this file voids; a voided event is not recorded "
                               "again (record the right one instead)", row)

    def _read_keys(self, prepared, years):
        """Rule 6: ``{key: (seq, canonical in NFC)}`` of the recorded, not voided events that
        share a key with a row of this chunk (kinds.key_of)."""
        from .events import FIELDS, canonical_of

        keys = {}
        wanted = {}
        for (_row, event, *_rest), year in zip(prepared, years):
            if event.kind == "void":
                wanted.setdefault("void", set()).add(event.voids)
            elif event.kind != "name" and event.ref is not None:
                wanted.setdefault(year, set()).add(event.ref)
        columns = _QUOTED
        for seq, voids in self._lookup_rows(
                "SELECT seq, voids FROM events WHERE voids IN ({})", list(wanted.pop("void", ()))):
            keys[("void", voids)] = (seq, None)
        # Two look-ups, so that each uses its partial index (events_sp2d_ref, events_key).
        sql = (f"SELECT seq, year, {columns} FROM events WHERE year = ? AND ref IN ({{}}) "
               f"AND {{kind}} AND {store.NOT_VOIDED}")
        for year, refs, kind in [(y, r, k) for y, r in wanted.items()
                                 for k in ("kind = 'sp2d'", "kind <> 'sp2d'")]:
            for rec in self._lookup_rows(sql.replace("{kind}", kind), list(refs), year):
                stored = dict(zip(FIELDS, rec[2:]))
                if stored["kind"] in kinds.KINDS and stored["kind"] != "name":
                    key = kinds.key_of(stored["kind"], rec[1], stored)
                    keys[key] = (rec[0], canonical_of(_defaults_dropped(_nfc(rec[2:]))))
        return keys

    def _read_targets(self, seqs):
        """What the voids of a chunk name: ``targets[seq] = (kind, year)`` of recorded
        events, and ``voided[seq]`` for those voided already."""
        for seq, kind, year, voided_by in self._lookup_rows(
                "SELECT seq, kind, year, (SELECT v.seq FROM events v WHERE v.voids = events.seq) "
                "FROM events WHERE seq IN ({})", [s for s in seqs if s not in self.batch]):
            self.targets[seq] = (kind, year)
            if voided_by is not None:
                self.voided[seq] = voided_by
        for seq in seqs:
            if seq in self.batch:
                self.targets[seq] = self.batch[seq]

    def _year(self, event):
        """An event's year: its date's, or for a void its voided event's."""
        if event.kind == "void":
            return (self.targets.get(event.voids) or self.batch[event.voids])[1]
        return event.year

    def _check_void(self, event):
        """Rule 10, the part that needs only the voided event: it is recorded, it is not a
        void or a seal, and it is not voided already (a second void of it is rule 6)."""
        target = self.targets.get(event.voids) or self.batch.get(event.voids)
        if target is None:
            raise RuleError(10, f"void names seq {event.voids}, which is not recorded (see "
                                "'anggaran log' for the seq of the event to cancel)")
        if target[0] in ("void", kinds.CLOSE):
            what = "a void (record the event again instead)" if target[0] == "void" else \
                "a year-end seal (a closed year stays closed)"
            raise RuleError(10, f"seq {event.voids} is {what}; it cannot be voided")

    def _where(self, seq):
        """How a message points at an earlier event: ``seq 17``, or ``row 3 of this file``
        when that event is part of the batch being appended."""
        if seq is None:
            return None
        if seq > self.first_seq:
            row = self.row_of(seq)
            return f"row {row} of this file" if row else f"seq {seq}"
        return f"seq {seq}"

    def _recorded_at(self, given):
        if given is None:
            return max(self.now, self.last_time)
        if given < self.last_time:
            raise RuleError(1, f"recorded_at {given} goes backwards (the ledger is at "
                               f"{self.last_time}); keep migrated rows in recording order")
        if given > self.now:
            raise RuleError(1, f"recorded_at {given} is in the future")
        return given

    def _lookup_rows(self, sql, keys, *before):
        """Rows of ``sql`` whose ``IN ({})`` takes ``keys``, 500 at a time, after the
        parameters ``before``."""
        keys = list(dict.fromkeys(keys))
        out = []
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            out += self.conn.execute(sql.format(", ".join("?" * len(part))), [*before, *part]).fetchall()
        return out

    def insert_seal(self, event, ident, seal):
        """Append a year-end seal (see close.py)."""
        self.seq += 1
        recorded_at = max(self.now, self.last_time)
        canonical = event.canonical()
        digest = chain_hash(self.prev_hash, canonical, self.seq, recorded_at, seal)
        self.conn.execute(INSERT, (self.seq, *event.values(), event.year,
                                   seal, recorded_at, ident, self.prev_hash, digest))
        self.prev_hash = digest

    # ------------------------------------------------------- 2. judge, 3. project

    def judge_and_project(self):
        """Rules 4 and 7 for every new event (``rules.judge``), then postings and daily
        figures (``projections``), with rule 5 on every touched line at every date."""
        if self.seq == self.first_seq:
            return
        conn = self.conn
        state = rules.State(conn)
        before = conn.execute("SELECT max(rowid) FROM postings").fetchone()[0] or 0
        postings, book, accounts, plans = [], [], {}, set()
        judged, line_akun = set(), {}
        n = len(FIELDS)
        cursor = conn.execute(SELECT_EVENTS + " WHERE seq > ? ORDER BY seq", (self.first_seq,))
        while True:
            chunk = cursor.fetchmany(5000)
            if not chunk:
                break
            for rec in chunk:
                seq, values, year, recorded_at = rec[0], rec[1:n + 1], rec[n + 1], rec[n + 2]
                if values[0] == "void":
                    conn.executemany(INSERT_POSTINGS, postings)  # the voided event's, if new
                    postings.clear()
                    try:
                        rules.judge_void(state, Event(*values), year)
                    except RuleError as e:
                        raise e.at_row(self.row_of(seq)) from None
                    target = state.event(values[VOIDS])
                    if target.kind == "plan":
                        plans.add((year, target.month, target.jenis))
                    postings += projections.void_postings(
                        conn, seq, values[VOIDS], target, year, recorded_at, state)
                    book += projections.void_cash(seq, target.values(), year, recorded_at)
                    continue
                if seq not in self.voided:  # one voided in this batch never happened
                    try:
                        rules.judge(state, values, year, judged)
                    except RuleError as e:
                        raise e.at_row(self.row_of(seq)) from None
                if values[0] in kinds.CONTRACT_KINDS or values[CONTRACT] is not None:
                    conn.executemany(INSERT_POSTINGS, postings)  # a close reads what came before
                    postings.clear()
                postings += projections.postings_of(seq, values, year, recorded_at, state,
                                                    line_akun)
                book += projections.cash_of(seq, values, year, recorded_at)
                if values[0] == "plan":
                    plans.add((year, values[MONTH], values[JENIS]))
            if len(postings) >= 5000:
                conn.executemany(INSERT_POSTINGS, postings)
                postings.clear()
            if book:
                for r in book:  # (year, account, tup) -> the earliest date moved
                    key = (r[1], r[3], r[4])
                    accounts[key] = min(accounts.get(key, r[2]), r[2])
                conn.executemany(projections.INSERT_CASH, book)
                book.clear()
        conn.executemany(INSERT_POSTINGS, postings)

        def check(year, bucket, date, *figures):
            if bucket[0] == "@":  # a contract: paid no more than its value, at every date
                if figures[-1] < 0:
                    raise self._line_error(state, year, bucket, date, figures,
                                           lambda *f: f[-1] < 0)
                return
            if bucket[0] != "#" and rules.breaks(*figures):
                raise self._line_error(state, year, bucket, date, figures, rules.breaks)
            if rules.too_large(*figures):
                if bucket[0] == "#":
                    what = f"jenis {bucket[1:]}" if bucket != "#-" else "the lines without akun"
                    raise RuleError(2, rules.too_large_message(f"{what} of {year}", date,
                                                               figures))
                raise self._line_error(state, year, bucket, date, figures, rules.too_large)

        for year in sorted(projections.merge_daily(conn, projections.daily_deltas(conn, before),
                                                   check)):
            for date, *figures in projections.totals(conn, year):
                if rules.too_large(*figures):
                    raise RuleError(2, rules.too_large_message(f"the total of {year}", date,
                                                               figures))
        self._check_book(state, accounts)
        for year, month, jenis in sorted(plans):  # rule 11
            rules.check_plans(self.conn, year, month, jenis, self.first_seq, state.event,
                              self.row_of)
        faults.at("project")

    def _check_book(self, state, accounts):
        """Rules 5 and 7 on the bendahara's advances this batch moved: ``accounts`` maps
        their (year, account, tup) to the earliest date moved (bendahara.check)."""
        from . import bendahara

        for (year, account, tup), since in sorted(accounts.items(),
                                                  key=lambda a: (a[0][0], a[0][1], a[0][2] or "")):
            bendahara.check(self.conn, year, account, tup, self.first_seq, state.event,
                            self.row_of, since)

    def row_of(self, seq):
        return self.rows[seq - self.first_seq - 1] or None

    def _line_error(self, state, year, bucket, date, figures, broken):
        """Name the batch event that breaks ``bucket`` on ``date`` (``broken``: rule 5's
        ``rules.breaks``, rule 2's ``rules.too_large``, or a contract paid beyond its value):
        adding the batch's postings on that bucket (dated up to that day) in effective order
        to the state without them, the first event after which the bucket breaks."""
        import itertools

        if bucket[0] == "@":
            where, keys = "contract = ?", (bucket[1:],)
            columns = "seq, 0, 0, realised, 0, committed"
        else:
            code, line_akun = bucket.split("/")
            where, keys = "code = ? AND akun = ?", (code, line_akun)
            columns = "seq, ceiling, locked, realised, blocked, committed"
        rows = self.conn.execute(
            f"SELECT {columns} FROM postings WHERE year = ? AND {where} AND seq > ? AND date <= ? "
            "ORDER BY date, seq", (year, *keys, self.first_seq, date)).fetchall()
        now = list(figures)
        for _seq, *d in rows:
            now = [a - b for a, b in zip(now, d)]
        for seq, group in itertools.groupby(rows, key=lambda r: r[0]):
            moved = [sum(col) for col in zip(*(r[1:] for r in group))]
            before = now
            now = [a + b for a, b in zip(now, moved)]
            if broken(*now):
                event = Event(*self.conn.execute(SELECT_ONE, (seq,)).fetchone())
                if event.kind == "void":
                    return RuleError(10, rules.void_breaks_message(
                        event, state.event(event.voids), bucket, date, now), self.row_of(seq))
                if broken is rules.too_large:
                    return RuleError(2, rules.too_large_message(
                        f"{bucket} ({event.describe()})", date, now), self.row_of(seq))
                if bucket[0] == "@":
                    return RuleError(5, rules.contract_message(event, bucket[1:], date, -now[-1]),
                                     self.row_of(seq))
                return RuleError(5, rules.rule5_message(event, moved, bucket, date, before),
                                 self.row_of(seq))
        raise AssertionError("a line broke with no batch posting to blame")  # pragma: no cover
