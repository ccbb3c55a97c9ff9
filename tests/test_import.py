"""Import: CSV and JSONL, every amount spelling, all-or-nothing, idempotent, order-free."""

import json

import pytest

from anggaran.ledger import Ledger
from conftest import log_rows, write

HEAD = "kind,date,code,akun,amount,ref\n"
PAGU = "pagu,2024-01-02,CQ.6639,521211,100.000.000,DIPA-01\n"


@pytest.mark.parametrize("cell", ["1500000", "1.500.000", "1,500,000", "Rp 1.500.000,-",
                                  "1.500.000,00", "Rp 1,500,000.00", "RP. 1.500.000", "1500000,-"])
def test_every_amount_spelling(run, tmp_path, cell):
    f = write(tmp_path / "a.csv", HEAD + PAGU + f'sp2d,2024-03-01,CQ.6639,521211,"{cell}",S1\n')
    result = run("import", f)
    assert result.exit_code == 0, result.stderr
    with Ledger.open(run.db) as led:
        assert led.log()[1]["amount"] == 1_500_000


@pytest.mark.parametrize("cell,why", [
    ("1.500.000,50", "sen"), ("1,50", "sen"), ("1.500,000", "mixed separators"),
    ("1,500.000", "mixed"), ("satu juta", "text"), ("1.5e6", "exponent"), ("15OO", "letter O"),
])
def test_bad_amounts_are_refused_with_the_row(run, tmp_path, cell, why):
    f = write(tmp_path / "a.csv", HEAD + PAGU + f'sp2d,2024-03-01,CQ.6639,521211,"{cell}",S1\n')
    result = run("import", f)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: row 3: rule 1: amount '")  # the file's line 3
    assert log_rows(run.db) == []


def test_jsonl_import_and_json_types(run, tmp_path):
    lines = [
        {"kind": "pagu", "date": "2024-01-02", "code": "CQ.6639", "akun": "521211", "amount": 100,
         "ref": "DIPA-01"},
        {"kind": "sp2d", "date": "2024-03-01", "code": "CQ.6639", "akun": "521211", "amount": "Rp 40",
         "ref": 240122300000123, "note": None},
    ]
    f = write(tmp_path / "a.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n\n")
    result = run("import", f)
    assert result.stdout == "2 new, 0 already recorded (head seq 2)\n"
    with Ledger.open(run.db) as led:
        sp2d = led.log()[1]
    assert sp2d["ref"] == "240122300000123" and sp2d["amount"] == 40 and "note" not in sp2d


@pytest.mark.parametrize("value", ["1500000.0", "1.5", "true", "NaN", "1e3"])
def test_json_non_integers_are_refused(run, tmp_path, value):
    f = write(tmp_path / "a.jsonl",
              '{"kind":"pagu","date":"2024-01-02","code":"CQ.6639","ref":"DIPA-01","amount":'
              + value + "}\n")
    result = run("import", f)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: row 1: rule 1: ")


def test_reimport_is_idempotent(run, tmp_path):
    f = write(tmp_path / "a.csv", HEAD + PAGU + "sp2d,2024-03-01,CQ.6639,521211,5,S1\n"
              "sp2d,2024-03-02,CQ.6639,521211,5,S2\n")
    assert run("import", f).stdout == "3 new, 0 already recorded (head seq 3)\n"
    before = log_rows(run.db)
    assert run("import", f).stdout == "0 new, 3 already recorded (head seq 3)\n"
    assert log_rows(run.db) == before


def test_identical_rows_in_one_file_count_once(run, tmp_path):
    f = write(tmp_path / "a.csv", HEAD + PAGU + PAGU)
    assert run("import", f).stdout == "1 new, 1 already recorded (head seq 1)\n"


def test_row_order_inside_a_file_does_not_matter(run, tmp_path):
    """A correction before its SP2D, an SP2D before the grant that funds it (rule 8)."""
    f = write(tmp_path / "a.csv",
              "kind,date,from_code,from_akun,code,akun,amount,ref,sp2d\n"
              "correction,2024-08-02,CQ.6639,521211,CQ.6639,521213,30,KOR-1,S1\n"
              "sp2d,2024-08-01,,,CQ.6639,521211,150,S1,\n"
              "grant,2024-07-16,,,CQ.6639,521211,100,H1,\n"
              "pagu,2024-01-02,,,CQ.6639,521211,100,DIPA-01,\n"
              "pagu,2024-01-02,,,CQ.6639,521213,100,DIPA-01,\n")
    result = run("import", f)
    assert result.exit_code == 0, result.stderr
    rep = json.loads(run("report", "--as-of", "2024-12-31", "--by", "akun", "--format", "json").stdout)
    lines = {r["code"]: (r["ceiling"], r["realised"]) for r in rep["rows"] if r["level"] == "akun"}
    assert lines == {"CQ.6639/521211": (200, 120), "CQ.6639/521213": (100, 30)}


def test_all_or_nothing(run, tmp_path):
    f = write(tmp_path / "a.csv", HEAD + PAGU + "sp2d,2024-03-01,CQ.6639,521211,5,S1\n"
              "sp2d,2024-03-01,CQ.6639,999999,5,S2\n")
    result = run("import", f)
    assert result.exit_code == 1
    assert result.stderr == ("Error: row 4: rule 4: SP2D S2 on CQ.6639/999999: akun 999999 is not "
                             "in the DIPA of CQ.6639 for 2024\n")
    assert log_rows(run.db) == []


def test_not_utf8_is_refused(run, tmp_path):
    f = write(tmp_path / "a.csv", HEAD + PAGU + "sp2d,2024-03-01,CQ.6639,521211,5,S1\n"
              "name,2024-03-01,CQ.6639,,,\n" + "name,2024-03-01,CQ.6639,,,,Pemilihan Umum Café\n",
              encoding="latin-1")
    result = run("import", f)
    assert result.exit_code == 1
    assert "rule 1: the file is not UTF-8 text" in result.stderr
    assert log_rows(run.db) == []


def test_bom_and_crlf_are_fine(run, tmp_path):
    f = tmp_path / "a.csv"
    f.write_bytes(b"\xef\xbb\xbf" + (HEAD + PAGU).replace("\n", "\r\n").encode())
    assert run("import", f).stdout == "1 new, 0 already recorded (head seq 1)\n"


@pytest.mark.parametrize("text", ["", HEAD, HEAD + "\n\n"])
def test_empty_and_header_only_files(run, tmp_path, text):
    """v2.0: a file with no data rows is refused (rule 1), as the wrong file usually is."""
    f = write(tmp_path / "a.csv", text)
    result = run("import", f)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: rule 1: {f} has no data rows\n"
    assert log_rows(run.db) == []


def test_unknown_extension_and_missing_file(run, tmp_path):
    f = write(tmp_path / "a.txt", HEAD)
    assert run("import", f).stderr == ("Error: rule 1: " + str(f) +
                                       ": unknown file type '.txt'; import reads .csv, .xlsx or .jsonl\n")
    missing = run("import", tmp_path / "nope.csv")
    assert missing.exit_code == 1
    assert missing.stderr == f"Error: no file {tmp_path / 'nope.csv'}; check the path\n"


def test_recorded_at_on_import(run, tmp_path):
    f = write(tmp_path / "a.csv", "kind,date,code,amount,ref,recorded_at\n"
              "pagu,2024-01-02,CQ.6639,100,DIPA-01,2024-01-02T09:00:00+07:00\n")
    assert run("import", f).exit_code == 0
    with Ledger.open(run.db) as led:
        assert led.log()[0]["recorded_at"] == "2024-01-02T02:00:00Z"
    back = write(tmp_path / "b.csv", "kind,date,code,amount,ref,recorded_at\n"
                 "sp2d,2024-01-03,CQ.6639,1,S1,2024-01-01T00:00:00Z\n")
    assert run("import", back).stderr == ("Error: row 2: rule 1: recorded_at 2024-01-01T00:00:00Z goes "
                                          "backwards (the ledger is at 2024-01-02T02:00:00Z); keep "
                                          "migrated rows in recording order\n")
    future = write(tmp_path / "c.csv", "kind,date,code,amount,ref,recorded_at\n"
                   "sp2d,2024-01-03,CQ.6639,1,S1,2999-01-01T00:00:00Z\n")
    assert run("import", future).stderr == ("Error: row 2: rule 1: recorded_at 2999-01-01T00:00:00Z "
                                            "is in the future\n")


def test_code_level_sp2d_keeps_its_akun_for_jenis(run, tmp_path):
    f = write(tmp_path / "a.csv", "kind,date,code,akun,amount,ref\n"
              "pagu,2024-01-02,WA.3360,,1000,DIPA-01\n"
              "sp2d,2024-03-01,WA.3360,532111,300,S1\n"
              "sp2d,2024-03-02,WA.3360,521111,100,S2\n")
    assert run("import", f).exit_code == 0
    rep = json.loads(run("report", "--as-of", "2024-12-31", "--by", "jenis", "--format", "json").stdout)
    got = [(r["code"], r["name"], r["ceiling"], r["realised"]) for r in rep["rows"]]
    assert got == [("", "JUMLAH SELURUHNYA", 1000, 400), ("52", "BELANJA BARANG", 0, 100),
                   ("53", "BELANJA MODAL", 0, 300), ("-", "TANPA AKUN", 1000, 0)]


def test_a_lone_surrogate_is_refused_under_rule_1(run, tmp_path):
    """JSON may spell a lone surrogate ("\\ud800"); it cannot be stored or hashed as UTF-8."""
    f = write(tmp_path / "s.jsonl",
              '{"kind": "pagu", "date": "2024-01-02", "code": "CQ.6639", "amount": 5, '
              '"ref": "a\\ud800b"}\n')
    result = run("import", f)
    assert result.exit_code == 1
    assert result.stderr == ("Error: row 1: rule 1: ref is not valid Unicode text (a lone surrogate "
                             "such as \\ud800); write the character itself, in UTF-8\n")
    assert log_rows(run.db) == []
