"""Excel and chart outputs an officer hands to the leadership."""

import sys

import openpyxl
import pytest



def test_report_xlsx_is_a_real_spreadsheet(run_lj, tmp_path):
    out = tmp_path / "realisasi.xlsx"
    result = run_lj("report", "--as-of", "2024-12-31", "--from", "2024-12-01", "--format", "xlsx",
                    "--output", out)
    assert result.exit_code == 0 and result.stdout == f"Wrote {out}\n"
    ws = openpyxl.load_workbook(out).active
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Kode")
    assert ws.freeze_panes == f"A{header + 1}"
    assert [c.value for c in ws[header]] == ["Kode", "Uraian", "Pagu Revisi", "Lock Pagu",
                                              "Periode Lalu", "Periode Ini", "s.d. Periode", "%",
                                              "Sisa Anggaran"]
    total = ws[header + 1]
    assert [c.value for c in total] == [None, "JUMLAH SELURUHNYA", 107905482000, 0, 80554339163,
                                        26721548892, 107275888055, 99.42, 629593945]
    assert total[2].number_format == "#,##0" and total[7].number_format == "0.00"
    assert total[1].font.bold and ws[header + 2][0].value == "CQ" and ws[header + 2][0].font.bold
    assert ws[header + 3][0].value == "CQ.6639" and not ws[header + 3][0].font.bold


def test_jenis_and_absorption_xlsx(run_lj, tmp_path):
    jenis = tmp_path / "jenis.xlsx"
    assert run_lj("report", "--as-of", "2024-12-31", "--by", "jenis", "--format", "xlsx", "-o",
                  jenis).exit_code == 0
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(jenis).active.iter_rows()]
    assert ["53", "BELANJA MODAL", 190500000, 0, 182986496, 0, 182986496, 96.06, 7513504] in rows
    absorb = tmp_path / "penyerapan.xlsx"
    assert run_lj("absorption", "--year", "2024", "--format", "xlsx", "-o", absorb).exit_code == 0
    ws = openpyxl.load_workbook(absorb).active
    dec = [c.value for c in ws[ws.max_row]]
    assert dec[0] == "2024-12" and dec[1:3] == [99.42, None] and dec[3:5] == [97.09, 95.0]


def test_xlsx_needs_an_output_file(run_lj):
    result = run_lj("report", "--format", "xlsx")
    assert result.exit_code == 2 and result.stderr == "Error: --format xlsx needs --output FILE.xlsx\n"


def test_absorption_plot(run_lj, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "penyerapan.png"
    assert run_lj("absorption", "--year", "2024", "--plot", png).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def test_plot_without_the_extra_says_how_to_get_it(run_lj, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed
    result = run_lj("absorption", "--year", "2024", "--plot", tmp_path / "x.png")
    assert result.exit_code == 1
    assert result.stderr == ("Error: --plot needs matplotlib, an optional extra: "
                             "pip install 'anggaran[plot]'\n")
