"""SAKTI's GLP039 report (Laporan Realisasi Super) as downloaded: ``reconcile`` reads it,
``report --format xlsx --layout glp039`` writes it.

No real report may be shipped, so the workbooks are built here from the Lumajang 2024
ledger, the way SAKTI lays them out (title block, two-row header with merged cells, one
row per level with its figures, JUMLAH rows, text as inline strings, figures as floats),
in both column variants the public parsers describe (everything one column apart, and
detail and total rows using different columns of a merged header span). The ledger holds
its lines per kegiatan and akun; the report splits each line over two komponen, so every
line is the sum of two deeper rows."""

import csv
import json
import re
import zipfile

import openpyxl
import pytest

from conftest import Run, write

AS_OF = ("--as-of", "2024-12-31", "--from", "2024-12-01")
SPLIT = ("ceiling", "locked", "realised_before", "realised_in_period")


def figures_of(row):
    return {f: row[f] for f in SPLIT + ("realised", "balance")}


def halves(row):
    """A line's figures split over two komponen rows, each consistent on its own."""
    a = {f: row[f] // 2 for f in SPLIT}
    b = {f: row[f] - a[f] for f in SPLIT}
    for h in (a, b):
        h["realised"] = h["realised_before"] + h["realised_in_period"]
        h["balance"] = h["ceiling"] - h["realised"]
    return a, b


def add(*figures):
    return {f: sum(x[f] for x in figures) for f in figures[0]}


def rows_from(rep, shifted):
    """``(kind, [(column, code)], name, figures)`` rows of a GLP039 report of ``rep``
    (``report --by akun`` as JSON): program, kegiatan, output QMA, suboutput 001, komponen
    051 and 052 (each with subkomponen A) and the akun rows, JUMLAH rows per kegiatan and
    for the satker."""
    c = 1 if shifted else 0
    out = []
    by_kegiatan = {}
    for r in rep["rows"]:
        if r["level"] == "akun":
            by_kegiatan.setdefault(r["code"].split("/")[0], []).append(r)
    for r in rep["rows"]:
        if r["level"] == "program":
            code = [(2 + c, r["code"])] if shifted else [(2, f"076.01.{r['code']}")]
            out.append(("level", code, r["name"], figures_of(r)))
        elif r["level"] == "kegiatan":
            keg = r["code"]
            lines = by_kegiatan[keg]
            split = {line["code"]: halves(line) for line in lines}
            komponen = [add(*(split[line["code"]][i] for line in lines)) for i in (0, 1)]
            out.append(("level", [(2 + c, keg if shifted else keg.split(".")[1])], r["name"],
                        figures_of(r)))
            out.append(("level", [(3 + c, "QMA")], "Layanan Pemilu", figures_of(r)))
            out.append(("level", [(3 + c, "QMA.001" if shifted else "001")], "Layanan", figures_of(r)))
            for i, komp in enumerate(("051", "052")):
                out.append(("level", [(5 + c, komp)], f"Komponen {komp}", komponen[i]))
                out.append(("level", [(6 + c, f"{komp}.0A" if shifted else "A")], "Subkomponen A",
                            komponen[i]))
                for line in lines:
                    out.append(("level", [(8 + c, line["code"].split("/")[1])], "Belanja",
                                split[line["code"]][i]))
            out.append(("jumlah", [], f"JUMLAH KEGIATAN {keg}", figures_of(r)))
    out.append(("jumlah", [], "JUMLAH SELURUHNYA", figures_of(rep["rows"][0])))
    return out


# The figures' header spans (first, last column) of the first variant; the second is one
# column to the right throughout. Detail rows use a span's first column, JUMLAH rows its
# last (so the parsers that disagree by one column are both right, for different rows).
SPANS = {"ceiling": (16, 17), "locked": (18, 19), "realised_before": (21, 22),
         "realised_in_period": (23, 23), "realised": (24, 25), "percent": (27, 28),
         "balance": (30, 31)}


def build(path, rep, shifted=False, doctor=None, sheet="GLP039_LAPORAN REALISASI SUPER ",
          period="PERIODE : 1 DESEMBER 2024 s.d. 31 DESEMBER 2024", satker="657757"):
    """A GLP039 workbook of ``rep``; ``doctor(kind, code_cells, name, figures)`` may change
    a row's figures in place. Returns ``{(row, field): cell}`` of the detail cells."""
    c = 1 if shifted else 0
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws["A1"] = "KEMENTERIAN NEGARA/LEMBAGA : 076 KOMISI PEMILIHAN UMUM"
    ws["A2"] = "LAPORAN REALISASI SUPER (GLP039)"
    ws["A3"] = f"SATKER : {satker} KPU KABUPATEN LUMAJANG"
    ws["A4"] = "TAHUN ANGGARAN : 2024"
    ws["A5"] = period
    heads = [(7, 2 + c, 8, 8 + c, "Kode"), (7, 9 + c, 8, 13 + c, "Uraian"),
             (7, 16 + c, 8, 17 + c, "Pagu Revisi"), (7, 18 + c, 8, 19 + c, "Lock Pagu"),
             (7, 21 + c, 7, 25 + c, "Realisasi"), (8, 21 + c, 8, 22 + c, "Periode Lalu"),
             (8, 23 + c, 8, 23 + c, "Periode Ini"), (8, 24 + c, 8, 25 + c, "s.d. Periode"),
             (7, 27 + c, 8, 28 + c, "%"), (7, 30 + c, 8, 31 + c, "Sisa Anggaran")]
    for r1, c1, r2, c2, text in heads:
        ws.cell(r1, c1, text)
        if (r1, c1) != (r2, c2):
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    row = 8
    for kind, code_cells, name, figures in rows_from(rep, shifted):
        if doctor:
            doctor(kind, code_cells, name, figures)
        row += 1
        for col, code in code_cells:
            ws.cell(row, col, code)
        name_col = 2 + c if kind == "jumlah" else max([col for col, _ in code_cells]) + 6
        ws.cell(row, name_col, name)
        for field, (first, last) in SPANS.items():
            col = (last if kind == "jumlah" else first) + c
            if field == "percent":
                value = round(100 * figures["realised"] / figures["ceiling"], 2) if figures["ceiling"] else 0.0
            else:
                value = float(figures[field])
            ws.cell(row, col, value)
    ws.cell(row + 2, 20 + c, "Lumajang, 31 Desember 2024")
    ws.cell(row + 3, 20 + c, "Kuasa Pengguna Anggaran")
    book.save(path)
    return inline_strings_and_exponents(path)


def inline_strings_and_exponents(path):
    """Rewrite the sheet as SAKTI's export stores it: text as inline strings (openpyxl
    writes them so already; shared strings are turned into them if not), figures in
    exponent notation (``2.037392E10``)."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    if "xl/sharedStrings.xml" in parts:
        shared = re.findall(r"<si><t[^>]*>(.*?)</t></si>", parts["xl/sharedStrings.xml"].decode(), re.S)
        sheet = re.sub(r'<c ([^>]*?)t="s"([^>]*)><v>([0-9]+)</v></c>',
                       lambda m: f'<c {m[1]}t="inlineStr"{m[2]}><is><t>{shared[int(m[3])]}</t></is></c>',
                       sheet)
    sheet = re.sub(r'(<c [^>]*t="n"[^>]*><v>)(-?[0-9]+)(</v>)',
                   lambda m: m[1] + exponent(int(m[2])) + m[3], sheet)
    assert 't="s"' not in sheet and "inlineStr" in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def exponent(n):
    if n == 0:
        return "0.0"
    digits = str(abs(n)).rstrip("0")
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return f"{'-' if n < 0 else ''}{mantissa}E{len(str(abs(n))) - 1}"


@pytest.fixture(scope="module")
def rep(lumajang):
    result = Run(lumajang)("report", *AS_OF, "--by", "akun", "--format", "json")
    return json.loads(result.stdout)


def reconcile(run, path, *args):
    result = run("reconcile", path, "--format", "json", *args)
    assert result.stderr == "", result.stderr
    return result.exit_code, json.loads(result.stdout)["differences"]


def refused_with(run, path, message, *args):
    result = run("reconcile", path, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")


# ------------------------------------------------------------------ reading SAKTI's report

@pytest.mark.parametrize("shifted", [False, True], ids=["P-variant", "Q-variant"])
def test_its_own_glp039_reconciles_in_either_column_variant(run_lj, rep, tmp_path, shifted):
    path = build(tmp_path / "glp039.xlsx", rep, shifted)
    result = run_lj("reconcile", path)  # the as-of date is the report's period end
    assert (result.exit_code, result.stdout) == (
        0, "No differences: the statement matches the ledger as of 2024-12-31.\n")


def test_the_exponent_and_inline_string_forms_are_what_is_read(rep, tmp_path):
    path = build(tmp_path / "glp039.xlsx", rep)
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>1.07905482E11</v>" in sheet and "<is><t>JUMLAH SELURUHNYA</t></is>" in sheet


def doctor_line(field, delta, where="051", akun="521211", kegiatan="CQ.6639"):
    """Change one detail cell of an akun row of komponen ``where`` of ``kegiatan``."""
    state = {"kegiatan": None, "komponen": None}

    def doctor(kind, code_cells, name, figures):
        for _col, code in code_cells:
            if re.fullmatch(r"(CQ|WA)\.[0-9]{4}|[0-9]{4}", code):
                state["kegiatan"] = code if "." in code else "CQ." + code
            if code in ("051", "052"):
                state["komponen"] = code
            if (code == akun and state["komponen"] == where
                    and state["kegiatan"].endswith(kegiatan.split(".")[1])):
                figures[field] += delta
    return doctor


def test_a_doctored_lock_pagu_is_reported_on_its_line_and_nowhere_else(run_lj, rep, tmp_path):
    path = build(tmp_path / "glp039.xlsx", rep, doctor=doctor_line("locked", 5_000_000))
    status, found = reconcile(run_lj, path)
    assert status == 1
    assert found == [
        {"code": "CQ.6639", "akun": "521211", "field": "locked", "statement": 5_000_000,
         "ledger": 0, "difference": 5_000_000, "kind": "mismatch"},
        # The subkomponen above it still says 0: the report is not the sum of its rows.
        {"code": "CQ.6639.QMA.001.051.A", "akun": None, "field": "locked", "statement": 0,
         "ledger": None, "difference": None, "kind": "statement_inconsistent",
         "expected": 5_000_000}]


def test_a_doctored_periode_ini_is_compared_after_summing_the_deeper_rows(run_lj, rep, tmp_path):
    line = next(r for r in rep["rows"] if r["code"] == "CQ.6639/521211")

    doctor = doctor_line("realised_in_period", 1_000, where="052")

    def consistent(kind, code_cells, name, figures):
        before = dict(figures)
        doctor(kind, code_cells, name, figures)
        if figures != before:  # keep the row itself consistent: s.d. periode and sisa follow
            figures["realised"] += 1_000
            figures["balance"] -= 1_000

    path = build(tmp_path / "glp039.xlsx", rep, doctor=consistent)
    status, found = reconcile(run_lj, path)
    assert status == 1
    mismatches = [d for d in found if d["kind"] == "mismatch"]
    assert mismatches == [
        {"code": "CQ.6639", "akun": "521211", "field": "realised_in_period",
         "statement": line["realised_in_period"] + 1_000, "ledger": line["realised_in_period"],
         "difference": 1_000, "kind": "mismatch"},
        {"code": "CQ.6639", "akun": "521211", "field": "realised",
         "statement": line["realised"] + 1_000, "ledger": line["realised"],
         "difference": 1_000, "kind": "mismatch"}]
    # The subkomponen above the row no longer adds up; nothing else is touched.
    assert {(d["code"], d["field"]) for d in found if d["kind"] == "statement_inconsistent"} == {
        ("CQ.6639.QMA.001.052.A", f) for f in ("realised_in_period", "realised", "balance")}


def test_a_sisa_that_does_not_add_up_is_reported_not_skipped(run_lj, rep, tmp_path):
    path = build(tmp_path / "glp039.xlsx", rep, shifted=True, doctor=doctor_line("balance", 1))
    status, found = reconcile(run_lj, path)
    assert status == 1
    line = halves(next(r for r in rep["rows"] if r["code"] == "CQ.6639/521211"))[0]
    sub = next(d for d in found if d["akun"] is None)
    assert found == [
        sub,
        {"code": "CQ.6639.QMA.001.051.A", "akun": "521211", "field": "balance",
         "statement": line["balance"] + 1, "ledger": None, "difference": None,
         "kind": "statement_inconsistent", "expected": line["balance"]}]
    assert (sub["code"], sub["field"], sub["kind"]) == (
        "CQ.6639.QMA.001.051.A", "balance", "statement_inconsistent")
    assert sub["expected"] == sub["statement"] + 1


def test_a_line_missing_from_either_side(run_lj, rep, tmp_path):
    def drop_and_add(kind, code_cells, name, figures):
        if [code for _, code in code_cells] == ["511119"]:
            code_cells[0] = (code_cells[0][0], "511999")
    path = build(tmp_path / "glp039.xlsx", rep, doctor=drop_and_add)
    status, found = reconcile(run_lj, path)
    assert status == 1
    got = [(d["code"], d["akun"], d["field"], d["kind"]) for d in found]
    assert got == [
        ("WA.3355.QMA.001.051.A", "511999", "ceiling", "missing_in_ledger"),
        ("WA.3355.QMA.001.051.A", "511999", "realised", "missing_in_ledger"),
        ("WA.3355.QMA.001.052.A", "511999", "ceiling", "missing_in_ledger"),
        ("WA.3355.QMA.001.052.A", "511999", "realised", "missing_in_ledger"),
        ("WA.3355", "511119", "ceiling", "missing_in_statement"),
        ("WA.3355", "511119", "realised", "missing_in_statement")]


def test_as_of_overrides_the_period_of_the_title(run_lj, rep, tmp_path):
    path = build(tmp_path / "glp039.xlsx", rep)
    status, found = reconcile(run_lj, path, "--as-of", "2024-11-30")
    assert status == 1 and {d["kind"] for d in found} == {"mismatch"}
    path = build(tmp_path / "undated.xlsx", rep, period="PERIODE : -")
    refused_with(run_lj, path, f"{path} names no period in its title (PERIODE ...); give the "
                 "report's period end with --as-of")
    assert reconcile(run_lj, path, "--as-of", "2024-12-31") == (0, [])
    path = build(tmp_path / "month.xlsx", rep, period="PERIODE : DESEMBER 2024")
    assert reconcile(run_lj, path) == (0, [])


def test_a_csv_saved_from_the_report_reconciles(run_lj, rep, tmp_path):
    """Saved as CSV the merged cells are gone: a header's text stands in its first column
    only, and the JUMLAH rows' figures in the column after it."""
    book = openpyxl.load_workbook(build(tmp_path / "glp039.xlsx", rep, shifted=True), data_only=True)
    out = tmp_path / "glp039.csv"
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        for values in book.active.iter_rows(values_only=True):
            w.writerow(["" if v is None else f"{v:.0f}" if isinstance(v, float) and v.is_integer()
                        else v for v in values])
    assert reconcile(run_lj, out) == (0, [])


# ------------------------------------------------------------------ bad workbooks

def test_a_workbook_that_is_not_glp039(run_lj, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Nomor SP2D", "Tanggal", "Nilai"])
    book.save(tmp_path / "other.xlsx")
    path = tmp_path / "other.xlsx"
    # not GLP039: read as a plain statement, whose header it is not either
    result = run_lj("reconcile", path)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: unknown statement column 'Nomor SP2D'; accepted: ")


def test_a_plain_statement_workbook(run_lj, tmp_path):
    """The contract's statement (code,ceiling,realised) as an .xlsx, as for CSV."""
    book = openpyxl.Workbook()
    book.active.append(["code", "ceiling", "realised"])
    book.active.append(["WA.3355", 2_585_200_000, 2_509_948_224.0])
    path = tmp_path / "statement.xlsx"
    book.save(path)
    result = run_lj("reconcile", path, "--as-of", "2024-12-31", "--format", "json")
    assert result.exit_code == 1, result.output
    found = json.loads(result.stdout)["differences"]
    assert [d for d in found if d["kind"] != "missing_in_statement"] == [
        {"code": "WA.3355", "akun": None, "field": "realised", "statement": 2509948224,
         "ledger": 2509848224, "difference": 100000, "kind": "mismatch"}]


def test_a_glp039_sheet_without_its_header(run_lj, rep, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "GLP039_LAPORAN REALISASI SUPER"
    book.active.append(["Kode", "Uraian", "Pagu"])
    path = tmp_path / "g.xlsx"
    book.save(path)
    refused_with(run_lj, path, f"{path} has no header row with 'Pagu Revisi': it is not a GLP039 "
                 "report as SAKTI gives it")


def test_a_figure_that_is_not_whole_rupiah_names_its_cell(run_lj, rep, tmp_path):
    path = build(tmp_path / "glp039.xlsx", rep)
    book = openpyxl.load_workbook(path)
    ws = book.active
    ws["P9"] = 105136831000.5
    book.save(path)
    refused_with(run_lj, path, "GLP039 cell P9: 105136831000.5 is not whole rupiah")


def test_two_columns_of_a_span_that_disagree(run_lj, rep, tmp_path):
    path = build(tmp_path / "glp039.xlsx", rep)
    book = openpyxl.load_workbook(path)
    book.active["Q9"] = 1
    book.save(path)
    refused_with(run_lj, path, "GLP039 cells P9 and Q9 both hold Pagu Revisi, with different amounts")


def test_another_satkers_report(run_lj, rep, tmp_path):
    path = build(tmp_path / "glp039.xlsx", rep, satker="123456")
    refused_with(run_lj, path, f"{path} is the GLP039 report of satker 123456, and this ledger is "
                 "satker 657757; reconcile it with that satker's ledger")


def test_an_xls_file_is_refused_with_the_way_out(run_lj, tmp_path):
    path = write(tmp_path / "glp039.xls", "not really")
    refused_with(run_lj, path, f"{path} is an .xls workbook, which anggaran cannot read; open it "
                 "in Excel or LibreOffice and save it as .xlsx (Excel Workbook)")


# ------------------------------------------------------------------ report --layout glp039

def test_report_layout_glp039_reconciles_with_the_ledger(run_lj, tmp_path):
    out = tmp_path / "glp039.xlsx"
    result = run_lj("report", *AS_OF, "--format", "xlsx", "--layout", "glp039", "--output", out)
    assert (result.exit_code, result.stdout) == (0, f"Wrote {out}\n")
    ws = openpyxl.load_workbook(out).active
    assert ws.title == "GLP039_LAPORAN REALISASI SUPER"
    assert "P7:Q8" in {str(m) for m in ws.merged_cells.ranges}
    assert reconcile(run_lj, out) == (0, [])


DEEP = ("kind,date,code,akun,amount,ref\n"
        "pagu,2024-01-02,CQ.6639.QMA.001.051.A,521211,1000000,DIPA-01\n"
        "pagu,2024-01-02,CQ.6639.QMA.001.052.A,521211,500000,DIPA-01\n"
        "pagu,2024-01-02,CQ.6709,,300000,DIPA-01\n"
        "lock,2024-02-01,CQ.6639.QMA.001.052.A,521211,20000,L-01\n"
        "sp2d,2024-03-15,CQ.6639.QMA.001.051.A,521211,100000,S1\n"
        "sp2d,2024-12-15,CQ.6709,521211,150000,S3\n")


def test_report_layout_glp039_of_deep_and_code_level_lines(run, tmp_path):
    assert run("import", write(tmp_path / "l.csv", DEEP)).exit_code == 0
    out = tmp_path / "glp039.xlsx"
    assert run("report", *AS_OF, "--format", "xlsx", "--layout", "glp039", "--output", out).exit_code == 0
    ws = openpyxl.load_workbook(out).active
    codes = [c for row in ws.iter_rows(min_row=9, max_col=8, values_only=True) for c in row if c]
    assert codes[:9] == ["CQ", "Penyelenggaraan Pemilu dalam Proses Konsolidasi Demokrasi",
                         "CQ.6639", "QMA", "001", "051", "A", "521211", "052"]
    assert reconcile(run, out) == (0, [])


def test_layout_glp039_needs_xlsx(run_lj, tmp_path):
    result = run_lj("report", "--layout", "glp039")
    assert result.exit_code == 2
    assert "--layout glp039 needs --format xlsx" in result.stderr


# ------------------------------------------------------------------ review fixes

@pytest.mark.parametrize("cell", ["P15", "AD15"], ids=["pagu", "sisa"])
def test_a_formula_without_a_saved_value_names_its_cell(run_lj, rep, tmp_path, cell):
    path = build(tmp_path / "glp039.xlsx", rep)
    book = openpyxl.load_workbook(path)
    book.active[cell] = "=1+1"  # openpyxl saves no value for it, as a never-opened file
    book.save(path)
    refused_with(run_lj, path, f"GLP039 cell {cell} holds a formula without a saved value; "
                 "open the file in Excel and save it again")


def test_a_plain_statement_with_a_formula_without_a_saved_value(run_lj, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["code", "ceiling", "realised"])
    book.active.append(["WA.3355", 2_585_200_000, "=1+1"])
    path = tmp_path / "statement.xlsx"
    book.save(path)
    refused_with(run_lj, path, f"{path} cell C2 holds a formula without a saved value; open "
                 "the file in Excel and save it again", "--as-of", "2024-12-31")


@pytest.mark.parametrize("code", ["52121", ""], ids=["unknown", "blank"])
def test_a_csv_row_with_figures_and_no_code_is_refused(run_lj, rep, tmp_path, code):
    book = openpyxl.load_workbook(build(tmp_path / "glp039.xlsx", rep), data_only=True)
    rows = [["" if v is None else f"{v:.0f}" if isinstance(v, float) and v.is_integer() else v
             for v in r] for r in book.active.iter_rows(values_only=True)]
    assert rows[14][7] == "521211"
    rows[14][7] = code
    out = tmp_path / "glp039.csv"
    with open(out, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    refused_with(run_lj, out, "GLP039 row 15 has figures but no code and is no JUMLAH row; a "
                 "GLP039 row starts with its code")


@pytest.mark.parametrize("short", [lambda k: k.split(".")[1], lambda k: "076.01." + k.split(".")[0]],
                         ids=["kegiatan", "program"])
def test_a_jumlah_row_naming_its_code_short(run_lj, rep, tmp_path, monkeypatch, short):
    import test_glp039 as me

    orig = me.rows_from

    def rows(rep, shifted):
        return [(k, cc, "JUMLAH KEGIATAN " + short(name.split()[-1])
                 if k == "jumlah" and name.startswith("JUMLAH KEGIATAN") else name, fig)
                for k, cc, name, fig in orig(rep, shifted)]
    monkeypatch.setattr(me, "rows_from", rows)
    path = build(tmp_path / "glp039.xlsx", rep)
    if short("CQ.6639") == "6639":
        assert reconcile(run_lj, path) == (0, [])
    else:  # the program's code with the kegiatan's figures: the program's row, not the satker's
        status, found = reconcile(run_lj, path)
        assert status == 1 and {(d["code"], d["kind"]) for d in found} == {
            ("CQ", "statement_inconsistent"), ("WA", "statement_inconsistent")}


CODE_LEVEL = ("kind,date,code,akun,amount,ref\n"
              "pagu,2024-01-02,CQ.6639,,700000,DIPA-01\n"
              "pagu,2024-01-02,CQ.6639.QMA.001,,400000,DIPA-01\n"
              "pagu,2024-01-02,CQ.6639.QMA.002,521211,1000000,DIPA-01\n"
              "lock,2024-02-01,CQ.6639,,20000,L-01\n"
              "sp2d,2024-03-15,CQ.6639,521211,100000,S1\n"
              "sp2d,2024-12-15,CQ.6639.QMA.001,521219,50000,S2\n"
              "sp2d,2024-12-16,CQ.6639,521213,60000,S3\n"
              "sp2d,2024-12-17,CQ.6639.QMA.002,521211,70000,S4\n")


def write_glp039(run, tmp_path, ledger):
    assert run("import", write(tmp_path / "l.csv", ledger)).exit_code == 0
    out = tmp_path / "glp039.xlsx"
    return out, run("report", *AS_OF, "--format", "xlsx", "--layout", "glp039", "--output", out)


def test_a_code_level_line_beside_deeper_lines_reconciles(run, tmp_path):
    out, result = write_glp039(run, tmp_path, CODE_LEVEL)
    assert result.exit_code == 0, result.output
    assert reconcile(run, out) == (0, [])


def ledger_at(code):
    return ("kind,date,code,akun,amount,ref\n"
            f"pagu,2024-01-02,{code},521211,1000000,DIPA-01\n"
            "pagu,2024-01-02,CQ.6639.QMA.001,521219,500000,DIPA-01\n"
            f"sp2d,2024-12-15,{code},521211,100000,S1\n")


@pytest.mark.parametrize("code", ["CQ.6639.QMA.001.051.A", "CQ.6639.QMA.001.051", "CQ.6639.QMA",
                                  "CQ.6639.051", "CQ.6639.QMA.051.001", "CQ.6639"])
def test_the_layout_round_trips_every_code_it_accepts(run, tmp_path, code):
    out, result = write_glp039(run, tmp_path, ledger_at(code))
    assert result.exit_code == 0, result.output
    assert reconcile(run, out) == (0, [])


@pytest.mark.parametrize("code", ["CQ.6639.12", "CQ.6639.QMA.A1", "CQ.6639.QMA.001.051.A.B",
                                  "CQ.6639.QMA.001.051.A.B.C"])
def test_the_layout_refuses_a_code_it_cannot_hold(run, tmp_path, code):
    out, result = write_glp039(run, tmp_path, ledger_at(code))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"Error: the GLP039 layout cannot hold the code {code}: reconcile "
                             "could not read it back (GLP039 prints codes shaped like "
                             "CQ.6639.QMA.001.051.A); write this report with --layout official\n")
    assert not out.exists()
