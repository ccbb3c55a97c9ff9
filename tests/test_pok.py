"""A POK print (SAKTI's Form Cetak POK, UC_ANG_6.4) imported as the year's opening events:
pagu per line at the chosen level, blokir, and the monthly needs as plans per jenis.

The workbook below is a synthetic but faithful print, in thousands of rupiah:

    076.01.CQ  PROGRAM PENYELENGGARAAN PEMILU            13.850  blokir 2.250
    6639       Fasilitasi Pilkada                        13.850
    QMA        Layanan Pemilihan                         13.850
    001        Layanan Pemungutan Suara (RO)              2.250
    051        Persiapan (komponen)                       2.250
    A          Rapat Persiapan (subkomponen)              2.250
    521211     Belanja Bahan                              2.250  blokir 250
      - ATK        10 PKT x 150.000    1.500   Jan 500, Feb 1.000
      - Konsumsi   20 OK  x  37.500      750   Mar 750, blokir 250
    002        Layanan Kampanye (RO: 001's komponen are complete)  11.600
    052 / A    Alat Peraga / Spanduk                      1.000
    521211     Belanja Bahan                              1.000
      - Spanduk     4 BH  x 250.000    1.000   Apr 1.000
    --- page 2: title and header repeated ---
    053        Monitoring (komponen: 002 is not complete) 10.600
    524111     Belanja Perjalanan Dinas Biasa            10.000  blokir 2.000 (akun row)
      - Perjalanan  5 OK x 2.000.000  10.000   Jan 2.000, Jun 8.000
    521219     Belanja Barang Non Operasional Lainnya       600   Feb 600 (no details)
    JUMLAH                                               13.850

Jenis 52 per month (thousands): Jan 2.500, Feb 1.600, Mar 750, Apr 1.000, Jun 8.000.
"""

import json

import openpyxl
import pytest
from conftest import log_rows, refused

MONTHS = ["JANUARI", "FEBRUARI", "MARET", "APRIL", "MEI", "JUNI", "JULI", "AGUSTUS",
          "SEPTEMBER", "OKTOBER", "NOVEMBER", "DESEMBER"]
HEADER = ["KODE", "PROGRAM/ KEGIATAN/ KRO/ RO/ KOMPONEN/ SUBKOMPONEN/ AKUN/ DETIL", "VOLUME",
          "SATUAN", "HARGA SATUAN", "JUMLAH BIAYA", "BLOKIR", "SD/CP",
          "KEBUTUHAN DANA PER BULAN", *[None] * 11]
REF = "DIPA-076.01.2.657757/2025"
POK = ["--pok", "--date", "2025-01-02", "--ref", REF]


def line(code, uraian, vol=None, sat=None, harga=None, jumlah=None, blokir=None, **months):
    needs = [months.get(m.lower()) for m in MONTHS]
    return [code, uraian, vol, sat, harga, jumlah, blokir, "RM" if jumlah else None, *needs]


def print_rows(scale=1):
    """The print's rows; ``scale=1000`` prints every figure in rupiah instead."""
    s = scale
    head = [HEADER, [None] * 8 + MONTHS, list(range(1, 21))]
    return [
        ["PETUNJUK OPERASIONAL KEGIATAN (POK)", *[None] * 18, "UC_ANG_6.4"],
        ["TAHUN ANGGARAN 2025"],
        ["SATKER : (657757) KPU KABUPATEN LUMAJANG"],
        ["(dalam ribuan rupiah)"],
        [],
        *head,  # rows 6-8
        line("076.01.CQ", "PROGRAM PENYELENGGARAAN PEMILU", jumlah=13850 * s, blokir=2250 * s),
        line("6639", "Fasilitasi Pilkada", jumlah=13850 * s, blokir=2250 * s),
        line("QMA", "Layanan Pemilihan", jumlah=13850 * s, blokir=2250 * s),
        line("001", "Layanan Pemungutan Suara", jumlah=2250 * s, blokir=250 * s),
        line("051", "Persiapan", jumlah=2250 * s, blokir=250 * s),
        line("A", "Rapat Persiapan", jumlah=2250 * s, blokir=250 * s),
        line("521211", "Belanja Bahan", jumlah=2250 * s, blokir=250 * s,  # row 15
             januari=500 * s, februari=1000 * s, maret=750 * s),
        line(None, "- ATK", 10, "PKT", 150000, 1500 * s, januari=500 * s, februari=1000 * s),
        line(None, "- Konsumsi", 20, "OK", 37500, 750 * s, 250 * s, maret=750 * s),
        line("002", "Layanan Kampanye", jumlah=11600 * s, blokir=2000 * s),
        line("052", "Alat Peraga", jumlah=1000 * s),
        line("A", "Spanduk", jumlah=1000 * s),
        line("521211", "Belanja Bahan", jumlah=1000 * s, april=1000 * s),
        line(None, "- Spanduk", 4, "BH", 250000, 1000 * s, april=1000 * s),
        ["Halaman 2"],
        ["PETUNJUK OPERASIONAL KEGIATAN (POK)"],
        *head,  # rows 25-27
        line("053", "Monitoring", jumlah=10600 * s, blokir=2000 * s),
        line("524111", "Belanja Perjalanan Dinas Biasa", jumlah=10000 * s, blokir=2000 * s,
             januari=2000 * s, juni=8000 * s),
        line(None, "- Perjalanan ke KPU Provinsi", 5, "OK", 2000000, 10000 * s,
             januari=2000 * s, juni=8000 * s),
        line("521219", "Belanja Barang Non Operasional Lainnya", jumlah=600 * s,
             februari=600 * s),
        ["JUMLAH", None, None, None, None, 13850 * s, 2250 * s, None,  # row 32
         *[v * s for v in (2500, 1600, 750, 1000, 0, 8000, 0, 0, 0, 0, 0, 0)]],
    ]


def workbook(path, rows=None, order=None):
    """Save ``rows`` (default: the print) as sheet ``POK``; ``order`` permutes the columns."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "POK"
    for r in rows or print_rows():
        r = r + [None] * (20 - len(r))
        numbers = r == list(range(1, 21))  # the column numbers stay in print order
        ws.append([r[i] for i in order] if order and not numbers else r)
    if not order:
        ws.merge_cells("I6:T6")  # KEBUTUHAN DANA PER BULAN over the twelve months
    wb.save(path)
    return path


@pytest.fixture
def pok(tmp_path):
    return workbook(tmp_path / "pok_2025.xlsx")


def events(db):
    """(kind, code, akun, amount, month, jenis) of each event, and the names set."""
    from conftest import raw_rows

    return raw_rows(db, "SELECT kind, code, akun, amount, month, jenis, name, date, ref "
                        "FROM events ORDER BY seq")


def money(db):
    """The pagu and block events as {(kind, code, akun): amount}."""
    return {(k, c, a): amt for k, c, a, amt, *_ in events(db) if k in ("pagu", "block")}


def plans(db):
    return {m: amt for k, _c, _a, amt, m, _j, *_ in events(db) if k == "plan"}


JENIS_52 = {"2025-01": 2500000, "2025-02": 1600000, "2025-03": 750000, "2025-04": 1000000,
            "2025-05": 0, "2025-06": 8000000, **{f"2025-{m:02d}": 0 for m in range(7, 13)}}


# ------------------------------------------------------------------ the levels

def test_akun_level_is_the_default_akun_under_kegiatan(run, pok):
    """Two akun rows 521211 (under RO 001 and RO 002) are one pagu; details are summed;
    blokir from a detail row and from an akun row; amounts x 1,000."""
    result = run("import", pok, *POK)
    assert (result.exit_code, result.stdout) == (0, "18 new, 0 already recorded (head seq 18)\n")
    assert money(run.db) == {
        ("pagu", "CQ.6639", "521211"): 3250000,
        ("block", "CQ.6639", "521211"): 250000,
        ("pagu", "CQ.6639", "521219"): 600000,
        ("pagu", "CQ.6639", "524111"): 10000000,
        ("block", "CQ.6639", "524111"): 2000000,
    }
    assert plans(run.db) == JENIS_52
    rows = events(run.db)
    assert {(r[7], r[8]) for r in rows if r[0] != "name"} == {("2025-01-02", REF)}
    assert {r[5] for r in rows if r[0] == "plan"} == {"52"}
    assert ("name", "CQ", None, None, None, None, "PROGRAM PENYELENGGARAAN PEMILU",
            "2025-01-02", None) in rows
    assert {r[6] for r in rows if r[0] == "pagu"} == {"Fasilitasi Pilkada"}


def test_kegiatan_level_is_one_code_level_line(run, pok):
    assert run("import", pok, *POK, "--level", "kegiatan").exit_code == 0
    assert money(run.db) == {("pagu", "CQ.6639", None): 13850000,
                             ("block", "CQ.6639", None): 2250000}
    assert plans(run.db) == JENIS_52


def test_ro_level_tells_the_second_ro_from_a_komponen_by_the_printed_totals(run, pok):
    """002 follows RO 001 whose komponen (051: 2.250) make its total: a new RO. 053 follows
    RO 002 whose komponen so far (052: 1.000) fall short of 11.600: a komponen."""
    assert run("import", pok, *POK, "--level", "ro").exit_code == 0
    assert money(run.db) == {
        ("pagu", "CQ.6639.QMA.001", "521211"): 2250000,
        ("block", "CQ.6639.QMA.001", "521211"): 250000,
        ("pagu", "CQ.6639.QMA.002", "521211"): 1000000,
        ("pagu", "CQ.6639.QMA.002", "521219"): 600000,
        ("pagu", "CQ.6639.QMA.002", "524111"): 10000000,
        ("block", "CQ.6639.QMA.002", "524111"): 2000000,
    }
    names = {r[1]: r[6] for r in events(run.db) if r[0] == "name"}
    assert names == {"CQ": "PROGRAM PENYELENGGARAAN PEMILU", "CQ.6639": "Fasilitasi Pilkada",
                     "CQ.6639.QMA": "Layanan Pemilihan"}


def test_full_level_keeps_the_whole_path(run, pok):
    assert run("import", pok, *POK, "--level", "full").exit_code == 0
    assert money(run.db) == {
        ("pagu", "CQ.6639.QMA.001.051.A", "521211"): 2250000,
        ("block", "CQ.6639.QMA.001.051.A", "521211"): 250000,
        ("pagu", "CQ.6639.QMA.002.052.A", "521211"): 1000000,
        ("pagu", "CQ.6639.QMA.002.053", "521219"): 600000,
        ("pagu", "CQ.6639.QMA.002.053", "524111"): 10000000,
        ("block", "CQ.6639.QMA.002.053", "524111"): 2000000,
    }
    assert run("verify").exit_code == 0


def test_columns_are_found_by_their_header_text(run, tmp_path):
    """The same print with its columns in another order (BLOKIR last, months first)."""
    order = [0, 1, *range(8, 20), 2, 3, 4, 5, 7, 6]
    f = workbook(tmp_path / "pok.xlsx", order=order)
    assert run("import", f, *POK).exit_code == 0
    assert money(run.db)[("block", "CQ.6639", "524111")] == 2000000
    assert plans(run.db) == JENIS_52


def test_reimport_is_idempotent(run, pok):
    assert run("import", pok, *POK).exit_code == 0
    before = log_rows(run.db)
    result = run("import", pok, *POK)
    assert result.stdout == "0 new, 18 already recorded (head seq 18)\n"
    assert log_rows(run.db) == before


def test_a_pok_is_recognised_without_pok_when_date_and_ref_are_given(run, pok):
    result = run("import", pok, "--date", "2025-01-02", "--ref", REF)
    assert result.stdout == "18 new, 0 already recorded (head seq 18)\n"


# ------------------------------------------------------------------ the figures

def test_report_funds_and_rpd_hand_checked(run, pok):
    """Ceiling 13.850.000, blokir 2.250.000, available 11.600.000; an SP2D of 2.000.000 in
    January against a plan of 2.500.000: deviation 500.000 / 2.500.000 = 20,00 %."""
    assert run("import", pok, *POK).exit_code == 0
    assert run("record", "sp2d", "--date", "2025-01-20", "--code", "CQ.6639", "--akun",
               "521211", "--amount", "2000000", "--ref", "250101").exit_code == 0
    report = json.loads(run("report", "--as-of", "2025-01-31", "--by", "akun",
                            "--format", "json").stdout)
    total = report["rows"][0]
    assert (total["ceiling"], total["blocked"], total["realised"], total["available"]) == (
        13850000, 2250000, 2000000, 9600000)
    bahan = next(r for r in report["rows"] if r["code"] == "CQ.6639/521211")
    assert (bahan["ceiling"], bahan["blocked"], bahan["available"]) == (3250000, 250000, 1000000)
    assert next(r for r in report["rows"] if r["code"] == "CQ")["name"] == \
        "PROGRAM PENYELENGGARAAN PEMILU"
    funds = run("report", "--as-of", "2025-01-31", "--view", "funds").stdout
    assert "JUMLAH SELURUHNYA" in funds and "2.250.000" in funds and "9.600.000" in funds
    rpd = json.loads(run("rpd", "--as-of", "2025-01-31", "--format", "json").stdout)
    january = rpd["months"][0]
    assert january["jenis"] == [{"jenis": "52", "plan": 2500000, "realised": 2000000,
                                 "deviation_pct": 20.0}]
    assert january["weighted_deviation_pct"] == 20.0


# ------------------------------------------------------------------ refusals

def test_a_pok_in_rupiah_is_recognised_by_its_jumlah_row(run, tmp_path):
    f = workbook(tmp_path / "pok.xlsx", print_rows(scale=1000))
    refused(run, ["import", f, *POK],
            "row 32: rule 1: the POK is in rupiah, not in thousands of rupiah: its JUMLAH row "
            "holds 13.850.000, and its details' jumlah (13.250.000) are their volume × harga "
            "satuan in rupiah (13.250.000) instead of a thousandth of it; print the POK in "
            "thousands (ribuan rupiah), as SAKTI's Form Cetak POK does")


def test_a_missing_month_column_is_named(run, tmp_path):
    rows = print_rows()
    for r in rows:
        if "MEI" in r:
            r[r.index("MEI")] = None
    f = workbook(tmp_path / "pok.xlsx", rows)
    refused(run, ["import", f, *POK],
            "row 6: rule 1: the POK header has no column for Mei; a POK print has the monthly "
            "needs JANUARI … DESEMBER in twelve columns")


def test_a_jumlah_row_that_is_not_the_sum_of_the_lines(run, tmp_path):
    rows = print_rows()
    rows[-1][5] = 13851
    refused(run, ["import", workbook(tmp_path / "pok.xlsx", rows), *POK],
            "row 32: rule 1: the JUMLAH row holds 13.851 but the POK's lines add up to 13.850 "
            "(thousand rupiah)")


def test_an_akun_row_that_is_not_the_sum_of_its_details(run, tmp_path):
    rows = print_rows()
    rows[14][5] = 2300  # row 15: akun 521211 prints 2.300, its details 1.500 + 750
    refused(run, ["import", workbook(tmp_path / "pok.xlsx", rows), *POK],
            "row 15: rule 1: akun 521211 prints 2.300 under JUMLAH but its detail rows add up "
            "to 2.250 (thousand rupiah); correct the print")


def test_a_fraction_of_a_rupiah_is_refused(run, tmp_path):
    rows = print_rows()
    rows[30][5], rows[30][9] = 600.0005, 600.0005  # row 31: 600.000,5 rupiah
    rows[-1][5], rows[-1][9] = 13850.0005, 1600.0005
    refused(run, ["import", workbook(tmp_path / "pok.xlsx", rows), *POK],
            "row 31: rule 1: the JUMLAH of akun 521219 is 600,0005 thousand rupiah, which is "
            "not whole rupiah")


def test_the_year_of_the_date_must_be_the_poks(run, pok):
    refused(run, ["import", pok, "--pok", "--date", "2024-12-02", "--ref", REF],
            "rule 1: the POK is for TAHUN ANGGARAN 2025 but --date 2024-12-02 is in 2024; the "
            "opening events are dated in the budget year (e.g. --date 2025-01-02)")


def test_a_pok_imported_as_a_file_of_events_says_how(run, pok):
    refused(run, ["import", pok],
            f"rule 1: {pok} is a POK print (Form Cetak POK); import it with "
            "--pok --date D --ref R (the DIPA date and number)")


def test_a_pok_needs_date_and_ref(run, pok):
    result = run("import", pok, "--pok", "--date", "2025-01-02")
    assert (result.exit_code, result.stderr) == (
        2, "Error: a POK print needs --date (the DIPA date) and --ref (the DIPA number)\n")
    result = run("import", pok, "--level", "ro")
    assert (result.exit_code, result.stderr) == (
        2, "Error: --level applies to a POK print (--pok)\n")
    assert log_rows(run.db) == []


def test_a_pok_is_read_from_xlsx_only(run, tmp_path):
    f = tmp_path / "pok.csv"
    f.write_text("KODE,URAIAN,JUMLAH\n")
    refused(run, ["import", f, *POK],
            "rule 1: a POK print (--pok) is read from the .xlsx SAKTI gives (Form Cetak POK); "
            "open it in Excel and save it as .xlsx")


def test_blokir_above_the_line_is_rule_5(run, tmp_path):
    rows = print_rows()
    rows[30][6] = 700  # row 31: blokir 700 on a line of 600
    rows[-1][6] = 2950
    result = run("import", workbook(tmp_path / "pok.xlsx", rows), *POK)
    assert result.exit_code == 1 and "rule 5" in result.stderr
    assert log_rows(run.db) == []


def test_codes_as_the_print_writes_them():
    from anggaran.pok import _code_levels

    assert _code_levels("076.01.CQ") == [("program", "CQ")]
    assert _code_levels("6639.QMA.001") == [("kegiatan", "6639"), ("kro", "QMA"), ("ro", "001")]
    assert _code_levels("051") == [("three", "051")]  # RO or komponen: decided by the totals
    assert _code_levels("A") == [("sub", "A")]
    assert _code_levels("521211") == [("akun", "521211")]
    assert _code_levels("TAHUN ANGGARAN 2025") is None


# ------------------------------------------------------------------ review of issue 19

def _with_formulas(path, cells):
    """Write formulas into ``cells`` ({"I15": "=100*5"}) as a program does: no saved value."""
    wb = openpyxl.load_workbook(path)
    for ref, formula in cells.items():
        wb.active[ref] = formula
    wb.save(path)
    return path


@pytest.mark.parametrize("cells, message", [
    ({"I15": "=100*5", "I16": "=100*5"}, "row 15: rule 1: cell I15 (Januari)"),
    ({"G15": "=1", "G16": "=1", "G17": "=1"}, "row 15: rule 1: cell G15 (BLOKIR)"),
    ({"F32": "=SUM(F16:F31)"}, "row 32: rule 1: cell F32 (JUMLAH)"),
    ({"F16": "=10*150"}, "row 16: rule 1: cell F16 (JUMLAH)"),
])
def test_a_formula_without_a_saved_value_is_refused_naming_the_cell(run, tmp_path, cells,
                                                                     message):
    f = _with_formulas(workbook(tmp_path / "pok.xlsx"), cells)
    refused(run, ["import", f, *POK], message + " holds a formula without a saved value; "
            "open the file in Excel and save it again")


def test_a_pok_of_uncached_formulas_only_names_the_first_formula(run, tmp_path):
    rows = print_rows()
    f = workbook(tmp_path / "pok.xlsx", rows)
    letters = "FGIJKLMNOPQRST"
    cells = {f"{c}{n}": "=0+1" for n in range(9, 33) for c in letters
             if rows[n - 1][:1] != [None] or len(rows[n - 1]) > 5}
    cells = {k: v for k, v in cells.items() if int(k[1:]) not in (22, 23, 24, 25, 26, 27)}
    refused(run, ["import", _with_formulas(f, cells), *POK],
            "row 9: rule 1: cell F9 (JUMLAH) holds a formula without a saved value; open the "
            "file in Excel and save it again")


def test_formulas_with_saved_values_are_read():
    from anggaran.pok import read_print

    rows = [(n, r + [None] * (20 - len(r))) for n, r in enumerate(print_rows(), 1)]
    akuns, _names, _year, _unsure = read_print(rows, "test", frozenset({(15, 1)}))
    assert [a.akun for a in akuns] == ["521211", "521211", "524111", "521219"]


@pytest.mark.parametrize("column, value, message", [
    (6, 9999, "holds 9.999 under BLOKIR but the POK's lines add up to 2.250"),
    (8, 1, "holds 1 under JANUARI but the POK's lines add up to 2.500"),
    (12, None, "holds 0 under MEI but the POK's lines add up to 7"),
])
def test_the_jumlah_rows_blokir_and_months_are_the_sums_of_the_lines(run, tmp_path, column,
                                                                     value, message):
    rows = print_rows()
    rows[-1][column] = value
    if column == 12:  # Mei: a need of 7 on akun 521219 (row 31), the JUMLAH row blank
        rows[-1][5] = 13857
        rows[30][5], rows[30][12] = 607, 7
    refused(run, ["import", workbook(tmp_path / "pok.xlsx", rows), *POK],
            f"row 32: rule 1: the JUMLAH row {message} (thousand rupiah)")


def _without_prices(rows):
    for r in rows:
        if r and r[0] is None and len(r) > 4:
            r[2] = r[4] = None  # no VOLUME, no HARGA SATUAN: no per-detail evidence
    return rows


def test_a_jumlah_row_in_rupiah_over_lines_in_thousands_is_a_pok_in_rupiah(run, tmp_path):
    rows = _without_prices(print_rows())
    rows[-1] = rows[-1][:5] + [v * 1000 if isinstance(v, int) else v for v in rows[-1][5:]]
    refused(run, ["import", workbook(tmp_path / "pok.xlsx", rows), *POK],
            "row 32: rule 1: the JUMLAH row holds 13.850.000, a thousand times the sum of the "
            "POK's lines (13.850): the JUMLAH row is in rupiah, not in thousands of rupiah; "
            "print the POK in thousands (ribuan rupiah), as SAKTI's Form Cetak POK does")


def test_lines_in_rupiah_under_a_jumlah_row_in_thousands_are_refused(run, tmp_path):
    rows = _without_prices(print_rows(scale=1000))
    rows[-1] = print_rows()[-1]
    refused(run, ["import", workbook(tmp_path / "pok.xlsx", rows), *POK],
            "row 32: rule 1: the POK's lines add up to 13.850.000, a thousand times its JUMLAH "
            "row (13.850): the lines are in rupiah, not in thousands of rupiah; print the POK "
            "in thousands (ribuan rupiah), as SAKTI's Form Cetak POK does")


def test_a_title_in_rupiah_is_refused(run, tmp_path):
    rows = _without_prices(print_rows(scale=1000))
    rows[3] = ["(dalam rupiah)"]
    refused(run, ["import", workbook(tmp_path / "pok.xlsx", rows), *POK],
            "row 4: rule 1: the POK's title says '(dalam rupiah)': the POK is in rupiah, not "
            "in thousands of rupiah; print the POK in thousands (ribuan rupiah), as SAKTI's "
            "Form Cetak POK does")


def test_ro_level_refuses_to_guess_when_an_ro_total_is_blank(run, tmp_path):
    rows = print_rows()
    rows[11][5] = rows[11][6] = None  # row 12: RO 001 prints no JUMLAH: is 002 an RO?
    f = workbook(tmp_path / "pok.xlsx", rows)
    for level in ("ro", "full"):
        refused(run, ["import", f, *POK, "--level", level],
                "row 13: rule 1: the three-digit code on row 13 may be an RO or a komponen: the "
                "print leaves an RO's or a komponen's JUMLAH blank, or the komponen do not add "
                "up to their RO's JUMLAH, so the RO cannot be told from the komponen; import it "
                "at --level akun (or kegiatan), or print the RO with its KRO as a dotted code "
                "(QMA.001)")
    assert run("import", f, *POK).exit_code == 0  # the akun level needs no RO


def test_ro_level_refuses_when_the_komponen_do_not_make_the_ro(run, tmp_path):
    rows = print_rows()
    rows[12][5] = 2000  # row 13: komponen 051 prints 2.000 under RO 001's 2.250
    f = workbook(tmp_path / "pok.xlsx", rows)
    result = run("import", f, *POK, "--level", "ro")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("Error: row 18: rule 1: the three-digit code on row 18 may "
                                    "be an RO or a komponen")
    assert log_rows(run.db) == []


def test_a_line_of_zero_pagu_is_skipped(run, tmp_path):
    rows = print_rows()
    rows[17:17] = [line("059", "Komponen nol", jumlah=0), line("A", "Sub nol", jumlah=0),
                   line("521211", "Belanja Bahan", jumlah=0)]
    f = workbook(tmp_path / "pok.xlsx", rows)
    assert run("import", f, *POK, "--level", "full").exit_code == 0
    assert all(r[3] for r in events(run.db) if r[0] in ("pagu", "block"))
    assert not [r for r in events(run.db) if r[0] == "pagu" and "059" in r[1]]
    assert plans(run.db) == JENIS_52
