"""`verify` must not say OK over a wrong ledger, and a write must not say "Recorded" when
nothing was stored: the hardening cases (schema objects, SQLite's integrity check, an
unapplied write-ahead log, a seal's identity, postings in another physical order, rule 7
on replay, odd workbooks and amounts) and the witness file."""

import json
import os
import random
import shutil
import sqlite3
import stat

import pytest

from anggaran import store
from anggaran.events import Event
from anggaran.ledger import Ledger
from conftest import Run, log_rows, write

PAGU = ("record", "pagu", "--date", "2024-01-02", "--code", "CQ.6639", "--akun", "521211",
        "--amount", "1000000", "--ref", "DIPA-1")


def sp2d(n, amount=1000, date="2024-03-04"):
    return ("record", "sp2d", "--date", date, "--code", "CQ.6639", "--akun", "521211",
            "--amount", str(amount), "--ref", f"SP2D-{n}")


@pytest.fixture
def funded(run):
    assert run(*PAGU).exit_code == 0
    assert run(*sp2d(1)).exit_code == 0
    return run


def sql(db, *statements):
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        for s in statements:
            conn.execute(s)
    finally:
        conn.close()


def one_error(result, start):
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith(start), result.stderr
    assert result.stderr.count("\n") == 1


# ------------------------------------------------------------ 5. schema objects

IGNORE = "CREATE TRIGGER zz BEFORE INSERT ON events BEGIN SELECT RAISE(IGNORE); END"


@pytest.mark.sqlite_only  # the SQLite file itself
def test_a_trigger_that_drops_inserts_is_refused_by_writes_and_verify(funded):
    sql(funded.db, IGNORE)
    before = log_rows(funded.db)
    one_error(funded(*sp2d(2)), f"Error: {funded.db}: the schema differs from what anggaran "
                                "creates (unexpected trigger zz)")
    assert log_rows(funded.db) == before
    one_error(funded("verify"), "Error: verify failed: the schema differs from what anggaran "
                                "creates (unexpected trigger zz): the file was tampered with")


@pytest.mark.parametrize("statement", [
    "CREATE VIEW v AS SELECT 1",
    "CREATE INDEX sneaky ON events(amount)",
    "CREATE TABLE extra (x)",
    "DROP INDEX events_ident",
])
@pytest.mark.sqlite_only  # the SQLite file itself
def test_any_schema_difference_fails_verify(funded, statement):
    sql(funded.db, statement)
    one_error(funded("verify"), "Error: verify failed: the schema differs from what anggaran creates")


@pytest.mark.sqlite_only  # the SQLite file itself
def test_a_write_confirms_its_head_even_past_the_schema_check(funded, monkeypatch):
    sql(funded.db, IGNORE)
    monkeypatch.setattr(Ledger, "check_schema", lambda self: None)
    before = log_rows(funded.db)
    one_error(funded(*sp2d(2)), f"Error: {funded.db}: the file did not store what was written "
                                "(head should be seq 3); nothing was recorded")
    assert log_rows(funded.db) == before


# ------------------------------------------------------------ 6. damaged pages

@pytest.mark.parametrize("processes", ["one", "two"])
@pytest.mark.sqlite_only  # the SQLite file itself
def test_a_file_sqlite_finds_damaged_never_verifies(run, tmp_path, monkeypatch, processes):
    """In two processes, the second one runs SQLite's check while this one replays."""
    if processes == "two":
        from anggaran import verify as verify_module

        monkeypatch.setattr(verify_module, "PARALLEL_FROM", 2)
    assert run(*PAGU).exit_code == 0
    with Ledger.open(run.db) as led:
        led.import_file(write(tmp_path / "year.csv", "kind,date,code,akun,amount,ref\n" + "".join(
            f"sp2d,2024-{1 + n % 12:02d}-15,CQ.6639,521211,{100 + n},S{n}\n" for n in range(400))))
    original = run.db.read_bytes()
    rng = random.Random(20261201)
    damaged = 0
    for i in range(64):
        copy = tmp_path / f"flip{i}.db"
        data = bytearray(original)
        at = rng.randrange(100, len(data) - 16)
        data[at:at + 16] = bytes(rng.randrange(256) for _ in range(16))
        copy.write_bytes(bytes(data))
        try:
            conn = sqlite3.connect(copy)
            conn.text_factory = bytes  # its findings may quote damaged, non-UTF-8 bytes
            sound = conn.execute("PRAGMA integrity_check").fetchall() == [(b"ok",)]
            conn.close()
        except (sqlite3.DatabaseError, UnicodeDecodeError):  # an error quoting damaged bytes
            sound = False
        result = Run(copy)("verify")
        assert result.exit_code in (0, 1)
        assert "Traceback" not in result.stderr and result.stderr.count("\n") <= 1
        if not sound:
            damaged += 1
            assert result.exit_code == 1, (i, at)
    assert damaged >= 20  # the flips really did damage the file, most of the time


# ------------------------------------------------------------ 7. write-ahead log on read-only media

@pytest.mark.sqlite_only  # the SQLite file itself
def test_an_unapplied_wal_on_read_only_media_is_refused(funded, tmp_path, monkeypatch):
    reader = sqlite3.connect(funded.db)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM events").fetchone()  # holds the checkpoint back
    assert funded(*sp2d(2)).exit_code == 0
    media = tmp_path / "cdrom"
    media.mkdir()
    for suffix in ("", "-wal"):  # what a copy to read-only media takes along
        shutil.copyfile(str(funded.db) + suffix, str(media / "ledger.db") + suffix)
    reader.close()
    assert store.wal_pending(media / "ledger.db")
    # As on read-only media: the file cannot be written, and without a shared-memory file
    # SQLite's read-only WAL mode cannot open either (root ignores permissions, so the two
    # facts are injected).
    monkeypatch.setattr(store, "_writable", lambda path: False)

    def no_shm(base):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(store, "_open_ro", no_shm)
    on_media = Run(media / "ledger.db")
    for command in (("verify",), ("report", "--as-of", "2024-12-31")):
        one_error(on_media(*command), f"Error: {media / 'ledger.db'} cannot be read whole here: "
                                      "its write-ahead log")
    # Once the log is applied (here: by opening the ledger where it can be written), the
    # main file holds everything and the -wal left beside it is harmless.
    monkeypatch.undo()
    with Ledger.open(funded.db) as led:
        assert led.verify().events == 3
    shutil.copyfile(funded.db, media / "ledger.db")
    assert not store.wal_pending(media / "ledger.db")
    monkeypatch.setattr(store, "_writable", lambda path: False)
    monkeypatch.setattr(store, "_open_ro", no_shm)
    assert on_media("verify").stdout.startswith("OK: 3 events")


# ------------------------------------------------------------ 8. a seal's identity

@pytest.mark.sqlite_only  # the SQLite file itself
def test_a_seals_identity_is_verified(run):
    from anggaran.chain import identity

    for args in (("record", "pagu", "--date", "2023-01-02", "--code", "CQ.6639", "--amount", "1000",
                  "--ref", "D"),):
        assert run(*args).exit_code == 0
    with Ledger.open(run.db) as led:
        led.close_year(2023)
    future = Event.parse({"kind": "sp2d", "date": "2024-03-01", "code": "CQ.6639", "amount": 5,
                          "ref": "S-FUTURE"})
    forged = identity(future.canonical())
    conn = sqlite3.connect(run.db, isolation_level=None)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET ident = ? WHERE kind = 'close'", (forged,))
    conn.execute(store.TRIGGERS["events_no_update"])
    conn.close()
    one_error(run("verify"), "Error: verify failed: seq 2: its identity does not match its content")


# ------------------------------------------------------------ 9. postings by seq

@pytest.mark.sqlite_only  # the SQLite file itself
def test_postings_in_another_physical_order_still_verify(funded):
    assert funded(*sp2d(2, 2000)).exit_code == 0
    assert funded("record", "shift", "--date", "2024-04-01", "--from-code", "CQ.6639",
                  "--from-akun", "521211", "--code", "CQ.6639", "--akun", "521219",
                  "--amount", "500", "--ref", "REV-1").exit_code == 0
    conn = sqlite3.connect(funded.db, isolation_level=None)
    rows = conn.execute("SELECT * FROM postings ORDER BY rowid").fetchall()
    conn.execute("DELETE FROM postings")
    conn.executemany("INSERT INTO postings VALUES (" + ",".join("?" * len(rows[0])) + ")", rows[::-1])
    conn.close()
    assert funded("verify").exit_code == 0
    sql(funded.db, "UPDATE postings SET realised = realised + 1 WHERE seq = 3")
    one_error(funded("verify"), "Error: verify failed: the postings of seq 3 do not match the log")


# ------------------------------------------------------------ 10. rule 7 on replay

def forge(led, **fields):
    """Append an event behind the rules, with a valid chain, as a tamperer with the
    library's own code could."""
    from anggaran import rules
    from anggaran.append import Appender

    def behind_the_rules():
        real = rules.check_lines
        rules.check_lines = lambda resolver, event: None
        try:
            a = Appender(led.conn)
            a.insert_all([(None, Event.parse(fields), None)])
            a.judge_and_project()
        finally:
            rules.check_lines = real

    led._write(behind_the_rules)


def test_a_refund_naming_no_sp2d_fails_verify(funded):
    with Ledger.open(funded.db) as led:
        forge(led, kind="refund", date="2024-05-01", code="CQ.6639", akun="521211", amount=10,
              ref="SSPB-1", sp2d="NO-SUCH")
    one_error(funded("verify"), "Error: verify failed: seq 3 breaks rule 7: refund SSPB-1 names "
                                "SP2D NO-SUCH, which is not recorded for 2024")


@pytest.mark.sqlite_only  # the SQLite file itself
def test_a_second_sp2d_number_without_the_trigger_fails_verify(funded, monkeypatch):
    monkeypatch.setattr(Ledger, "check_schema", lambda self: None)
    conn = sqlite3.connect(funded.db, isolation_level=None)
    conn.execute("DROP TRIGGER events_unique")
    conn.close()
    with Ledger.open(funded.db, check_triggers=False) as led:
        from anggaran.append import Appender

        def again():
            a = Appender(led.conn)
            a.insert_all([(None, Event.parse({"kind": "sp2d", "date": "2024-03-05", "code": "CQ.6639",
                                               "akun": "521211", "amount": 7, "ref": "SP2D-1"}), None)])
            a.judge_and_project()
        from anggaran import rules
        real, rules.refuse_same_key = rules.refuse_same_key, lambda *a: None
        try:
            led._write(again)
        finally:
            rules.refuse_same_key = real
    sql(funded.db, store.TRIGGERS["events_unique"])
    one_error(funded("verify"), "Error: verify failed: seq 3 reuses an SP2D number of its year (rule 6)")


# ------------------------------------------------------------ 11, 12. odd input

def test_a_workbook_with_no_worksheet_is_rule_1(funded, tmp_path):
    import zipfile

    openpyxl = pytest.importorskip("openpyxl")
    good = tmp_path / "good.xlsx"
    openpyxl.Workbook().save(good)
    bare = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bare, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                text = data.decode()
                start, end = text.index("<sheets>"), text.index("</sheets>") + len("</sheets>")
                data = (text[:start] + "<sheets/>" + text[end:]).encode()
            dst.writestr(item, data)
    before = log_rows(funded.db)
    one_error(funded("import", bare), f"Error: rule 1: {bare} has no worksheet")
    assert log_rows(funded.db) == before


def test_a_huge_amount_is_reported_as_given(funded):
    before = log_rows(funded.db)
    result = funded(*sp2d(9, 10**30))
    assert log_rows(funded.db) == before
    one_error(result, "Error: rule 2: amount 1.000.000.000.000.000.000.000.000.000.000 is above "
                      "the limit of 1.000.000.000.000.000")


# ------------------------------------------------------------ the witness

def test_the_witness_catches_a_full_rewrite(tmp_path):
    witness = tmp_path / "usb" / "lumajang.witness"
    witness.parent.mkdir()
    db = tmp_path / "l.db"
    run = Run(db)

    def w(*args):  # the group option, or the environment variable: the same
        return run("--witness", witness, *args)

    assert w("init", "--satker", "657757", "--name", "KPU KABUPATEN LUMAJANG").exit_code == 0
    assert run(*PAGU, env={"ANGGARAN_WITNESS": str(witness)}).exit_code == 0
    assert w(*sp2d(1, 5000)).exit_code == 0
    assert w(*sp2d(1, 5000)).exit_code == 0  # already recorded: no new head, no new line
    lines = witness.read_text().splitlines()
    assert [ln.split()[0] for ln in lines] == ["0", "1", "2"]
    ok = run("verify", "--witness", witness)
    assert ok.exit_code == 0 and ok.stdout.rstrip().endswith(
        f"all 3 heads in the witness {witness} are in the chain")

    # A full rewrite: a new file built from the old events with one amount changed. Its own
    # chain verifies; only the witness knows the old one.
    rows = json.loads(run("log", "--format", "json").stdout)
    forged_db = tmp_path / "forged.db"
    conn = sqlite3.connect(db)
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    conn.close()
    forged = Ledger.init(forged_db, meta["satker"], meta["name"])
    sql(forged_db, f"UPDATE meta SET value = '{meta['created_at']}' WHERE key = 'created_at'",
        f"UPDATE meta SET value = '{meta['genesis']}' WHERE key = 'genesis'")
    forged.close()
    with Ledger.open(forged_db) as led:
        for r in rows:
            fields = {k: v for k, v in r.items() if k not in ("seq", "recorded_at", "prev_hash", "hash")}
            if fields["kind"] == "sp2d":
                fields["amount"] = 4000
            led.append([(None, Event.parse(fields), r["recorded_at"])])
    assert Run(forged_db)("verify").exit_code == 0  # on its own, the rewrite looks intact
    one_error(Run(forged_db)("verify", "--witness", witness),
              "Error: verify failed: witnessed seq 2 is different (witness line 3): the log was rewritten")

    # A truncated log (the last event gone) fails too, naming the seq.
    short = tmp_path / "short.db"
    shutil.copyfile(db, short)
    sql(short, "DROP TRIGGER events_no_delete", "DELETE FROM postings WHERE seq = 2",
        "DELETE FROM events WHERE seq = 2", store.TRIGGERS["events_no_delete"])
    result = Run(short)("verify", "--witness", witness)
    assert result.exit_code == 1 and "witnessed seq 2 is missing" in result.stderr


def test_a_witness_line_that_was_edited_is_named(funded, tmp_path):
    witness = tmp_path / "w.txt"
    witness.write_text("1 not-a-hash 2024\n")
    one_error(funded("verify", "--witness", witness),
              f"Error: verify failed: line 1 of the witness {witness} is not 'seq hash recorded_at'")


# ------------------------------------------------------------ found in review

@pytest.mark.sqlite_only  # the SQLite file itself
def test_a_linked_ledger_protects_the_real_files(funded, tmp_path):
    """SQLite keeps -wal/-shm beside the real file when --db is a link to it."""
    link = tmp_path / "elsewhere" / "link.db"
    link.parent.mkdir()
    link.symlink_to(funded.db)
    via_link = Run(link)
    before = log_rows(funded.db)
    for target in (f"{funded.db}-wal", f"{funded.db}-shm", str(funded.db)):
        result = via_link("log", "--output", target, "--force")
        assert result.exit_code == 1 and "is the ledger being read" in result.stderr, target
    intact_ledger = Ledger.open(funded.db)
    assert intact_ledger.verify().events == len(before)
    intact_ledger.close()


def test_a_misconfigured_witness_refuses_before_anything_is_written(funded, tmp_path):
    before = log_rows(funded.db)
    for witness in (funded.db, tmp_path / "no" / "such" / "w.txt", tmp_path):
        result = funded("--witness", witness, *sp2d(7))
        assert result.exit_code == 1 and result.stderr.startswith("Error: the ")
        assert "witness" in result.stderr
        assert log_rows(funded.db) == before
    used = tmp_path / "used.witness"
    used.write_text("0 " + "a" * 64 + " 2024-01-01T00:00:00Z\n")
    fresh = tmp_path / "fresh.db"
    result = Run(fresh)("--witness", used, "init", "--satker", "657757", "--name", "X")
    assert result.exit_code == 1 and "already keeps another ledger's heads" in result.stderr
    assert not fresh.exists()


def test_plot_without_an_ending_draws_a_png(funded, tmp_path):
    pytest.importorskip("matplotlib")
    assert funded("absorption", "--year", "2024", "--plot", tmp_path / "chart").exit_code == 0
    assert (tmp_path / "chart").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.sqlite_only  # the SQLite file itself
def test_an_analyzed_ledger_is_not_tampered(funded):
    sql(funded.db, "ANALYZE")
    assert funded("verify").exit_code == 0
    assert funded(*sp2d(2)).exit_code == 0


def test_verify_names_the_correction_that_goes_too_far(run):
    for args in (PAGU, ("record", "pagu", "--date", "2024-01-02", "--code", "CQ.6639", "--akun",
                        "521219", "--amount", "1000000", "--ref", "DIPA-2"), sp2d(1, 100),
                 sp2d(2, 1000)):
        assert run(*args).exit_code == 0
    fix = dict(kind="correction", date="2024-03-05", from_code="CQ.6639", from_akun="521211",
               code="CQ.6639", akun="521219", amount=60, sp2d="SP2D-1")
    with Ledger.open(run.db) as led:
        led.record(**fix, ref="K1")
        forge(led, **fix, ref="K2")
    one_error(run("verify"), "Error: verify failed: seq 6 breaks rule 7: SP2D koreksi would "
                             "correct 120 away from SP2D SP2D-1, which is only 100")


@pytest.mark.sqlite_only  # the SQLite file itself
def test_a_wrong_type_in_postings_is_an_alteration_not_an_internal_error(funded):
    sql(funded.db, "INSERT INTO postings SELECT 'x', year, date, code, akun, jenis, ceiling, "
                   "locked, realised, kind, ref, recorded_at, blocked, committed, contract, release "
                   "FROM postings LIMIT 1")
    one_error(funded("verify"), "Error: verify failed:")


def test_a_bare_command_shows_the_help():
    from click.testing import CliRunner

    from anggaran.cli.main import cli

    result = CliRunner().invoke(cli, [], obj={})
    assert "Usage:" in result.output and "Commands:" in result.output


def test_close_with_a_year_says_close_year(ledger):
    from anggaran.errors import UsageError

    with pytest.raises(UsageError, match=r"seal a year with Ledger.close_year\(2024\)"):
        ledger.close(2024)


# ------------------------------------------------------------ found in the new-user trial

def test_a_witness_of_another_ledger_or_of_a_cut_ledger_refuses_the_write(tmp_path):
    w_a, w_b = tmp_path / "a.witness", tmp_path / "b.witness"
    a, b = Run(tmp_path / "a.db"), Run(tmp_path / "b.db")
    assert a("--witness", w_a, "init", "--satker", "657757", "--name", "A").exit_code == 0
    assert b("--witness", w_b, "init", "--satker", "657757", "--name", "B").exit_code == 0
    assert a("--witness", w_a, *PAGU).exit_code == 0
    before = log_rows(b.db)
    wrong = b("--witness", w_a, "record", "name", "--date", "2024-01-02", "--code", "CQ.6639",
              "--name", "Teknis")
    one_error(wrong, f"Error: the witness {w_a} keeps another ledger's heads")
    assert log_rows(b.db) == before and len(w_a.read_text().splitlines()) == 2
    assert a("--witness", w_a, *sp2d(1)).exit_code == 0
    sql(a.db, "DROP TRIGGER events_no_delete", "DELETE FROM postings WHERE seq = 2",
        "DELETE FROM events WHERE seq = 2", store.TRIGGERS["events_no_delete"])
    cut = a("--witness", w_a, *sp2d(2))
    one_error(cut, f"Error: the ledger no longer holds the last head in the witness {w_a} (seq 2)")


def test_a_witness_without_its_final_newline_still_gets_whole_lines(funded, tmp_path):
    witness = tmp_path / "w.witness"
    assert funded("--witness", witness, *sp2d(2)).exit_code == 0
    witness.write_text(witness.read_text().rstrip("\n"))  # saved by an editor that trims
    assert funded("--witness", witness, *sp2d(3)).exit_code == 0
    assert [ln.split()[0] for ln in witness.read_text().splitlines()] == ["3", "4"]
    assert funded("verify", "--witness", witness).exit_code == 0


def test_force_never_replaces_a_device_or_a_pipe(funded, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    one_error(funded("log", "--output", fifo, "--force"), f"Error: {fifo} is not a regular file")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
