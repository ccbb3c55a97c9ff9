"""`anggaran contracts` and `Ledger.contracts`: every contract of the year with its value,
what was paid on it and what is still committed, as of any date and as known at any time;
and the contract options of `record`."""

import json
import sqlite3

import pytest

from anggaran import contracts as contracts_module
from anggaran.ledger import Ledger
from conftest import log_rows, write

# K-10 is registered before K-02: the list is in contract-number order all the same.
LEDGER = """kind,date,code,akun,amount,ref,contract,supplier,signed,end,recorded_at
pagu,2025-01-02,CQ.6639,521211,1.000.000,DIPA-2025,,,,,2025-01-02T09:00:00Z
pagu,2025-01-02,CQ.6639,532111,2.000.000,DIPA-2025,,,,,2025-01-02T09:00:01Z
kontrak,2025-02-03,CQ.6639,532111,1.200.000,K-10,,CV Bangun,2025-01-30,2025-09-30,2025-02-03T09:00:00Z
kontrak,2025-02-05,CQ.6639,521211,400.000,K-02,,CV Maju,,,2025-02-05T09:00:00Z
sp2d,2025-03-10,CQ.6639,532111,500.000,S1,K-10,,,,2025-03-10T09:00:00Z
addendum,2025-04-01,,,100.000,ADD-1,K-10,,,,2025-04-01T09:00:00Z
sp2d,2025-04-15,CQ.6639,521211,150.000,S3,K-02,,,,2025-04-15T09:00:00Z
sp2d,2025-04-20,CQ.6639,532111,200.000,S4,K-10,,,,2025-04-20T09:00:00Z
kontrak selesai,2025-05-20,,,,BAST-1,K-02,,,,2025-05-20T09:00:00Z
"""


@pytest.fixture
def signed(run, tmp_path):
    result = run("import", write(tmp_path / "kontrak.csv", LEDGER))
    assert result.exit_code == 0, result.stderr
    return run


def listed(run, *args):
    out = run("contracts", "--format", "json", *args)
    assert out.exit_code == 0, out.stderr
    return json.loads(out.stdout)


def test_contracts_as_of_a_date_hand_checked(signed):
    got = listed(signed, "--as-of", "2025-04-30")
    assert (got["satker"], got["year"], got["as_of"], got["known_at"]) == (
        {"code": "657757", "name": "KPU KABUPATEN LUMAJANG"}, 2025, "2025-04-30", None)
    assert got["contracts"] == [
        {"ref": "K-02", "date": "2025-02-05", "signed": "2025-02-05", "code": "CQ.6639",
         "akun": "521211", "supplier": "CV Maju", "value": 400_000, "paid": 150_000,
         "outstanding": 250_000, "payments": 1, "status": "open", "closed_on": None},
        {"ref": "K-10", "date": "2025-02-03", "signed": "2025-01-30", "code": "CQ.6639",
         "akun": "532111", "supplier": "CV Bangun", "value": 1_300_000, "paid": 700_000,
         "outstanding": 600_000, "payments": 2, "status": "open", "closed_on": None}]


def test_a_close_makes_it_closed_with_nothing_outstanding(signed):
    may = {c["ref"]: c for c in listed(signed, "--as-of", "2025-05-31")["contracts"]}
    assert (may["K-02"]["status"], may["K-02"]["closed_on"], may["K-02"]["outstanding"],
            may["K-02"]["paid"]) == ("closed", "2025-05-20", 0, 150_000)
    # The day before the close it was still open.
    before = {c["ref"]: c for c in listed(signed, "--as-of", "2025-05-19")["contracts"]}
    assert (before["K-02"]["status"], before["K-02"]["outstanding"]) == ("open", 250_000)


def test_dates_before_registration_payments_and_addenda(signed):
    feb = listed(signed, "--as-of", "2025-02-04")["contracts"]
    assert [(c["ref"], c["value"], c["paid"], c["payments"]) for c in feb] == [
        ("K-10", 1_200_000, 0, 0)]  # K-02 is registered on the 5th
    march = {c["ref"]: c for c in listed(signed, "--as-of", "2025-03-31")["contracts"]}
    assert (march["K-10"]["value"], march["K-10"]["paid"]) == (1_200_000, 500_000)


def test_known_at_across_an_addendum(signed):
    """Dated 1 April, recorded 1 April: known at 31 March, the contract as of 30 April had
    its old value; known later, the new one."""
    then = {c["ref"]: c for c in listed(signed, "--as-of", "2025-04-30", "--known-at",
                                        "2025-03-31")["contracts"]}
    assert (then["K-10"]["value"], then["K-10"]["paid"], then["K-10"]["outstanding"]) == (
        1_200_000, 500_000, 700_000)
    now = {c["ref"]: c for c in listed(signed, "--as-of", "2025-04-30", "--known-at",
                                       "2025-04-01T09:00:00Z")["contracts"]}
    assert now["K-10"]["value"] == 1_300_000
    known = listed(signed, "--as-of", "2025-04-30", "--known-at", "2025-03-31")["known_at"]
    assert known == "2025-03-31T23:59:59Z"


def test_outstanding_of_the_open_contracts_is_the_committed_figure(signed):
    """The list and the funds view agree: per line, what the open contracts have
    outstanding is the report's Komitmen."""
    for as_of in ("2025-02-28", "2025-04-30", "2025-05-31"):
        rep = json.loads(signed("report", "--as-of", as_of, "--by", "akun", "--format",
                                "json").stdout)
        committed = {r["code"]: r["committed"] for r in rep["rows"] if r["level"] == "akun"}
        outstanding = {}
        for c in listed(signed, "--as-of", as_of)["contracts"]:
            line = f"{c['code']}/{c['akun']}"
            outstanding[line] = outstanding.get(line, 0) + c["outstanding"]
        assert {k: v for k, v in committed.items() if v} == {k: v for k, v in outstanding.items() if v}


def test_a_voided_payment_counts_nowhere_except_known_before_its_void(signed):
    seq = {e["ref"]: e["seq"] for e in json.loads(signed("log", "--format", "json").stdout)
           if e.get("ref")}
    result = signed("record", "batal", "--date", "2025-05-02", "--voids", seq["S4"], "--note",
                    "nilai salah")
    assert result.exit_code == 0, result.stderr
    k10 = {c["ref"]: c for c in listed(signed, "--as-of", "2025-04-30")["contracts"]}["K-10"]
    assert (k10["paid"], k10["payments"], k10["outstanding"]) == (500_000, 1, 800_000)
    old = {c["ref"]: c for c in listed(signed, "--as-of", "2025-04-30", "--known-at",
                                       "2025-05-01")["contracts"]}["K-10"]
    assert (old["paid"], old["payments"]) == (700_000, 2)


def test_void_of_a_contract_with_payments_is_refused_without_them_it_is_gone(signed, db):
    seq = {e["ref"]: e["seq"] for e in json.loads(signed("log", "--format", "json").stdout)
           if e.get("ref") and e["kind"] == "contract"}
    before = log_rows(db)
    refused = signed("record", "void", "--date", "2025-05-02", "--voids", seq["K-10"], "--note", "x")
    assert refused.exit_code == 1 and refused.stderr.startswith("Error: rule 10: ")
    assert "K-10" in refused.stderr and refused.stderr.count("\n") == 1
    assert log_rows(db) == before
    # A contract no event names can be voided; it then counts nowhere.
    assert signed("record", "kontrak", "--date", "2025-05-03", "--code", "CQ.6639", "--akun",
                  "532111", "--amount", "50.000", "--ref", "K-03").exit_code == 0
    k03 = len(log_rows(db))
    assert signed("record", "void", "--date", "2025-05-04", "--voids", k03, "--note",
                  "salah baris").exit_code == 0
    assert [c["ref"] for c in listed(signed, "--as-of", "2025-05-31")["contracts"]] == ["K-02", "K-10"]
    known = listed(signed, "--as-of", "2025-05-31", "--known-at", "2025-05-20T09:00:00Z")
    assert [c["ref"] for c in known["contracts"]] == ["K-02", "K-10"]  # recorded after
    # Registered again (the number is free once voided), on the right line.
    assert signed("record", "kontrak", "--date", "2025-05-04", "--code", "CQ.6639", "--akun",
                  "521211", "--amount", "60.000", "--ref", "K-03").exit_code == 0
    again = {c["ref"]: c for c in listed(signed, "--as-of", "2025-05-31")["contracts"]}["K-03"]
    assert (again["akun"], again["value"], again["outstanding"]) == ("521211", 60_000, 60_000)


def test_the_api_twin_gives_what_the_command_prints(signed, db):
    with Ledger.open(db) as ledger:
        api = ledger.contracts(as_of="2025-04-30", known_at="2025-04-02")
    assert api == listed(signed, "--as-of", "2025-04-30", "--known-at", "2025-04-02")


def test_table_markdown_and_csv(signed):
    table = signed("contracts", "--as-of", "2025-04-30").stdout
    assert table == """\
DAFTAR KONTRAK TA 2025
Satuan Kerja : 657757 KPU KABUPATEN LUMAJANG
Keadaan s.d. 2025-04-30

Nomor Kontrak    Tanggal     Baris           Penyedia      Nilai Kontrak    Dibayar    SP2D    Sisa Kontrak  Status
---------------  ----------  --------------  ----------  ---------------  ---------  ------  --------------  --------
K-02             2025-02-05  CQ.6639/521211  CV Maju             400.000    150.000       1         250.000  berjalan
K-10             2025-02-03  CQ.6639/532111  CV Bangun         1.300.000    700.000       2         600.000  berjalan
JUMLAH                                                         1.700.000    850.000       3         850.000
"""
    closed = signed("contracts", "--as-of", "2025-05-31", "--locale", "en").stdout
    assert "K-02             2025-02-05  CQ.6639/521211  CV Maju             400,000" in closed
    assert closed.splitlines()[6].endswith("selesai 2025-05-20")
    md = signed("contracts", "--as-of", "2025-04-30", "--format", "markdown").stdout
    assert md.startswith("**DAFTAR KONTRAK TA 2025**  \n")
    assert "| K-10 " in md and "| JUMLAH " in md
    csv = signed("contracts", "--as-of", "2025-05-31", "--format", "csv").stdout.splitlines()
    assert csv[0] == ("ref,date,signed,code,akun,supplier,value,paid,outstanding,payments,"
                      "status,closed_on")
    assert csv[1] == "K-02,2025-02-05,2025-02-05,CQ.6639,521211,CV Maju,400000,150000,0,1,closed,2025-05-20"


def test_no_contracts_says_so_in_one_line(signed, run):
    out = signed("contracts", "--as-of", "2025-01-31")
    assert (out.exit_code, out.stdout) == (0, "No contracts registered in 2025 up to 2025-01-31.\n")
    empty = listed(signed, "--as-of", "2024-12-31")
    assert empty["contracts"] == [] and empty["year"] == 2024


@pytest.mark.parametrize("args,message", [
    (("--as-of", "31-13-2025"), "Error: --as-of '31-13-2025' is not a date like 2024-12-31 or 31/12/2024\n"),
    (("--format", "xlsx"), None),
])
def test_bad_options_are_usage_errors(signed, args, message):
    out = signed("contracts", *args)
    assert out.exit_code == 2 and out.stderr.startswith("Error: ") and out.stderr.count("\n") == 1
    if message:
        assert out.stderr == message


def test_output_to_a_file(signed, tmp_path):
    target = tmp_path / "kontrak.json"
    out = signed("contracts", "--as-of", "2025-04-30", "--format", "json", "--output", target)
    assert out.exit_code == 0 and out.stdout == f"Wrote {target}\n"
    assert len(json.loads(target.read_text())["contracts"]) == 2
    again = signed("contracts", "--format", "json", "--output", target)
    assert again.exit_code == 1 and "--force" in again.stderr


@pytest.mark.sqlite_only  # the SQLite file itself
def test_the_list_is_read_through_indexes(signed, db):
    """No query of the list scans the events: the contracts come through the rule-6 key
    index, the events naming them through the contract index."""
    conn = sqlite3.connect(db)
    try:
        args = {"REGISTERED": (2025, "2025-12-31", 99, 99), "_NAMING": (2025, "2025-12-31", 99, 99)}
        plans = {name: [row[3] for row in conn.execute(
                     "EXPLAIN QUERY PLAN " + getattr(contracts_module, name), params)]
                 for name, params in args.items()}
    finally:
        conn.close()
    assert any("USING INDEX events_key" in step for step in plans["REGISTERED"]), plans
    assert any("USING INDEX events_contract" in step for step in plans["_NAMING"]), plans
    for steps in plans.values():
        assert not any(step.startswith("SCAN") for step in steps), plans


# ------------------------------------------------------------------ record

def test_record_takes_the_contract_fields(run):
    base = ("--code", "CQ.6639", "--akun", "521211")
    assert run("record", "pagu", "--date", "2025-01-02", *base, "--amount", "1.000.000",
               "--ref", "DIPA").exit_code == 0
    out = run("record", "kontrak", "--date", "03/03/2025", *base, "--amount", "600.000", "--ref",
              "027/PPK/2025", "--signed", "28/02/2025", "--supplier", "CV Maju Jaya", "--end",
              "2025-06-30")
    assert out.exit_code == 0 and out.stdout.startswith("Recorded contract as seq 2 ")
    out = run("record", "sp2d", "--date", "2025-03-20", *base, "--amount", "100.000", "--ref",
              "S1", "--contract", "027/PPK/2025")
    assert out.exit_code == 0, out.stderr
    out = run("record", "addendum", "--date", "2025-03-21", "--contract", "027/PPK/2025",
              "--amount", "-50.000", "--ref", "ADD-1")
    assert out.exit_code == 0 and out.stdout.startswith("Recorded contract_change as seq 4 ")
    log = json.loads(run("log", "--format", "json").stdout)
    assert {k: log[1][k] for k in ("kind", "date", "ref", "signed", "supplier", "end")} == {
        "kind": "contract", "date": "2025-03-03", "ref": "027/PPK/2025", "signed": "2025-02-28",
        "supplier": "CV Maju Jaya", "end": "2025-06-30"}
    assert log[2]["contract"] == "027/PPK/2025" and log[3]["amount"] == -50_000


def test_an_over_commitment_is_refused_and_nothing_written(run):
    base = ("--code", "CQ.6639", "--akun", "521211")
    run("record", "pagu", "--date", "2025-01-02", *base, "--amount", "1.000.000", "--ref", "DIPA")
    run("record", "kontrak", "--date", "2025-02-01", *base, "--amount", "600.000", "--ref", "K-1")
    before = log_rows(run.db)
    out = run("record", "kontrak", "--date", "2025-02-02", *base, "--amount", "400.001", "--ref",
              "K-2")
    assert (out.exit_code, out.stdout) == (1, "")
    assert out.stderr == ("Error: rule 5: contract K-2 would commit more than is available on "
                          "CQ.6639/521211 on 2025-02-02: available 400.000, asked 400.001\n")
    assert log_rows(run.db) == before
