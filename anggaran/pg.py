"""PostgreSQL: many satker ledgers in one database, each the same tables as a SQLite file.

One database holds a registry (``anggaran.ledgers``: satker, name, creation time) and one
schema per satker (``satker_657757``) with the tables, indexes and append-only triggers
of a ledger file. The tables are read off the SQLite schema (``store.expected_schema``),
so the two backends cannot drift: same columns in the same order, same partial indexes;
text columns use the "C" collation so that every ORDER BY sorts as SQLite does, byte by
byte. ``postings`` and ``cash`` gain a ``rowid`` identity column, SQLite's implicit one.

The rest of the library speaks SQLite's dialect to a connection; ``Connection`` takes
that dialect (``?`` parameters, ``IS`` between values, ``INSERT OR REPLACE``, NULLs first
in ORDER BY, ``BEGIN IMMEDIATE``) and hands PostgreSQL the same meaning (``translate``).
Writes take a transaction-scoped advisory lock per satker (``BEGIN IMMEDIATE``): writers
to one satker queue for it — on any number of machines — and are judged after the one
before them committed; writers to different satker never wait for each other. Readers get
one REPEATABLE READ snapshot per command (``BEGIN``); they never block a writer.

The triggers refuse UPDATE, DELETE and TRUNCATE of ``events`` for every role, the owner
included; an application role that may append and read but not own the tables (so not
drop or disable a trigger) is set up as the README shows (``GRANTS``).
"""

import contextlib
import functools
import re
import sqlite3

from . import store
from .errors import LedgerError, UsageError

REGISTRY = "anggaran"
LOCK_CLASS = 0x414E4747  # "ANGG": the advisory lock's first key; the satker is the second
IDENTITY_TABLES = ("postings", "cash")  # SQLite's implicit rowid, made explicit


class DatabaseError(sqlite3.DatabaseError):
    """A PostgreSQL error, caught where the library catches a database's errors."""


SATKER = re.compile(r"[0-9]{6}")


def schema_of(satker):
    """The schema of a satker's ledger. Only six digits ever reach SQL as a name: a satker
    code read from elsewhere (a ledger file's metadata, the registry) that is not one is
    refused here, whatever it holds."""
    if not isinstance(satker, str) or not SATKER.fullmatch(satker):
        raise LedgerError(f"satker {satker!r} is not a satker code (six digits); the ledger's "
                          "metadata was altered: run 'anggaran verify' on it")
    return f"satker_{satker}"


_NETLOC_PASSWORD = re.compile(r"^([a-z]+://[^/?#@:]*):[^/?#]*@", re.I)
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&#]*", re.I)


def display(url):
    """The URL without its password (in the user part or as ``password=``), for messages;
    otherwise exactly as given, so that it can be copied into a command."""
    return _QUERY_PASSWORD.sub(r"\1***", _NETLOC_PASSWORD.sub(r"\1@", url))


# --------------------------------------------------------------------- the dialect

_IS_NOT = re.compile(r"\bIS\s+NOT\s+(?!NULL\b|DISTINCT\b)")
_IS = re.compile(r"\bIS\s+(?!NOT\b|NULL\b|DISTINCT\b)")
_ORDER = re.compile(r"\bORDER\s+BY\b")
_STOP = re.compile(r"\b(LIMIT|OFFSET|UNION|EXCEPT|INTERSECT)\b")
_OR_REPLACE = re.compile(r"^\s*INSERT\s+OR\s+REPLACE\s+INTO\s+(\w+)\s*\(([^)]*)\)(.*)$", re.S)
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\s+(.*)$", re.S)
KEYS = {"daily": ("year", "bucket", "date"), "buckets": ("year", "bucket"), "meta": ("key",)}


def _split_strings(sql):
    """``sql`` cut into (is_string_literal, text) pieces, so rewrites skip literals."""
    parts, i = [], 0
    for m in re.finditer(r"'(?:[^']|'')*'", sql):
        parts.append((False, sql[i:m.start()]))
        parts.append((True, m.group()))
        i = m.end()
    parts.append((False, sql[i:]))
    return parts


def _nulls_first(sql):
    """SQLite puts NULLs first in ascending order (last in descending); PostgreSQL the
    other way round: every ORDER BY term says it."""
    out, pos = [], 0
    for m in _ORDER.finditer(sql):
        out.append(sql[pos:m.end()])
        depth, i, start, terms = 0, m.end(), m.end(), []
        while i < len(sql):
            c = sql[i]
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    break
                depth -= 1
            elif c == "," and depth == 0:
                terms.append(sql[start:i])
                start = i + 1
            elif depth == 0 and _STOP.match(sql, i) and (i == 0 or not sql[i - 1].isalnum()):
                break
            i += 1
        terms.append(sql[start:i])
        fixed = []
        for term in terms:
            t = term.rstrip()
            tail = term[len(t):]
            bare = re.fullmatch(r"\s*(?:\w+\.)?(\w+)(?:\s+(?:ASC|DESC))?", t, re.I)
            if re.search(r"\bNULLS\s+(FIRST|LAST)$", t, re.I) or (
                    bare and bare.group(1) in not_null_columns()):
                fixed.append(term)  # a column that is never NULL: the index order serves
            elif re.search(r"\bDESC$", t, re.I):
                fixed.append(f"{t} NULLS LAST{tail}")
            else:
                fixed.append(f"{t} NULLS FIRST{tail}")
        out.append(",".join(fixed))
        pos = i
    out.append(sql[pos:])
    return "".join(out)


@functools.cache
def _sqlite_schema():
    """The current SQLite schema in memory: ``{table: [(name, type, notnull, default, pk)]}``
    and the index texts, as ``create_schema`` and the migrations lay them down."""
    import sqlite3

    mem = sqlite3.connect(":memory:")
    mem.executescript(store.SCHEMA_V1)
    for target in range(2, store.SCHEMA_VERSION + 1):
        for sql in store.MIGRATIONS[target]:
            if not sql.lstrip().upper().startswith(("DROP TRIGGER", "CREATE TRIGGER")):
                mem.execute(sql)
    tables = {t: [r[1:] for r in mem.execute(f"PRAGMA table_info({t})")] for (t,) in
              mem.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")}
    indexes = [r[0] for r in mem.execute("SELECT sql FROM sqlite_master WHERE type = 'index' "
                                         "AND sql IS NOT NULL")]
    mem.close()
    return tables, indexes


@functools.cache
def not_null_columns():
    """Column names that are NOT NULL in every table that has them (their ORDER BY needs
    no NULLS clause, so an index serves it in either direction)."""
    seen, nullable = set(), set()
    for columns in _sqlite_schema()[0].values():
        for name, _type, notnull, _default, pk in columns:
            seen.add(name)
            if not (notnull or pk):
                nullable.add(name)
    return frozenset(seen - nullable) | {"rowid"}


def _index_nulls_first(sql):
    """An index's nullable columns ordered NULLS FIRST, as SQLite orders NULLs: an ORDER
    BY on them (ascending, or descending by a backward scan) can still use the index."""
    head, _, rest = sql.partition("(")
    columns, _, tail = rest.partition(")")
    terms = [c.strip() for c in columns.split(",")]
    fixed = [c if c.strip('"') in not_null_columns() else f"{c} NULLS FIRST" for c in terms]
    return f"{head}({', '.join(fixed)}){tail}"


@functools.lru_cache(maxsize=4096)
def translate(sql, params=True):
    """SQLite's dialect, as the library writes it, in PostgreSQL's."""
    m = _OR_REPLACE.match(sql)
    if m:
        table, columns, rest = m.groups()
        names = [c.strip() for c in columns.split(",")]
        update = ", ".join(f"{c} = EXCLUDED.{c}" for c in names if c not in KEYS[table])
        sql = (f"INSERT INTO {table} ({columns}){rest} ON CONFLICT ({', '.join(KEYS[table])}) "
               f"DO UPDATE SET {update}")
    m = _OR_IGNORE.match(sql)
    if m:
        sql = f"INSERT INTO {m.group(1)} ON CONFLICT DO NOTHING"
    pieces = []
    for literal, text in _split_strings(sql):
        if not literal:
            text = _IS_NOT.sub("IS DISTINCT FROM ", text)
            text = _IS.sub("IS NOT DISTINCT FROM ", text)
            text = re.sub(r"\bAS INTEGER\b", "AS BIGINT", text)
            if params:
                text = text.replace("%", "%%").replace("?", "%s")
        elif params:
            text = text.replace("%", "%%")
        pieces.append(text)
    return _nulls_first("".join(pieces))


# --------------------------------------------------------------------- rows, cursors

class Row(tuple):
    """A result row as ``sqlite3.Row`` is: by position, by column name, ``keys()``."""

    __slots__ = ()
    names = ()

    def __getitem__(self, key):
        if isinstance(key, str):
            return tuple.__getitem__(self, self.index_of[key])
        return tuple.__getitem__(self, key)

    def keys(self):
        return list(self.names)


@functools.lru_cache(maxsize=1024)
def _row_class(names):
    return type("Row", (Row,), {"__slots__": (), "names": names,
                                "index_of": {n: i for i, n in enumerate(names)}})


def _row_factory(cursor):
    desc = cursor.description
    if desc is None:
        return tuple
    cls = _row_class(tuple(d.name for d in desc))
    return lambda values: cls(values)


class Cursor:
    """What the library uses of ``sqlite3.Cursor``. ``row_factory`` may be set and is
    ignored: every row is a ``Row``, which is also a tuple."""

    def __init__(self, conn, cursor):
        self.conn, self.cursor, self.row_factory = conn, cursor, None

    def execute(self, sql, params=None):
        self.conn._run(self.cursor, sql, params)
        return self

    def fetchone(self):
        return self.cursor.fetchone()

    def fetchall(self):
        return self.cursor.fetchall()

    def fetchmany(self, size=5000):
        return self.cursor.fetchmany(size)

    def __iter__(self):
        return iter(self.cursor)

    @property
    def rowcount(self):
        return self.cursor.rowcount


class Connection:
    """One satker's ledger in a PostgreSQL database, with the part of ``sqlite3``'s
    connection interface the library uses."""

    backend = "postgresql"

    def __init__(self, pg, url, satker):
        self.pg, self.url, self.satker = pg, url, satker
        self.row_factory = None
        self._cursors = 0
        self._known_rows = None  # events the planner's statistics know of (see _grow)
        self._added = 0

    # the dialect's statements that are not plain SQL
    def _special(self, sql):
        words = sql.split()
        head = " ".join(words[:2]).upper()
        if head == "BEGIN IMMEDIATE":
            # READ COMMITTED whatever the server's default: each statement after the lock
            # sees what the writer before committed (a snapshot taken while waiting would not)
            self.pg.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            self.pg.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_CLASS, int(self.satker)))
            return True
        if words and words[0].upper() == "BEGIN":
            self.pg.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            return True
        if words and words[0].upper() == "PRAGMA":
            return True  # page cache, checkpoints: SQLite's own
        return False

    def _run(self, cursor, sql, params):
        import psycopg

        if self._special(sql):
            return
        try:
            if params is None or params == ():
                cursor.execute(translate(sql, False))
            else:
                cursor.execute(translate(sql, True), tuple(params))
        except psycopg.errors.NumericValueOutOfRange:
            raise OverflowError("integer out of range") from None
        except psycopg.Error as e:
            raise DatabaseError(_first_line(e)) from e

    def execute(self, sql, params=None):
        cursor = Cursor(self, self.pg.cursor(row_factory=_row_factory))
        return cursor.execute(sql, params)

    def executemany(self, sql, rows):
        rows = [tuple(r) for r in rows]
        if not rows:
            return None
        import psycopg

        try:
            with self.pg.cursor() as cursor:
                cursor.executemany(translate(sql, True), rows)
            if sql.startswith("INSERT INTO events "):
                self._grow(len(rows))
        except psycopg.errors.NumericValueOutOfRange:
            raise OverflowError("integer out of range") from None
        except psycopg.Error as e:
            raise DatabaseError(_first_line(e)) from e
        return None

    def _grow(self, n):
        """A large append doubles the log inside one transaction, before autovacuum can
        tell the planner: without fresh statistics the rules' look-ups (``ref IN (…)``)
        scan the year instead of seeking, and an import slows down with its own size.
        So the events' statistics are refreshed (``ANALYZE``, which sees this
        transaction's rows) each time the log has grown by what they know of."""
        if self._known_rows is None:
            self._known_rows = max(0, int(self.pg.execute(
                "SELECT reltuples FROM pg_class WHERE oid = 'events'::regclass").fetchone()[0]))
        self._added += n
        if self._added >= max(1000, self._known_rows):
            self.pg.execute("ANALYZE events")
            self._known_rows += self._added
            self._added = 0

    def cursor(self):
        """A cursor for long results: inside a transaction a server-side one, so that a
        million rows stream in chunks rather than arrive at once."""
        if self.in_transaction:
            self._cursors += 1
            return Cursor(self, self.pg.cursor(name=f"anggaran_{self._cursors}",
                                               row_factory=_row_factory))
        return Cursor(self, self.pg.cursor(row_factory=_row_factory))

    @property
    def in_transaction(self):
        from psycopg.pq import TransactionStatus

        return self.pg.info.transaction_status != TransactionStatus.IDLE

    def close(self):
        self.pg.close()


# --------------------------------------------------------------------- the schema

def _pg_type(sqlite_type):
    return {"INTEGER": "BIGINT", "TEXT": 'TEXT COLLATE "C"', "BLOB": "BYTEA"}[sqlite_type.upper()]


@functools.cache
def ledger_ddl():
    """The statements that lay down one satker's tables and indexes in schema ``{s}``,
    read off the SQLite schema (current version) as ``create_schema`` lays it down."""
    tables, indexes = _sqlite_schema()
    out = []
    for table, info in tables.items():
        columns, keys = [], []
        for name, typ, notnull, default, pk in info:
            quoted = f'"{name}"' if name == "end" else name
            col = f"{quoted} {_pg_type(typ)}" + (" NOT NULL" if notnull or pk else "")
            if default is not None:
                col += f" DEFAULT {default}"
            columns.append(col)
            if pk:
                keys.append((pk, quoted))
        if table in IDENTITY_TABLES:
            columns.append("rowid BIGINT GENERATED BY DEFAULT AS IDENTITY")
        if keys:
            columns.append(f"PRIMARY KEY ({', '.join(n for _pk, n in sorted(keys))})")
        out.append(f"CREATE TABLE {{s}}.{table} ({', '.join(columns)})")
        if table in IDENTITY_TABLES:
            out.append(f"CREATE INDEX {table}_rowid ON {{s}}.{table} (rowid)")
    for sql in indexes:
        sql = re.sub(r"\bON\s+(\w+)\s*\(", r"ON {s}.\1 (", sql, count=1)
        out.append(_index_nulls_first(translate(sql, False)))
    return tuple(out)


# PL/pgSQL versions of the SQLite triggers: the same conditions (store.TRIGGERS), the same
# messages, on the satker's own tables.
def _condition(trigger_sql):
    when = re.search(r"\bWHEN\b(.*)\bBEGIN\b", trigger_sql, re.S).group(1)
    when = re.sub(r"\b(FROM|JOIN)\s+(events|meta)\b", r"\1 {s}.\2", when)
    return translate(when, False)


def _message(trigger_sql):
    return re.search(r"RAISE\(ABORT,\s*'([^']*)'\)", trigger_sql).group(1)


@functools.cache
def trigger_ddl():
    """``{trigger name: (function body, CREATE TRIGGER)}`` for schema ``{s}``."""
    refuse = ("BEGIN RAISE EXCEPTION 'anggaran: the event log is append-only: % refused', TG_OP; "
              "END;")
    out = {}
    for name, op, level in (("events_no_update", "UPDATE", "ROW"),
                            ("events_no_delete", "DELETE", "ROW"),
                            ("events_no_truncate", "TRUNCATE", "STATEMENT")):
        out[name] = (refuse, f"CREATE TRIGGER {name} BEFORE {op} ON {{s}}.events "
                             f"FOR EACH {level} EXECUTE FUNCTION {{s}}.{name}()")
    for name in ("events_append_only", "events_unique"):
        sql = store.TRIGGERS[name]
        body = (f"BEGIN IF {_condition(sql)} THEN RAISE EXCEPTION '{_message(sql)}'; END IF; "
                "RETURN NEW; END;")
        out[name] = (body, f"CREATE TRIGGER {name} BEFORE INSERT ON {{s}}.events "
                           f"FOR EACH ROW EXECUTE FUNCTION {{s}}.{name}()")
    return out


def _function(schema, name, body):
    # One plan per function, made once: a custom plan per row (PL/pgSQL's default when it
    # finds the generic one dearer) costs more to make than the look-ups it runs.
    return (f"CREATE FUNCTION {schema}.{name}() RETURNS trigger LANGUAGE plpgsql "
            f"SET plan_cache_mode = force_generic_plan AS $anggaran${body}$anggaran$")


REGISTRY_DDL = (
    f"CREATE SCHEMA IF NOT EXISTS {REGISTRY}",
    f"CREATE TABLE IF NOT EXISTS {REGISTRY}.ledgers (satker TEXT COLLATE \"C\" PRIMARY KEY, "
    "name TEXT NOT NULL, created_at TEXT NOT NULL)",
)

# What an application role needs: append and read events, maintain the projections;
# never own (so never alter, disable or drop) anything.
GRANTS = """\
CREATE ROLE anggaran_app LOGIN PASSWORD '...';
GRANT USAGE ON SCHEMA anggaran, satker_657757 TO anggaran_app;
GRANT SELECT ON anggaran.ledgers TO anggaran_app;
GRANT SELECT, INSERT ON satker_657757.events, satker_657757.meta TO anggaran_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON satker_657757.postings, satker_657757.daily,
  satker_657757.buckets, satker_657757.cash TO anggaran_app;"""


def create_ledger(conn, satker, name, created_at, meta_rows):
    """Lay down one satker's schema and its metadata inside the caller's transaction."""
    s = schema_of(satker)
    conn.execute(f"CREATE SCHEMA {s}")
    for sql in ledger_ddl():
        conn.execute(sql.replace("{s}", s))
    for trigger, (body, create) in trigger_ddl().items():
        conn.execute(_function(s, trigger, body.replace("{s}", s)))
        conn.execute(create.replace("{s}", s))
    with conn.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {s}.meta (key, value) VALUES (%s, %s)", meta_rows)
    conn.execute(f"INSERT INTO {REGISTRY}.ledgers VALUES (%s, %s, %s)", (satker, name, created_at))


def schema_problems(conn):
    """What differs in the satker's schema from what anggaran creates, as
    ``store.schema_problems`` reports it for a file: tables, indexes, triggers (present,
    enabled, their definitions and their functions' text), and anything added (a rule, a
    view, a policy)."""
    return schema_problems_of(conn.pg, [conn.satker])[conn.satker]


def schema_problems_of(pg, satkers):
    """``{satker: problems}`` for many satker at once: four catalog queries in all."""
    schemas = {schema_of(s): s for s in satkers}
    names = list(schemas)
    expected_tables = {re.match(r"CREATE TABLE \{s\}\.(\w+)", sql).group(1)
                       for sql in ledger_ddl() if sql.startswith("CREATE TABLE")}
    expected_indexes = {re.match(r"CREATE (?:UNIQUE )?INDEX (\w+)", sql).group(1)
                        for sql in ledger_ddl() if "INDEX" in sql.split("(")[0]}
    triggers = trigger_ddl()
    relations, present, added = {s: [] for s in names}, {s: {} for s in names}, {s: [] for s in names}
    for schema, rel, kind in pg.execute(
            "SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = ANY(%s) "
            "AND c.relkind IN ('r', 'v', 'm', 'p', 'f', 'i', 'I')", (names,)):
        relations[schema].append((rel, kind))
    for schema, name, text in pg.execute(
            # enabled or not, its function's text, and its definition (when it fires, on
            # which table, for which rows: a WHEN (false) would leave it in name only),
            # the schema's name taken out (shown or not as the search_path has it)
            "SELECT n.nspname, t.tgname, md5(t.tgenabled::text || ':' || p.prosrc || ':' || "
            "replace(pg_get_triggerdef(t.oid), n.nspname || '.', '')) FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_proc p ON p.oid = t.tgfoid WHERE n.nspname = ANY(%s) AND NOT t.tgisinternal",
            (names,)):
        present[schema][name] = text
    for schema, what, name in pg.execute(
            "SELECT schemaname, 'rule', rulename FROM pg_rules WHERE schemaname = ANY(%s) "
            "UNION ALL SELECT schemaname, 'policy', policyname FROM pg_policies "
            "WHERE schemaname = ANY(%s)", (names, names)):
        added[schema].append((what, name, "unexpected"))
    out = {}
    for schema, satker in schemas.items():
        rows, problems = relations[schema], []
        tables = {r for r, k in rows if k in ("r", "p")}
        indexes = {r for r, k in rows if k in ("i", "I") and not r.endswith("_pkey")}
        problems += [("table", t, "missing") for t in sorted(expected_tables - tables)]
        problems += [("view" if k in ("v", "m") else "table", r, "unexpected") for r, k in rows
                     if k in ("v", "m", "f") or (k in ("r", "p") and r not in expected_tables)]
        problems += [("index", i, "missing") for i in sorted(expected_indexes - indexes)]
        problems += [("index", i, "unexpected") for i in sorted(indexes - expected_indexes)]
        for name, (body, create) in triggers.items():
            if name not in present[schema]:
                problems.append(("trigger", name, "missing"))
            elif present[schema][name] != _md5(f"O:{body.replace('{s}', schema)}:"
                                               f"{create.replace('{s}.', '')}"):
                problems.append(("trigger", name, "altered"))
        problems += [("trigger", n, "unexpected") for n in sorted(set(present[schema]) - set(triggers))]
        out[satker] = problems + added[schema]
    return out


def _md5(text):
    import hashlib

    return hashlib.md5(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------- many satker at once
# ``consolidate`` over a database's satker: what one satker's report reads, asked of each
# satker's schema on one connection. (One UNION ALL over a hundred schemas cost more to
# plan than a hundred small statements cost to run, when tried.) The
# statements go out pipelined, PIPELINE at a time: the server plans and runs the next while
# the client reads the last, instead of each waiting for a round trip (100 satker: 75 ms
# one by one, 32 ms pipelined, on a quiet machine; bench/RESULTS.md, Session 6).

PIPELINE = 100  # statements in flight at once: the rows of that many satker held at most


def qualify(sql, satker):
    """``sql`` with the ledger's tables named in the satker's schema."""
    return re.sub(r"\b(FROM|JOIN)\s+(events|postings|daily|buckets|cash|meta)\b",
                  rf"\1 {schema_of(satker)}.\2", sql)


def _each(pg, satkers, sql, params):
    """Rows ``(satker, *row of sql)`` for every satker, one statement per schema, sent
    ``PIPELINE`` at a time on ``pg`` (an autocommit connection of ``server``)."""
    import psycopg

    text = translate(sql, bool(params))
    args = tuple(params) if params else None
    satkers = list(satkers)
    for start in range(0, len(satkers), PIPELINE):
        chunk = satkers[start:start + PIPELINE]
        if psycopg.Pipeline.is_supported():
            with pg.pipeline():
                cursors = [pg.cursor() for _ in chunk]
                for satker, cursor in zip(chunk, cursors):
                    cursor.execute(qualify(text, satker), args)
            results = [cursor.fetchall() for cursor in cursors]
        else:  # a libpq older than 14
            results = [pg.execute(qualify(text, satker), args).fetchall() for satker in chunk]
        for satker, rows in zip(chunk, results):
            for row in rows:
                yield (satker, *row)


def registry(pg):
    """``{satker: name}`` of every ledger in the database."""
    if not satkers(pg):
        return {}
    return dict(pg.execute(f"SELECT satker, name FROM {REGISTRY}.ledgers ORDER BY satker"))


def last_years(pg, satker_codes, enough=None):
    """``{satker: latest year with an event, or None}`` (``store.last_year`` of each); with
    ``enough``, it stops after the chunk in which a satker reaches that year (the others
    are not asked: no year of theirs can change an answer that only needs to know
    whether one satker has reached it)."""
    sql = store.LAST_YEAR_SQL
    out = {}
    for satker, year in _each(pg, satker_codes, sql, ()):
        out[satker] = year
        if enough is not None and year is not None and year >= enough:
            break
    return out


def latest_figures(pg, satker_codes, year, as_of, period_start, jenis=False):
    """``{satker: {bucket: Figures}}`` as ``projections.figures_as_of`` reads one satker."""
    from . import projections

    which = ("b.bucket LIKE '#%'" if jenis
             else "b.bucket NOT LIKE '#%' AND b.bucket NOT LIKE '@%'")
    before = projections.before_period(year, period_start)
    out = {s: {} for s in satker_codes}
    sql = projections.LATEST.format(which=which)
    for satker, bucket, c, l, r, rb, b, k in _each(pg, satker_codes, sql, (before, as_of, year)):
        out[satker][bucket[1:] if jenis else bucket] = projections.Figures(c, l, r, rb or 0, b, k)
    return out


# --------------------------------------------------------------------- connecting

def _numeric_as_int(pg):
    """SUM over BIGINT is NUMERIC in PostgreSQL; the ledger's sums are whole rupiah, as
    SQLite returns them: integers."""
    from decimal import Decimal

    from psycopg.adapt import Loader

    class IntNumeric(Loader):
        def load(self, data):
            text = bytes(data).decode()
            return int(text) if text.lstrip("-").isdigit() else Decimal(text)

    pg.adapters.register_loader("numeric", IntNumeric)


def _driver():
    try:
        import psycopg
    except ImportError:
        raise UsageError("a postgresql:// ledger needs the PostgreSQL extra: "
                         "pip install 'anggaran[postgres]'") from None
    return psycopg


def server(url):
    """A plain autocommit psycopg connection to the database of ``url``."""
    psycopg = _driver()
    try:
        pg = psycopg.connect(url, autocommit=True)
    except psycopg.Error as e:
        raise LedgerError(f"cannot connect to {display(url)}: {_first_line(e)}") from None
    _numeric_as_int(pg)
    return pg


@contextlib.contextmanager
def reading(url):
    """A ``server`` connection for reading many satker at once (``consolidate``, ``copy``'s
    look-up), closed at the end. A server error meanwhile — a role without the rights to
    the registry or to a satker's schema, the server going away — is one LedgerError
    naming the database and, in the server's words, the schema (``satker_657757``)."""
    import psycopg

    conn = server(url)
    try:
        yield conn
    except psycopg.Error as e:
        raise LedgerError(f"cannot read the satker ledgers in {display(url)}: {_first_line(e)} "
                          "(ask the database's administrator for the rights the README "
                          "lists)") from None
    finally:
        conn.close()


def _first_line(error):
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def satkers(pg):
    """The satker codes the database holds, in order (none when it has no registry)."""
    exists = pg.execute("SELECT to_regclass(%s)", (f"{REGISTRY}.ledgers",)).fetchone()[0]
    if exists is None:
        return []
    return [r[0] for r in pg.execute(f"SELECT satker FROM {REGISTRY}.ledgers ORDER BY satker")]


def connect(url, satker=None, create=None, keep_open=False):
    """Open one satker's ledger in the database at ``url`` (with ``create``:
    ``(name, created_at, meta_rows)``, lay it down first); return a ``Connection``. With
    ``keep_open`` the new ledger's transaction is left open, holding the satker's write
    lock, for the caller to fill and commit (``copy``: killed half-way, it leaves nothing)."""
    pg = server(url)
    try:
        # a writer waits for a lock as long as it takes, whatever the server's defaults
        # (set before the first lock is asked for): an officer never sees a lock or
        # statement timeout (wait, never fail), nor a long import or verify cancelled
        pg.execute("SET lock_timeout = 0")
        pg.execute("SET statement_timeout = 0")
        if create is not None:
            name, created_at, meta_rows = create
            pg.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            pg.execute("SELECT pg_advisory_xact_lock(%s, 0)", (LOCK_CLASS,))
            for sql in REGISTRY_DDL:
                pg.execute(sql)
            if satker in satkers(pg):
                raise LedgerError(f"{display(url)} already holds the ledger of satker {satker}; "
                                  "choose another --db or satker")
            create_ledger(pg, satker, name, created_at, meta_rows)
            pg.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_CLASS, int(satker)))
            if not keep_open:
                pg.execute("COMMIT")
        else:
            held = satkers(pg)
            if satker is None:
                if not held:
                    raise LedgerError(f"no ledger in {display(url)}; create one with: anggaran "
                                      f"--db {display(url)} init --satker KODE --name \"NAMA SATKER\"")
                if len(held) > 1:
                    raise UsageError(f"{display(url)} holds {len(held)} satker ledgers "
                                     f"({', '.join(held[:5])}{', …' if len(held) > 5 else ''}); "
                                     "choose one with --satker (or $ANGGARAN_SATKER)")
                satker = held[0]
            elif satker not in held:
                raise LedgerError(f"{display(url)} holds no ledger of satker {satker}; create it with: "
                                  f"anggaran --db {display(url)} init --satker {satker} --name "
                                  "\"NAMA SATKER\"")
        pg.execute(f"SET search_path TO {schema_of(satker)}")
    except BaseException as e:
        pg.close()
        import psycopg

        if isinstance(e, psycopg.Error):  # a role without the rights, a server going away
            what = "create the ledger in" if create is not None else "open the ledger in"
            raise LedgerError(f"cannot {what} {display(url)}: {_first_line(e)} (ask the "
                              "database's administrator for the rights the README lists)") from None
        raise
    return Connection(pg, url, satker)


def drop_ledger(url, satker):
    """Remove a satker's ledger that a failed ``copy`` laid down (its own schema and its
    registry row; the triggers refuse DELETE of events, not the schema's removal)."""
    pg = server(url)
    try:
        with pg.transaction():
            pg.execute(f"DROP SCHEMA IF EXISTS {schema_of(satker)} CASCADE")
            pg.execute(f"DELETE FROM {REGISTRY}.ledgers WHERE satker = %s", (satker,))
    finally:
        pg.close()
