"""Contract v2.0's undo and double-count guards: document numbers (rule 6 keys every
kind), ``void`` (rule 10), rule 7's akun tie, NFC text, day-first dates, Indonesian kind
names."""

import json
import unicodedata

import pytest

from anggaran.ledger import Ledger
from conftest import log_rows, refused, write

PAGU = ["record", "pagu", "--date", "2025-01-02", "--code", "QA.1234", "--akun", "521211",
        "--amount", "1.000.000", "--ref", "DIPA-1"]


@pytest.fixture
def funded(run):
    assert run(*PAGU).exit_code == 0
    return run


def ok(result, stdout_start):
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(stdout_start), result.stdout


def figures(run, as_of="2025-12-31", known_at=None, by="akun"):
    args = ["report", "--as-of", as_of, "--by", by, "--format", "json"]
    if known_at:
        args += ["--known-at", known_at]
    result = run(*args)
    assert result.exit_code == 0, result.output
    return {r["code"]: r for r in json.loads(result.stdout)["rows"]}


def sp2d(ref, amount, date="2025-03-04", akun="521211", code="QA.1234"):
    return ["record", "sp2d", "--date", date, "--code", code, "--akun", akun, "--amount",
            str(amount), "--ref", ref]


# ------------------------------------------------------------------ ref and rule 6

def test_every_money_event_needs_its_document_number(funded):
    refused(funded, ["record", "cut", "--date", "2025-02-01", "--code", "QA.1234", "--akun",
                     "521211", "--amount", "75"],
            "rule 1: cut event is missing required field 'ref'")


def test_a_cut_entered_twice_counts_once(funded):
    cut = ["record", "cut", "--date", "2025-02-01", "--code", "QA.1234", "--akun", "521211",
           "--amount", "75.000", "--ref", "S-123/PHM"]
    ok(funded(*cut), "Recorded cut as seq 2")
    ok(funded(*cut), "Already recorded")
    refused(funded, cut[:-4] + ["--amount", "80.000", "--ref", "S-123/PHM"],
            "rule 6: cut S-123/PHM on QA.1234/521211 is already recorded for 2025 with "
            "different content (seq 2); void seq 2 first if it was recorded in error")
    assert figures(funded)["QA.1234/521211"]["ceiling"] == 925_000


def test_a_grant_with_and_without_its_grantor_is_one_grant(funded):
    grant = ["record", "grant", "--date", "2025-02-01", "--code", "QA.1234", "--akun", "521211",
             "--amount", "500", "--ref", "NPHD-7"]
    ok(funded(*grant), "Recorded grant")
    refused(funded, grant + ["--grantor", "Pemkab Lumajang"],
            "rule 6: grant NPHD-7 on QA.1234/521211 is already recorded for 2025 with "
            "different content (seq 2); void seq 2 first if it was recorded in error")


def test_one_sspb_number_refunds_once(funded):
    ok(funded(*sp2d("S1", 300)), "Recorded")
    refund = ["record", "refund", "--date", "2025-03-10", "--code", "QA.1234", "--akun", "521211",
              "--ref", "SSPB-9"]
    ok(funded(*refund, "--amount", "100"), "Recorded refund")
    refused(funded, refund + ["--amount", "50"],
            "rule 6: refund SSPB-9 on QA.1234/521211 is already recorded for 2025 with "
            "different content (seq 3); void seq 3 first if it was recorded in error")
    assert figures(funded)["QA.1234/521211"]["realised"] == 200


def test_rows_of_one_file_with_one_key_and_other_content_are_refused(funded, tmp_path):
    csv = write(tmp_path / "cuts.csv",
                "kind,date,code,akun,amount,ref\n"
                "cut,2025-02-01,QA.1234,521211,10,PHM-1\n"
                "cut,2025-02-01,QA.1234,521211,10,PHM-1\n"
                "cut,2025-02-01,QA.1234,521211,11,PHM-1\n")
    refused(funded, ["import", str(csv)],
            "row 4: rule 6: cut PHM-1 on QA.1234/521211 is already recorded for 2025 with "
            "different content (row 2 of this file); void row 2 of this file first if it was "
            "recorded in error")


def test_text_typed_in_nfd_and_nfc_is_the_same_event(funded):
    note = "Pembayaran honor panitia Pilkada — Desa Sumbersari (Kecamatan Rowokangkung) é"
    nfd = unicodedata.normalize("NFD", note)
    assert nfd != note
    ok(funded(*sp2d("S1", 300), "--note", note), "Recorded")
    ok(funded(*sp2d("S1", 300), "--note", nfd), "Already recorded")
    with Ledger.open(funded.db) as led:
        assert led.log()[-1]["note"] == unicodedata.normalize("NFC", note)


@pytest.mark.parametrize("typed", ["04/03/2025", "04-03-2025", "4/3/2025", " 2025-03-04 "])
def test_day_first_dates_are_the_same_day(funded, typed):
    ok(funded(*sp2d("S1", 300)), "Recorded")
    ok(funded(*sp2d("S1", 300, date=typed)), "Already recorded")


@pytest.mark.parametrize("typed, why", [("31/02/2025", "not a real calendar day"),
                                        ("03/15/2025", "not a real calendar day"),
                                        ("2025/03/04", "not a real calendar day"),
                                        ("04/03-2025", "not a real calendar day")])
def test_bad_day_first_dates_are_rule_1(funded, typed, why):
    result = funded(*sp2d("S1", 300, date=typed))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: rule 1: date '{typed}' is {why}")


def test_indonesian_kind_names_in_a_file(run, tmp_path):
    csv = write(tmp_path / "dipa.csv",
                "Peristiwa,Tanggal,Kode Kegiatan,Akun,Nilai,Nomor Dokumen\n"
                "DIPA,02/01/2025,QA.1234,521211,1.000.000,DIPA-1\n"
                "Hibah,03-01-2025,QA.1234,521211,500.000,NPHD-1\n"
                "Pemotongan,04/01/2025,QA.1234,521211,100.000,PHM-1\n"
                "Lock Pagu,05/01/2025,QA.1234,521211,50.000,LK-1\n"
                "buka-lock,06/01/2025,QA.1234,521211,50.000,LK-2\n"
                "SP2D,07/01/2025,QA.1234,521211,200.000,S1\n"
                "SSPB,08/01/2025,QA.1234,521211,20.000,SSPB-1\n"
                "Luncuran,09/01/2025,QA.1234,521211,30.000,LUN-1\n")
    result = run("import", str(csv))
    assert result.exit_code == 0, result.output
    kinds = [e["kind"] for e in Ledger.open(run.db).log()]
    assert kinds == ["pagu", "grant", "cut", "lock", "unlock", "sp2d", "refund", "carry_over"]
    line = figures(run)["QA.1234/521211"]
    assert (line["ceiling"], line["realised"]) == (1_370_000, 180_000)


# ------------------------------------------------------------------ void

def test_a_wrong_sp2d_is_voided_and_entered_again(run, tmp_path):
    # Recorded earlier (a migration may give recorded_at), so that --known-at can tell.
    rows = [{"kind": "pagu", "date": "2025-01-02", "code": "QA.1234", "akun": "521211",
             "amount": 1_000_000, "ref": "DIPA-1", "recorded_at": "2026-01-02T10:00:00Z"},
            {"kind": "sp2d", "date": "2025-03-04", "code": "QA.1234", "akun": "521211",
             "amount": 400_000, "ref": "S1", "recorded_at": "2026-01-05T10:00:00Z"}]
    ok(run("import", str(write(tmp_path / "s.jsonl", "".join(json.dumps(r) + "\n" for r in rows)))),
       "2 new")  # the SP2D should have been 40.000
    funded = run
    before_void = "2026-01-05T12:00:00Z"
    refused(funded, sp2d("S1", 40_000),
            "rule 6: SP2D S1 is already recorded for 2025 with different content (seq 2); "
            "record a correction or refund, or void seq 2 first if it was recorded in error")
    ok(funded("record", "batal", "--date", "05/03/2025", "--voids", "2", "--note",
              "nilai salah ketik"), "Recorded void as seq 3")
    ok(funded(*sp2d("S1", 40_000)), "Recorded sp2d as seq 4")
    assert figures(funded)["QA.1234/521211"]["realised"] == 40_000
    # As the ledger stood before the void, the mistake still shows.
    assert figures(funded, known_at=before_void)["QA.1234/521211"]["realised"] == 400_000
    assert funded("verify").exit_code == 0
    void = Ledger.open(funded.db).log()[2]
    assert (void["kind"], void["voids"], void["date"]) == ("void", 2, "2025-03-05")


def test_voiding_twice_is_already_recorded_and_a_second_note_is_rule_6(funded):
    ok(funded(*sp2d("S1", 400)), "Recorded")
    void = ["record", "void", "--date", "2025-03-05", "--voids", "2", "--note", "salah"]
    ok(funded(*void), "Recorded void as seq 3")
    ok(funded(*void), "Already recorded")
    refused(funded, void[:-1] + ["lain"],
            "rule 6: seq 2 is already voided (seq 3) with a different note; a void cannot be "
            "voided or repeated")


def test_what_cannot_be_voided(funded):
    ok(funded(*sp2d("S1", 400)), "Recorded")
    ok(funded("record", "void", "--date", "2025-03-05", "--voids", "2", "--note", "x"), "Recorded")
    refused(funded, ["record", "void", "--date", "2025-03-05", "--voids", "3", "--note", "y"],
            "rule 10: seq 3 is a void (record the event again instead); it cannot be voided")
    refused(funded, ["record", "void", "--date", "2025-03-05", "--voids", "9", "--note", "y"],
            "rule 10: void names seq 9, which is not recorded (see 'anggaran log' for the seq "
            "of the event to cancel)")
    refused(funded, ["record", "void", "--date", "2025-03-05", "--voids", "0", "--note", "y"],
            "rule 1: voids '0' must be the seq number of the event recorded in error (a "
            "positive whole number; see 'anggaran log')")
    refused(funded, ["record", "void", "--date", "2025-03-05", "--voids", "1"],
            "rule 1: void event is missing required field 'note'")


def test_an_sp2d_that_a_refund_names_cannot_be_voided_before_the_refund(funded):
    ok(funded(*sp2d("S1", 400)), "Recorded")
    ok(funded("record", "refund", "--date", "2025-03-09", "--code", "QA.1234", "--akun", "521211",
              "--amount", "100", "--ref", "SSPB-1", "--sp2d", "S1"), "Recorded refund as seq 3")
    refused(funded, ["record", "void", "--date", "2025-03-10", "--voids", "2", "--note", "x"],
            "rule 10: SP2D S1 (seq 2) cannot be voided: the refund at seq 3 names it; void "
            "that first")
    ok(funded("record", "void", "--date", "2025-03-10", "--voids", "3", "--note", "x"), "Recorded")
    ok(funded("record", "void", "--date", "2025-03-10", "--voids", "2", "--note", "x"), "Recorded")
    assert figures(funded)["QA.1234/521211"]["realised"] == 0
    assert funded("verify").exit_code == 0


def test_a_pagu_with_spending_on_it_cannot_be_voided(funded):
    ok(funded(*sp2d("S1", 400)), "Recorded")
    refused(funded, ["record", "void", "--date", "2025-03-10", "--voids", "1", "--note", "x"],
            "rule 10: seq 1 (pagu DIPA-1) cannot be voided: seq 2 (SP2D S1) would be left on a "
            "line with no ceiling in 2025; void or move that first")


def test_a_revision_that_funds_spending_cannot_be_voided(funded):
    ok(funded("record", "revise", "--date", "2025-02-01", "--code", "QA.1234", "--akun", "521211",
              "--amount", "500.000", "--ref", "REV-1"), "Recorded revise as seq 2")
    ok(funded(*sp2d("S1", 1_200_000)), "Recorded")
    refused(funded, ["record", "void", "--date", "2025-03-10", "--voids", "2", "--note", "x"],
            "rule 10: seq 2 (revise REV-1) cannot be voided: without it QA.1234/521211 on "
            "2025-03-04 would hold ceiling 1.000.000, locked 0, realised 1.200.000")


def test_a_pagu_whose_line_still_has_events_cannot_be_voided(funded):
    ok(funded(*sp2d("S1", 400)), "Recorded")
    ok(funded("record", "refund", "--date", "2025-03-09", "--code", "QA.1234", "--akun", "521211",
              "--amount", "400", "--ref", "SSPB-1"), "Recorded")
    refused(funded, ["record", "void", "--date", "2025-03-10", "--voids", "1", "--note", "x"],
            "rule 10: seq 1 (pagu DIPA-1) cannot be voided: seq 2 (SP2D S1) would be left on a "
            "line with no ceiling in 2025; void or move that first")


def test_a_pagu_typed_without_its_akun_is_voided_and_entered_per_akun(run):
    ok(run("record", "pagu", "--date", "2025-01-02", "--code", "QA.1234", "--amount", "1.000",
           "--ref", "DIPA-1"), "Recorded")
    ok(run("record", "void", "--date", "2025-01-03", "--voids", "1", "--note", "tanpa akun"),
       "Recorded void")
    ok(run("record", "pagu", "--date", "2025-01-02", "--code", "QA.1234", "--akun", "521211",
           "--amount", "1.000", "--ref", "DIPA-1"), "Recorded pagu as seq 3")
    ok(run(*sp2d("S1", 400)), "Recorded")
    rows = figures(run)
    assert "QA.1234/" not in rows
    assert (rows["QA.1234/521211"]["ceiling"], rows["QA.1234/521211"]["realised"]) == (1000, 400)
    assert run("verify").exit_code == 0


def test_reimporting_the_file_that_held_the_mistake_does_not_bring_it_back(funded, tmp_path):
    csv = write(tmp_path / "sp2d.csv", "date,code,akun,amount,ref\n"
                                       "2025-03-04,QA.1234,521211,400,S1\n")
    ok(funded("import", str(csv)), "1 new")
    ok(funded("record", "void", "--date", "2025-03-05", "--voids", "2", "--note", "x"), "Recorded")
    refused(funded, ["import", str(csv)],
            "row 2: rule 6: SP2D S1 is identical to seq 2, which was voided by seq 3; a voided "
            "event is not recorded again (record the right one instead)")


def test_a_void_in_a_file_frees_the_key_for_the_rows_after_it(funded, tmp_path):
    ok(funded(*sp2d("S1", 400)), "Recorded")
    jsonl = write(tmp_path / "fix.jsonl",
                  '{"kind": "void", "date": "2025-03-05", "voids": 2, "note": "salah"}\n'
                  '{"kind": "sp2d", "date": "2025-03-04", "code": "QA.1234", "akun": "521211", '
                  '"amount": 40, "ref": "S1"}\n')
    ok(funded("import", str(jsonl)), "2 new")
    assert figures(funded)["QA.1234/521211"]["realised"] == 40
    assert funded("verify").exit_code == 0


def test_a_voided_name_no_longer_names_the_code(funded):
    ok(funded("record", "name", "--date", "2025-01-02", "--code", "QA.1234", "--name",
              "Salah Nama"), "Recorded")
    assert figures(funded)["QA.1234"]["name"] == "Salah Nama"
    ok(funded("record", "void", "--date", "2025-01-03", "--voids", "2", "--note", "x"), "Recorded")
    assert figures(funded)["QA.1234"]["name"] != "Salah Nama"


def test_a_closed_years_event_cannot_be_voided(run):
    ok(run("record", "pagu", "--date", "2024-01-02", "--code", "QA.1234", "--akun", "521211",
           "--amount", "1.000", "--ref", "DIPA-1"), "Recorded")
    ok(run(*sp2d("S1", 1000, date="2024-03-04")), "Recorded")
    assert run("close", "2024", "--yes").exit_code == 0
    refused(run, ["record", "void", "--date", "2025-01-05", "--voids", "2", "--note", "x"],
            "rule 9: seq 2 is in 2024, which is closed (sealed at seq 3); a closed year's "
            "events cannot be voided")


def test_verify_finds_a_void_rewritten_to_cancel_another_event(funded):
    ok(funded(*sp2d("S1", 400)), "Recorded")
    ok(funded(*sp2d("S2", 300)), "Recorded")
    ok(funded("record", "void", "--date", "2025-03-05", "--voids", "2", "--note", "x"), "Recorded")
    from conftest import tamper

    tamper(funded.db, "UPDATE events SET voids = 3 WHERE seq = 4")
    result = funded("verify")
    assert result.exit_code == 1
    assert "seq 4" in result.stderr


# ------------------------------------------------------------------ rule 7's akun tie

@pytest.fixture
def code_level(run):
    ok(run("record", "pagu", "--date", "2025-01-02", "--code", "QA.1234", "--amount", "1.000.000",
           "--ref", "DIPA-1"), "Recorded")
    ok(run("record", "pagu", "--date", "2025-01-02", "--code", "QA.5678", "--amount", "1.000.000",
           "--ref", "DIPA-1"), "Recorded")
    ok(run(*sp2d("S1", 140, akun="521211")), "Recorded")
    return run


def test_a_correction_must_come_from_its_sp2ds_akun(code_level):
    refused(code_level, ["record", "correction", "--date", "2025-03-09", "--from-code", "QA.1234",
                         "--from-akun", "531111", "--code", "QA.5678", "--akun", "521211",
                         "--amount", "140", "--sp2d", "S1", "--ref", "KOR-1"],
            "rule 7: SP2D koreksi moves SP2D S1 away from QA.1234/531111, but that SP2D was "
            "paid on QA.1234/521211")
    ok(code_level("record", "correction", "--date", "2025-03-09", "--from-code", "QA.1234",
                  "--from-akun", "521211", "--code", "QA.5678", "--akun", "531111",
                  "--amount", "140", "--sp2d", "S1", "--ref", "KOR-1"), "Recorded")
    jenis = {r["code"]: r for r in figures(code_level, by="jenis").values()}
    assert jenis["52"]["realised"] == 0 and jenis["53"]["realised"] == 140


def test_a_refund_must_be_on_its_sp2ds_akun(code_level):
    refused(code_level, ["record", "refund", "--date", "2025-03-09", "--code", "QA.1234",
                         "--akun", "531111", "--amount", "40", "--sp2d", "S1", "--ref", "SSPB-1"],
            "rule 7: refund SSPB-1 is on QA.1234/531111, but SP2D S1 was paid on QA.1234/521211")


# ------------------------------------------------------------------ what a void shows

def test_history_keeps_the_voided_row_with_zero_deltas(run, tmp_path):
    rows = [{"kind": "pagu", "date": "2025-01-02", "code": "QA.1234", "akun": "521211",
             "amount": 1000, "ref": "DIPA-1", "recorded_at": "2026-01-02T10:00:00Z"},
            {"kind": "sp2d", "date": "2025-03-04", "code": "QA.1234", "akun": "521211",
             "amount": 400, "ref": "S1", "recorded_at": "2026-01-05T10:00:00Z"},
            {"kind": "void", "date": "2025-03-05", "voids": 2, "note": "salah",
             "recorded_at": "2026-01-06T10:00:00Z"},
            {"kind": "sp2d", "date": "2025-03-04", "code": "QA.1234", "akun": "521211",
             "amount": 40, "ref": "S1", "recorded_at": "2026-01-06T10:00:00Z"}]
    ok(run("import", str(write(tmp_path / "h.jsonl", "".join(json.dumps(r) + "\n" for r in rows)))),
       "4 new")

    def history(*more):
        result = run("history", "QA.1234", "--as-of", "31/12/2025", "--format", "json", *more)
        assert result.exit_code == 0, result.output
        return [(r["seq"], r["delta_realised"], r["realised"], r["voided_by"])
                for r in json.loads(result.stdout)["rows"]]

    assert history() == [(1, 0, 0, None), (2, 0, 0, 3), (4, 40, 40, None)]
    assert history("--known-at", "2026-01-05T12:00:00Z") == [(1, 0, 0, None), (2, 400, 400, None)]
    table = run("history", "QA.1234", "--as-of", "2025-12-31").stdout
    assert "batal (seq 3)" in table


def test_exports_and_the_sp2d_match_leave_voided_events_out(funded, tmp_path):
    ok(funded(*sp2d("S1", 400)), "Recorded")
    ok(funded(*sp2d("S2", 300)), "Recorded")
    ok(funded("record", "void", "--date", "2025-03-05", "--voids", "2", "--note", "x"), "Recorded")
    out = tmp_path / "j.hledger"
    assert funded("export", "--to", "hledger", str(out)).exit_code == 0
    journal = out.read_text()
    assert "300" in journal and "400" not in journal
    listed = write(tmp_path / "kppn.csv", "ref,date,code,akun,amount\n"
                                          "S2,2025-03-04,QA.1234,521211,300\n")
    result = funded("reconcile", "--sp2d", str(listed), "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, {"differences": []})


def test_a_default_given_explicitly_is_the_same_event(funded):
    carry = ["record", "carry_over", "--date", "2025-11-01", "--code", "QA.1234", "--akun",
             "521211", "--amount", "100", "--ref", "LUN-1"]
    ok(funded(*carry), "Recorded carry_over as seq 2")
    ok(funded(*carry, "--to-year", "2026"), "Already recorded")
    assert "to_year" not in Ledger.open(funded.db).log()[-1]
    ok(funded(*carry[:-1], "LUN-2", "--to-year", "2027"), "Recorded carry_over as seq 3")
    assert Ledger.open(funded.db).log()[-1]["to_year"] == 2027


# ------------------------------------------------------------------ rule 8 with voids

def _jsonl(tmp_path, rows):
    return str(write(tmp_path / "f.jsonl", "".join(json.dumps(r) + "\n" for r in rows)))


VOID_2 = {"kind": "void", "date": "2025-03-05", "voids": 2, "note": "salah"}
S1_40 = {"kind": "sp2d", "date": "2025-03-04", "code": "QA.1234", "akun": "521211",
         "amount": 40, "ref": "S1"}


@pytest.mark.parametrize("order", ["void first", "void last"])
def test_a_fix_and_its_void_import_in_either_order(funded, tmp_path, order):
    ok(funded(*sp2d("S1", 400)), "Recorded")
    rows = [VOID_2, S1_40] if order == "void first" else [S1_40, VOID_2]
    ok(funded("import", _jsonl(tmp_path, rows)), "2 new")
    assert figures(funded)["QA.1234/521211"]["realised"] == 40
    assert funded("verify").exit_code == 0


def test_a_pagu_re_entered_before_the_void_of_the_wrong_one(funded, tmp_path):
    pagu = {"kind": "pagu", "date": "2025-01-02", "code": "QA.1234", "akun": "521211",
            "amount": 2_000_000, "ref": "DIPA-1 rev"}
    void = {"kind": "void", "date": "2025-01-03", "voids": 1, "note": "nilai salah"}
    ok(funded("import", _jsonl(tmp_path, [pagu, void])), "2 new")
    assert figures(funded)["QA.1234/521211"]["ceiling"] == 2_000_000


@pytest.mark.parametrize("order", ["void first", "void last"])
def test_a_row_identical_to_an_event_the_file_voids_is_refused(funded, tmp_path, order):
    ok(funded(*sp2d("S1", 400)), "Recorded")
    same = {**S1_40, "amount": 400}
    rows = [VOID_2, same] if order == "void first" else [same, VOID_2]
    before = log_rows(funded.db)
    result = funded("import", _jsonl(tmp_path, rows))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: row {rows.index(same) + 1}: rule 6: ")
    assert "voided" in result.stderr or "voids" in result.stderr
    assert log_rows(funded.db) == before


def test_a_taken_key_with_no_void_in_the_file_is_still_refused(funded, tmp_path):
    ok(funded(*sp2d("S1", 400)), "Recorded")
    before = log_rows(funded.db)
    result = funded("import", _jsonl(tmp_path, [S1_40]))
    assert result.stderr.startswith("Error: row 1: rule 6: SP2D S1 is already recorded")
    assert log_rows(funded.db) == before


def test_text_output_is_never_written_into_an_xlsx_file(funded, tmp_path):
    out = tmp_path / "r.xlsx"
    result = funded("report", "--as-of", "2025-12-31", "--output", str(out))
    assert result.exit_code == 2 and not out.exists()
    assert result.stderr.startswith("Error: --output ") and "--format xlsx" in result.stderr
    assert funded("history", "QA.1234", "--output", str(out)).exit_code == 2
    assert funded("report", "--as-of", "2025-12-31", "--format", "xlsx", "--output",
                  str(out)).exit_code == 0


def test_rule_2_on_the_satker_total(run):
    """Each line within the limit, their total beyond it: one Error line, nothing written."""
    ok(run("record", "pagu", "--date", "2025-01-02", "--code", "QA.1234", "--amount",
           "600.000.000.000.000", "--ref", "DIPA-1"), "Recorded")
    refused(run, ["record", "pagu", "--date", "2025-01-02", "--code", "QA.5678", "--amount",
                  "600.000.000.000.000", "--ref", "DIPA-1"],
            "rule 2: the ceiling of the lines without akun of 2025 would reach "
            "1.200.000.000.000.000 on 2025-01-02, above the limit of 1.000.000.000.000.000; "
            "check the amounts")
