"""Operational faults: each a clear error, exit 1, no damage."""

import os
import shutil
import sqlite3
import subprocess

import pytest

from anggaran.ledger import Ledger
from conftest import log_rows, ANGGARAN, NEUTRAL_CWD

RECORD = ["record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6639", "--akun", "521211",
          "--amount", "5", "--ref", "S1"]


@pytest.fixture
def funded(run):
    assert run("record", "pagu", "--date", "2024-01-02", "--code", "CQ.6639", "--akun", "521211",
               "--amount", "1000", "--ref", "DIPA-01").exit_code == 0
    return run


def cli(*args, env=None):
    return subprocess.run([*ANGGARAN, *map(str, args)], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, cwd=NEUTRAL_CWD)


@pytest.mark.sqlite_only  # the SQLite file itself
def test_read_only_ledger_reads_but_refuses_writes(funded, tmp_path, monkeypatch):
    path = tmp_path / "ro.db"
    shutil.copy(funded.db, path)
    before = log_rows(path)
    path.chmod(0o444)
    if os.geteuid() == 0:
        # root may write any file, so let the file system answer as it would a clerk.
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: False if (mode & os.W_OK and str(p) in
                                                                    (str(path), str(tmp_path)))
                            else real_access(p, mode))
    run = funded.__class__(path)
    read = run("report", "--as-of", "2024-12-31", "--format", "csv")
    assert read.exit_code == 0, read.stderr
    assert read.stdout.splitlines()[1].startswith(",total,JUMLAH SELURUHNYA,1000,")
    assert run("verify").exit_code == 0
    write = run(*RECORD)
    assert write.exit_code == 1
    assert write.stderr == f"Error: {path} is read-only: anggaran needs write access to the file and its folder\n"
    assert log_rows(path) == before


def test_missing_directory(tmp_path, run):
    missing = tmp_path / "no" / "such" / "ledger.db"
    init = run.__class__(missing)("init", "--satker", "657757", "--name", "X")
    assert init.exit_code == 1
    assert init.stderr == (f"Error: folder {missing.parent} does not exist; create it first or "
                           "choose another --db path\n")
    assert not missing.parent.exists()
    rec = run.__class__(missing)(*RECORD)
    assert rec.exit_code == 1 and rec.stderr.startswith(f"Error: no ledger at {missing}; create one with")


@pytest.mark.sqlite_only  # the SQLite file itself
def test_locked_longer_than_the_busy_timeout(funded):
    before = log_rows(funded.db)
    holder = sqlite3.connect(funded.db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = cli("--db", funded.db, *RECORD, env={"ANGGARAN_BUSY_TIMEOUT": "0.5"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert result.stderr == (f"Error: {funded.db} stayed busy for more than 0.5 s (another officer is "
                             "writing); try again, or raise ANGGARAN_BUSY_TIMEOUT\n")
    assert log_rows(funded.db) == before
    assert cli("--db", funded.db, *RECORD).returncode == 0


def test_backup_is_consistent_and_restorable(funded, tmp_path):
    assert funded(*RECORD).exit_code == 0
    copy = tmp_path / "backup.db"
    result = funded("backup", copy)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Backed up 2 events to {copy}; the copy verifies (head seq 2 hash ")
    # Restore = use the copy as the ledger.
    with Ledger.open(copy) as restored:
        assert restored.log() == Ledger.open(funded.db).log()
        assert restored.report(as_of="2024-12-31")["rows"][0]["realised"] == 5
    again = funded("backup", copy)
    assert again.exit_code == 1
    assert again.stderr == f"Error: {copy} already exists; choose a new file name, or add --force to replace it\n"
