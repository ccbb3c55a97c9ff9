"""Year end: the seal, rule 9, and verify checking the seal."""

import json
import sqlite3

import pytest

from anggaran import store
from conftest import log_rows


@pytest.fixture
def year(run):
    for args in (
        ("pagu", "--date", "2024-01-02", "--code", "CQ.6870", "--akun", "521211", "--amount", "1000",
         "--ref", "DIPA-2024"),
        ("sp2d", "--date", "2024-05-02", "--code", "CQ.6870", "--akun", "521211", "--amount", "400",
         "--ref", "S1"),
        ("pagu", "--date", "2025-01-02", "--code", "CQ.6870", "--akun", "521211", "--amount", "900",
         "--ref", "DIPA-2025"),
    ):
        assert run("record", *args).exit_code == 0
    return run


def test_close_seals_figures_and_head(year):
    head_before = json.loads(year("log", "--format", "json").stdout)[-1]["hash"]
    result = year("close", "2024", "--yes")
    assert result.exit_code == 0
    assert result.stdout.startswith("Closed 2024: seal recorded as seq 4 (head ")
    seal = json.loads(year("log", "--format", "json").stdout)[-1]
    assert seal["kind"] == "close" and seal["date"] == "2024-12-31"
    assert seal["seal"] == {"year": 2024, "head_hash": head_before,
                            "lines": {"CQ.6870/521211": [1000, 0, 0, 0, 400]}}
    assert year("verify").exit_code == 0


def test_closed_year_refuses_back_dated_sp2d_but_not_the_next_year(year):
    year("close", "2024", "--yes")
    before = log_rows(year.db)
    refused = year("record", "sp2d", "--date", "2024-12-30", "--code", "CQ.6870", "--akun", "521211",
                   "--amount", "1", "--ref", "S2")
    assert refused.exit_code == 1
    assert refused.stderr == ("Error: rule 9: 2024 is closed (sealed at seq 4); SP2D S2 dated "
                              "2024-12-30 cannot be recorded. Record it in an open year\n")
    assert log_rows(year.db) == before
    assert year("record", "sp2d", "--date", "2025-01-03", "--code", "CQ.6870", "--akun", "521211",
                "--amount", "1", "--ref", "S2").exit_code == 0
    assert year("verify").exit_code == 0


def test_close_twice_and_with_a_lock(year):
    assert year("record", "lock", "--date", "2024-11-01", "--code", "CQ.6870", "--akun", "521211",
                "--amount", "10", "--ref", "REV-1").exit_code == 0
    locked = year("close", "2024", "--yes")
    assert locked.exit_code == 1
    assert locked.stderr == ("Error: 2024 cannot be closed: lock pagu of 10 still stands on "
                             "CQ.6870/521211; record the unlock (or the revision's outcome) first\n")
    assert year("record", "unlock", "--date", "2024-12-20", "--code", "CQ.6870", "--akun", "521211",
                "--amount", "10", "--ref", "REV-1").exit_code == 0
    assert year("close", "2024", "--yes").exit_code == 0
    again = year("close", "2024", "--yes")
    assert again.exit_code == 1 and again.stderr == "Error: 2024 is already closed (seal at seq 6)\n"


@pytest.mark.parametrize("arg,status,message", [
    ("2023", 1, "Error: there are no budget events dated in 2023: nothing to close\n"),
    ("2999", 1, "Error: 2999 has not ended yet"),
    ("dua", 2, "Error: YEAR 'dua' must be a fiscal year like 2024\n"),
    ("1", 2, "Error: YEAR '1' must be a fiscal year like 2024\n"),
])
def test_close_refusals(year, arg, status, message):
    result = year("close", arg, "--yes")
    assert result.exit_code == status and result.stderr.startswith(message)


@pytest.mark.sqlite_only  # a forger rewriting the file with sqlite3
def test_verify_finds_a_seal_that_no_longer_matches(year):
    year("close", "2024", "--yes")
    conn = sqlite3.connect(year.db, isolation_level=None)
    for name in store.TRIGGERS:
        conn.execute(f"DROP TRIGGER {name}")
    # Rewrite the SP2D and re-chain everything after it, as a careful forger would.
    from anggaran.chain import chain_hash, identity
    from anggaran.events import Event
    conn.execute("UPDATE events SET amount = 300 WHERE seq = 2")
    conn.execute("UPDATE postings SET realised = 300 WHERE seq = 2")
    conn.execute("UPDATE daily SET d_realised = 300, realised = 300 WHERE date = '2024-05-02'")
    conn.execute("UPDATE daily SET realised = 300 WHERE date > '2024-05-02' AND year = 2024")
    conn.row_factory = sqlite3.Row
    prev = conn.execute("SELECT value FROM meta WHERE key = 'genesis'").fetchone()[0]
    for rec in conn.execute("SELECT * FROM events ORDER BY seq").fetchall():
        event = Event.from_record(rec)
        ident = identity(event.canonical()) if rec["kind"] != "close" else rec["ident"]
        digest = chain_hash(prev, event.canonical(), rec["seq"], rec["recorded_at"], rec["seal"])
        conn.execute("UPDATE events SET prev_hash = ?, hash = ?, ident = ? WHERE seq = ?",
                     (prev, digest, ident, rec["seq"]))
        prev = digest
    for sql in store.TRIGGERS.values():
        conn.execute(sql)
    conn.close()
    result = year("verify")
    assert result.exit_code == 1
    assert result.stderr == ("Error: verify failed: the seal of 2024 (seq 4) names a chain head that "
                             "is not the event before it\n")


CONTRACT = ("--code", "CQ.6870", "--akun", "521211")


def test_close_refuses_a_year_with_an_open_contract(year):
    """Like a standing lock, an open contract is refused, naming it: exit 1, nothing written."""
    assert year("record", "kontrak", "--date", "2024-03-01", *CONTRACT, "--amount", "500",
                "--ref", "K-07/2024", "--supplier", "CV Maju").exit_code == 0
    assert year("record", "sp2d", "--date", "2024-06-01", *CONTRACT, "--amount", "300",
                "--ref", "S2", "--contract", "K-07/2024").exit_code == 0
    before = log_rows(year.db)
    result = year("close", "2024", "--yes")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == ("Error: 2024 cannot be closed: contract K-07/2024 (seq 4) is still "
                             "open; record its contract_close first\n")
    assert log_rows(year.db) == before


def test_a_closed_contract_and_a_standing_blokir_seal_with_every_figure(year):
    """Once the contract is closed the year closes; the seal records ceiling, locked,
    blocked, committed (0: the close released the unpaid 200) and realised per line, and a
    standing blokir lapses with the year."""
    for args in (("kontrak", "--date", "2024-03-01", *CONTRACT, "--amount", "500", "--ref", "K-1"),
                 ("sp2d", "--date", "2024-06-01", *CONTRACT, "--amount", "300", "--ref", "S2",
                  "--contract", "K-1"),
                 ("blokir", "--date", "2024-07-01", *CONTRACT, "--amount", "100", "--ref", "B-1"),
                 ("kontrak selesai", "--date", "2024-12-20", "--contract", "K-1", "--ref", "BAST")):
        assert year("record", *args).exit_code == 0, year("record", *args).stderr
    result = year("close", "2024", "--yes")
    assert result.exit_code == 0, result.stderr
    seal = json.loads(year("log", "--format", "json").stdout)[-1]["seal"]
    assert seal["lines"] == {"CQ.6870/521211": [1000, 0, 100, 0, 700]}
    assert year("verify").exit_code == 0
