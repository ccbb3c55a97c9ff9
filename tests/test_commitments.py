"""Blokir and contracts (commitments): what is really left to spend.

Every refusal is checked as the officer sees it — one ``Error:`` line, exit status 1, the
ledger unchanged — through ``import`` of a one-line JSONL file (the same rules as
``record``). The figures are hand-checked on a small ledger."""

import json

import pytest

from anggaran.errors import RuleError
from anggaran.ledger import Ledger
from conftest import log_rows, write

LINE = {"code": "QA.1234", "akun": "521211"}
OTHER = {"code": "QA.5678", "akun": "521211"}


@pytest.fixture
def led(run):
    with Ledger.open(run.db) as ledger:
        ledger.record("pagu", date="2025-01-02", amount=1_000_000, ref="DIPA-1", **LINE)
        ledger.record("pagu", date="2025-01-02", amount=1_000_000, ref="DIPA-1", **OTHER)
        ledger.run = run
        yield ledger


def refused(led, tmp_path, event, message):
    """``event`` imported alone is refused with exactly ``message`` and writes nothing."""
    before = log_rows(led.run.db)
    f = write(tmp_path / "one.jsonl", json.dumps(event) + "\n")
    result = led.run("import", f)
    assert (result.exit_code, result.stdout) == (1, ""), result.output
    assert result.stderr == f"Error: row 1: {message}\n"
    assert log_rows(led.run.db) == before


def line(led, as_of="2025-12-31", known_at=None):
    rows = led.report(as_of=as_of, by="akun", known_at=known_at)["rows"]
    r = next(r for r in rows if r["code"] == "QA.1234/521211")
    return {k: r[k] for k in ("ceiling", "locked", "blocked", "committed", "realised", "available")}


def contract(led, number="K-01", amount=600_000, date="2025-02-01", **more):
    return led.record("contract", date=date, amount=amount, ref=number, **LINE, **more)


def pay(led, ref, amount, date, number="K-01", where=LINE):
    return led.record("sp2d", date=date, amount=amount, ref=ref, contract=number, **where)


# ------------------------------------------------------------------ the funds figures

def test_the_funds_figures_of_a_hand_checked_line(led):
    led.record("blokir", date="2025-01-02", amount="100.000", ref="DIPA-1", **LINE)
    led.record("lock", date="2025-01-10", amount=50_000, ref="LOCK-1", **LINE)
    contract(led, supplier="CV Maju", signed="2025-01-28", end="2025-06-30")
    pay(led, "S1", 100_000, "2025-03-01")
    pay(led, "S2", 150_000, "2025-04-01")
    led.record("sp2d", date="2025-04-02", amount=100_000, ref="S3", **LINE)  # not a contract
    # ceiling 1.000.000 − lock 50.000 − blokir 100.000 − committed (600.000 − 250.000)
    # − realised 350.000 = 150.000
    assert line(led) == {"ceiling": 1_000_000, "locked": 50_000, "blocked": 100_000,
                         "committed": 350_000, "realised": 350_000, "available": 150_000}
    assert line(led, as_of="2025-03-15") == {"ceiling": 1_000_000, "locked": 50_000,
                                             "blocked": 100_000, "committed": 500_000,
                                             "realised": 100_000, "available": 250_000}
    total = led.report(as_of="2025-12-31")["rows"][0]
    assert (total["blocked"], total["committed"], total["available"]) == (100_000, 350_000, 1_150_000)
    assert led.verify().events == 8


def test_a_contract_registers_on_its_date_not_before(led):
    contract(led, date="2025-02-01")
    assert line(led, as_of="2025-01-31")["committed"] == 0
    assert line(led, as_of="2025-02-01")["committed"] == 600_000


# ------------------------------------------------------------------ rule 5

def test_blokir_beyond_what_is_available(led, tmp_path):
    contract(led, amount=950_000)
    refused(led, tmp_path, {"kind": "Blokir", "date": "2025-03-01", "amount": 100_000,
                            "ref": "DIPA-1 rev", **LINE},
            "rule 5: blokir DIPA-1 rev would block more than is available on QA.1234/521211 on "
            "2025-03-01: available 50.000, asked 100.000")


def test_unblocking_more_than_is_blocked(led, tmp_path):
    led.record("block", date="2025-01-02", amount=100_000, ref="DIPA-1", **LINE)
    refused(led, tmp_path, {"kind": "buka blokir", "date": "2025-03-01", "amount": 150_000,
                            "ref": "REV-2", **LINE},
            "rule 5: buka blokir REV-2 would unblock more than is blocked on QA.1234/521211 on "
            "2025-03-01: blocked 100.000, asked 150.000")


def test_registering_a_contract_beyond_what_is_available(led, tmp_path):
    led.record("block", date="2025-01-02", amount=100_000, ref="DIPA-1", **LINE)
    contract(led, amount=600_000)
    refused(led, tmp_path, {"kind": "kontrak", "date": "2025-02-10", "amount": 400_000,
                            "ref": "K-02", **LINE},
            "rule 5: contract K-02 would commit more than is available on QA.1234/521211 on "
            "2025-02-10: available 300.000, asked 400.000")


def test_an_sp2d_outside_a_contract_cannot_spend_what_a_contract_reserved(led, tmp_path):
    contract(led, amount=900_000)
    refused(led, tmp_path, {"kind": "sp2d", "date": "2025-03-01", "amount": 200_000,
                            "ref": "S9", **LINE},
            "rule 5: SP2D S9 would overspend QA.1234/521211 on 2025-03-01: available 100.000, "
            "asked 200.000")
    pay(led, "S9", 200_000, "2025-03-01")  # against the contract it is fine
    assert line(led)["available"] == 100_000


def test_paying_a_contract_beyond_its_value(led, tmp_path):
    contract(led)
    pay(led, "S1", 500_000, "2025-03-01")
    refused(led, tmp_path, {"kind": "sp2d", "date": "2025-03-02", "amount": 150_000,
                            "ref": "S2", "contract": "K-01", **LINE},
            "rule 5: SP2D S2 would pay contract K-01 beyond its value on 2025-03-02: paid "
            "50.000 more than the contract is worth")


def test_a_back_dated_payment_that_breaks_only_a_later_date(led, tmp_path):
    contract(led)
    pay(led, "S1", 400_000, "2025-05-01")
    led.record("contract_change", date="2025-04-01", contract="K-01", amount=-100_000,
               ref="ADD-1")
    refused(led, tmp_path, {"kind": "sp2d", "date": "2025-03-01", "amount": 150_000,
                            "ref": "S2", "contract": "K-01", **LINE},
            "rule 5: SP2D S2 would pay contract K-01 beyond its value on 2025-05-01: paid "
            "50.000 more than the contract is worth")


def test_cutting_below_what_is_committed(led, tmp_path):
    led.record("block", date="2025-01-02", amount=100_000, ref="DIPA-1", **LINE)
    contract(led)
    refused(led, tmp_path, {"kind": "cut", "date": "2025-03-01", "amount": 400_000,
                            "ref": "PHM-1", **LINE},
            "rule 5: cut PHM-1 would cut below what is realised, locked, blocked and committed "
            "on QA.1234/521211 on 2025-03-01: available 300.000, asked 400.000")


def test_an_addendum_beyond_what_is_available_or_below_what_was_paid(led, tmp_path):
    contract(led, amount=900_000)
    pay(led, "S1", 300_000, "2025-03-01")
    refused(led, tmp_path, {"kind": "addendum", "date": "2025-03-05", "contract": "K-01",
                            "amount": 200_000, "ref": "ADD-1"},
            "rule 5: addendum ADD-1 of contract K-01 would commit more than is available on "
            "QA.1234/521211 on 2025-03-05: available 100.000, asked 200.000")
    refused(led, tmp_path, {"kind": "addendum", "date": "2025-03-05", "contract": "K-01",
                            "amount": -700_000, "ref": "ADD-1"},
            "rule 5: addendum ADD-1 of contract K-01 would lower the value of contract K-01 below "
            "what is paid on 2025-03-05: paid 100.000 more than the new value")


# ------------------------------------------------------------------ rules 6 and 7

def test_a_contract_number_is_registered_once_a_year(led, tmp_path):
    contract(led)
    assert contract(led).skipped == 1
    refused(led, tmp_path, {"kind": "contract", "date": "2025-02-01", "amount": 700_000,
                            "ref": "K-01", **OTHER},
            "rule 6: contract K-01 on QA.5678/521211 is already recorded for 2025 with "
            "different content (seq 3); void seq 3 first if it was recorded in error")


@pytest.mark.parametrize("event, message", [
    ({"kind": "sp2d", "date": "2025-03-01", "amount": 1, "ref": "S1", "contract": "K-99", **LINE},
     "rule 7: SP2D S1 names contract K-99, which is not registered for 2025"),
    ({"kind": "sp2d", "date": "2025-01-15", "amount": 1, "ref": "S1", "contract": "K-01", **LINE},
     "rule 7: SP2D S1 dated 2025-01-15 comes before contract K-01 was registered (2025-02-01)"),
    ({"kind": "sp2d", "date": "2025-03-01", "amount": 1, "ref": "S1", "contract": "K-01", **OTHER},
     "rule 7: SP2D S1 on QA.5678/521211 pays contract K-01, which is registered on "
     "QA.1234/521211"),
    ({"kind": "addendum", "date": "2025-03-01", "amount": 1, "ref": "A1", "contract": "K-99"},
     "rule 7: addendum A1 of contract K-99 names contract K-99, which is not registered for 2025"),
    ({"kind": "kontrak selesai", "date": "2025-01-20", "ref": "BAST-1", "contract": "K-01"},
     "rule 7: contract close BAST-1 of contract K-01 dated 2025-01-20 comes before contract "
     "K-01 was registered (2025-02-01)"),
])
def test_references_to_a_contract(led, tmp_path, event, message):
    contract(led)
    refused(led, tmp_path, event, message)


def test_a_closed_contract_takes_no_payment_after_its_close(led, tmp_path):
    contract(led)
    led.record("contract_close", date="2025-06-30", contract="K-01", ref="BAST-1")
    pay(led, "S1", 100_000, "2025-06-30")  # on the closing day: allowed
    for event, message in [
        ({"kind": "sp2d", "date": "2025-07-01", "amount": 1, "ref": "S2", "contract": "K-01",
          **LINE},
         "rule 7: SP2D S2 dated 2025-07-01: contract K-01 was closed on 2025-06-30 (seq 4)"),
        ({"kind": "addendum", "date": "2025-07-01", "amount": 1, "ref": "A1", "contract": "K-01"},
         "rule 7: addendum A1 of contract K-01 dated 2025-07-01: contract K-01 was closed on "
         "2025-06-30 (seq 4)"),
        ({"kind": "contract_close", "date": "2025-07-01", "ref": "BAST-2", "contract": "K-01"},
         "rule 7: contract close BAST-2 of contract K-01 dated 2025-07-01: contract K-01 was "
         "closed on 2025-06-30 (seq 4)"),
    ]:
        refused(led, tmp_path, event, message)


# ------------------------------------------------------------------ the close's release

def test_a_close_releases_what_is_unpaid_from_its_date(led):
    contract(led)
    pay(led, "S1", 250_000, "2025-03-01")
    led.record("contract_close", date="2025-06-30", contract="K-01", ref="BAST-1")
    assert line(led, as_of="2025-06-29")["committed"] == 350_000
    assert line(led, as_of="2025-06-30")["committed"] == 0
    assert line(led)["available"] == 750_000


def test_a_late_payment_lowers_the_release_and_known_at_sees_it_as_it_was(led, tmp_path):
    rows = [{"kind": "contract", "date": "2025-02-01", "amount": 600_000, "ref": "K-01", **LINE,
             "recorded_at": "2026-01-02T10:00:00Z"},
            {"kind": "contract_close", "date": "2025-06-30", "contract": "K-01", "ref": "BAST-1",
             "recorded_at": "2026-01-03T10:00:00Z"},
            {"kind": "sp2d", "date": "2025-06-20", "amount": 200_000, "ref": "S1",
             "contract": "K-01", **LINE, "recorded_at": "2026-01-04T10:00:00Z"}]
    # The pagu was recorded now; record these in a fresh ledger so recorded_at can go first.
    fresh = tmp_path / "late.db"
    Ledger.init(fresh, "123456", "X").close()
    run = led.run.__class__(fresh)
    pagu = {"kind": "pagu", "date": "2025-01-02", "amount": 1_000_000, "ref": "DIPA-1", **LINE,
            "recorded_at": "2026-01-01T10:00:00Z"}
    f = write(tmp_path / "late.jsonl", "".join(json.dumps(r) + "\n" for r in [pagu, *rows]))
    assert run("import", f).exit_code == 0
    with Ledger.open(fresh) as ledger:
        assert line(ledger, as_of="2025-06-29") == {
            "ceiling": 1_000_000, "locked": 0, "blocked": 0, "committed": 400_000,
            "realised": 200_000, "available": 400_000}
        assert line(ledger)["committed"] == 0  # closed: nothing reserved, the payment counts
        assert line(ledger)["realised"] == 200_000
        # As known before the late payment: the close released all 600.000.
        before = line(ledger, known_at="2026-01-03T12:00:00Z")
        assert (before["committed"], before["realised"]) == (0, 0)
        assert line(ledger, as_of="2025-06-29", known_at="2026-01-03T12:00:00Z")["committed"] == 600_000
        assert ledger.verify().events == 4


def test_a_late_payment_beyond_what_the_close_left_is_refused(led, tmp_path):
    contract(led)
    pay(led, "S1", 500_000, "2025-03-01")
    led.record("contract_close", date="2025-06-30", contract="K-01", ref="BAST-1")
    refused(led, tmp_path, {"kind": "sp2d", "date": "2025-06-01", "amount": 200_000,
                            "ref": "S2", "contract": "K-01", **LINE},
            "rule 5: SP2D S2 would pay contract K-01 beyond its value on 2025-06-01: paid "
            "100.000 more than the contract is worth")


def test_an_addendum_known_at_before_and_after(led, tmp_path):
    fresh = tmp_path / "add.db"
    Ledger.init(fresh, "123456", "X").close()
    rows = [{"kind": "pagu", "date": "2025-01-02", "amount": 1_000_000, "ref": "DIPA-1", **LINE,
             "recorded_at": "2026-01-01T10:00:00Z"},
            {"kind": "contract", "date": "2025-02-01", "amount": 600_000, "ref": "K-01", **LINE,
             "recorded_at": "2026-01-02T10:00:00Z"},
            {"kind": "contract_change", "date": "2025-03-01", "amount": 150_000, "ref": "ADD-1",
             "contract": "K-01", "recorded_at": "2026-01-05T10:00:00Z"}]
    f = write(tmp_path / "add.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    assert led.run.__class__(fresh)("import", f).exit_code == 0
    with Ledger.open(fresh) as ledger:
        assert line(ledger)["committed"] == 750_000
        assert line(ledger, known_at="2026-01-04")["committed"] == 600_000
        assert line(ledger, as_of="2025-02-28")["committed"] == 600_000


# ------------------------------------------------------------------ rule 10

def test_a_contract_without_payments_is_voided_and_its_number_is_free(led):
    contract(led)
    led.record("void", date="2025-02-05", voids=3, note="nilai salah")
    assert line(led)["committed"] == 0
    contract(led, amount=500_000)
    assert line(led)["committed"] == 500_000
    assert led.verify().events == 5


def test_a_contract_with_a_payment_cannot_be_voided(led, tmp_path):
    contract(led)
    pay(led, "S1", 100_000, "2025-03-01")
    refused(led, tmp_path, {"kind": "void", "date": "2025-03-05", "voids": 3, "note": "x"},
            "rule 10: seq 3 (contract K-01) cannot be voided: seq 4 names contract K-01; void "
            "that first")


def test_voids_and_a_close(led, tmp_path):
    contract(led)
    pay(led, "S1", 100_000, "2025-03-01")  # seq 4, recorded before the close
    led.record("contract_close", date="2025-06-30", contract="K-01", ref="BAST-1")  # seq 5
    pay(led, "S2", 50_000, "2025-06-10")  # seq 6: late, moves the release
    assert line(led)["committed"] == 0
    # A payment recorded before the close is voided: the release grows by what it paid.
    led.record("void", date="2025-07-05", voids=4, note="salah kontrak")  # seq 7
    assert (line(led)["committed"], line(led)["realised"]) == (0, 50_000)
    assert line(led, as_of="2025-06-29")["committed"] == 550_000
    # The close is voided: the contract is open again, with what is paid on it.
    led.record("void", date="2025-07-05", voids=5, note="belum selesai")  # seq 8
    assert line(led)["committed"] == 550_000
    # The late payment voided after its close was: its delta on the close went with it.
    led.record("void", date="2025-07-05", voids=6, note="dobel")  # seq 9
    assert (line(led)["committed"], line(led)["realised"]) == (600_000, 0)
    assert led.verify().events == 9
    assert led.contracts(as_of="2025-12-31")["contracts"][0]["status"] == "open"
    led.record("contract_close", date="2025-07-31", contract="K-01", ref="BAST-2")
    assert line(led)["committed"] == 0 and line(led, as_of="2025-07-30")["committed"] == 600_000
    assert led.verify().events == 10


def test_a_contract_is_voided_after_what_names_it(led, tmp_path):
    contract(led)
    led.record("contract_close", date="2025-06-30", contract="K-01", ref="BAST-1")  # seq 4
    refused(led, tmp_path, {"kind": "void", "date": "2025-07-05", "voids": 3, "note": "x"},
            "rule 10: seq 3 (contract K-01) cannot be voided: seq 4 names contract K-01; void "
            "that first")
    led.record("void", date="2025-07-05", voids=4, note="x")
    led.record("void", date="2025-07-05", voids=3, note="x")
    assert line(led)["committed"] == 0 and led.verify().events == 6


@pytest.mark.parametrize("order", ["payment first", "close first"])
def test_row_order_in_a_file_does_not_matter(run, tmp_path, order):
    """Rule 8: a contract's payment, addendum and close may come before it in a file."""
    rows = [{"kind": "pagu", "date": "2025-01-02", "amount": 1_000_000, "ref": "DIPA-1", **LINE},
            {"kind": "contract", "date": "2025-02-01", "amount": 600_000, "ref": "K-01", **LINE},
            {"kind": "sp2d", "date": "2025-03-01", "amount": 100_000, "ref": "S1",
             "contract": "K-01", **LINE},
            {"kind": "addendum", "date": "2025-03-02", "amount": 50_000, "ref": "A1",
             "contract": "K-01"},
            {"kind": "contract_close", "date": "2025-06-30", "ref": "BAST-1", "contract": "K-01"}]
    ordered = [rows[0], *rows[:0:-1]] if order == "close first" else [rows[0], rows[2], rows[1],
                                                                     rows[3], rows[4]]
    f = write(tmp_path / "k.jsonl", "".join(json.dumps(r) + "\n" for r in ordered))
    assert run("import", f).exit_code == 0
    with Ledger.open(run.db) as ledger:
        assert line(ledger, as_of="2025-06-29")["committed"] == 550_000
        assert line(ledger) == {"ceiling": 1_000_000, "locked": 0, "blocked": 0, "committed": 0,
                                "realised": 100_000, "available": 900_000}
        (c,) = ledger.contracts(as_of="2025-12-31")["contracts"]
        assert (c["value"], c["paid"], c["status"]) == (650_000, 100_000, "closed")
        assert ledger.verify().events == 5
    too_much = [rows[0], {**rows[2], "amount": 700_000}, rows[1]]
    f = write(tmp_path / "bad.jsonl", "".join(json.dumps(r) + "\n" for r in too_much))
    fresh = run.__class__(tmp_path / "fresh.db")
    Ledger.init(tmp_path / "fresh.db", "123456", "X").close()
    result = fresh("import", f)
    assert result.exit_code == 1
    assert "would pay contract K-01 beyond its value" in result.stderr


def test_a_late_payment_on_the_closing_day_is_still_within_the_value(led, tmp_path):
    contract(led)
    pay(led, "S1", 100_000, "2025-03-01")
    led.record("contract_close", date="2025-04-01", contract="K-01", ref="BAST-1")
    refused(led, tmp_path, {"kind": "sp2d", "date": "2025-04-01", "amount": 600_000, "ref": "S3",
                            "contract": "K-01", **LINE},
            "rule 5: SP2D S3 would pay contract K-01 beyond its value on 2025-04-01: paid "
            "100.000 more than the contract is worth")
    refused(led, tmp_path, {"kind": "addendum", "date": "2025-04-01", "amount": -550_000,
                            "ref": "A1", "contract": "K-01"},
            "rule 5: addendum A1 of contract K-01 would lower the value of contract K-01 below "
            "what is paid on 2025-04-01: paid 50.000 more than the new value")


def test_a_commitment_beyond_what_anggaran_keeps_is_rule_2(run, tmp_path):
    with Ledger.open(run.db) as ledger:
        ledger.record("pagu", date="2025-01-02", amount=600_000_000_000_000, ref="DIPA-1",
                      code="QA.1231", akun="521211")
        ledger.record("contract", date="2025-02-01", amount=600_000_000_000_000, ref="K-1",
                      code="QA.1231", akun="521211")
        with pytest.raises(RuleError) as e:
            ledger.record("contract_change", date="2025-02-02", amount=999_999_999_999_400,
                          ref="A-1", contract="K-1")
    assert e.value.rule == 2
    assert str(e.value).startswith("rule 2: the committed of jenis 52 of 2025 would reach")


def test_rule_errors_through_the_api_are_the_same(led):
    contract(led)
    with pytest.raises(RuleError) as e:
        pay(led, "S1", 700_000, "2025-03-01")
    assert str(e.value) == ("rule 5: SP2D S1 would pay contract K-01 beyond its value on "
                            "2025-03-01: paid 100.000 more than the contract is worth")


def test_verify_finds_an_altered_commitment(led):
    from conftest import tamper

    contract(led)
    tamper(led.run.db, "UPDATE postings SET committed = 1 WHERE kind = 'contract'")
    result = led.run("verify")
    assert result.exit_code == 1
    assert "the projection tables were altered" in result.stderr


def test_history_shows_a_late_payment_once_and_the_release_on_the_close(led):
    contract(led)  # seq 3
    pay(led, "S1", 100_000, "2025-03-01")  # seq 4
    led.record("contract_close", date="2025-06-30", contract="K-01", ref="BAST-1")  # seq 5
    pay(led, "S2", 200_000, "2025-06-20")  # seq 6: late
    rows = [(r["seq"], r["date"], r["delta_committed"], r["committed"], r["realised"])
            for r in led.history("QA.1234", akun="521211", as_of="2025-12-31")["rows"]
            if r["seq"] > 2]
    assert rows == [(3, "2025-02-01", 600_000, 600_000, 0),
                    (4, "2025-03-01", -100_000, 500_000, 100_000),
                    (6, "2025-06-20", -200_000, 300_000, 300_000),
                    (5, "2025-06-30", -300_000, 0, 300_000)]
    led.record("void", date="2025-07-01", voids=4, note="x")
    rows = [(r["seq"], r["delta_committed"], r["committed"], r["voided_by"])
            for r in led.history("QA.1234", akun="521211", as_of="2025-12-31")["rows"]
            if r["seq"] > 2]
    assert rows == [(3, 600_000, 600_000, None), (4, 0, 600_000, 7),
                    (6, -200_000, 400_000, None), (5, -400_000, 0, None)]


# ------------------------------------------------------------------ second review's cases

def test_a_close_may_not_come_before_its_contracts_last_event(led, tmp_path):
    contract(led, amount=300_000, date="2025-03-01")
    led.record("addendum", date="2025-03-20", contract="K-01", amount=50_000, ref="A1")
    refused(led, tmp_path, {"kind": "kontrak selesai", "date": "2025-03-10", "ref": "BAST-1",
                            "contract": "K-01"},
            "rule 7: contract close BAST-1 of contract K-01 dated 2025-03-10 comes before seq 4 "
            "of contract K-01, dated 2025-03-20; date the close on or after the contract's last "
            "payment or addendum")


def _import(run, tmp_path, rows, name="f.jsonl"):
    return run("import", write(tmp_path / name, "".join(json.dumps(r) + "\n" for r in rows)))


PAGU_ROW = {"kind": "pagu", "date": "2025-01-02", "amount": 1_000_000, "ref": "DIPA-1", **LINE}


def test_a_close_before_its_contract_in_a_file_still_closes_it(run, tmp_path):
    rows = [PAGU_ROW,
            {"kind": "contract_close", "date": "2025-03-10", "ref": "C1", "contract": "K-01"},
            {"kind": "sp2d", "date": "2025-03-20", "amount": 50, "ref": "S1", "contract": "K-01",
             **LINE},
            {"kind": "contract", "date": "2025-03-05", "amount": 200, "ref": "K-01", **LINE}]
    result = _import(run, tmp_path, rows)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: row 2: rule 7: contract close C1 of contract K-01 "
                                    "dated 2025-03-10 comes before seq 3")
    assert _import(run, tmp_path, [rows[0], rows[1], rows[3]], "ok.jsonl").exit_code == 0
    with Ledger.open(run.db) as ledger:
        assert line(ledger, as_of="2025-03-31")["committed"] == 0
        assert line(ledger, as_of="2025-03-09")["committed"] == 200


def test_two_closes_in_one_file_one_voided(run, tmp_path):
    rows = [PAGU_ROW,
            {"kind": "contract", "date": "2025-03-10", "amount": 200, "ref": "K-01", **LINE},
            {"kind": "contract_close", "date": "2025-03-15", "ref": "C1", "contract": "K-01"},
            {"kind": "contract_close", "date": "2025-03-15", "ref": "C2", "contract": "K-01"},
            {"kind": "void", "date": "2025-03-16", "voids": 3, "note": "dobel"}]
    assert _import(run, tmp_path, rows).exit_code == 0
    with Ledger.open(run.db) as ledger:
        assert line(ledger, as_of="2025-03-15")["committed"] == 0
        assert line(ledger)["committed"] == 0
        assert ledger.verify().events == 5


def test_a_contract_voided_and_registered_again_in_one_file(run, tmp_path):
    rows = [PAGU_ROW,
            {"kind": "contract", "date": "2025-03-01", "amount": 200, "ref": "K-01", **LINE},
            {"kind": "void", "date": "2025-03-02", "voids": 2, "note": "nilai salah"},
            {"kind": "contract", "date": "2025-03-01", "amount": 300, "ref": "K-01", **LINE},
            {"kind": "sp2d", "date": "2025-03-20", "amount": 50, "ref": "S1", "contract": "K-01",
             **LINE}]
    assert _import(run, tmp_path, rows).exit_code == 0
    with Ledger.open(run.db) as ledger:
        assert line(ledger)["committed"] == 250 and line(ledger)["realised"] == 50
        assert ledger.verify().events == 5
