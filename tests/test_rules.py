"""One test per rule of the contract: the exact ``Error:`` line, exit status 1, and a
log that is byte-for-byte what it was before."""

import pytest

from conftest import log_rows

PAGU = ("record", "pagu", "--date", "2024-01-02", "--code", "CQ.6870", "--akun", "521211",
        "--amount", "1.000", "--ref", "DIPA-01")


@pytest.fixture
def funded(run):
    assert run(*PAGU).exit_code == 0
    return run


def refused(run, args, message):
    before = log_rows(run.db)
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""
    assert log_rows(run.db) == before


def test_rule1_unknown_column_in_a_csv_header(funded, tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("kind,date,code,akun,amount,ref,colour\nsp2d,2024-03-01,CQ.6870,521211,5,A1,red\n")
    before = log_rows(funded.db)
    result = funded("import", f)
    assert (result.exit_code, result.stdout) == (1, "")
    # One line of reasonable length: the fields, and where the Indonesian names are listed.
    assert result.stderr == (
        "Error: rule 1: unknown column 'colour' in the header; use the field names (kind, date, "
        "code, akun, from_code, from_akun, amount, ref, sp2d, to_year, grantor, name, note, "
        "voids, contract, signed, supplier, end, payment, tup, bast_date, revision, month, jenis, recorded_at) or the Indonesian names listed in "
        "docs/reference.md (Tanggal, Kode "
        "Kegiatan, Akun, Nilai, Nomor SP2D, Peristiwa, Uraian, …)\n")
    assert log_rows(funded.db) == before


def test_rule1_unknown_field_in_jsonl(funded, tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text('{"kind":"sp2d","date":"2024-03-01","code":"CQ.6870","akun":"521211","amount":5,'
                 '"ref":"A1","colour":"red"}\n')
    refused(funded, ["import", f], "row 1: rule 1: unknown field 'colour' (fields are: kind, date, "
            "code, akun, from_code, from_akun, amount, ref, sp2d, to_year, grantor, name, note, voids, "
            "contract, signed, supplier, end, payment, tup, bast_date, revision, month, jenis)")


@pytest.mark.parametrize("option,value,message", [
    ("--date", "2024-02-30", "rule 1: date '2024-02-30' is not a real calendar day in the form YYYY-MM-DD "
                           "(or DD/MM/YYYY)"),
    ("--code", "cq.6870", "rule 1: code 'cq.6870' is not a budget code like CQ.6639 (PROGRAM.KEGIATAN[.more], capital letters and digits)"),
    ("--akun", "52121", "rule 1: akun '52121' is not a six-digit akun like 521211"),
    ("--amount", "1,50", "rule 1: amount '1,50' is not a whole-rupiah amount (write 1500000, 1.500.000 or Rp 1.500.000,-)"),
    ("--amount", "1.500,000", "rule 1: amount '1.500,000' is not a whole-rupiah amount (write 1500000, 1.500.000 or Rp 1.500.000,-)"),
    ("--amount", "lima ribu", "rule 1: amount 'lima ribu' is not a whole-rupiah amount (write 1500000, 1.500.000 or Rp 1.500.000,-)"),
])
def test_rule1_malformed_values(funded, option, value, message):
    args = {"--date": "2024-03-01", "--code": "CQ.6870", "--akun": "521211", "--amount": "5"}
    args[option] = value
    flat = [x for kv in args.items() for x in kv]
    refused(funded, ["record", "sp2d", *flat, "--ref", "A1"], message)


def test_rule1_missing_required_field(funded):
    refused(funded, ["record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                     "521211", "--amount", "5"], "rule 1: sp2d event is missing required field 'ref'")


def test_rule1_field_not_of_this_kind(funded):
    refused(funded, ["record", "lock", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                     "521211", "--amount", "5", "--grantor", "Pemda"],
            "rule 1: field 'grantor' does not belong to an event of kind lock (it takes: akun, amount, code, "
            "date, name, note, ref)")


def test_rule1_money_event_needs_kegiatan(funded):
    refused(funded, ["record", "pagu", "--date", "2024-03-01", "--code", "CQ", "--amount", "5",
                     "--ref", "DIPA-01"],
            "rule 1: code 'CQ' is a program; a pagu event needs PROGRAM.KEGIATAN, e.g. CQ.6639")


@pytest.mark.parametrize("amount,message", [
    ("0", "rule 2: amount must be positive, got 0, CQ.6870/521211"),
    ("-5", "rule 2: amount must be positive, got -5, CQ.6870/521211"),
    ("1.000.000.000.000.001", "rule 2: amount 1.000.000.000.000.001 is above the limit of "
                              "1.000.000.000.000.000, CQ.6870/521211"),
])
def test_rule2_amount_range(funded, amount, message):
    refused(funded, ["record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                     "521211", "--amount", amount, "--ref", "A1"], message)


def test_rule2_revise_zero(funded):
    refused(funded, ["record", "revise", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                     "521211", "--amount", "0", "--ref", "REV-1"], "rule 2: revise amount must not be zero, CQ.6870/521211")


def test_rule2_negative_revise_is_allowed(funded):
    assert funded("record", "revise", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                  "521211", "--amount", "-400", "--ref", "REV-1").exit_code == 0


def test_rule3_second_pagu(funded):
    refused(funded, ["record", "pagu", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                     "521211", "--amount", "5", "--ref", "DIPA-02"],
            "rule 3: CQ.6870/521211 already has its pagu for 2024 (seq 1); change a ceiling with "
            "revise, shift, cut or grant")


def test_rule3_pagu_in_the_next_year_is_fine(funded):
    assert funded("record", "pagu", "--date", "2025-01-02", "--code", "CQ.6870", "--akun",
                  "521211", "--amount", "5", "--ref", "DIPA-2025-01").exit_code == 0


def test_rule4_no_ceiling(funded):
    refused(funded, ["record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6639", "--akun",
                     "521211", "--amount", "5", "--ref", "A1"],
            "rule 4: SP2D A1 on CQ.6639/521211: CQ.6639 has no ceiling in 2024; record its pagu first")


def test_rule4_akun_not_in_dipa(funded):
    refused(funded, ["record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                     "524111", "--amount", "5", "--ref", "A1"],
            "rule 4: SP2D A1 on CQ.6870/524111: akun 524111 is not in the DIPA of CQ.6870 for 2024")


def test_rule4_akun_level_needs_akun(funded):
    refused(funded, ["record", "lock", "--date", "2024-03-01", "--code", "CQ.6870", "--amount", "5",
                     "--ref", "LOCK-1"],
            "rule 4: lock LOCK-1 on CQ.6870: its ceiling is per akun in 2024, so the event must name an akun")


def test_rule4_mixed_levels(funded):
    refused(funded, ["record", "grant", "--date", "2024-03-01", "--code", "CQ.6870", "--amount", "5",
                     "--ref", "HIBAH-1"],
            "rule 4: CQ.6870 would mix code-level and akun-level ceilings in 2024; record every "
            "ceiling of a code with an akun, or none")


def test_rule4_ceiling_of_another_year_does_not_count(funded):
    refused(funded, ["record", "sp2d", "--date", "2025-03-01", "--code", "CQ.6870", "--akun",
                     "521211", "--amount", "5", "--ref", "A1"],
            "rule 4: SP2D A1 on CQ.6870/521211: CQ.6870 has no ceiling in 2025; record its pagu first")


def test_rule5_overspend(funded):
    assert funded("record", "sp2d", "--date", "2024-12-01", "--code", "CQ.6870", "--akun",
                  "521211", "--amount", "600", "--ref", "A1").exit_code == 0
    refused(funded, ["record", "sp2d", "--date", "2024-12-04", "--code", "CQ.6870", "--akun",
                     "521211", "--amount", "5.000", "--ref", "240122300000123"],
            "rule 5: SP2D 240122300000123 would overspend CQ.6870/521211 on 2024-12-04: "
            "available 400, asked 5.000")


def test_rule5_back_dated_sp2d_that_only_breaks_a_later_date(funded):
    # Ceiling 1.000 from 2 January, cut by 500 on 1 June. 600 dated 1 March fits on
    # 1 March, but from 1 June the line would have spent more than its ceiling.
    assert funded("record", "revise", "--date", "2024-06-01", "--code", "CQ.6870", "--akun",
                  "521211", "--amount", "-500", "--ref", "REV-1").exit_code == 0
    refused(funded, ["record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                     "521211", "--amount", "600", "--ref", "A2"],
            "rule 5: SP2D A2 would overspend CQ.6870/521211 on 2024-06-01: available 500, asked 600")


def test_rule5_back_dated_sp2d_before_the_ceiling(funded):
    assert funded("record", "grant", "--date", "2024-07-16", "--code", "CQ.6870", "--akun",
                  "521211", "--amount", "9.000", "--ref", "HIBAH-1").exit_code == 0
    refused(funded, ["record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                     "521211", "--amount", "2.000", "--ref", "A2"],
            "rule 5: SP2D A2 would overspend CQ.6870/521211 on 2024-03-01: available 1.000, asked 2.000")


def test_rule5_cut_that_only_breaks_a_later_date(funded):
    assert funded("record", "grant", "--date", "2024-07-16", "--code", "CQ.6870", "--akun",
                  "521211", "--amount", "9.000", "--ref", "HIBAH-1").exit_code == 0
    assert funded("record", "sp2d", "--date", "2024-08-01", "--code", "CQ.6870", "--akun",
                  "521211", "--amount", "9.500", "--ref", "A1").exit_code == 0
    # On 12 February the cut leaves 400 >= 0 spent, but on 1 August 9.500 > 9.400.
    refused(funded, ["record", "cut", "--date", "2024-02-12", "--code", "CQ.6870", "--akun",
                     "521211", "--amount", "600", "--ref", "PHM-1"],
            "rule 5: cut PHM-1 would cut below what is realised and locked on CQ.6870/521211 on "
            "2024-08-01: available 500, asked 600")


def test_rule5_unlock_more_than_locked(funded):
    assert funded("record", "lock", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                  "521211", "--amount", "300", "--ref", "LOCK-1").exit_code == 0
    refused(funded, ["record", "unlock", "--date", "2024-03-02", "--code", "CQ.6870", "--akun",
                     "521211", "--amount", "301", "--ref", "BUKA-1"],
            "rule 5: unlock BUKA-1 would unlock more than is locked on CQ.6870/521211 on 2024-03-02: "
            "locked 300, asked 301")


def test_rule5_lock_makes_money_unspendable(funded):
    assert funded("record", "lock", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                  "521211", "--amount", "900", "--ref", "LOCK-1").exit_code == 0
    refused(funded, ["record", "sp2d", "--date", "2024-03-05", "--code", "CQ.6870", "--akun",
                     "521211", "--amount", "101", "--ref", "A1"],
            "rule 5: SP2D A1 would overspend CQ.6870/521211 on 2024-03-05: available 100, asked 101")


def test_rule5_refund_more_than_realised(funded):
    assert funded("record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                  "521211", "--amount", "300", "--ref", "A1").exit_code == 0
    refused(funded, ["record", "refund", "--date", "2024-03-02", "--code", "CQ.6870", "--akun",
                     "521211", "--amount", "301", "--ref", "SSPB1"],
            "rule 5: refund SSPB1 would take back more than is realised on CQ.6870/521211 on "
            "2024-03-02: realised 300, asked 301")


def test_rule6_same_sp2d_number_different_content(funded):
    assert funded("record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                  "521211", "--amount", "300", "--ref", "A1").exit_code == 0
    refused(funded, ["record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                     "521211", "--amount", "301", "--ref", "A1"],
            "rule 6: SP2D A1 is already recorded for 2024 with different content (seq 2); record a "
            "correction or refund, or void seq 2 first if it was recorded in error")


def test_rule6_every_money_event_is_keyed_by_its_document_number(funded):
    cut = ["record", "cut", "--date", "2024-05-01", "--code", "CQ.6870", "--akun", "521211",
           "--ref", "PHM-1", "--amount"]
    assert funded(*cut, "5").exit_code == 0
    assert funded(*cut, "5").stdout.startswith("Already recorded")
    refused(funded, [*cut, "6"],
            "rule 6: cut PHM-1 on CQ.6870/521211 is already recorded for 2024 with different "
            "content (seq 2); void seq 2 first if it was recorded in error")
    # the same DIPA number on the same line is one key: rule 6 before rule 3
    refused(funded, ["record", "pagu", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                     "521211", "--amount", "5", "--ref", "DIPA-01"],
            "rule 6: pagu DIPA-01 on CQ.6870/521211 is already recorded for 2024 with different "
            "content (seq 1); void seq 1 first if it was recorded in error")
    # another document is another event
    assert funded("record", "cut", "--date", "2024-05-01", "--code", "CQ.6870", "--akun", "521211",
                  "--ref", "PHM-2", "--amount", "6").exit_code == 0


def test_rule6_identical_event_is_skipped(funded):
    before = log_rows(funded.db)
    result = funded(*PAGU)
    assert result.exit_code == 0
    assert result.stdout == "Already recorded: an identical event is in the ledger; nothing written\n"
    assert log_rows(funded.db) == before


@pytest.fixture
def two_lines(funded):
    assert funded("record", "pagu", "--date", "2024-01-02", "--code", "CQ.6871", "--akun",
                  "521211", "--amount", "1.000", "--ref", "DIPA-01").exit_code == 0
    assert funded("record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                  "521211", "--amount", "300", "--ref", "A1").exit_code == 0
    return funded


def test_rule7_correction_of_unknown_sp2d(two_lines):
    refused(two_lines, ["record", "correction", "--date", "2024-03-05", "--from-code", "CQ.6870",
                        "--from-akun", "521211", "--code", "CQ.6871", "--akun", "521211",
                        "--amount", "100", "--sp2d", "ZZ", "--ref", "KOR-1"],
            "rule 7: SP2D koreksi names SP2D ZZ, which is not recorded for 2024")


def test_rule7_correction_from_the_wrong_line(two_lines):
    refused(two_lines, ["record", "correction", "--date", "2024-03-05", "--from-code", "CQ.6871",
                        "--from-akun", "521211", "--code", "CQ.6870", "--akun", "521211",
                        "--amount", "100", "--sp2d", "A1", "--ref", "KOR-1"],
            "rule 7: SP2D koreksi moves SP2D A1 away from CQ.6871/521211, but that SP2D was paid "
            "on CQ.6870/521211")


def test_rule7_correction_more_than_the_sp2d(two_lines):
    assert two_lines("record", "correction", "--date", "2024-03-05", "--from-code", "CQ.6870",
                     "--from-akun", "521211", "--code", "CQ.6871", "--akun", "521211",
                     "--amount", "200", "--sp2d", "A1", "--ref", "KOR-1").exit_code == 0
    refused(two_lines, ["record", "correction", "--date", "2024-03-06", "--from-code", "CQ.6870",
                        "--from-akun", "521211", "--code", "CQ.6871", "--akun", "521211",
                        "--amount", "101", "--sp2d", "A1", "--ref", "KOR-2"],
            "rule 7: SP2D koreksi would correct 301 away from SP2D A1, which is only 300, "
            "CQ.6870/521211")


def test_rule7_refund_names_sp2d_of_another_line(two_lines):
    refused(two_lines, ["record", "refund", "--date", "2024-03-05", "--code", "CQ.6871", "--akun",
                        "521211", "--amount", "1", "--ref", "SSPB1", "--sp2d", "A1"],
            "rule 7: refund SSPB1 is on CQ.6871/521211, but SP2D A1 was paid on CQ.6870/521211")


def test_rule7_carry_over_to_a_past_year(funded):
    refused(funded, ["record", "carry_over", "--date", "2024-12-20", "--code", "CQ.6870",
                     "--akun", "521211", "--amount", "1", "--to-year", "2024", "--ref", "LUNCUR-1"],
            "rule 7: carry_over to_year 2024 must be later than the event's year 2024, CQ.6870/521211")


def test_rule8_import_refused_whole_naming_the_row(funded, tmp_path):
    f = tmp_path / "batch.csv"
    f.write_text("kind,date,code,akun,amount,ref\n"
                 "sp2d,2024-03-01,CQ.6870,521211,400,B1\n"
                 "sp2d,2024-03-02,CQ.6870,521211,400,B2\n"
                 "sp2d,2024-03-03,CQ.6870,521211,400,B3\n")
    refused(funded, ["import", f], "row 4: rule 5: SP2D B3 would overspend CQ.6870/521211 on "
            "2024-03-03: available 200, asked 400")


def test_rule9_closed_year(funded):
    assert funded("close", "2024", "--yes").exit_code == 0
    refused(funded, ["record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6870", "--akun",
                     "521211", "--amount", "5", "--ref", "A1"],
            "rule 9: 2024 is closed (sealed at seq 2); SP2D A1 dated 2024-03-01 cannot be recorded. "
            "Record it in an open year")
