"""The hash chain and the database's append-only protection, and what verify finds."""

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anggaran import backend, store
from anggaran import verify as verify_module
from anggaran.events import FIELDS, INT_FIELDS, canonical_json, canonical_of
from anggaran.ledger import Ledger
from conftest import head_hash, log_rows, tamper, write

EVENTS = ("kind,date,code,akun,amount,ref\n"
          "pagu,2024-01-02,CQ.6639,521211,1000,DIPA-01\n"
          "sp2d,2024-03-01,CQ.6639,521211,100,S1\n"
          "sp2d,2024-03-02,CQ.6639,521211,200,S2\n"
          "sp2d,2024-03-03,CQ.6639,521211,300,S3\n")


@pytest.fixture(params=["one process", "two processes"])
def filled(request, run, tmp_path, monkeypatch):
    """A small ledger; ``verify`` runs in one process, or (as for a big log) splits the
    replay with a second process: every finding must read the same either way."""
    if request.param == "two processes":
        monkeypatch.setattr(verify_module, "PARALLEL_FROM", 2)
    assert run("import", write(tmp_path / "e.csv", EVENTS)).exit_code == 0
    return run




@pytest.mark.parametrize("statement", [
    "UPDATE events SET amount = 1 WHERE seq = 2",
    "DELETE FROM events WHERE seq = 4",
    "INSERT OR REPLACE INTO events SELECT * FROM events WHERE seq = 2",
    "REPLACE INTO events (seq, kind, date, year, recorded_at, ident, prev_hash, hash) "
    "VALUES (2, 'sp2d', '2024-01-01', 2024, 'x', 'y', 'z', 'w')",
    "INSERT INTO events (seq, kind, date, year, recorded_at, ident, prev_hash, hash) "
    "VALUES (9, 'sp2d', '2024-01-01', 2024, 'x', 'y', 'z', 'w')",
])
@pytest.mark.parametrize("recursive", ["ON", "OFF"])
@pytest.mark.sqlite_only  # the SQLite file itself
def test_database_refuses_changes(filled, statement, recursive):
    before = log_rows(filled.db)
    conn = sqlite3.connect(filled.db)
    conn.execute(f"PRAGMA recursive_triggers = {recursive}")
    with pytest.raises(sqlite3.IntegrityError, match="anggaran: "):
        conn.execute(statement)
    conn.close()
    assert log_rows(filled.db) == before


def test_verify_intact(filled):
    result = filled("verify")
    assert result.exit_code == 0
    head = head_hash(filled.db)
    assert result.stdout == f"OK: 4 events, chain intact; head seq 4 hash {head}\n"


@pytest.mark.parametrize("statements,message", [
    (["UPDATE events SET amount = 150 WHERE seq = 2"],
     "seq 2 does not match its hash: its content was edited (or events were swapped)"),
    (["UPDATE events SET date = '2024-02-29' WHERE seq = 3"],
     "seq 3 does not match its hash: its content was edited (or events were swapped)"),
    (["DELETE FROM events WHERE seq = 3"],
     "seq 3 is missing: the event was deleted (the log jumps to seq 4)"),
    (["UPDATE events SET seq = 100 WHERE seq = 2", "UPDATE events SET seq = 2 WHERE seq = 3",
      "UPDATE events SET seq = 3 WHERE seq = 100"],
     "seq 2 does not chain to seq 1: an event was inserted, deleted or reordered here"),
    (["INSERT INTO events SELECT 5, kind, date, year, code, akun, from_code, from_akun, 1, ref, "
      "sp2d, to_year, grantor, name, note, seal, recorded_at, 'x', hash, hash, voids, contract, "
      "signed, supplier, \"end\", payment, tup, bast_date, revision, month, jenis FROM events "
      "WHERE seq = 4"],
     "seq 5 does not match its hash: its content was edited (or events were swapped)"),
])
def test_verify_names_the_first_bad_seq(filled, statements, message):
    tamper(filled.db, *statements)
    result = filled("verify")
    assert result.exit_code == 1
    assert result.stderr == f"Error: verify failed: {message}\n"


def test_truncated_tail_needs_the_exported_head(filled):
    head = filled("verify").stdout.split()[-1]
    tamper(filled.db, "DELETE FROM events WHERE seq = 4", "DELETE FROM postings WHERE seq = 4",
           "DELETE FROM daily WHERE date = '2024-03-03'")
    # Without the exported head a clean truncation cannot be told from a shorter log...
    assert filled("verify").exit_code == 0
    # ...with it, it can.
    result = filled("verify", "--head", head)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: verify failed: the exported chain head {head[:16]}… "
                                    "is not in the chain, which ends at seq 3")


def test_altered_projection_is_found(filled):
    tamper(filled.db, "UPDATE daily SET realised = realised + 1 WHERE bucket = 'CQ.6639/521211' "
                      "AND date = '2024-03-02'")
    result = filled("verify")
    assert result.exit_code == 1
    assert result.stderr == ("Error: verify failed: the daily figures of CQ.6639/521211 on 2024-03-02 "
                             "do not match the log: the projection tables were altered\n")


@pytest.mark.sqlite_only  # the SQLite file itself
def test_missing_triggers_block_writes_and_fail_verify(filled):
    conn = sqlite3.connect(filled.db, isolation_level=None)
    conn.execute("DROP TRIGGER events_no_delete")
    conn.close()
    result = filled("record", "sp2d", "--date", "2024-03-04", "--code", "CQ.6639", "--akun",
                    "521211", "--amount", "1", "--ref", "S9")
    assert result.exit_code == 1
    assert "the append-only triggers are missing or altered (events_no_delete)" in result.stderr
    assert filled("verify").stderr == ("Error: verify failed: the append-only triggers are missing or "
                                       "altered (events_no_delete): the file was tampered with\n")


def test_not_a_ledger(tmp_path, run):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    result = run.__class__(other)("log")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {other} is not an anggaran ledger; point --db at a ledger made "
                             "by 'anggaran init'\n")
    junk = write(tmp_path / "junk.db", "hello, this is not sqlite at all" * 10)
    result = run.__class__(junk)("log")
    assert result.stderr == f"Error: {junk} is not an anggaran ledger (not an SQLite database)\n"


@pytest.mark.sqlite_only  # the SQLite file itself
def test_newer_schema_is_refused(run):
    conn = sqlite3.connect(run.db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    assert run("log").stderr == (f"Error: {run.db} has schema version 99, newer than this anggaran "
                                 "understands (3); upgrade anggaran to open it\n")


def test_init_twice_and_missing_ledger(run, tmp_path):
    again = run("init", "--satker", "657757", "--name", "X")
    assert again.exit_code == 1
    if store.is_url(run.db):
        from anggaran import pg
        assert again.stderr == (f"Error: {pg.display(run.db)} already holds the ledger of satker "
                                "657757; choose another --db or satker\n")
    else:
        assert again.stderr == f"Error: ledger {run.db} already exists; use another --db path or remove it\n"
    missing = run.__class__(tmp_path / "none.db")("log")
    assert missing.exit_code == 1
    assert missing.stderr.startswith(f"Error: no ledger at {tmp_path / 'none.db'}; create one with")


def test_log_json_has_fields_and_chain(filled):
    import json
    events = json.loads(filled("log", "--format", "json").stdout)
    assert [e["seq"] for e in events] == [1, 2, 3, 4]
    assert events[0]["prev_hash"] == Ledger.open(filled.db).meta["genesis"]
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(events, events[1:]))
    assert events[1] == {"kind": "sp2d", "date": "2024-03-01", "code": "CQ.6639", "akun": "521211",
                         "amount": 100, "ref": "S1", "seq": 2,
                         "recorded_at": events[1]["recorded_at"], "prev_hash": events[0]["hash"],
                         "hash": events[1]["hash"]}


@settings(max_examples=300, deadline=None)
@given(st.tuples(*(st.one_of(st.none(), st.integers(-10**18, 10**18) if f in INT_FIELDS
                             else st.text(max_size=30)) for f in FIELDS)))
def test_hand_written_canonical_json_equals_json_dumps(values):
    """The chain hashes ``canonical_of``; it must be byte for byte ``json.dumps`` with
    sorted keys, compact separators and raw UTF-8 (quotes, backslashes, control
    characters, non-ASCII and integers included)."""
    mapping = {f: v for f, v in zip(FIELDS, values) if v is not None}
    assert canonical_of(tuple(values)) == canonical_json(mapping)


def test_two_processes_find_what_one_finds_in_either_half(tmp_path, run, monkeypatch):
    """A fault in the second half of a split log is found by the second process and
    reported like the one-process replay reports it; a postings fault in the first half
    comes after a chain fault in the second."""
    rows = "".join(f"sp2d,2024-03-{d:02d},CQ.6639,521211,10,T{d}\n" for d in range(1, 29))
    assert run("import", write(tmp_path / "e.csv", EVENTS + rows)).exit_code == 0
    monkeypatch.setattr(verify_module, "PARALLEL_FROM", 2)
    assert run("verify").exit_code == 0
    tamper(run.db, "UPDATE postings SET realised = 99 WHERE seq = 3",
           "UPDATE events SET amount = 11 WHERE seq = 30")
    for processes in ("1", "2"):
        monkeypatch.setenv("ANGGARAN_VERIFY_PROCESSES", processes)
        result = run("verify")
        assert result.stderr == ("Error: verify failed: seq 30 does not match its hash: its "
                                 "content was edited (or events were swapped)\n")
    tamper(run.db, "UPDATE events SET amount = 10 WHERE seq = 30")
    for processes in ("1", "2"):
        monkeypatch.setenv("ANGGARAN_VERIFY_PROCESSES", processes)
        assert run("verify").stderr == ("Error: verify failed: the postings of seq 3 do not "
                                         "match the log: the projection tables were altered\n")


@pytest.mark.parametrize("statements", [
    # a posting slipped in below the first rowid, moving money on a line
    ["INSERT INTO postings (rowid, seq, year, date, code, akun, jenis, ceiling, locked, realised, "
     "kind, ref, recorded_at) SELECT -1, seq, year, date, code, akun, jenis, 0, 0, 5, kind, ref, "
     "recorded_at FROM postings WHERE seq = 2"],
    # a row past the end (no event behind it) and then a copy of a real posting
    ["INSERT INTO postings SELECT 99, year, date, code, akun, jenis, 0, 0, 1, kind, ref, recorded_at, "
     "0, 0, NULL, 0 FROM postings WHERE seq = 2",
     "INSERT INTO postings SELECT * FROM postings WHERE seq = 3"],
    ["INSERT INTO postings SELECT * FROM postings WHERE seq = 3"],
])
def test_extra_posting_rows_are_found(filled, statements):
    tamper(filled.db, *statements)
    result = filled("verify")
    assert result.exit_code == 1
    assert "the projection tables were altered" in result.stderr


def test_an_event_below_seq_1_is_found(filled):
    tamper(filled.db, "INSERT INTO events SELECT 0, kind, date, year, code, akun, from_code, "
                      "from_akun, amount, 'S0', sp2d, to_year, grantor, name, note, seal, "
                      "'2000-01-01T00:00:00Z', ident, prev_hash, hash, voids, contract, signed, "
                      "supplier, \"end\", payment, tup, bast_date, revision, month, jenis FROM events "
                      "WHERE seq = 2")
    assert filled("verify").stderr == "Error: verify failed: seq 0 appears out of order\n"


def first_release_copy(src, dest, first_release=True, without_ref=(1,)):
    """A genuine schema-version-1 ledger (as anggaran wrote before contract v2.0) holding
    the events of ``src``, the events of seqs ``without_ref`` with no ref (v1.1 needed none
    on a pagu): its chain and identities computed afresh the way v1 computed them, its
    projections copied. ``first_release``: the first release's events_unique trigger text
    and indexes; else the last version-1 schema."""
    from anggaran.chain import chain_hash, identity

    conn = sqlite3.connect(dest, isolation_level=None)
    conn.executescript(store.SCHEMA_V1 + ";\n".join(store.TRIGGERS_V1.values()) + ";"
                       f"PRAGMA application_id = {store.APPLICATION_ID}; PRAGMA user_version = 1;")
    if first_release:
        conn.execute("DROP TRIGGER events_unique")
        conn.execute(store.LEGACY_TRIGGERS["events_unique"])
        for name in ("events_ceiling", "events_sp2d_ref", "events_close"):
            conn.execute(f"DROP INDEX {name}")
        conn.execute("CREATE INDEX events_code ON events(year, code, kind)")
        conn.execute("CREATE INDEX events_ref ON events(year, kind, ref)")
    conn.execute("ATTACH DATABASE ? AS src", (str(src),))
    meta = dict(conn.execute("SELECT key, value FROM src.meta"))
    assert meta.pop(store.RULES_FROM) == "1"
    meta["schema_version"] = "1"
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    v1_fields = FIELDS[:FIELDS.index("voids")]
    assert FIELDS[len(v1_fields):] == ("voids", "contract", "signed", "supplier", "end",
                                       "payment", "tup", "bast_date", "revision", "month",
                                       "jenis")
    prev = meta["genesis"]
    for seq, *rest in conn.execute(f"SELECT seq, {', '.join(v1_fields)}, year, recorded_at "
                                   "FROM src.events ORDER BY seq").fetchall():
        values, (year, recorded_at) = rest[:-2], rest[-2:]
        assert rest[0] != "close"
        if seq in without_ref:
            values[v1_fields.index("ref")] = None
        canonical = canonical_of((*values, *[None] * (len(FIELDS) - len(v1_fields))))
        digest = chain_hash(prev, canonical, seq, recorded_at)
        conn.execute(f"INSERT INTO events (seq, {', '.join(v1_fields)}, year, recorded_at, ident, "
                     f"prev_hash, hash) VALUES ({', '.join('?' * (len(v1_fields) + 6))})",
                     (seq, *values, year, recorded_at, identity(canonical), prev, digest))
        prev = digest
    conn.execute("INSERT INTO postings SELECT seq, year, date, code, akun, jenis, ceiling, locked, "
                 "realised, kind, ref, recorded_at FROM src.postings ORDER BY rowid")
    conn.execute(f"UPDATE postings SET ref = NULL WHERE seq IN ({', '.join(map(str, without_ref))})")
    conn.execute("INSERT INTO daily SELECT year, bucket, date, d_ceiling, d_locked, d_realised, "
                 "ceiling, locked, realised FROM src.daily")
    conn.execute("INSERT INTO buckets SELECT * FROM src.buckets")
    conn.execute("COMMIT")
    conn.execute("DETACH DATABASE src")
    conn.close()
    return dest


def _raw(path, sql):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("first_release", [True, False], ids=["first release", "last v1"])
@pytest.mark.sqlite_only  # the SQLite file itself
def test_a_ledger_made_before_the_index_changes_still_opens_verifies_and_records(
        filled, tmp_path, first_release):
    """Ledgers made before contract v2.0 (schema version 1; the first release also has the
    first events_unique trigger text and other indexes) stay intact: opened where they can
    be written they are upgraded — their events and hashes untouched, and their events,
    a pagu without ref among them, still verify — and the first write adds the new
    indexes. Events appended after the upgrade follow v2.0 (a ref is required)."""
    old = first_release_copy(filled.db, tmp_path / "v1.db", first_release)
    run = filled.__class__(old)
    assert _raw(old, "PRAGMA user_version") == [(1,)]
    assert "voids" not in {r[1] for r in _raw(old, "PRAGMA table_info(events)")}
    events = _raw(old, "SELECT seq, ref, ident, prev_hash, hash FROM events ORDER BY seq")
    assert events[0][:2] == (1, None)  # a pagu recorded without its DIPA number
    head = events[-1][-1]

    result = run("verify")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"OK: 4 events, chain intact; head seq 4 hash {head}\n"
    # upgraded on open: version 3, events and hashes as they were, v2.0 rules from seq 5
    assert _raw(old, "PRAGMA user_version") == [(store.SCHEMA_VERSION,)] == [(3,)]
    assert _raw(old, "SELECT seq, ref, ident, prev_hash, hash FROM events ORDER BY seq") == events
    meta = dict(_raw(old, "SELECT key, value FROM meta"))
    assert meta[store.RULES_FROM] == "5"
    assert meta["schema_version"] == "3"
    assert run("log").exit_code == 0

    assert run("record", "sp2d", "--date", "2024-03-04", "--code", "CQ.6639", "--akun",
               "521211", "--amount", "1", "--ref", "S9").exit_code == 0
    names = {r[0] for r in _raw(old, "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"events_ceiling", "events_sp2d_ref", "events_close"} <= names
    # after the upgrade a money event needs its document number
    no_ref = run("record", "pagu", "--date", "2024-01-02", "--code", "CQ.6640", "--akun",
                 "521211", "--amount", "5")
    assert no_ref.exit_code == 1
    assert "rule 1" in no_ref.stderr and "ref" in no_ref.stderr
    result = run("verify")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("OK: 5 events, chain intact; head seq 5 hash ")
    assert _raw(old, "SELECT seq, ref, ident, prev_hash, hash FROM events WHERE seq <= 4 "
                     "ORDER BY seq") == events


def test_last_year_equals_max_year(filled):
    """report's default year comes from small partial indexes: it must equal max(year)."""
    assert filled("record", "name", "--date", "2026-01-05", "--code", "CQ.6639",
                  "--name", "Teknis").exit_code == 0
    conn = backend.connect(str(filled.db))
    assert store.last_year(conn) == conn.execute("SELECT max(year) FROM events").fetchone()[0] == 2026
    conn.close()
