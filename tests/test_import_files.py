"""Import files as officers have them: title rows above the header, a ``No`` column,
blank and summary rows, row numbers as the spreadsheet shows them, empty files refused."""

import csv
import datetime as dt
import io
import json
import os
import tempfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anggaran import importers
from anggaran.errors import RuleError
from anggaran.ledger import Ledger
from anggaran.tabular import is_blank
from conftest import log_rows, write

PAGU = ["record", "pagu", "--date", "2024-01-02", "--code", "CQ.6639", "--akun", "521211",
        "--amount", "1.000.000.000", "--ref", "DIPA-1"]


@pytest.fixture
def funded(run):
    assert run(*PAGU).exit_code == 0
    return run


def book(path, **sheets):
    """A workbook with one sheet per keyword (in order), each a list of rows."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def raw_rows(path, sheet=None):
    """``(row, raw)`` of each data row, without its empty cells."""
    return [(n, {f: v for f, v in raw.items() if not is_blank(v)})
            for n, raw in importers.read_rows(path, sheet)]


SAKTI_HEADER = ["No", "Nomor SP2D", "Tanggal SP2D", "Kode Kegiatan", "Akun", "Nilai SP2D", "Uraian"]


# ------------------------------------------------------------------ row numbers

def test_xlsx_errors_name_the_spreadsheet_row(funded, tmp_path):
    """Title in row 1, blank row 2, header in row 3: the second data row is row 5."""
    f = book(tmp_path / "sp2d.xlsx", SP2D=[
        ["DAFTAR SP2D SATKER 657757"],
        [],
        SAKTI_HEADER,
        [1, "S1", dt.date(2024, 3, 1), "CQ.6639", "521211", 1000, "Honor"],
        [2, "S2", dt.date(2024, 3, 2), "CQ.6639", "5212xx", 1000, "Bahan"],
    ])
    result = funded("import", f)
    assert result.stderr == "Error: row 5: rule 1: akun '5212xx' is not a six-digit akun like 521211\n"
    assert len(log_rows(funded.db)) == 1


def test_csv_errors_name_the_line_the_record_starts_on(funded, tmp_path):
    """Every line counts: the title, a blank line, the header, a note over two lines."""
    f = write(tmp_path / "sp2d.csv",
              "Daftar SP2D Desember\n"                                  # 1
              "\n"                                                      # 2
              "No,Nomor SP2D,Tanggal SP2D,Kode Kegiatan,Akun,Nilai SP2D,Uraian\n"  # 3
              '1,S1,2024-03-01,CQ.6639,521211,1000,"Honor\nKPPS"\n'      # 4-5
              "\n"                                                      # 6
              "2,S2,2024-03-02,CQ.6639,521211,1.5,Bahan\n")             # 7
    result = funded("import", f)
    assert result.stderr.startswith("Error: row 7: rule 1: amount '1.5' is not a whole-rupiah amount")
    assert len(log_rows(funded.db)) == 1


def test_jsonl_errors_name_the_line(funded, tmp_path):
    f = write(tmp_path / "e.jsonl", "\n" + json.dumps(
        {"kind": "sp2d", "date": "2024-03-01", "code": "CQ.6639", "akun": "521211", "amount": 5,
         "ref": "S1"}) + "\n\n" + '{"kind": "sp2d", "date": "2024-02-30"}\n')
    assert funded("import", f).stderr.startswith("Error: row 4: rule 1: ")


def test_a_line_that_is_not_utf8_is_named(funded, tmp_path):
    f = tmp_path / "latin.csv"
    f.write_bytes(b"Daftar\nkind,date,code,akun,amount,ref,note\n"
                  b"sp2d,2024-03-01,CQ.6639,521211,5,S1,Caf\xe9\n")
    assert funded("import", f).stderr == ("Error: row 3: rule 1: the file is not UTF-8 text; "
                                          "save it as UTF-8 (CSV UTF-8 in Excel)\n")


# ------------------------------------------------------------------ the header row

def test_rows_above_the_header_are_skipped(funded, tmp_path):
    f = write(tmp_path / "sp2d.csv",
              "KPU KABUPATEN LUMAJANG;;\n"
              "Tanggal: 31-12-2024;;\n"
              ";;\n"
              "No.;Tanggal;Nomor SP2D;Kode;Akun;Jumlah\n"
              "1;2024-03-01;S1;CQ.6639;521211;Rp 1.000,-\n"
              "2;2024-03-02;S2;CQ.6639;521211;2.000\n")
    assert funded("import", f).stdout == "2 new, 0 already recorded (head seq 3)\n"


@pytest.mark.parametrize("no", ["No", "No.", "NOMOR URUT", " nomor  urut "])
def test_a_row_number_column_is_ignored(tmp_path, no):
    f = write(tmp_path / "a.csv", f"{no},date,ref,code,amount\n7,2024-03-01,S1,CQ.6639,5\n")
    assert raw_rows(f) == [(2, {"date": "2024-03-01", "ref": "S1", "code": "CQ.6639",
                                "amount": "5", "kind": "sp2d"})]


def test_an_unknown_column_in_the_header_is_refused(funded, tmp_path):
    f = write(tmp_path / "a.csv", "Judul\nNo,Tanggal,Nomor SP2D,Warna\n1,2024-03-01,S1,merah\n")
    result = funded("import", f)
    assert result.stderr.startswith("Error: rule 1: unknown column 'Warna' in the header; use the "
                                    "field names (kind, date, ")


def test_no_header_row_names_the_columns_expected(funded, tmp_path):
    f = write(tmp_path / "a.csv", "Laporan\nSP2D,Desember\n1,2\n")
    assert funded("import", f).stderr == (
        f"Error: rule 1: no header row found in {f}: expected a row with 'date' (or Tanggal SP2D, "
        "Tgl SP2D, Tanggal, Tgl) and other columns such as kind, code, akun, amount, ref, note, "
        "Nomor SP2D, Kode Kegiatan, Akun, Nilai SP2D, Uraian\n")


def test_a_value_under_a_nameless_column_is_refused(funded, tmp_path):
    f = write(tmp_path / "a.csv", "date,,ref,code,amount\n2024-03-01,x,S1,CQ.6639,5\n")
    assert funded("import", f).stderr == ("Error: row 2: rule 1: column B holds a value but has no "
                                          "name in the header; name the column or clear it\n")


def test_a_semicolon_csv_under_a_title_with_a_comma(funded, tmp_path):
    f = write(tmp_path / "a.csv", "Realisasi, Desember 2024\nTanggal;Nomor SP2D;Kode;Akun;Nilai\n"
                                  "2024-03-01;S1;CQ.6639;521211;1.000\n")
    assert funded("import", f).stdout == "1 new, 0 already recorded (head seq 2)\n"


# ------------------------------------------------------------------ blank and summary rows

SUMMARY = """\
No;Tanggal SP2D;Nomor SP2D;Kode Kegiatan;Akun;Nilai SP2D
1;2024-03-01;S1;CQ.6639;521211;1.000
;;;;;
2;2024-03-02;S2;CQ.6639;521211;2.000
  jumlah ;;;;;3.000
Total;;;;;3.000
JUMLAH SELURUHNYA;;;;;3.000
"""


def test_blank_and_summary_rows_are_skipped_and_counted(funded, tmp_path):
    f = write(tmp_path / "a.csv", SUMMARY)
    rows = importers.parsed_rows(f)
    assert [n for n, _event, _at in rows] == [2, 4]
    assert rows.summary_rows == 3
    assert funded("import", f).stdout.startswith("2 new, 0 already recorded (head seq 3)")


def test_the_result_line_counts_summary_rows(funded, tmp_path):
    f = write(tmp_path / "a.csv", SUMMARY)
    assert funded("import", f).stdout == ("2 new, 0 already recorded (head seq 3), "
                                          "3 summary rows skipped\n")


def test_a_jumlah_row_with_a_date_is_a_data_row(funded, tmp_path):
    f = write(tmp_path / "a.csv", SUMMARY + "Jumlah;2024-03-03;;;;\n")
    assert funded("import", f).stderr.startswith("Error: row 8: rule 1: ")


# ------------------------------------------------------------------ no data rows

def test_an_empty_first_sheet_names_the_sheets_with_rows(funded, tmp_path):
    f = book(tmp_path / "x.xlsx", Sheet1=[],
             SP2D=[["Tanggal", "Nomor SP2D", "Kode", "Nilai"], [dt.date(2024, 3, 1), "S1", "CQ.6639", 5]])
    result = funded("import", f)
    assert result.exit_code == 1
    assert result.stderr == f"Error: rule 1: sheet 'Sheet1' of {f} has no data rows; sheets with rows: SP2D (choose one with --sheet, e.g. --sheet 'SP2D')\n"
    assert len(log_rows(funded.db)) == 1


@pytest.mark.parametrize("name,text", [
    ("a.csv", ""), ("a.csv", "\ufeff"), ("a.csv", "kind,date,code,akun,amount,ref\n"),
    ("a.csv", "Judul\n\nTanggal;Nomor;Nilai\n;;\nJumlah;;0\n"), ("a.jsonl", ""), ("a.jsonl", "\n \n"),
])
def test_a_file_with_no_data_rows_is_refused(funded, tmp_path, name, text):
    f = write(tmp_path / name, text)
    result = funded("import", f)
    assert (result.exit_code, result.stderr) == (1, f"Error: rule 1: {f} has no data rows\n")


def test_a_header_only_sheet_is_refused(tmp_path):
    f = book(tmp_path / "x.xlsx", SP2D=[SAKTI_HEADER, [None] * 7])
    with pytest.raises(RuleError) as e:
        raw_rows(f)
    assert str(e.value) == f"rule 1: sheet 'SP2D' of {f} has no data rows"


def test_sheet_names_match_in_any_case(tmp_path):
    f = book(tmp_path / "x.xlsx", Ringkasan=[["x"]], SP2D=[["date", "amount"], [dt.date(2024, 3, 1), 5]])
    assert raw_rows(f, sheet="sp2d") == [(2, {"date": dt.date(2024, 3, 1), "amount": 5, "kind": "sp2d"})]
    with pytest.raises(RuleError) as e:
        raw_rows(f, sheet="Juli")
    assert str(e.value) == f"rule 1: no sheet 'Juli' in {f}; it has: Ringkasan, SP2D"


# ------------------------------------------------------------------ column names

def test_the_contract_s_column_names(tmp_path):
    f = write(tmp_path / "a.csv",
              "Peristiwa,Tanggal,Nomor,Kode,Akun,Nilai,Jenis,Uraian,Nama,Nomor Kontrak,Tanggal Kontrak\n"
              "rpd,2024-01-02,R1,,,10,52,catatan,,,\n"
              "kontrak,2024-02-01,,CQ.6639,521211,10,,,,K-1,2024-01-30\n"
              "contract,2024-02-01,,CQ.6639,521211,10,,,,K-2,\n"
              "sp2d,2024-03-01,S1,CQ.6639,521211,10,,,Pilkada,K-2,\n")
    rows = [raw for _n, raw in raw_rows(f)]
    assert rows[0] == {"kind": "rpd", "date": "2024-01-02", "ref": "R1", "amount": "10", "jenis": "52",
                       "note": "catatan"}
    assert rows[2] == {"kind": "contract", "date": "2024-02-01", "code": "CQ.6639", "akun": "521211",
                       "amount": "10", "ref": "K-2"}
    assert rows[3]["contract"] == "K-2" and rows[3]["name"] == "Pilkada" and "ref" in rows[3]
    assert rows[1]["signed"] == "2024-01-30"


def test_a_contract_row_with_two_refs_is_refused(tmp_path):
    f = write(tmp_path / "a.csv", "kind,date,ref,Nomor Kontrak,code,amount\n"
                                  "contract,2024-02-01,K-1,K-2,CQ.6639,10\n")
    with pytest.raises(RuleError) as e:
        raw_rows(f)
    assert str(e.value) == ("row 2: rule 1: a contract row takes its ref from the column "
                            "'Nomor Kontrak'; leave its other ref cell empty")


def test_jenis_spm_is_the_kind_column(tmp_path):
    f = write(tmp_path / "a.csv", "Jenis SPM,Tanggal SP2D,Nomor SP2D,Nilai SP2D,Uraian Kode\n"
                                  "GUP Nihil,2024-03-01,S1,5,\nUP,2024-01-05,S0,9,\n")
    assert [raw["kind"] for _n, raw in raw_rows(f)] == ["GUP Nihil", "UP"]


def test_column_names_is_one_flat_table():
    assert importers.COLUMN_NAMES["peristiwa"] == "kind"
    assert importers.COLUMN_NAMES["jenis spm"] == "kind"
    assert importers.COLUMN_NAMES["jenis"] == "jenis"
    assert importers.COLUMN_NAMES["uraian"] == "note"
    assert importers.COLUMN_NAMES["uraian kode"] == importers.COLUMN_NAMES["nama"] == "name"
    assert importers.COLUMN_NAMES["nomor kontrak"] == "contract"
    assert importers.COLUMN_NAMES["tanggal kontrak"] == "signed"
    assert importers.COLUMN_NAMES["from code"] == "from_code"
    assert "no" not in importers.COLUMN_NAMES and "nomor urut" not in importers.COLUMN_NAMES


# ------------------------------------------------------------------ Excel cells

def test_excel_date_cells_reach_the_event_as_dates(tmp_path):
    f = book(tmp_path / "x.xlsx", SP2D=[
        ["Tanggal SP2D", "Nomor SP2D", "Kode", "Akun", "Nilai", "Uraian"],
        [dt.datetime(2024, 12, 16), 241242120008185, "CQ.6639", 521211, 152174066.0,
         dt.datetime(2024, 1, 2)],
    ])
    [(n, raw)] = raw_rows(f)
    assert n == 2 and type(raw["date"]) is dt.date and raw["date"] == dt.date(2024, 12, 16)
    assert raw["note"] == "2024-01-02" and raw["amount"] == 152_174_066
    [(n, event, _at)] = list(importers.parsed_rows(f))
    assert (event.date, event.ref, event.akun, event.note) == (
        "2024-12-16", "241242120008185", "521211", "2024-01-02")


def test_an_overflowing_amount_names_its_row(funded, tmp_path):
    csv_file = write(tmp_path / "big.csv", "Judul\nkind,date,code,akun,amount,ref\n"
                     "sp2d,2024-03-01,CQ.6639,521211,1,S1\n"
                     "sp2d,2024-03-01,CQ.6639,521211,99999999999999999999999,S2\n")
    assert funded("import", csv_file).stderr.startswith(
        "Error: row 4: rule 2: amount 99.999.999.999.999.999.999.999 is above the limit")
    xlsx = book(tmp_path / "big.xlsx", SP2D=[
        [], ["date", "code", "akun", "amount", "ref"],
        [dt.date(2024, 3, 1), "CQ.6639", "521211", 1e20, "S2"]])
    assert funded("import", xlsx).stderr.startswith(
        "Error: row 3: rule 2: amount 100.000.000.000.000.000.000 is above the limit")
    assert len(log_rows(funded.db)) == 1


# ------------------------------------------------------------------ hostile spellings

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

title = st.lists(st.one_of(st.none(), st.text(alphabet="ABCDEFGHIJ klmnop.,:-0123456789", max_size=20),
                           st.sampled_from(["Tanggal", "Jumlah", "Nomor", "DAFTAR SP2D", "657757"])),
                 max_size=4).filter(lambda cells: not importers.is_header(cells))
filler = st.sampled_from(["blank", "summary", "spaces"])
HEADER = ["No", "Tanggal SP2D", "Nomor SP2D", "Kode Kegiatan", "Akun", "Nilai SP2D", "Uraian"]


def _filler_row(kind):
    return {"blank": [], "spaces": ["", " ", "", "", "", "", "  "],
            "summary": ["Jumlah", "", "", "", "", "1.000", ""]}[kind]


def _layout(draw_titles, events):
    """The rows of a sheet: titles, the header, then each data row (marked with its index)
    followed by its filler rows."""
    rows = [("title", t) for t in draw_titles] + [("header", HEADER)]
    for i, (note, fillers) in enumerate(events):
        rows.append(("data", [i + 1, "2024-03-01", f"S{i}", "CQ.6639", "521211", "1.000", note]))
        rows += [("filler", _filler_row(k)) for k in fillers]
    return rows


def _import(path):
    with tempfile.TemporaryDirectory() as folder:
        ledger = Ledger.init(os.path.join(folder, "l.db"), "657757", "KPU")
        try:
            ledger.record("pagu", date="2024-01-02", code="CQ.6639", akun="521211",
                          amount=10**9, ref="DIPA-1")
            try:
                return ledger.import_file(path).new, None
            except RuleError as e:
                return None, e
        finally:
            ledger.close()


events_st = st.lists(st.tuples(st.sampled_from(["", "honor", "bahan\nATK"]), st.lists(filler, max_size=2)),
                     min_size=1, max_size=5)


def _csv_text(rows):
    """The CSV of ``rows`` and the line each row starts on."""
    out, starts, line = io.StringIO(), [], 1
    w = csv.writer(out, lineterminator="\n")
    for _what, cells in rows:
        starts.append(line)
        before = out.tell()
        w.writerow(["" if c is None else c for c in cells])
        line += out.getvalue()[before:].count("\n")
    return out.getvalue(), starts


@SETTINGS
@given(titles=st.lists(title, max_size=3), events=events_st, bad=st.data())
def test_csv_titles_blanks_and_summaries(tmp_path, titles, events, bad):
    rows = _layout(titles, events)
    text, starts = _csv_text(rows)
    f = write(tmp_path / "x.csv", text)
    summaries = sum(k == "summary" for _n, fs in events for k in fs)
    assert _import(f) == (len(events), None)
    parsed = importers.parsed_rows(f)
    assert [n for n, _e, _a in parsed] == [s for s, (what, _c) in zip(starts, rows) if what == "data"]
    assert parsed.summary_rows == summaries
    # one data row's akun broken: the error names the line it starts on
    data = [i for i, (what, _c) in enumerate(rows) if what == "data"]
    i = bad.draw(st.sampled_from(data))
    rows[i] = ("data", rows[i][1][:4] + ["52121x"] + rows[i][1][5:])
    text, starts = _csv_text(rows)
    _new, error = _import(write(tmp_path / "x.csv", text))
    assert (error.row, error.rule) == (starts[i], 1)


@SETTINGS
@given(titles=st.lists(title, max_size=3), events=events_st, bad=st.data())
def test_xlsx_titles_blanks_and_summaries(tmp_path, titles, events, bad):
    rows = _layout(titles, events)
    data = [i for i, (what, _c) in enumerate(rows) if what == "data"]
    i = bad.draw(st.sampled_from(data))
    f = book(tmp_path / "x.xlsx", SP2D=[cells for _what, cells in rows])
    assert _import(f) == (len(events), None)
    rows[i] = ("data", rows[i][1][:5] + ["1,5"] + rows[i][1][6:])
    _new, error = _import(book(tmp_path / "x.xlsx", SP2D=[cells for _what, cells in rows]))
    assert (error.row, error.rule) == (i + 1, 1)
