"""The SQLite file: schema, append-only triggers, connection settings, metadata.

One file per satker. ``events`` is the log and is append-only in the database itself:
triggers refuse UPDATE and DELETE, and a BEFORE INSERT trigger accepts only the next
``seq`` chained to the current head, so ``INSERT OR REPLACE`` (which would delete the
row it replaces) cannot slip past either. No UNIQUE index exists on ``events``: every
uniqueness rule is a trigger or a check, never a conflict that REPLACE could resolve.

``postings`` (one row per line an event moves) and ``daily`` (per bucket and date: the
day's deltas and the cumulative figures at the end of that day) are projections: derived
from the log in the same transaction as each append, rebuilt and compared by ``verify``.
"""

import datetime as dt
import functools
import os
import sqlite3

from . import kinds
from .errors import LedgerError

SCHEMA_VERSION = 3
APPLICATION_ID = 0x414E4747  # "ANGG"
DEFAULT_BUSY_TIMEOUT = 30.0


def busy_timeout():
    """Seconds to wait for another writer: $ANGGARAN_BUSY_TIMEOUT, default 30."""
    try:
        return max(0.0, float(os.environ.get("ANGGARAN_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT)))
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT

# The ceiling kinds (kinds.CEILING_KINDS) as the file's partial index spells them: a
# partial index covers only these events (about 2 % of a real log), and a query uses it
# only when it repeats this exact term. The text is part of the file format, so its order
# is frozen; it must name exactly the kinds table's ceiling kinds.
CEILING_KINDS_SQL = "'pagu','revise','cut','grant','carry_over','shift'"
IS_CEILING = f"kind IN ({CEILING_KINDS_SQL})"
if set(CEILING_KINDS_SQL.replace("'", "").split(",")) != set(kinds.CEILING_KINDS):
    raise ImportError("store.CEILING_KINDS_SQL no longer names the kinds table's ceiling kinds")
# Events that give a line its ceiling (kinds.CREATING_KINDS; revise only when positive).
CREATES_CEILING = (f"(kind IN ({', '.join(repr(k) for k in kinds.CREATING_KINDS)}) OR "
                   + " OR ".join(f"(kind = '{k}' AND amount > 0)" for k, spec in kinds.KINDS.items()
                                 if any(e.role == kinds.CREATE_IF_POSITIVE for e in spec.effects))
                   + ")")

# The first schema (version 1), frozen: a new file is laid down as version 1 and then
# migrated (``MIGRATIONS``), exactly as an old file is, so both hold the same text.
SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  date TEXT NOT NULL,
  year INTEGER NOT NULL,
  code TEXT, akun TEXT, from_code TEXT, from_akun TEXT,
  amount INTEGER,
  ref TEXT, sp2d TEXT, to_year INTEGER, grantor TEXT, name TEXT, note TEXT,
  seal TEXT,
  recorded_at TEXT NOT NULL,
  ident BLOB NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX events_ident ON events(ident);
CREATE INDEX events_ceiling ON events(year, code, akun, kind) WHERE kind IN ({ceiling});
CREATE INDEX events_from_code ON events(year, from_code) WHERE from_code IS NOT NULL;
CREATE INDEX events_sp2d_ref ON events(year, ref) WHERE kind = 'sp2d';
CREATE INDEX events_sp2d ON events(year, sp2d) WHERE sp2d IS NOT NULL;
CREATE INDEX events_named ON events(seq) WHERE name IS NOT NULL;
CREATE INDEX events_close ON events(year) WHERE kind = 'close';
CREATE TABLE postings (
  seq INTEGER NOT NULL, year INTEGER NOT NULL, date TEXT NOT NULL,
  code TEXT NOT NULL, akun TEXT NOT NULL, jenis TEXT NOT NULL,
  ceiling INTEGER NOT NULL, locked INTEGER NOT NULL, realised INTEGER NOT NULL,
  kind TEXT NOT NULL, ref TEXT, recorded_at TEXT NOT NULL
);
CREATE INDEX postings_line ON postings(year, code, akun, date, seq);
CREATE TABLE daily (
  year INTEGER NOT NULL, bucket TEXT NOT NULL, date TEXT NOT NULL,
  d_ceiling INTEGER NOT NULL, d_locked INTEGER NOT NULL, d_realised INTEGER NOT NULL,
  ceiling INTEGER NOT NULL, locked INTEGER NOT NULL, realised INTEGER NOT NULL,
  PRIMARY KEY (year, bucket, date)
) WITHOUT ROWID;
CREATE TABLE buckets (
  year INTEGER NOT NULL, bucket TEXT NOT NULL, PRIMARY KEY (year, bucket)
) WITHOUT ROWID;
""".replace("{ceiling}", CEILING_KINDS_SQL)
SCHEMA = SCHEMA_V1

TRIGGERS_V1 = {
    "events_no_update": """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'anggaran: the event log is append-only: UPDATE refused'); END""",
    "events_no_delete": """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'anggaran: the event log is append-only: DELETE refused'); END""",
    "events_append_only": """CREATE TRIGGER events_append_only BEFORE INSERT ON events
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM events)
  OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM events ORDER BY seq DESC LIMIT 1),
                                   (SELECT value FROM meta WHERE key = 'genesis'))
BEGIN SELECT RAISE(ABORT, 'anggaran: the event log is append-only: only the next seq, chained to the head, may be inserted'); END""",
    "events_unique": """CREATE TRIGGER events_unique BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE ident = NEW.ident)
  OR (NEW.kind = 'sp2d' AND EXISTS (SELECT 1 FROM events WHERE year = NEW.year AND kind = 'sp2d' AND ref = NEW.ref))
  OR (NEW.kind = 'pagu' AND EXISTS (SELECT 1 FROM events WHERE year = NEW.year AND code = NEW.code AND akun IS NEW.akun AND kind = 'pagu' AND kind IN ('pagu','revise','cut','grant','carry_over','shift')))
BEGIN SELECT RAISE(ABORT, 'anggaran: duplicate event, SP2D number or pagu refused'); END""",
}

# Not voided: the event at ``events.seq`` has no void naming it (through events_void).
NOT_VOIDED = "NOT EXISTS (SELECT 1 FROM events v WHERE v.voids = events.seq)"

# Version 2 (contract v2.0): ``void`` events and the keys of rule 6. Applied in order,
# in one write transaction, to a version-1 file (and to every new file).
UNIQUE_V2 = f"""CREATE TRIGGER events_unique BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE ident = NEW.ident)
  OR (NEW.kind = 'sp2d' AND EXISTS (SELECT 1 FROM events WHERE year = NEW.year AND kind = 'sp2d' AND ref = NEW.ref AND {NOT_VOIDED}))
  OR (NEW.kind = 'pagu' AND EXISTS (SELECT 1 FROM events WHERE year = NEW.year AND code = NEW.code AND akun IS NEW.akun AND kind = 'pagu' AND {IS_CEILING} AND {NOT_VOIDED}))
  OR (NEW.kind = 'void' AND EXISTS (SELECT 1 FROM events WHERE voids = NEW.voids))
  OR (NEW.kind = 'contract' AND EXISTS (SELECT 1 FROM events WHERE year = NEW.year AND ref = NEW.ref AND kind <> 'sp2d' AND kind = 'contract' AND {NOT_VOIDED}))
BEGIN SELECT RAISE(ABORT, 'anggaran: duplicate event, SP2D number, pagu, contract or void refused'); END"""
MIGRATIONS = {
    2: ("ALTER TABLE events ADD COLUMN voids INTEGER",
        "ALTER TABLE events ADD COLUMN contract TEXT",
        "ALTER TABLE events ADD COLUMN signed TEXT",
        "ALTER TABLE events ADD COLUMN supplier TEXT",
        'ALTER TABLE events ADD COLUMN "end" TEXT',
        "CREATE INDEX events_void ON events(voids) WHERE voids IS NOT NULL",
        "CREATE INDEX events_key ON events(year, ref) WHERE ref IS NOT NULL AND kind <> 'sp2d'",
        "CREATE INDEX events_contract ON events(year, contract) WHERE contract IS NOT NULL",
        "DROP TRIGGER events_unique",
        UNIQUE_V2,
        # The figures blokir and contracts add, zero on the rows of an older ledger, and the
        # contract a posting belongs to (its per-contract bucket in daily).
        "ALTER TABLE postings ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE postings ADD COLUMN committed INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE postings ADD COLUMN contract TEXT",
        # 1 on a close's release and the deltas that move it later (see projections):
        # the contract's own bucket leaves them out and so holds value − paid.
        "ALTER TABLE postings ADD COLUMN release INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX postings_contract ON postings(year, contract, date) WHERE contract IS NOT NULL",
        "ALTER TABLE daily ADD COLUMN d_blocked INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE daily ADD COLUMN d_committed INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE daily ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE daily ADD COLUMN committed INTEGER NOT NULL DEFAULT 0"),
}
# Version 3 (contract v2.0, the bendahara and the plan): the payment fields of an SP2D,
# the revision code of a revise or shift, a plan's month and jenis (RPD), UP and TUP
# SP2D numbers shared with SP2Ds (rule 6), and the bendahara's book (``cash``: one row per
# advance an event moves, as ``projections.cash_of`` makes them; a void's rows negate its
# event's). Two look-ups in the trigger, so that each uses its partial index.
UNIQUE_V3 = f"""CREATE TRIGGER events_unique BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE ident = NEW.ident)
  OR (NEW.kind IN ('sp2d', 'up', 'tup') AND (EXISTS (SELECT 1 FROM events WHERE year = NEW.year AND kind = 'sp2d' AND ref = NEW.ref AND {NOT_VOIDED})
      OR EXISTS (SELECT 1 FROM events WHERE year = NEW.year AND ref = NEW.ref AND kind <> 'sp2d' AND kind IN ('up', 'tup') AND {NOT_VOIDED})))
  OR (NEW.kind = 'pagu' AND EXISTS (SELECT 1 FROM events WHERE year = NEW.year AND code = NEW.code AND akun IS NEW.akun AND kind = 'pagu' AND {IS_CEILING} AND {NOT_VOIDED}))
  OR (NEW.kind = 'void' AND EXISTS (SELECT 1 FROM events WHERE voids = NEW.voids))
  OR (NEW.kind = 'contract' AND EXISTS (SELECT 1 FROM events WHERE year = NEW.year AND ref = NEW.ref AND kind <> 'sp2d' AND kind = 'contract' AND {NOT_VOIDED}))
BEGIN SELECT RAISE(ABORT, 'anggaran: duplicate event, SP2D number, pagu, contract or void refused'); END"""
MIGRATIONS[3] = (
    "ALTER TABLE events ADD COLUMN payment TEXT",
    "ALTER TABLE events ADD COLUMN tup TEXT",
    "ALTER TABLE events ADD COLUMN bast_date TEXT",
    "ALTER TABLE events ADD COLUMN revision TEXT",
    "ALTER TABLE events ADD COLUMN month TEXT",
    "ALTER TABLE events ADD COLUMN jenis TEXT",
    "CREATE INDEX events_tup ON events(year, tup) WHERE tup IS NOT NULL",
    "CREATE INDEX events_plan ON events(year, month, jenis) WHERE kind = 'plan'",
    "DROP TRIGGER events_unique",
    UNIQUE_V3,
    """CREATE TABLE cash (
  seq INTEGER NOT NULL, year INTEGER NOT NULL, date TEXT NOT NULL,
  account TEXT NOT NULL, tup TEXT, kind TEXT NOT NULL,
  amount INTEGER NOT NULL, outstanding INTEGER NOT NULL,
  ref TEXT, code TEXT, recorded_at TEXT NOT NULL
)""",
    "CREATE INDEX cash_account ON cash(year, account, tup, date)",
)
TRIGGERS = {**TRIGGERS_V1, "events_unique": UNIQUE_V3}
# Events from this seq on follow the v2.0 rules (every money event has its ref; rule 6
# keys every kind; rule 7 ties akun); earlier ones keep the rules they were appended under.
RULES_FROM = "rules_v2_from"


def migrate(conn, version):
    """Bring a version-``version`` file to SCHEMA_VERSION inside the caller's write
    transaction (schema objects only: no event is changed, so every hash stays). Returns
    the version reached."""
    for target in range(version + 1, SCHEMA_VERSION + 1):
        for sql in MIGRATIONS[target]:
            conn.execute(sql)
    if version < SCHEMA_VERSION:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return SCHEMA_VERSION


def rules_from(conn):
    """The seq from which the ledger's events follow the v2.0 rules (1 for a ledger made
    by v2.0; for an older one, the first event appended after it was upgraded)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (RULES_FROM,)).fetchone()
    return int(row[0]) if row else 1


def code_levels(conn, year, code):
    """The ceiling styles used on a code in a year: {"akun"} (its ceilings name an akun),
    {"code"}, both (a rule-4 conflict) or none (no ceiling yet). One look-up through the
    small partial index of ceiling events."""
    rows = conn.execute(
        f"SELECT DISTINCT akun IS NOT NULL FROM events WHERE year = ? AND code = ? AND {IS_CEILING} "
        f"AND {NOT_VOIDED} UNION SELECT DISTINCT from_akun IS NOT NULL FROM events "
        f"WHERE year = ? AND from_code = ? AND kind = 'shift' AND {NOT_VOIDED}",
        (year, code, year, code),
    ).fetchall()
    return {"akun" if r[0] else "code" for r in rows}


def has_ceiling(conn, year, code, line_akun):
    """Whether an event gave the line ``code``/``line_akun`` ('' for code-level) a ceiling
    in ``year`` (through the partial index of ceiling events)."""
    return conn.execute(
        f"SELECT 1 FROM events WHERE year = ? AND code = ? AND akun IS ? AND {IS_CEILING} "
        f"AND {CREATES_CEILING} AND {NOT_VOIDED} LIMIT 1", (year, code, line_akun or None)).fetchone() is not None


def sp2d_record(conn, year, ref, kind="sp2d"):
    """The stored, not voided SP2D of ``year`` numbered ``ref`` (with ``kind`` "tup", the
    SP2D TUP), as a row mapping, or None."""
    index = "kind = 'sp2d'" if kind == "sp2d" else "kind <> 'sp2d' AND kind = ?"
    cursor = conn.execute(f"SELECT * FROM events WHERE year = ? AND ref = ? AND {index} "
                          f"AND {NOT_VOIDED}", (year, ref) + (() if kind == "sp2d" else (kind,)))
    cursor.row_factory = sqlite3.Row
    return cursor.fetchone()


def corrected_away(conn, year, sp2d, upto=None):
    """The sum of the not voided corrections of ``year`` that move money away from SP2D
    ``sp2d`` (with ``upto``, those up to that seq)."""
    return conn.execute("SELECT SUM(amount) FROM events WHERE year = ? AND kind = 'correction' "
                        f"AND sp2d = ? AND seq <= ? AND {NOT_VOIDED}",
                        (year, sp2d, upto or 2**62)).fetchone()[0] or 0


def last_year(conn, include_seals=True):
    """The latest year with events, through small partial indexes only (a plain
    ``max(year)`` reads the whole log: 0.3 s at a million events). Every other event needs
    a ceiling on its line that year (rule 4) — except plans and the bendahara's advances —
    so the ceiling events, the named events, the plans, the advances and the seals between
    them hold the latest year."""
    sql = LAST_YEAR_SQL if include_seals else LAST_YEAR_SQL.replace(_SEALS, "")
    return conn.execute(sql).fetchone()[0]


_SEALS = " UNION ALL SELECT max(year) FROM events WHERE kind = 'close'"
LAST_YEAR_SQL = ("SELECT max(y) FROM (" + " UNION ALL ".join([
    f"SELECT max(year) AS y FROM events WHERE {IS_CEILING}",
    "SELECT max(year) FROM events WHERE name IS NOT NULL",
    # the events that need no ceiling: plans (the year of their month) and the
    # bendahara's advances, through their own indexes
    "SELECT max(year) FROM events WHERE kind = 'plan'",
    "SELECT max(year) FROM cash"]) + _SEALS + ") AS years")


def now_utc():
    """The current time as stored in ``recorded_at``: ``2024-12-04T10:00:00Z``."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_pg(conn):
    """Whether ``conn`` is a PostgreSQL ledger (``pg.Connection``) rather than a file."""
    return getattr(conn, "backend", "sqlite") == "postgresql"


def is_url(db):
    """Whether ``db`` (a --db value) names a PostgreSQL database rather than a file."""
    return isinstance(db, str) and db.split("://", 1)[0] in ("postgresql", "postgres")


def connect(path, create=False):
    """Open (or with ``create``, make) the ledger file; return the sqlite3 connection
    (``backend.connect`` takes a ``postgresql://`` URL as well).

    The connection runs in autocommit mode so that every write is an explicit
    ``BEGIN IMMEDIATE`` ... ``COMMIT``; a busy file is waited for (busy timeout).
    """
    path = os.fspath(path)
    exists = os.path.exists(path)
    if create and exists:
        raise LedgerError(f"ledger {path} already exists; use another --db path or remove it")
    if not create and not exists:
        raise LedgerError(f"no ledger at {path}; create one with: anggaran --db {path} init "
                          "--satker KODE --name \"NAMA SATKER\"")
    folder = os.path.dirname(os.path.abspath(path))
    if create and not os.path.isdir(folder):
        raise LedgerError(f"folder {folder} does not exist; create it first or choose another --db path")
    try:
        if not create and not _writable(path):
            conn = read_only(path)
        else:
            conn = sqlite3.connect(path, timeout=busy_timeout(), isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA recursive_triggers = ON")
        conn.execute("PRAGMA synchronous = FULL")
        if create:
            conn.execute("PRAGMA journal_mode = WAL")
        else:
            _check_is_ledger(conn, path)
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal" and _writable(path):
                conn.execute("PRAGMA journal_mode = WAL")
            upgrade(conn, path)
    except sqlite3.DatabaseError as e:
        raise LedgerError(_db_message(e, path)) from e
    return conn


def database(conn):
    """The sqlite-utils view of a connection, for schema work (init, verify).

    Imported here, not at start-up: sqlite-utils imports numpy when it is installed,
    which costs a command that runs dozens of times a day (``record``) about 0.2 s."""
    import sqlite_utils

    return sqlite_utils.Database(conn)


def genesis(satker, name, created_at):
    """The ``prev_hash`` of the first event: SHA-256 over the satker's code and name and the
    ledger's creation time, so that the metadata is bound into the chain."""
    import hashlib

    text = f"anggaran ledger\n{satker}\n{name}\n{created_at}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_only(path):
    """A ledger we may not write (an auditor's copy, read-only media) can still be read.
    ``mode=ro`` sees what is in the write-ahead log. Where even that cannot open (no
    shared-memory file and a read-only folder), ``immutable=1`` reads the main file alone
    — which is the whole ledger only when the ``-wal`` beside it holds nothing that is not
    in the main file yet (a reader that held a checkpoint back can leave committed events
    there); otherwise the ledger is refused rather than shown shorter than it is."""
    import urllib.parse

    base = "file:" + urllib.parse.quote(os.path.abspath(path))
    try:
        return _open_ro(base)
    except sqlite3.DatabaseError:
        if wal_pending(path):
            raise LedgerError(
                f"{path} cannot be read whole here: its write-ahead log {path}-wal holds "
                "committed events that are not in the main file yet, and this read-only place "
                "cannot apply them. Copy both files to writable storage and run the command "
                "there") from None
        return sqlite3.connect(base + "?immutable=1", uri=True, isolation_level=None)


def _open_ro(base):
    conn = sqlite3.connect(base + "?mode=ro", uri=True, isolation_level=None,
                           timeout=busy_timeout())
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


def wal_pending(path):
    """True when the ``-wal`` beside the ledger (its real file, when ``path`` is a link)
    holds a committed page that differs from the main file's: a commit that only a
    connection able to use the write-ahead log would see. Frames are taken as SQLite takes
    them — a page number, the header's salts and a valid running checksum, up to the last
    commit frame — read one at a time (a large -wal is never held in memory)."""
    import struct

    path = os.path.realpath(os.fspath(path))
    try:
        wal = open(path + "-wal", "rb")
    except OSError:
        return False
    with wal:
        header = wal.read(32)
        if len(header) < 32:
            return False
        magic, _version, page_size, _ckpt, salt1, salt2 = struct.unpack(">6I", header[:24])
        if magic not in (0x377F0682, 0x377F0683) or page_size < 512 or page_size & (page_size - 1):
            return False
        order = ">" if magic & 1 else "<"
        sums = _wal_checksum(order, header[:24], (0, 0))
        if sums != struct.unpack(">2I", header[24:32]):
            return False
        latest, committed, offset = {}, {}, 32
        while True:
            frame = wal.read(24 + page_size)
            if len(frame) < 24 + page_size:
                break
            pgno, commit, s1, s2, c1, c2 = struct.unpack(">6I", frame[:24])
            sums = _wal_checksum(order, frame[:8] + frame[24:], sums)
            if pgno == 0 or (s1, s2) != (salt1, salt2) or sums != (c1, c2):
                break
            latest[pgno] = offset + 24
            if commit:
                committed.update(latest)
                latest = {}
            offset += 24 + page_size
        try:
            with open(path, "rb") as main:
                for pgno, at in committed.items():
                    wal.seek(at)
                    main.seek((pgno - 1) * page_size)
                    if main.read(page_size) != wal.read(page_size):
                        return True
        except OSError:
            return True
    return False


def _wal_checksum(order, data, sums):
    """SQLite's WAL checksum: over 32-bit words in the WAL's byte order, carried on."""
    import struct

    s0, s1 = sums
    words = struct.unpack(f"{order}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def _writable(path):
    folder = os.path.dirname(os.path.abspath(path))
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK)


def meta_rows(satker, name, created_at, genesis_hash=None, rules_v2_from=1):
    """The metadata of a new ledger (``genesis_hash`` and ``rules_v2_from`` given when it
    is a copy of another, which keeps them)."""
    return [("satker", satker), ("name", name), ("schema_version", str(SCHEMA_VERSION)),
            (RULES_FROM, str(rules_v2_from)), ("created_at", created_at),
            ("genesis", genesis_hash or genesis(satker, name, created_at))]


def create_schema(conn, rows):
    """Lay down tables, triggers and metadata (``meta_rows``) in one transaction."""
    script = ("BEGIN IMMEDIATE;" + SCHEMA_V1 + ";\n".join(TRIGGERS_V1.values()) + ";"
              f"PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = 1;")
    try:
        conn.executescript(script)
        migrate(conn, 1)
        database(conn)["meta"].insert_all([{"key": k, "value": v} for k, v in rows])
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _check_is_ledger(conn, path):
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id != APPLICATION_ID:
        raise LedgerError(f"{path} is not an anggaran ledger; point --db at a ledger made by "
                          "'anggaran init'")
    if version > SCHEMA_VERSION:
        raise LedgerError(f"{path} has schema version {version}, newer than this anggaran "
                          f"understands ({SCHEMA_VERSION}); upgrade anggaran to open it")
    if version < 1:
        raise LedgerError(f"{path} has an unknown old schema version {version}")


def upgrade(conn, path):
    """Bring a ledger made before v2.0 (schema version 1) to the current schema when it is
    opened where it can be written: new columns, indexes and the rule-6 trigger, and the
    seq from which its events follow the v2.0 rules. Its events and hashes are untouched.
    The schema is checked against version 1 first: a tampered file is not upgraded."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version >= SCHEMA_VERSION:
        return
    if not _writable(path):
        raise LedgerError(f"{path} was made by an earlier anggaran (schema version {version}) "
                          "and must be upgraded once where it can be written; copy it to "
                          "writable storage and run any command there (its events and hashes "
                          "stay as they are)")
    if schema_problems(conn, version):
        return  # the caller refuses it, naming what differs
    conn.execute("BEGIN IMMEDIATE")
    try:
        head = conn.execute("SELECT max(seq) FROM events").fetchone()[0] or 0
        if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            migrate(conn, version)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                         (str(SCHEMA_VERSION),))
            conn.execute("INSERT OR IGNORE INTO meta VALUES (?, ?)", (RULES_FROM, str(head + 1)))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


# Trigger texts of ledgers made by earlier versions of this schema, still accepted as intact.
LEGACY_TRIGGERS = {
    "events_unique": """CREATE TRIGGER events_unique BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE ident = NEW.ident)
  OR (NEW.kind = 'sp2d' AND EXISTS (SELECT 1 FROM events WHERE year = NEW.year AND kind = 'sp2d' AND ref = NEW.ref))
  OR (NEW.kind = 'pagu' AND EXISTS (SELECT 1 FROM events WHERE year = NEW.year AND code = NEW.code AND kind = 'pagu' AND akun IS NEW.akun))
BEGIN SELECT RAISE(ABORT, 'anggaran: duplicate event, SP2D number or pagu refused'); END""",
}

# Indexes added since the first ledgers were made; a write adds any that is missing.
ADDED_INDEXES = (
    f"CREATE INDEX IF NOT EXISTS events_ceiling ON events(year, code, akun, kind) WHERE {IS_CEILING}",
    "CREATE INDEX IF NOT EXISTS events_sp2d_ref ON events(year, ref) WHERE kind = 'sp2d'",
    "CREATE INDEX IF NOT EXISTS events_close ON events(year) WHERE kind = 'close'",
)


def add_missing_indexes(conn):
    """Bring a ledger made by an earlier version up to the current indexes (inside the
    caller's write transaction; once per file, a few seconds at a million events)."""
    if is_pg(conn):
        return
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    for sql in ADDED_INDEXES:
        if sql.split()[5] not in present:
            conn.execute(sql)


# Indexes of the first release, still accepted beside the current ones (they only cost
# insert time); dropping them is allowed too.
LEGACY_INDEXES = {
    "events_code": "CREATE INDEX events_code ON events(year, code, kind)",
    "events_ref": "CREATE INDEX events_ref ON events(year, kind, ref)",
    "events_recorded": "CREATE INDEX events_recorded ON events(recorded_at)",
    "postings_seq": "CREATE INDEX postings_seq ON postings(seq)",
}
@functools.cache
def expected_schema(version=SCHEMA_VERSION):
    """``{(type, name): {accepted SQL texts}}`` of every schema object anggaran creates
    in a file of schema ``version``, read off a fresh in-memory copy made the way
    ``create_schema`` makes one (so it cannot drift from ``SCHEMA_V1`` and ``MIGRATIONS``)."""
    mem = sqlite3.connect(":memory:", isolation_level=None)
    mem.executescript(SCHEMA_V1 + ";\n".join(TRIGGERS_V1.values()) + ";")
    for target in range(2, version + 1):
        for sql in MIGRATIONS[target]:
            mem.execute(sql)
    objects = {(t, n): {normalise_sql(sql)}
               for t, n, sql in mem.execute("SELECT type, name, sql FROM sqlite_master")}
    mem.close()
    if version == 1:
        for name, sql in LEGACY_TRIGGERS.items():
            objects[("trigger", name)].add(normalise_sql(sql))
    return objects


def schema_problems(conn, version=None):
    """What differs between the file's schema objects (tables, indexes, triggers, views)
    and what anggaran creates: ``[(type, name, "missing" | "altered" | "unexpected")]``,
    empty when intact. A trigger or view added by someone else could silently drop or
    change what a write stores, so any addition counts; the first release's indexes and
    the indexes a write adds to old files are tolerated, and so are the statistics tables
    SQLite's ``ANALYZE`` makes (they change no row and no query's result)."""
    if version is None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    expected = expected_schema(min(max(version, 1), SCHEMA_VERSION))
    present = {(t, n): sql for t, n, sql in
               conn.execute("SELECT type, name, sql FROM sqlite_master")}
    added = {sql.split()[5] for sql in ADDED_INDEXES}
    problems = []
    for key, accepted in expected.items():
        if key not in present:
            if not (key[0] == "index" and key[1] in added):
                problems.append((*key, "missing"))
        elif normalise_sql(present[key]) not in accepted:
            problems.append((*key, "altered"))
    for key, sql in present.items():
        if key not in expected and not (
                key[0] == "index" and normalise_sql(sql) == LEGACY_INDEXES.get(key[1])
                or key[0] == "table" and key[1].startswith("sqlite_stat")):  # ANALYZE's
            problems.append((*key, "unexpected"))
    return problems


def schema_message(problems):
    """One sentence for ``schema_problems``: the old wording when only our triggers are
    gone or altered, else every difference named."""
    if all(t == "trigger" and n in TRIGGERS and what != "unexpected" for t, n, what in problems):
        return ("the append-only triggers are missing or altered ("
                + ", ".join(n for _t, n, _w in problems) + ")")
    return ("the schema differs from what anggaran creates ("
            + "; ".join(f"{what} {t} {n}" for t, n, what in problems) + ")")


def normalise_sql(sql):
    return " ".join(sql.split()) if sql else None


def meta(conn):
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def _db_message(error, path):
    text = str(error)
    if "file is not a database" in text or "file is encrypted" in text:
        return f"{path} is not an anggaran ledger (not an SQLite database)"
    if "unable to open" in text:
        return f"cannot open {path}: check that the folder exists and is writable"
    if "readonly" in text:
        return f"{path} is read-only: anggaran needs write access to the file and its folder"
    if "locked" in text or "busy" in text:
        return (f"{path} stayed busy for more than {busy_timeout():g} s (another officer is "
                "writing); try again, or raise ANGGARAN_BUSY_TIMEOUT")
    return f"{path}: {text}"


def db_error(error, path):
    """Map any sqlite3 error to the library's LedgerError with a fix-it message."""
    return LedgerError(_db_message(error, path))
