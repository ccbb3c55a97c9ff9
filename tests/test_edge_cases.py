"""Edge cases a new user found by hand; each test fails if the fix is undone."""

import json
import sqlite3

import pytest

from anggaran import Ledger
from conftest import Run, head_hash, log_rows, write

PAGU = ["record", "pagu", "--date", "2024-01-02", "--code", "CQ.6639", "--akun", "521211",
        "--amount", "1000", "--ref", "DIPA-01"]


@pytest.fixture
def funded(run):
    assert run(*PAGU).exit_code == 0
    return run


def test_package_exports_ledger(db):
    with Ledger.open(db) as led:
        assert led.meta["satker"] == "657757"


def test_shift_without_from_akun_says_which_field(funded):
    result = funded("record", "shift", "--date", "2024-02-01", "--from-code", "CQ.6639", "--code",
                    "CQ.6639", "--akun", "521219", "--amount", "5", "--ref", "PGS-1")
    assert result.stderr == ("Error: rule 4: shift PGS-1 on CQ.6639: its ceilings are per akun in 2024, so "
                             "the event must name the akun (from_akun)\n")


def test_shift_to_the_same_line_moves_nothing(funded):
    result = funded("record", "shift", "--date", "2024-02-01", "--from-code", "CQ.6639", "--from-akun",
                    "521211", "--code", "CQ.6639", "--akun", "521211", "--amount", "5",
                    "--ref", "PGS-1")
    assert result.stderr == ("Error: rule 1: shift from CQ.6639/521211 to the same line moves nothing; "
                             "name another line in code/akun\n")


def test_lines_come_in_code_order(run, tmp_path):
    f = write(tmp_path / "o.csv", "kind,date,code,akun,amount,ref\n"
              "pagu,2024-01-02,CQ.6639.QMA.001,521211,100,DIPA-01\n"
              "pagu,2024-01-02,CQ.6639,521211,100,DIPA-01\n"
              "pagu,2024-01-02,CQ.6639.QMA,521211,100,DIPA-01\n"
              "pagu,2024-01-02,CQ.6639.AB,521211,100,DIPA-01\n")
    assert run("import", f).exit_code == 0
    rep = json.loads(run("report", "--as-of", "2024-12-31", "--by", "akun", "--format", "json").stdout)
    assert [r["code"] for r in rep["rows"]] == [
        "", "CQ", "CQ.6639", "CQ.6639/521211", "CQ.6639.AB/521211", "CQ.6639.QMA/521211",
        "CQ.6639.QMA.001/521211"]


def test_identical_event_in_a_closed_year_is_skipped(funded, tmp_path):
    assert funded("close", "2024", "--yes").exit_code == 0
    again = funded(*PAGU)
    assert again.exit_code == 0 and again.stdout.startswith("Already recorded")
    f = write(tmp_path / "mixed.csv", "kind,date,code,akun,amount,ref\n"
              "pagu,2024-01-02,CQ.6639,521211,1000,DIPA-01\n"
              "pagu,2025-01-02,CQ.6639,521211,700,DIPA-2025-01\n")
    assert funded("import", f).stdout == "1 new, 1 already recorded (head seq 3)\n"


@pytest.mark.sqlite_only  # the SQLite file itself
def test_metadata_is_bound_into_the_chain(funded):
    conn = sqlite3.connect(funded.db, isolation_level=None)
    conn.execute("UPDATE meta SET value = '999999' WHERE key = 'satker'")
    conn.close()
    result = funded("verify")
    assert result.exit_code == 1
    assert result.stderr == ("Error: verify failed: the satker code, name or creation time in the "
                             "file's metadata was changed: it no longer matches the start of the chain\n")


@pytest.mark.sqlite_only  # the SQLite file itself
def test_dropped_trigger_and_edit_names_the_seq(funded):
    conn = sqlite3.connect(funded.db, isolation_level=None)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET amount = 5 WHERE seq = 1")
    conn.close()
    result = funded("verify")
    assert result.exit_code == 1
    assert result.stderr == ("Error: verify failed: the append-only triggers are missing or altered "
                             "(events_no_update): the file was tampered with, and seq 1 does not match "
                             "its hash: its content was edited (or events were swapped)\n")


def test_verify_head_prefix_and_malformed(funded):
    head = head_hash(funded.db)
    assert funded("verify", "--head", head[:16] + "…").exit_code == 0
    bad = funded("verify", "--head", "xyz")
    assert bad.exit_code == 2 and bad.stderr.startswith("Error: --head takes a chain head hash")


@pytest.mark.parametrize("date", ["0001-01-01", "1899-12-31", "3000-01-01"])
def test_years_outside_the_sane_range(funded, date):
    result = funded("record", "pagu", "--date", date, "--code", "CQ.6640", "--amount", "5",
                    "--ref", "DIPA-01")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: rule 1: date {date} is outside the fiscal years anggaran keeps "
                             "(1900-2999)\n")


def test_semicolon_csv_duplicate_columns_and_spreadsheet_kinds(funded, tmp_path):
    semi = write(tmp_path / "s.csv", "kind;date;code;akun;amount;ref;note\n"
                 'SP2D;2024-03-01;CQ.6639;521211;1.000,00;S1;"baris satu\nbaris dua"\n')
    assert funded("import", semi).stdout == "1 new, 0 already recorded (head seq 2)\n"
    note = json.loads(funded("log", "--format", "json").stdout)[-1]["note"]
    assert note == "baris satu\nbaris dua"
    dup = write(tmp_path / "d.csv", "Kode,Kegiatan,date\n")
    assert funded("import", dup).stderr == ("Error: rule 1: the header columns 'Kode' and 'Kegiatan' "
                                            "both mean the field 'code'; keep one of them\n")


def test_json_duplicate_keys_and_bidi_text(funded, tmp_path):
    f = write(tmp_path / "d.jsonl", '{"kind":"sp2d","date":"2024-03-01","code":"CQ.6639","akun":"521211",'
              '"amount":1,"amount":2,"ref":"S1"}\n')
    assert funded("import", f).stderr == ("Error: row 1: rule 1: the line is not valid JSON (the key "
                                          "'amount' appears twice)\n")
    bidi = funded("record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6639", "--akun", "521211",
                  "--amount", "1", "--ref", "S1", "--note", "abc\u202edef")
    assert bidi.stderr == "Error: rule 1: note contains a control character\n"


def test_report_csv_by_jenis_reconciles_with_tanpa_akun(run, tmp_path):
    assert run("record", "pagu", "--date", "2024-01-02", "--code", "CQ.6709", "--amount", "1000",
               "--ref", "DIPA-01").exit_code == 0
    csv = run("report", "--as-of", "2024-12-31", "--by", "jenis", "--format", "csv").stdout
    assert "\n-,jenis,TANPA AKUN," in csv
    result = run("reconcile", write(tmp_path / "j.csv", csv), "--as-of", "2024-12-31")
    assert result.exit_code == 0, result.output


def test_empty_statements_are_refused(funded, tmp_path):
    head_only = write(tmp_path / "h.csv", "code,ceiling,realised\n")
    assert funded("reconcile", head_only).stderr == (f"Error: {head_only} has a header but no rows: "
                                                     "nothing to compare\n")
    empty = write(tmp_path / "e.csv", "")
    assert funded("reconcile", "--sp2d", empty).stderr == (
        f"Error: {empty} is empty; it needs the header ref,date,code,amount and one row per figure "
        "to compare\n")


def test_history_hints(funded):
    slash = funded("history", "CQ.6639/521211")
    assert slash.exit_code == 2
    assert slash.stderr == "Error: write one line as CODE --akun AKUN: history CQ.6639 --akun 521211\n"
    empty = funded("history", "CQ.9999", "--as-of", "2024-12-31")
    assert empty.exit_code == 0
    assert empty.stdout == ("CQ.9999: no event touched it in 2024 up to 2024-12-31 (check the code, "
                            "the --akun, or --as-of)\n")
    assert json.loads(funded("history", "CQ.9999", "--as-of", "2024-12-31", "--format", "json").stdout) \
        == {"code": "CQ.9999", "akun": None, "rows": []}


def test_demo_refuses_another_satkers_ledger(tmp_path):
    other = tmp_path / "other.db"
    Ledger.init(other, "123456", "OTHER").close()
    result = Run(other)("demo")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {other} is the ledger of satker 123456 OTHER; demo builds")
    assert log_rows(other) == []


def test_demo_into_the_same_file_twice(tmp_path):
    path = tmp_path / "demo.db"
    first = Run(path)("demo", "--format", "json")
    second = Run(path)("demo", "--format", "json")
    assert first.exit_code == second.exit_code == 0 and first.stdout == second.stdout
    assert len(log_rows(path)) == 493


# ---- from a fresh-eyes code review --------------------------------------------------

def test_seal_is_checked_against_the_whole_log(db):
    from anggaran.append import Appender
    from anggaran.events import Event

    with Ledger.open(db) as led:
        led.record("pagu", date="2023-01-02", code="CQ.6639", amount=1000, ref="DIPA-01")
        led.record("sp2d", date="2023-03-01", code="CQ.6639", amount=800, ref="S1")
        led.close_year(2023)

        def behind_rule_9():  # as a tamperer with the library's own code would
            a = Appender(led.conn)
            a.closed = {}
            a.insert_all([(None, Event.parse(dict(kind="sp2d", date="2023-03-02", code="CQ.6639",
                                                   amount=100, ref="S2")), None)])
            a.judge_and_project()
        led._write(behind_rule_9)
        with pytest.raises(Exception, match="the seal of 2023 \\(seq 3\\) no longer equals a replay"):
            led.verify()


def test_huge_amounts_are_rule_2_everywhere(funded, tmp_path):
    digits = "1" * 5000
    rec = funded("record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6639", "--akun", "521211",
                 "--amount", digits, "--ref", "S1")
    assert rec.exit_code == 1 and rec.stderr.startswith("Error: rule 2: amount 11111111111111111111…(5000 digits) is above the limit")
    f = write(tmp_path / "big.jsonl", '{"kind":"sp2d","date":"2024-03-01","code":"CQ.6639","akun":'
              '"521211","ref":"S1","amount":' + digits + "}\n")
    result = funded("import", f)
    assert result.exit_code == 1 and result.stderr.startswith("Error: row 1: rule 2: amount ")


@pytest.mark.parametrize("kind", ['["sp2d"]', "{}", "5", "null"])
def test_non_text_kind(funded, tmp_path, kind):
    f = write(tmp_path / "k.jsonl", '{"kind":' + kind + ',"date":"2024-03-01"}\n')
    result = funded("import", f)
    assert result.exit_code == 1 and result.stderr.startswith("Error: row 1: rule 1: ")


def test_iso_week_dates_are_not_dates(funded):
    result = funded("record", "pagu", "--date", "2024-W01-1", "--code", "CQ.6640", "--amount", "5",
                    "--ref", "DIPA-01")
    assert result.stderr == ("Error: rule 1: date '2024-W01-1' is not a real calendar day in the form "
                             "YYYY-MM-DD (or DD/MM/YYYY)\n")


def test_damaged_xlsx(funded, tmp_path):
    import zipfile

    import openpyxl
    good = tmp_path / "good.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["kind", "date"])
    book.save(good)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data[: len(data) // 2] if item.filename.endswith("sheet1.xml") else data)
    result = funded("import", bad)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: rule 1: {bad} is not a readable .xlsx workbook")


def test_targets_must_be_percentages(funded, tmp_path):
    t = write(tmp_path / "t.csv", "jenis,tw1,tw2,tw3,tw4\n52,NaN,1,1,1\n")
    result = funded("absorption", "--year", "2024", "--targets", t)
    assert result.exit_code == 1  # refused input (the file's row 2: its line)
    assert result.stderr == ("Error: targets row 2, column tw1: 'NaN' is not a percentage from 0 to "
                             "100 (write 20, 20.5, 20,5 or 20%)\n")


def test_reconcile_nests_akun_lines_under_a_deeper_code(run, tmp_path):
    assert run("record", "pagu", "--date", "2024-01-02", "--code", "CQ.6639.QMA", "--akun", "521211",
               "--amount", "1", "--ref", "DIPA-01").exit_code == 0
    st = write(tmp_path / "s.csv", "code;ceiling;realised;akun\nCQ.6639.QMA;1;0;\n"
               "CQ.6639.QMA;1;0;521211\nCQ.6639;1;0;\n")
    result = run("reconcile", st, "--as-of", "2024-12-31")
    assert result.exit_code == 0, result.stdout
    dup = write(tmp_path / "d.csv", "code,kode,ceiling,realised\n")
    assert run("reconcile", dup).stderr == ("Error: the columns 'code' and 'kode' both mean code; keep "
                                            "one of them\n")


def test_history_akun_on_a_code_level_code(run):
    assert run("record", "pagu", "--date", "2024-01-02", "--code", "WA.3360", "--amount", "9",
               "--ref", "DIPA-01").exit_code == 0
    result = run("history", "WA.3360", "--akun", "521211", "--as-of", "2024-12-31")
    assert result.exit_code == 2
    assert result.stderr == ("Error: WA.3360 keeps one code-level line in 2024 (WA.3360/): omit --akun "
                             "(the akun on its SP2Ds counts only for the jenis report)\n")


def test_refund_and_correction_cannot_precede_their_sp2d(funded):
    assert funded("record", "sp2d", "--date", "2024-06-01", "--code", "CQ.6639", "--akun", "521211",
                  "--amount", "100", "--ref", "S1").exit_code == 0
    refund = funded("record", "refund", "--date", "2024-03-01", "--code", "CQ.6639", "--akun", "521211",
                    "--amount", "10", "--ref", "R1", "--sp2d", "S1")
    assert refund.stderr == ("Error: rule 7: refund R1 dated 2024-03-01 comes before SP2D S1 (2024-06-01) "
                             "that it returns money of, CQ.6639/521211\n")


def test_markdown_escapes_pipes_in_names(funded):
    assert funded("record", "name", "--date", "2024-01-02", "--code", "CQ.6639", "--name", "a|b").exit_code == 0
    md = funded("report", "--as-of", "2024-12-31", "--format", "markdown").stdout
    assert "CQ.6639 a\\|b" in md
