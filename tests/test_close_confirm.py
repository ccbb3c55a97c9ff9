"""Closing is permanent: `close` asks on a terminal, needs --yes elsewhere, and with
--statement closes only a year that reconciles as of 31 December."""

import json

import pytest

from anggaran.close import year_totals
from anggaran.ledger import Ledger
from conftest import log_rows, write

import anggaran.cli.main as main


@pytest.fixture
def year(run):
    for args in (
        ("pagu", "--date", "2024-01-02", "--code", "CQ.6870", "--akun", "521211", "--amount",
         "1.000", "--ref", "DIPA-2024"),
        ("pagu", "--date", "2024-01-02", "--code", "WA.3355", "--akun", "511111", "--amount",
         "500", "--ref", "DIPA-2024"),
        ("sp2d", "--date", "2024-05-02", "--code", "CQ.6870", "--akun", "521211", "--amount", "400",
         "--ref", "S1"),
    ):
        assert run("record", *args).exit_code == 0
    return run


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(main, "stdin_is_terminal", lambda: True)


def test_not_on_a_terminal_and_without_yes_closes_nothing(year):
    before = log_rows(year.db)
    result = year("close", "2024")
    assert result.exit_code == 2
    assert result.stderr == ("Error: closing 2024 is permanent; run it on a terminal to confirm, "
                             "or add --yes\n")
    assert result.stdout == ""
    assert log_rows(year.db) == before


def test_a_refusal_comes_before_the_question(year):
    """A year that cannot be closed says why, also without --yes (exit 1, not 2)."""
    year("close", "2024", "--yes")
    again = year("close", "2024")
    assert again.exit_code == 1
    assert again.stderr == "Error: 2024 is already closed (seal at seq 4)\n"


def test_on_a_terminal_it_shows_the_totals_and_asks(year, terminal):
    before = log_rows(year.db)
    refused = year("close", "2024", input="n\n")
    assert refused.exit_code == 1
    assert refused.stdout == ""
    assert refused.stderr == (
        "Closing 2024 is permanent: afterwards nothing dated in 2024 can be recorded. The seal "
        "will record 2 line(s) as of 2024-12-31:\n"
        "  Pagu Revisi (ceiling)    1.500\n"
        "  Lock Pagu (locked)           0\n"
        "  Blokir (blocked)             0\n"
        "  Realisasi (realised)       400\n"
        "  Sisa Anggaran (balance)  1.100\n"
        "Close 2024? This cannot be undone [y/N]: n\n"
        "Not closed: 2024 stays open; nothing was written\n")
    assert log_rows(year.db) == before
    assert year("close", "2024", input="\n").exit_code == 1  # the default is no
    assert log_rows(year.db) == before

    agreed = year("close", "2024", input="y\n")
    assert agreed.exit_code == 0, agreed.stderr
    assert agreed.stdout.startswith("Closed 2024: seal recorded as seq 4 (head ")
    assert len(log_rows(year.db)) == len(before) + 1


def test_the_question_shows_the_blokir_that_lapses(year, terminal):
    assert year("record", "blokir", "--date", "2024-06-01", "--code", "WA.3355", "--akun", "511111",
                "--amount", "200", "--ref", "BLOKIR-1").exit_code == 0
    refused = year("close", "2024", input="n\n")
    assert refused.exit_code == 1
    assert ("  Lock Pagu (locked)           0\n"
            "  Blokir (blocked)           200\n"
            "  Realisasi (realised)       400\n"
            "  Sisa Anggaran (balance)  1.100\n"
            "  The blokir of 200 lapses with the year.\n"
            "Close 2024? This cannot be undone [y/N]: n\n") in refused.stderr


def test_yes_on_a_terminal_does_not_ask(year, terminal):
    result = year("close", "2024", "--yes")
    assert result.exit_code == 0 and result.stderr == ""


def test_year_totals_is_what_the_prompt_shows(db, year):
    with Ledger.open(db) as ledger:
        assert year_totals(ledger, "2024") == {
            "year": 2024, "ceiling": 1500, "locked": 0, "blocked": 0, "realised": 400,
            "balance": 1100, "lines": 2, "head_seq": 3}
    assert len(log_rows(db)) == 3


STATEMENT = """code,ceiling,realised
CQ.6870,1.000,400
WA.3355,500,{wa}
"""


def test_statement_that_differs_refuses_and_says_how_to_see_it(year, tmp_path):
    bad = write(tmp_path / "kppn.csv", STATEMENT.format(wa="7") + "XX.1234,1,1\n")
    before = log_rows(year.db)
    result = year("close", "2024", "--statement", bad, "--yes")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: 2024 is not closed: the statement {bad} differs from the ledger as of "
        f"2024-12-31 (3 differences); see them with: anggaran reconcile {bad} --as-of 2024-12-31\n")
    assert log_rows(year.db) == before
    differences = year("reconcile", bad, "--as-of", "2024-12-31", "--format", "json")
    assert len(json.loads(differences.stdout)["differences"]) == 3


def test_statement_that_differs_is_refused_before_the_question(year, tmp_path, terminal):
    bad = write(tmp_path / "kppn.csv", STATEMENT.format(wa="7"))
    result = year("close", "2024", "--statement", bad, input="y\n")
    assert result.exit_code == 1
    assert "Close 2024?" not in result.stderr
    assert result.stderr.endswith("(1 difference); see it with: anggaran reconcile "
                                  f"{bad} --as-of 2024-12-31\n")


def test_statement_that_matches_closes(year, tmp_path):
    good = write(tmp_path / "kppn.csv", STATEMENT.format(wa="0"))
    result = year("close", "2024", "--statement", good, "--yes")
    assert result.exit_code == 0, result.stderr
    with Ledger.open(year.db) as ledger:
        assert ledger.log()[-1]["kind"] == "close"


def test_python_api_refuses_a_statement_that_differs(db, year, tmp_path):
    from anggaran.errors import AnggaranError

    bad = write(tmp_path / "kppn.csv", STATEMENT.format(wa="7"))
    with Ledger.open(db) as ledger:
        with pytest.raises(AnggaranError, match=r"\(1 difference\)"):
            ledger.close_year(2024, statement=str(bad))
    assert len(log_rows(db)) == 3


def test_an_event_recorded_while_the_statement_is_compared_stops_the_close(db, year, tmp_path,
                                                                             monkeypatch):
    good = write(tmp_path / "kppn.csv", STATEMENT.format(wa="0"))
    compare = Ledger.reconcile

    def meanwhile(self, *args, **kwargs):
        result = compare(self, *args, **kwargs)
        with Ledger.open(db) as other:  # another officer records an SP2D dated 2024
            other.record("sp2d", date="2024-12-30", code="WA.3355", akun="511111", amount=5,
                         ref="S2")
        return result

    monkeypatch.setattr(Ledger, "reconcile", meanwhile)
    from anggaran.errors import AnggaranError

    with Ledger.open(db) as ledger:
        with pytest.raises(AnggaranError, match="events were recorded while the statement was "
                                                r"compared \(now up to seq 4\); run close again"):
            ledger.close_year(2024, statement=str(good))
    assert [row[1] for row in log_rows(db)] == ["pagu", "pagu", "sp2d", "sp2d"]
