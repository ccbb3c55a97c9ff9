"""What only a server has: many satker in one database, roles, a lock per satker, copy
between the stores. (Everything else runs on both stores through the shared fixtures.)"""

import subprocess

import psycopg
import pytest

from anggaran import pg
from anggaran.ledger import Ledger
from conftest import ANGGARAN, NEUTRAL_CWD, Run, head_hash, log_rows

pytestmark = pytest.mark.postgresql_only

PAGU = ("record", "pagu", "--date", "2024-01-02", "--code", "CQ.6639", "--akun", "521211",
        "--amount", "1000000", "--ref", "DIPA-1")


def sp2d(ref, amount=100000):
    return ("record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6639", "--akun", "521211",
            "--amount", str(amount), "--ref", ref)


def raw(url):
    return psycopg.connect(url, autocommit=True)


def outwaits_a_held_lock(url, key, args):
    """Run ``anggaran --db url *args`` while another session holds the advisory lock
    ``(LOCK_CLASS, key)``; release it only once the command has waited for it well past
    the server's short timeout (and has not ended meanwhile); the command must succeed."""
    holder = raw(url)
    holder.execute("BEGIN")
    holder.execute("SELECT pg_advisory_xact_lock(%s, %s)", (pg.LOCK_CLASS, key))
    try:
        waiting = subprocess.Popen([*ANGGARAN, "--db", url, *args], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, cwd=NEUTRAL_CWD)
        with raw(url) as watcher:
            for _ in range(1000000):
                if watcher.execute("SELECT count(*) FROM pg_stat_activity a JOIN pg_locks l "
                                   "ON l.pid = a.pid WHERE l.locktype = 'advisory' AND NOT "
                                   "l.granted AND now() - a.query_start > interval '400ms'"
                                   ).fetchone()[0]:
                    break
                assert waiting.poll() is None, waiting.stderr.read()
    finally:
        holder.execute("COMMIT")
        holder.close()
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err


@pytest.fixture
def two(new_db):
    """One database holding two satker ledgers."""
    url = new_db()
    Ledger.init(url, "657757", "KPU KABUPATEN LUMAJANG").close()
    Ledger.init(url, "657758", "KPU KABUPATEN JEMBER").close()
    return url


def test_several_satker_need_satker_and_keep_their_own_chains(two):
    run = Run(two)
    result = run(*PAGU)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: ") and "--satker" in result.stderr
    assert "657757, 657758" in result.stderr
    for satker in ("657757", "657758"):
        assert run("--satker", satker, *PAGU).exit_code == 0
    # each satker has its own gapless seq from 1, chained from its own genesis
    with Ledger.open(two, satker="657757") as a, Ledger.open(two, satker="657758") as b:
        assert a.head()[0] == b.head()[0] == 1
        assert a.log()[0]["prev_hash"] == a.meta["genesis"] != b.meta["genesis"]
        assert a.log()[0]["hash"] != b.log()[0]["hash"]
    env = {"ANGGARAN_SATKER": "657758"}
    assert run(*sp2d("S1"), env=env).exit_code == 0
    with Ledger.open(two, satker="657758") as b, Ledger.open(two, satker="657757") as a:
        assert (b.head()[0], a.head()[0]) == (2, 1)
    result = run("--satker", "657759", "report")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "holds no ledger of satker 657759" in result.stderr


def test_the_server_refuses_update_delete_truncate_even_to_the_owner(db):
    run = Run(db)
    assert run(*PAGU).exit_code == 0
    before = log_rows(db)
    schema = pg.schema_of("657757")
    with raw(db) as conn:
        for sql in (f"UPDATE {schema}.events SET amount = 1",
                    f"DELETE FROM {schema}.events",
                    f"TRUNCATE {schema}.events"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(sql)
        # an INSERT that is not the next seq chained to the head is refused as well
        with pytest.raises(psycopg.errors.RaiseException, match="only the next seq"):
            conn.execute(f"INSERT INTO {schema}.events (seq, kind, date, year, recorded_at, ident, "
                         "prev_hash, hash) VALUES (5, 'pagu', '2024-01-01', 2024, 'x', 'x', 'x', 'x')")
    assert log_rows(db) == before


def test_a_disabled_trigger_is_found_by_open_and_verify(db):
    run = Run(db)
    assert run(*PAGU).exit_code == 0
    with raw(db) as conn:
        conn.execute(f"ALTER TABLE {pg.schema_of('657757')}.events DISABLE TRIGGER events_no_update")
    result = run("verify")
    assert result.exit_code == 1
    assert "events_no_update" in result.stderr and "tampered" in result.stderr
    result = run(*sp2d("S1"))
    assert result.exit_code == 1 and "tampered" in result.stderr


def test_an_application_role_appends_and_reads_but_cannot_tamper(db):
    run = Run(db)
    assert run(*PAGU).exit_code == 0
    with raw(db) as conn:
        conn.execute("DROP ROLE IF EXISTS anggaran_app")
        for statement in pg.GRANTS.replace("PASSWORD '...'", "").split(";"):
            if statement.strip():
                conn.execute(statement)
    app = db.replace("postgresql://postgres@", "postgresql://anggaran_app@")
    app_run = Run(app)
    assert app_run(*sp2d("S1")).exit_code == 0
    assert app_run("verify").exit_code == 0
    schema = pg.schema_of("657757")
    with raw(app) as conn:
        for sql in (f"UPDATE {schema}.events SET amount = 1",
                    f"DELETE FROM {schema}.events",
                    f"TRUNCATE {schema}.events",
                    f"DROP TRIGGER events_no_update ON {schema}.events",
                    f"ALTER TABLE {schema}.events DISABLE TRIGGER ALL",
                    f"DROP TABLE {schema}.events"):
            with pytest.raises(psycopg.Error):
                conn.execute(sql)
    with Ledger.open(db) as ledger:
        assert ledger.verify().events == 2
    with raw(db) as conn:
        conn.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema}, anggaran FROM anggaran_app")
        conn.execute(f"REVOKE ALL ON SCHEMA {schema}, anggaran FROM anggaran_app")
        conn.execute("DROP ROLE anggaran_app")


def test_writers_to_other_satker_do_not_wait(two):
    """Satker 657757's write lock held open by another session: a writer of 657758 goes
    through at once; a writer of 657757 waits (seen in pg_stat_activity), then succeeds."""
    run = Run(two)
    for satker in ("657757", "657758"):
        assert run("--satker", satker, *PAGU).exit_code == 0
    holder = raw(two)
    holder.execute("BEGIN")
    holder.execute("SELECT pg_advisory_xact_lock(%s, %s)", (pg.LOCK_CLASS, 657757))
    try:
        assert run("--satker", "657758", *sp2d("S1")).exit_code == 0
        waiting = subprocess.Popen([*ANGGARAN, "--db", two, "--satker", "657757", *sp2d("S2")],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   cwd=NEUTRAL_CWD)
        with raw(two) as watcher:
            for _ in range(100000):  # until the writer is seen waiting for the advisory lock
                if watcher.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                                   "AND NOT granted AND objid = %s", (657757,)).fetchone()[0]:
                    break
                assert waiting.poll() is None, waiting.stderr.read()
            else:
                pytest.fail("the writer of 657757 never waited for the lock")
    finally:
        holder.execute("COMMIT")
        holder.close()
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    with Ledger.open(two, satker="657757") as a:
        assert a.head()[0] == 2


def test_copy_sqlite_to_postgresql_and_back_keeps_every_hash(new_db, tmp_path, lumajang):
    # lumajang is the postgresql copy of the shipped ledger here; make a file of it first
    url = new_db()
    back = tmp_path / "back.db"
    first = subprocess.run([*ANGGARAN, "copy", lumajang, str(tmp_path / "lj.db")],
                           capture_output=True, text=True, cwd=NEUTRAL_CWD)
    assert first.returncode == 0, first.stderr
    head = head_hash(tmp_path / "lj.db")
    assert head == head_hash(lumajang)
    to_pg = Run(url)("copy", tmp_path / "lj.db", url)
    assert to_pg.exit_code == 0, to_pg.stderr
    assert to_pg.stdout.startswith("Copied 493 events to ") and head in to_pg.stdout
    assert head_hash(url) == head
    assert Run(url)("copy", url, back).exit_code == 0
    assert head_hash(back) == head
    for path in (url, back):
        report = Run(path)("report", "--as-of", "2024-12-31", "--format", "json")
        assert report.stdout == Run(tmp_path / "lj.db")("report", "--as-of", "2024-12-31",
                                                         "--format", "json").stdout
    # a DEST holding the satker, or an existing file: refused, DEST unchanged
    before = log_rows(url)
    again = Run(url)("copy", tmp_path / "lj.db", url)
    assert again.exit_code == 1 and "already holds the ledger of satker 657757" in again.stderr
    assert log_rows(url) == before
    stamp = back.read_bytes()
    again = Run(url)("copy", url, back)
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert back.read_bytes() == stamp


def test_backup_of_a_postgresql_ledger_is_a_verified_sqlite_file(db, tmp_path):
    run = Run(db)
    assert run(*PAGU).exit_code == 0 and run(*sp2d("S1")).exit_code == 0
    dest = tmp_path / "b.db"
    result = run("backup", dest)
    assert result.exit_code == 0, result.stderr
    assert head_hash(dest) == head_hash(db)
    assert Run(dest)("verify").exit_code == 0
    result = run("backup", dest)
    assert result.exit_code == 1 and "--force" in result.stderr


def test_consolidate_of_a_database_equals_consolidate_of_its_files(two, tmp_path):
    """The database's satker are read many per query; the same ledgers as files are read
    one by one through each satker's report: every figure must agree, in every shape."""
    run = Run(two)
    for satker, amount in (("657757", 300000), ("657758", 450000)):
        assert run("--satker", satker, *PAGU).exit_code == 0
        assert run("--satker", satker, *sp2d("S1", amount)).exit_code == 0
        assert run("--satker", satker, "record", "block", "--date", "2024-02-01", "--code",
                   "CQ.6639", "--akun", "521211", "--amount", "50000", "--ref", "B1").exit_code == 0
    files = []
    for satker in ("657757", "657758"):
        path = tmp_path / f"{satker}.db"
        assert run("--satker", satker, "copy", two, path).exit_code == 0
        files.append(str(path))
    groups = tmp_path / "groups.csv"
    groups.write_text("satker,group,group_name\n657757,35,JAWA TIMUR\n657758,35,JAWA TIMUR\n")
    for extra in ((), ("--by", "jenis"), ("--groups", groups), ("--groups", groups, "--by", "group"),
                  ("--from", "2024-03-01")):
        args = ("--as-of", "2024-06-30", "--format", "json", *extra)
        from_db = run("consolidate", *args)
        assert from_db.exit_code == 0, from_db.stderr
        assert from_db.stdout == Run(two)("consolidate", *files, *args).stdout
    total = __import__("json").loads(run("consolidate", "--as-of", "2024-06-30", "--format",
                                         "json").stdout)["rows"][0]
    assert (total["ceiling"], total["realised"], total["blocked"]) == (2000000, 750000, 100000)
    # a tampered satker is an error naming it, not a missing row
    with raw(two) as conn:
        conn.execute(f"ALTER TABLE {pg.schema_of('657758')}.events DISABLE TRIGGER events_no_delete")
    for args in (("--as-of", "2024-06-30"), ()):  # also when the default date is looked up
        result = run("consolidate", *args)
        assert result.exit_code == 1 and result.stdout == ""
        assert "satker 657758 cannot be opened" in result.stderr and "events_no_delete" in result.stderr


def test_the_default_date_asks_no_further_than_this_years_first_satker(two):
    run = Run(two)
    assert run("--satker", "657758", *PAGU).exit_code == 0
    assert run("--satker", "657758", "record", "pagu", "--date", "2025-01-02", "--code",
               "WA.3355", "--akun", "521211", "--amount", "500", "--ref", "DIPA-25").exit_code == 0
    with raw(two) as conn:
        pg._numeric_as_int(conn)
        assert pg.last_years(conn, ["657757", "657758"]) == {"657757": None, "657758": 2025}
        assert pg.last_years(conn, ["657758", "657757"], enough=2025) == {"657758": 2025}
        assert pg.last_years(conn, ["657757", "657758"], enough=2026) == {
            "657757": None, "657758": 2025}
    import datetime as dt

    from anggaran.consolidate import consolidate, sources_of

    for today, as_of in ((dt.date(2025, 3, 15), "2025-03-15"), (dt.date(2027, 1, 5), "2025-12-31")):
        assert consolidate(sources_of(two), today=today)["as_of"] == as_of


@pytest.mark.parametrize("isolation", ["repeatable read", "serializable"])
def test_writers_race_under_any_default_isolation(db, isolation):
    """A server whose default isolation is stricter than READ COMMITTED: writers still
    queue for the satker's lock and are judged on what the one before committed; the only
    refusals are the rule's."""
    run = Run(db)
    assert run(*PAGU).exit_code == 0  # 1.000.000
    with raw(db) as conn:
        conn.execute(f"ALTER DATABASE {conn.info.dbname} SET default_transaction_isolation = "
                     f"'{isolation}'")
    procs = [subprocess.Popen([*ANGGARAN, "--db", db, *sp2d(f"R{i:02d}", 250000)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=NEUTRAL_CWD) for i in range(8)]
    outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert sorted(status for status, _ in outcomes) == [0] * 4 + [1] * 4
    for status, err in outcomes:
        assert status == 0 or err.startswith("Error: rule 5: SP2D R"), err
    with Ledger.open(db) as ledger:
        assert ledger.verify().events == 5


def test_a_writer_outwaits_the_servers_statement_timeout(db):
    """The satker's lock held longer than the server's statement_timeout: the waiting
    writer is not cancelled (it sets its own), it records once the lock is free."""
    run = Run(db)
    assert run(*PAGU).exit_code == 0
    with raw(db) as conn:
        conn.execute(f"ALTER DATABASE {conn.info.dbname} SET statement_timeout = '100ms'")
    outwaits_a_held_lock(db, 657757, sp2d("S1"))


def test_a_copy_killed_half_way_leaves_nothing_in_the_database(new_db, tmp_path):
    source = tmp_path / "source.db"
    Ledger.init(source, "657757", "KPU KABUPATEN LUMAJANG").close()
    run = Run(source)
    assert run(*PAGU).exit_code == 0
    assert run("import", write_sp2ds(tmp_path / "many.csv", 12000)).exit_code == 0
    url = new_db()
    env = {k: v for k, v in __import__("os").environ.items() if k != "ANGGARAN_FAULT"}
    killed = subprocess.run([*ANGGARAN, "copy", str(source), url], capture_output=True, text=True,
                            cwd=NEUTRAL_CWD, env={**env, "ANGGARAN_FAULT": "copy:5000"})
    assert killed.returncode == -__import__("signal").SIGKILL, killed.stderr
    with raw(url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = %s",
                            (pg.schema_of("657757"),)).fetchone()[0] == 0
        assert pg.satkers(conn) == []
    again = subprocess.run([*ANGGARAN, "copy", str(source), url], capture_output=True, text=True,
                           cwd=NEUTRAL_CWD, env=env)
    assert again.returncode == 0, again.stderr
    assert head_hash(url) == head_hash(source)


def write_sp2ds(path, n):
    rows = ["kind,date,code,akun,amount,ref"] + [
        f"sp2d,2024-03-01,CQ.6639,521211,1,S{i:06d}" for i in range(n)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_copy_takes_its_own_satker_option(two, tmp_path):
    run = Run(two)
    assert run("--satker", "657758", *PAGU).exit_code == 0
    dest = tmp_path / "jember.db"
    result = run("copy", two, dest, "--satker", "657758")
    assert result.exit_code == 0, result.stderr
    with Ledger.open(dest) as ledger:
        assert ledger.satker == {"code": "657758", "name": "KPU KABUPATEN JEMBER"}
    result = run("copy", two, tmp_path / "none.db")
    assert result.exit_code == 2 and "--satker" in result.stderr


@pytest.mark.parametrize("satker", ["x; COMMIT; DROP SCHEMA satker_657758 CASCADE; SELECT 1",
                                    "65775a"])
def test_a_satker_code_that_is_not_six_digits_never_reaches_the_database(two, tmp_path, satker):
    """A ledger file whose metadata was altered: its satker is refused before anything is
    written, and no other satker of the database is touched."""
    import sqlite3

    evil = tmp_path / "evil.db"
    Ledger.init(evil, "111111", "X").close()
    with sqlite3.connect(evil) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'satker'", (satker,))
    conn.close()
    run = Run(two)
    assert run("--satker", "657758", *PAGU).exit_code == 0
    result = Run(evil)("copy", evil, two)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (f"Error: satker {satker!r} is not a satker code (six digits); the "
                             "ledger's metadata was altered: run 'anggaran verify' on it\n")
    with raw(two) as conn:
        schemas = [r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname "
                                              "LIKE 'satker%' ORDER BY 1")]
    assert schemas == ["satker_657757", "satker_657758"]
    assert run("--satker", "657758", "verify").exit_code == 0


def test_a_trigger_redefined_to_never_fire_is_found(db):
    run = Run(db)
    assert run(*PAGU).exit_code == 0
    schema = pg.schema_of("657757")
    with raw(db) as conn:
        conn.execute(f"DROP TRIGGER events_no_update ON {schema}.events")
        conn.execute(f"CREATE TRIGGER events_no_update BEFORE UPDATE ON {schema}.events FOR EACH "
                     f"ROW WHEN (false) EXECUTE FUNCTION {schema}.events_no_update()")
    for args in (("report", "--as-of", "2024-06-30"), sp2d("S1"), ("verify",)):
        result = run(*args)
        assert result.exit_code == 1, args
        assert "(events_no_update)" in result.stderr and "tampered" in result.stderr, result.stderr


def test_a_role_without_rights_gets_one_error_line(two, tmp_path):
    """consolidate and copy against a database the role may not read: one Error line
    naming the database and, in the server's words, what it may not read; exit 1."""
    run = Run(two)
    for satker in ("657757", "657758"):
        assert run("--satker", satker, *PAGU).exit_code == 0
    with raw(two) as conn:
        conn.execute("DROP ROLE IF EXISTS anggaran_nobody")
        conn.execute("CREATE ROLE anggaran_nobody LOGIN")
    nobody = two.replace("postgresql://postgres@", "postgresql://anggaran_nobody@")
    source = tmp_path / "lumajang.db"
    Ledger.init(source, "657759", "KPU KABUPATEN BADUNG").close()
    try:
        for args in (("consolidate", "--as-of", "2024-06-30"), ("copy", source, nobody)):
            result = Run(nobody)(*args)
            assert result.exit_code == 1 and result.stdout == "", args
            assert result.stderr.startswith(f"Error: cannot read the satker ledgers in {nobody}: "
                                            "permission denied for schema anggaran"), result.stderr
            assert result.stderr.count("\n") == 1
        with raw(two) as conn:  # the README's grants, for one satker of the two
            conn.execute("GRANT USAGE ON SCHEMA anggaran, satker_657757 TO anggaran_nobody")
            conn.execute("GRANT SELECT ON anggaran.ledgers TO anggaran_nobody")
            conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA satker_657757 TO anggaran_nobody")
        result = Run(nobody)("consolidate", "--as-of", "2024-06-30")
        assert result.exit_code == 1 and "permission denied for schema satker_657758" in result.stderr
        assert Run(nobody)("--satker", "657757", "report", "--as-of", "2024-06-30").exit_code == 0
    finally:
        with raw(two) as conn:
            conn.execute("REVOKE ALL ON ALL TABLES IN SCHEMA satker_657757, anggaran FROM anggaran_nobody")
            conn.execute("REVOKE ALL ON SCHEMA satker_657757, anggaran FROM anggaran_nobody")
            conn.execute("DROP ROLE anggaran_nobody")


def test_init_outwaits_the_servers_lock_timeout(two):
    """Another session holds the lock under which satker are laid down (a copy in
    progress holds it throughout); the server's lock_timeout is short: init waits for
    it, as every writer does, and then creates its satker."""
    with raw(two) as conn:
        conn.execute(f"ALTER DATABASE {conn.info.dbname} SET lock_timeout = '50ms'")
    outwaits_a_held_lock(two, 0, ("init", "--satker", "657760", "--name", "KPU KABUPATEN TABANAN"))
    assert Run(two)("--satker", "657760", "verify").exit_code == 0


def test_consolidate_refuses_a_named_database_without_ledgers(new_db, tmp_path):
    empty = new_db()
    source = tmp_path / "lumajang.db"
    Ledger.init(source, "657757", "KPU KABUPATEN LUMAJANG").close()
    result = Run(source)("consolidate", source, empty, "--as-of", "2024-06-30")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"Error: {empty} holds no satker ledger: nothing to "
                                    "consolidate from it")


@pytest.mark.parametrize("url, shown", [
    ("postgresql://kpu:rahasia@db.example.go.id/anggaran", "postgresql://kpu@db.example.go.id/anggaran"),
    ("postgresql://kpu:ra@hasia@db/anggaran?sslmode=require", "postgresql://kpu@db/anggaran?sslmode=require"),
    ("postgresql://kpu@/anggaran?host=/tmp/pg&password=rahasia&port=5433",
     "postgresql://kpu@/anggaran?host=/tmp/pg&password=***&port=5433"),
    ("postgresql:///anggaran?host=/tmp/pg", "postgresql:///anggaran?host=/tmp/pg"),
])
def test_messages_never_show_a_password_and_keep_the_url_usable(url, shown):
    assert pg.display(url) == shown


def test_a_malformed_url_is_one_error_line(tmp_path):
    result = Run("postgresql://[::1/anggaran")("report")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: ") and "internal error" not in result.stderr
    assert result.stderr.count("\n") == 1
