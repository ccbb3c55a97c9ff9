"""Shared fixtures: throwaway ledgers and a CLI runner that reports exit status,
stdout and stderr separately."""

import sqlite3

import pytest
from click.testing import CliRunner

from anggaran.cli.main import cli
from anggaran.ledger import Ledger


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "ledger.db"
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
def lumajang(tmp_path_factory):
    """The shipped Lumajang 2024 ledger, built once per test session (read-only use)."""
    from anggaran.demo import build_demo

    path = tmp_path_factory.mktemp("lumajang") / "lumajang.db"
    build_demo(str(path)).close()
    return path


@pytest.fixture
def run_lj(lumajang):
    return Run(lumajang)


def log_rows(path):
    """The raw events table, to show that a refusal wrote nothing."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM events ORDER BY seq").fetchall()
    finally:
        conn.close()


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
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return row[0] if row else None
    finally:
        conn.close()


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
