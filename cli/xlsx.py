"""Excel output (``--format xlsx --output FILE``): the report and absorption tables as a
real workbook an officer pastes into the LKj: rupiah with thousands separators, two-decimal
percentages, bold total and program rows, a frozen header."""

import os

from anggaran.errors import AnggaranError

from .render import HEADERS

MONEY_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00"


def _book():
    import openpyxl
    return openpyxl.Workbook()


def _save(book, path):
    if os.path.isdir(path):
        raise AnggaranError(f"{path} is a folder; give a file name ending in .xlsx")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise AnggaranError(f"folder {folder} does not exist; create it first")
    try:
        book.save(path)
    except OSError as e:
        raise AnggaranError(f"cannot write {path}: {e.strerror}") from None


def _header(ws, titles, headers):
    from openpyxl.styles import Alignment, Font

    for title in titles:
        ws.append([title])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.append([])
    ws.append(headers)
    row = ws.max_row
    for col in range(1, len(headers) + 1):
        cell = ws.cell(row, col)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    ws.freeze_panes = f"A{row + 1}"
    return row


def report(rep, path, locale="id"):
    """Write ``ledger.report(...)`` to an .xlsx file."""
    from openpyxl.styles import Font

    h = HEADERS
    book = _book()
    ws = book.active
    ws.title = "Realisasi"
    keys = ("ceiling", "locked", "realised_before", "realised_in_period", "realised",
            "absorption_pct", "balance")
    titles = [h["title"].format(year=rep["year"]), h["satker"].format(**rep["satker"]),
              h["period"].format(start=rep["from"], as_of=rep["as_of"])
              + (" (" + h["known"].format(known=rep["known_at"]) + ")" if rep["known_at"] else "")]
    _header(ws, titles, [h["kode"], h["uraian"]] + [h[k] for k in keys])
    for r in rep["rows"]:
        values = [r["code"], r["name"]] + [float(r[k]) if k == "absorption_pct" else r[k] for k in keys]
        ws.append(values)
        row = ws.max_row
        for col, key in enumerate(keys, start=3):
            ws.cell(row, col).number_format = PERCENT_FORMAT if key == "absorption_pct" else MONEY_FORMAT
        if r["level"] in ("total", "program"):
            for col in range(1, len(values) + 1):
                ws.cell(row, col).font = Font(bold=True)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 60
    for letter in "CDEFGHI":
        ws.column_dimensions[letter].width = 18
    _save(book, path)


def absorption(result, path, locale="id"):
    """Write ``ledger.absorption(...)`` to an .xlsx file: months down, jenis across,
    with the quarter targets beside each figure."""
    from openpyxl.styles import Font

    book = _book()
    ws = book.active
    ws.title = "Penyerapan"
    headers = ["Bulan"]
    for r in result["rows"]:
        label = f"{r['jenis']} {r['name']}" if r["jenis"] else r["name"]
        headers += [f"{label} %", "Target %"]
    _header(ws, [f"{result['satker']['code']} {result['satker']['name']} — {result['year']}"], headers)
    for i in range(12):
        values = [f"{result['year']}-{i + 1:02d}"]
        for r in result["rows"]:
            m = r["months"][i]
            values += [float(m["absorption_pct"]),
                       float(m["target_pct"]) if m["target_pct"] is not None else None]
        ws.append(values)
        row = ws.max_row
        for col in range(2, len(values) + 1):
            ws.cell(row, col).number_format = PERCENT_FORMAT
        for j, r in enumerate(result["rows"]):
            if r["months"][i]["below_target"]:
                ws.cell(row, 2 + 2 * j).font = Font(bold=True, color="C00000")
    for col in range(1, len(headers) + 1):
        ws.column_dimensions[ws.cell(1, col).column_letter].width = 16
    _save(book, path)
