"""SAKTI/OMSPAN-style spreadsheets: .xlsx import and Indonesian column names."""

import datetime as dt
import json

import openpyxl
import pytest

from conftest import log_rows, write

PAGU = ["record", "pagu", "--date", "2024-01-02", "--code", "CQ.6639", "--akun", "521211",
        "--amount", "1.000.000.000", "--ref", "DIPA-1"]


@pytest.fixture
def funded(run):
    assert run(*PAGU).exit_code == 0
    return run


def workbook(path, rows, sheet="SP2D", extra_first=False):
    book = openpyxl.Workbook()
    ws = book.active
    if extra_first:
        ws.title = "Ringkasan"
        ws.append(["bukan data"])
        ws = book.create_sheet(sheet)
    else:
        ws.title = sheet
    for r in rows:
        ws.append(r)
    book.save(path)
    return path


SAKTI = [
    ["Nomor SP2D", "Tanggal SP2D", "Kode Kegiatan", "Akun", "Nilai SP2D", "Uraian"],
    ["241242120008185", dt.datetime(2024, 12, 16), "CQ.6639", "521211", 152174066.0, "Honor KPPS"],
    [241242120008328, dt.date(2024, 12, 17), "CQ.6639", 521211, 206758242, "Belanja bahan"],
]


def sp2ds(run):
    return [(e["ref"], e["date"], e["code"], e["akun"], e["amount"], e.get("note"))
            for e in json.loads(run("log", "--format", "json").stdout) if e["kind"] == "sp2d"]


def test_sakti_xlsx_imports_as_is(funded, tmp_path):
    f = workbook(tmp_path / "sakti.xlsx", SAKTI)
    result = funded("import", f)
    assert result.stdout == "2 new, 0 already recorded (head seq 3)\n"
    assert sp2ds(funded) == [
        ("241242120008185", "2024-12-16", "CQ.6639", "521211", 152_174_066, "Honor KPPS"),
        ("241242120008328", "2024-12-17", "CQ.6639", "521211", 206_758_242, "Belanja bahan"),
    ]
    assert funded("import", f).stdout == "0 new, 2 already recorded (head seq 3)\n"


def test_xlsx_sheet_option(funded, tmp_path):
    f = workbook(tmp_path / "omspan.xlsx", SAKTI, sheet="SP2D", extra_first=True)
    first = funded("import", f)
    assert first.exit_code == 1
    assert first.stderr.startswith(f"Error: rule 1: no header row found in sheet 'Ringkasan' of {f}: "
                                   "expected a row with 'date' (or Tanggal SP2D, ")
    assert first.stderr.endswith("; sheets with rows: SP2D (choose one with --sheet, e.g. --sheet 'SP2D')\n")
    assert funded("import", f, "--sheet", "SP2D").exit_code == 0
    assert funded("import", f, "--sheet", "sp2d").stdout == "0 new, 2 already recorded (head seq 3)\n"
    missing = funded("import", f, "--sheet", "Juli")
    assert missing.stderr == f"Error: rule 1: no sheet 'Juli' in {f}; it has: Ringkasan, SP2D\n"


def test_xlsx_rows_are_judged_like_csv(funded, tmp_path):
    rows = SAKTI + [["241242120009999", dt.date(2024, 12, 18), "CQ.6639", "521211", 1500.5, ""]]
    result = funded("import", workbook(tmp_path / "bad.xlsx", rows))
    assert result.exit_code == 1
    assert result.stderr == ("Error: row 4: rule 1: amount 1500.5 is not a whole-rupiah amount "
                             "(write 1500000, 1.500.000 or Rp 1.500.000,-)\n")
    over = SAKTI + [["241242120009999", dt.date(2024, 12, 18), "CQ.6639", "521211", 10**9, ""]]
    result = funded("import", workbook(tmp_path / "over.xlsx", over))
    assert result.stderr.startswith("Error: row 4: rule 5: SP2D 241242120009999 would overspend "
                                    "CQ.6639/521211 on 2024-12-18: available ")
    assert len(log_rows(funded.db)) == 1


def test_not_a_workbook(funded, tmp_path):
    f = write(tmp_path / "fake.xlsx", "kind,date\n")
    result = funded("import", f)
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: rule 1: {f} is not a readable .xlsx workbook")


@pytest.mark.parametrize("header", [
    "nomor sp2d,TANGGAL SP2D,  Kode   Kegiatan ,akun,Nilai,keterangan",
    "No. SP2D,Tanggal,Kode,Kode Akun,Jumlah,Uraian",
    "ref,date,code,akun,amount,note",
])
def test_indonesian_headers_in_any_case_and_spacing(funded, tmp_path, header):
    f = write(tmp_path / "sp2d.csv", header + "\n241242120008185,2024-12-16,CQ.6639,521211,"
              "\"Rp 152.174.066,-\",Honor KPPS\n")
    assert funded("import", f).exit_code == 0
    assert sp2ds(funded) == [("241242120008185", "2024-12-16", "CQ.6639", "521211", 152_174_066,
                              "Honor KPPS")]
