"""Shared fixtures: throwaway ledgers and a CLI runner that reports exit status,
stdout and stderr separately."""

import itertools
import os
import sqlite3

import pytest
from click.testing import CliRunner

from anggaran import backend as stores, store
from anggaran.cli.main import cli
from anggaran.ledger import Ledger

# One suite, two stores: every test that takes a ledger through the fixtures below (db,
# ledger, run, new_db, lumajang, run_lj) runs once on a SQLite file and once on a satker in
# a PostgreSQL database that this session starts itself (tests/pg_server.py). A test
# about the file itself (its bytes, its triggers through sqlite3, read-only media) is
# marked ``sqlite_only``; one about the server, ``postgresql_only``.
BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: the test is about the SQLite file itself")
    config.addinivalue_line("markers", "postgresql_only: the test is about the PostgreSQL server")


def pytest_collection_modifyitems(config, items):
    """Drop the runs a test's marker rules out (deselected: they are not skips)."""
    keep, drop = [], []
    for item in items:
        backend = getattr(item, "callspec", None) and item.callspec.params.get("backend")
        wrong = (backend == "postgresql" and item.get_closest_marker("sqlite_only")
                 or backend == "sqlite" and item.get_closest_marker("postgresql_only"))
        (drop if wrong else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


_PG = {}


def pg_server():
    """The session's PostgreSQL server, started on first use (None: no binaries here)."""
    if "server" not in _PG:
        from pg_server import Server, find_bin

        if find_bin() is None:
            _PG["server"] = None
        else:
            import tempfile

            _PG["server"] = Server.start(tempfile.mkdtemp(prefix="anggaran-pg-", dir="/tmp"))
    return _PG["server"]


def pytest_sessionfinish(session, exitstatus):
    server = _PG.get("server")
    if server is not None:
        server.stop()


def pytest_terminal_summary(terminalreporter):
    if "server" in _PG and _PG["server"] is None:
        terminalreporter.write_line(
            "WARNING: no PostgreSQL server binaries (initdb, pg_ctl) were found: every "
            "postgresql run of the suite was SKIPPED. Install the 'postgresql' package.",
            red=True, bold=True)


_numbers = itertools.count(1)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request):
    if request.param == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            pytest.skip("psycopg is not installed (pip install '.[test]')")
        if pg_server() is None:
            pytest.skip("no PostgreSQL server binaries here")
    return request.param


@pytest.fixture
def new_db(backend, tmp_path):
    """``new_db(name)``: where a new, empty ledger can be made — a file path under
    tmp_path, or the URL of a new, empty PostgreSQL database."""
    made = []

    def make(name="ledger"):
        if backend == "sqlite":
            return tmp_path / f"{name}.db"
        server = pg_server()
        database = f"t{os.getpid()}_{next(_numbers)}"
        server.create_database(database)
        made.append(database)
        return server.url(database)

    yield make
    for database in made:
        pg_server().drop_database(database)


@pytest.fixture
def db(new_db):
    path = new_db()
    Ledger.init(path, "657757", "KPU KABUPATEN LUMAJANG").close()
    return path


@pytest.fixture
def ledger(db):
    with Ledger.open(db) as led:
        yield led


class Run:
    def __init__(self, db):
        self.db = db

    def __call__(self, *args, input=None, env=None):
        runner = CliRunner()
        result = runner.invoke(cli, ["--db", str(self.db), *map(str, args)], input=input,
                               env=env, obj={}, catch_exceptions=False)
        return result


@pytest.fixture
def run(db):
    return Run(db)


@pytest.fixture(scope="session")
def lumajang(backend, tmp_path_factory):
    """The shipped Lumajang 2024 ledger, built once per test session and backend
    (read-only use)."""
    from anggaran.demo import build_demo

    if backend == "sqlite":
        path = tmp_path_factory.mktemp("lumajang") / "lumajang.db"
    else:
        pg_server().create_database("lumajang")
        path = pg_server().url("lumajang")
    build_demo(str(path)).close()
    return path


@pytest.fixture
def run_lj(lumajang):
    return Run(lumajang)


def raw_rows(path, sql):
    """Rows of ``sql`` read straight from the ledger's tables, as plain tuples."""
    if store.is_url(str(path)):
        conn = stores.connect(str(path))
        try:
            return [tuple(r) for r in conn.execute(sql).fetchall()]
        finally:
            conn.close()
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def tamper(path, *statements):
    """Edit the ledger behind its triggers' back, as someone who owns the file (or the
    tables) would: SQLite's triggers dropped and made again; PostgreSQL's disabled and
    enabled again (``ALTER TABLE … DISABLE TRIGGER``, which only the owner may do)."""
    if store.is_url(str(path)):
        conn = stores.connect(str(path))
        try:
            conn.pg.execute("ALTER TABLE events DISABLE TRIGGER USER")
            for s in statements:
                conn.execute(s)
            conn.pg.execute("ALTER TABLE events ENABLE TRIGGER USER")
        finally:
            conn.close()
        return
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("DROP TRIGGER events_append_only")
    conn.execute("DROP TRIGGER events_unique")
    for s in statements:
        conn.execute(s)
    for sql in store.TRIGGERS.values():
        conn.execute(sql)
    conn.close()


def log_rows(path):
    """The raw events table, to show that a refusal wrote nothing."""
    return raw_rows(path, "SELECT * FROM events ORDER BY seq")


def refused(run, args, message):
    """The command ``args`` is refused with exactly ``Error: message``, exit 1, nothing on
    stdout and nothing written."""
    before = log_rows(run.db)
    result = run(*args)
    assert (result.exit_code, result.stdout) == (1, ""), result.output
    assert result.stderr == f"Error: {message}\n"
    assert log_rows(run.db) == before


def head_hash(path):
    """The chain head: the hash of the last event (the genesis-less empty log: None)."""
    rows = raw_rows(path, "SELECT hash FROM events ORDER BY seq DESC LIMIT 1")
    return rows[0][0] if rows else None


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


# Subprocesses run the same anggaran as the tests — installed, or this checkout when run
# with ``python -m pytest`` without an install — started from a neutral folder.
NEUTRAL_CWD = __import__("tempfile").gettempdir()
_HOME = __import__("os").path.dirname(__import__("os").path.dirname(__import__("anggaran").__file__))
ANGGARAN = [__import__("sys").executable, "-c",
            f"import sys; sys.path.insert(0, {_HOME!r}); sys.argv[0] = 'anggaran'; "
            "from anggaran.cli.main import main; main()"]
