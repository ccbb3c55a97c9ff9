"""Every file anggaran writes (--output, export, backup, --plot) refuses an existing target
and a symbolic link unless --force, never replaces the ledger it reads (nor its -wal/-shm)
even with --force, and is written through a temporary file and a rename."""

import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anggaran.ledger import Ledger

from conftest import log_rows

BASE = [("pagu", "--date", "2024-01-02", "--code", "CQ.6639", "--amount", "1000000", "--ref", "DIPA-1"),
        ("sp2d", "--date", "2024-03-04", "--code", "CQ.6639", "--amount", "250000", "--ref", "SP2D-1")]


@pytest.fixture
def funded(run):
    for args in BASE:
        assert run("record", *args).exit_code == 0
    return run


def intact(db, before):
    assert log_rows(db) == before
    with Ledger.open(db) as led:
        assert led.verify().events == len(before)


LEDGER_TARGETS = [
    ("report", "--format", "csv", "--output"),
    ("report", "--format", "xlsx", "--output"),
    ("absorption", "--year", "2024", "--output"),
    ("history", "CQ.6639", "--output"),
    ("log", "--output"),
]


@pytest.mark.parametrize("command", LEDGER_TARGETS, ids=lambda c: " ".join(c[:3]))
@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("through", ["file", "wal", "link", "hardlink"])
@pytest.mark.sqlite_only  # the SQLite file itself
def test_no_output_replaces_the_ledger(funded, tmp_path, command, force, through):
    db = funded.db
    before = log_rows(db)
    target = {"file": str(db), "wal": str(db) + "-wal"}.get(through)
    if through == "link":
        target = str(tmp_path / "out.xlsx")
        os.symlink(db, target)
    elif through == "hardlink":
        target = str(tmp_path / "same.xlsx")
        os.link(db, target)
    if command[-2:] == ("xlsx", "--output") and not target.endswith(".xlsx"):
        pytest.skip("xlsx wants an .xlsx name")
    result = funded(*command, target, *(["--force"] if force else []))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {target} is the ledger being read")
    assert result.stderr.count("\n") == 1
    intact(db, before)


def test_demo_never_writes_onto_its_own_ledger(tmp_path, run):
    target = tmp_path / "demo.db"
    result = run.__class__(target)("demo", "--format", "csv", "--output", str(target), "--force")
    assert result.exit_code == 1
    assert "is the ledger being read" in result.stderr


@pytest.mark.sqlite_only  # the SQLite file itself
def test_an_existing_file_needs_force_and_is_replaced_whole(funded, tmp_path):
    out = tmp_path / "report.csv"
    out.write_text("the officer's own notes\n")
    refused = funded("report", "--format", "csv", "--output", out)
    assert refused.exit_code == 1
    assert refused.stderr == (f"Error: {out} already exists; choose a new file name, or add "
                              "--force to replace it\n")
    assert out.read_text() == "the officer's own notes\n"
    done = funded("report", "--format", "csv", "--output", out, "--force")
    assert done.exit_code == 0, done.stderr
    assert out.read_text().startswith("code,level,name,ceiling")
    assert sorted(os.listdir(tmp_path)) == ["ledger.db", "report.csv"]  # no temporary left


def test_a_link_is_never_written_through(funded, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "report.csv"
    os.symlink(victim, link)
    refused = funded("report", "--format", "csv", "--output", link)
    assert refused.exit_code == 1
    assert "is a symbolic link" in refused.stderr
    forced = funded("report", "--format", "csv", "--output", link, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert not os.path.islink(link)  # the link itself was replaced ...
    assert victim.read_text() == "keep me"  # ... and what it pointed at is untouched


def test_a_dangling_link_is_refused_for_a_backup(funded, tmp_path):
    link = tmp_path / "backup.db"
    os.symlink(tmp_path / "elsewhere.db", link)
    result = funded("backup", link)
    assert result.exit_code == 1
    assert "is a symbolic link" in result.stderr
    assert not (tmp_path / "elsewhere.db").exists()


def test_an_interrupted_backup_leaves_nothing_that_blocks_the_next(funded, tmp_path, monkeypatch):
    dest = tmp_path / "backups" / "l.db"
    dest.parent.mkdir()
    real_open = Ledger.open

    def killed(path, *a, **k):  # the copy is made; the process dies before it is verified
        if str(path) != str(funded.db):
            raise KeyboardInterrupt
        return real_open(path, *a, **k)

    monkeypatch.setattr(Ledger, "open", staticmethod(killed))
    with pytest.raises(KeyboardInterrupt):
        with real_open(funded.db) as led:
            led.backup(dest)
    monkeypatch.undo()
    assert os.listdir(dest.parent) == []  # no 0-byte DEST, no temporary file
    result = funded("backup", dest)
    assert result.exit_code == 0, result.stderr
    with Ledger.open(dest) as copy:
        assert copy.verify().events == 2


@pytest.mark.sqlite_only  # the SQLite file itself
def test_backup_force_replaces_an_old_backup_but_never_the_ledger(funded, tmp_path):
    dest = tmp_path / "old.db"
    dest.write_bytes(b"an old backup")
    assert funded("backup", dest).exit_code == 1
    assert dest.read_bytes() == b"an old backup"
    assert funded("backup", dest, "--force").exit_code == 0
    with Ledger.open(dest) as copy:
        assert copy.verify().events == 2
    before = log_rows(funded.db)
    own = funded("backup", funded.db, "--force")
    assert own.exit_code == 1 and "is the ledger being read" in own.stderr
    intact(funded.db, before)


def test_plot_refuses_an_existing_picture(funded, tmp_path):
    pytest.importorskip("matplotlib")
    picture = tmp_path / "curve.png"
    picture.write_bytes(b"mine")
    result = funded("absorption", "--year", "2024", "--plot", picture)
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert picture.read_bytes() == b"mine"
    assert funded("absorption", "--year", "2024", "--plot", picture, "--force").exit_code == 0
    assert picture.read_bytes()[:4] == b"\x89PNG"


TARGETS = ["ledger", "wal", "shm", "link-to-ledger", "hardlink", "existing", "link-to-file",
           "dangling-link", "new", "folder"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(TARGETS), force=st.booleans(),
       command=st.sampled_from(["report-csv", "report-xlsx", "history", "log", "backup",
                                "export-hledger", "export-beancount", "absorption"]))
@pytest.mark.sqlite_only  # the SQLite file itself
def test_fuzzed_write_targets_never_harm_the_ledger(funded, tmp_path_factory, target, force, command):
    """Whatever the target and --force, the ledger stays intact, the outcome is success or
    one Error line, and a user's file is replaced only with --force."""
    folder = tmp_path_factory.mktemp("out")
    db = str(funded.db)
    name = str(folder / ("out.xlsx" if command == "report-xlsx" else "out.txt"))
    mine = folder / "mine.txt"
    mine.write_text("the officer's file")
    if target == "ledger":
        name = db
    elif target in ("wal", "shm"):
        name = f"{db}-{target}"
    elif target == "link-to-ledger":
        os.symlink(db, name)
    elif target == "hardlink":
        os.link(db, name)
    elif target == "existing":
        shutil.copyfile(mine, name)
    elif target == "link-to-file":
        os.symlink(mine, name)
    elif target == "dangling-link":
        os.symlink(folder / "nowhere", name)
    elif target == "folder":
        os.mkdir(name)
    args = {"report-csv": ["report", "--format", "csv", "--output", name],
            "report-xlsx": ["report", "--format", "xlsx", "--output", name],
            "history": ["history", "CQ.6639", "--output", name],
            "log": ["log", "--output", name],
            "backup": ["backup", name],
            "export-hledger": ["export", "--to", "hledger", name],
            "export-beancount": ["export", "--to", "beancount", name],
            "absorption": ["absorption", "--year", "2024", "--output", name]}[command]
    before = log_rows(funded.db)
    result = funded(*args, *(["--force"] if force else []))
    assert result.exit_code in (0, 1, 2), result.stderr  # 2: an .xlsx needs an .xlsx name
    if result.exit_code:
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    intact(funded.db, before)
    assert mine.read_text() == "the officer's file"  # never written through a link
    if target in ("ledger", "wal", "shm", "link-to-ledger", "hardlink"):
        assert result.exit_code != 0
    if target in ("existing", "link-to-file", "dangling-link") and not force:
        assert result.exit_code != 0
    if result.exit_code == 0:
        assert os.path.isfile(name) and not os.path.islink(name)
        assert not [f for f in os.listdir(folder) if f.endswith(".part") or ".part." in f]
