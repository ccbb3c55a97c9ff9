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

from array import array

import attrs

from . import faults, projections, rules, store
from .chain import chain_hash, identity
from .errors import RuleError
from .events import FIELDS, Event


@attrs.frozen
class AppendResult:
    """What an append did. Attributes: new, skipped (already recorded), head_seq, head_hash,
    seqs (the new events' seq numbers)."""

    new: int
    skipped: int
    head_seq: int
    head_hash: str
    seqs: tuple = ()

CHUNK = 2000
_COLUMNS = ("seq", *FIELDS, "year", "seal", "recorded_at", "ident", "prev_hash", "hash")
INSERT = f"INSERT INTO events ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
SELECT_EVENTS = f"SELECT seq, {', '.join(FIELDS)}, year, recorded_at FROM events"
INSERT_POSTINGS = "INSERT INTO postings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
SELECT_ONE = f"SELECT {', '.join(FIELDS)} FROM events WHERE seq = ?"

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

    # ---------------------------------------------------------------- 1. insert

    def insert_all(self, items):
        """Insert ``(row, Event or RuleError, recorded_at)`` items in chunks (an item may
        carry its canonical JSON and identity as two more fields). Errors are
        raised in row order: a row's own refusal (a RuleError item) only once the rows
        before it have been judged, and so is a failure of the file itself."""
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
        prepared = []
        for item in chunk:
            if isinstance(item[1], RuleError):
                break  # raised below once the rows before it have been judged
            canonical = item[1].canonical()
            prepared.append((*item, canonical, identity(canonical)))
        known = self._lookup("SELECT ident FROM events WHERE ident IN ({})",
                             [p[4] for p in prepared])
        sp2d_refs, pagu_lines = {}, {}
        for year in {p[1].year for p in prepared}:
            for ref, seq in self._lookup_rows(
                    "SELECT ref, seq FROM events WHERE year = ? AND kind = 'sp2d' AND ref IN ({})",
                    [p[1].ref for p in prepared if p[1].kind == "sp2d" and p[1].year == year], year):
                sp2d_refs[(year, ref)] = seq
            for code, akun, seq in self._lookup_rows(
                    "SELECT code, akun, seq FROM events WHERE year = ? AND code IN ({}) AND kind = 'pagu' "
                    "AND " + store.IS_CEILING,
                    [p[1].code for p in prepared if p[1].kind == "pagu" and p[1].year == year], year):
                pagu_lines[(year, code, akun or "")] = seq
        values = []
        for row, event, recorded_at, canonical, ident in prepared:
            try:
                year = event.year
                if ident in known:  # identical to one recorded: skipped, even in a closed year
                    self.skipped += 1
                    continue
                rules.refuse_closed_year(event, self.closed)
                if event.kind == "sp2d":
                    rules.refuse_second_sp2d(event, self._where(sp2d_refs.get((year, event.ref))))
                elif event.kind == "pagu":
                    rules.refuse_second_pagu(
                        event, self._where(pagu_lines.get((year, event.code, event.akun or ""))))
                recorded_at = self._recorded_at(recorded_at)
            except RuleError as e:
                raise e.at_row(row) if row is not None else e
            self.seq += 1
            known.add(ident)
            if event.kind == "sp2d":
                sp2d_refs[(year, event.ref)] = self.seq
            elif event.kind == "pagu":
                pagu_lines[(year, event.code, event.akun or "")] = self.seq
            digest = chain_hash(self.prev_hash, canonical, self.seq, recorded_at)
            values.append((self.seq, *event.values(), year, None,
                           recorded_at, ident, self.prev_hash, digest))
            self.prev_hash, self.last_time = digest, recorded_at
            self.rows.append(row or 0)
        conn.executemany(INSERT, values)
        faults.at("insert", self.seq - self.first_seq)
        if len(prepared) < len(chunk):
            raise chunk[len(prepared)][1]

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

    def _lookup(self, sql, keys):
        return {r[0] for r in self._lookup_rows(sql, keys)}

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
        postings = []
        judged, line_akun = set(), {}
        n = len(FIELDS)
        cursor = conn.execute(SELECT_EVENTS + " WHERE seq > ? ORDER BY seq", (self.first_seq,))
        while True:
            chunk = cursor.fetchmany(5000)
            if not chunk:
                break
            for rec in chunk:
                seq, values, year, recorded_at = rec[0], rec[1:n + 1], rec[n + 1], rec[n + 2]
                try:
                    rules.judge(state, values, year, judged)
                except RuleError as e:
                    raise e.at_row(self.row_of(seq)) from None
                postings += projections.postings_of(seq, values, year, recorded_at, state,
                                                    line_akun)
            if len(postings) >= 5000:
                conn.executemany(INSERT_POSTINGS, postings)
                postings.clear()
        conn.executemany(INSERT_POSTINGS, postings)

        def check(year, bucket, date, c, l, r):
            if rules.breaks(c, l, r):
                raise self._rule5_error(state, year, bucket, date, (c, l, r))

        projections.merge_daily(conn, projections.daily_deltas(conn, before), check)
        faults.at("project")

    def row_of(self, seq):
        return self.rows[seq - self.first_seq - 1] or None

    def _rule5_error(self, state, year, bucket, date, figures):
        """Name the batch event that breaks ``bucket`` on ``date``: adding the batch's
        postings on that line (dated up to that day) in effective order to the state
        without them, the first one after which the line breaks at that day."""
        code, line_akun = bucket.split("/")
        rows = self.conn.execute(
            "SELECT seq, ceiling, locked, realised FROM postings WHERE year = ? AND code = ? "
            "AND akun = ? AND seq > ? AND date <= ? ORDER BY date, seq",
            (year, code, line_akun, self.first_seq, date)).fetchall()
        c, l, r = figures
        for _seq, dc, dl, dr in rows:
            c, l, r = c - dc, l - dl, r - dr
        for seq, dc, dl, dr in rows:
            before = (c, l, r)
            c, l, r = c + dc, l + dl, r + dr
            if rules.breaks(c, l, r):
                event = Event(*self.conn.execute(SELECT_ONE, (seq,)).fetchone())
                side = next(s for s in event.sides()
                            if (s.code, state.line_akun(year, s.code, s.akun)) == (code, line_akun))
                return RuleError(5, rules.rule5_message(event, side, bucket, date, before),
                                 self.row_of(seq))
        raise AssertionError("rule 5 broke with no batch posting to blame")  # pragma: no cover
