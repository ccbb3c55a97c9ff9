"""Excel output (``--format xlsx --output FILE``): the report (either view) and absorption tables as a
real workbook an officer pastes into the LKj: rupiah with thousands separators, two-decimal
percentages, bold total and program rows, a frozen header.

Every text is a text cell, never a formula: openpyxl would store a name such as
``=HYPERLINK(...)`` as a live formula, so ``_append`` marks each str cell as a string."""

from anggaran.errors import AnggaranError

MONEY_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00"


def _book():
    import openpyxl
    return openpyxl.Workbook()


def _save(book, path, force=False, protect=()):
    """Save through a temporary file and a rename (``anggaran.outputs``): an existing file,
    a link or the ledger itself is refused as for every file anggaran writes."""
    from anggaran import outputs

    with outputs.new_file(path, force, protect, suffix=".xlsx") as tmp:
        try:
            book.save(tmp)
        except OSError as e:
            raise AnggaranError(f"cannot write {path}: {e.strerror}") from None


def _append(ws, values):
    """Append a row; its text cells hold the text itself, never a formula."""
    ws.append(values)
    row = ws.max_row
    for col, value in enumerate(values, start=1):
        if isinstance(value, str):
            ws.cell(row, col).data_type = "s"
    return row


def _header(ws, titles, headers):
    from openpyxl.styles import Alignment, Font

    for title in titles:
        ws.cell(_append(ws, [title]), 1).font = Font(bold=True)
    ws.append([])
    row = _append(ws, headers)
    for col in range(1, len(headers) + 1):
        cell = ws.cell(row, col)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    ws.freeze_panes = f"A{row + 1}"
    return row


def report(rep, path, locale="id", force=False, protect=(), view="official"):
    """Write ``ledger.report(...)`` to an .xlsx file, in the columns of ``view``
    (``render.VIEWS``: the official report, or the funds view)."""
    from .render import VIEWS, report_titles

    v = VIEWS[view]
    _figure_sheet("Realisasi" if view == "official" else "Pagu Tersedia", report_titles(rep, v),
                  v, rep["rows"], ("total", "program"), (18, 60), path, force, protect)


def consolidate(result, path, locale="id", force=False, protect=()):
    """Write the consolidation to an .xlsx file: the titles, a row per total, group, satker
    (or jenis) with every figure as a number, bold total and group rows, frozen header."""
    from .render import CONSOLIDATE_VIEW, consolidate_titles

    _figure_sheet("Konsolidasi", consolidate_titles(result), CONSOLIDATE_VIEW, result["rows"],
                  ("total", "group"), (12, 50), path, force, protect)


def _figure_sheet(title, titles, view, rows, bold, widths, path, force, protect):
    """One sheet of report-shaped rows: code, name, then ``view``'s figure columns as
    numbers (money, or a percentage), the rows of the ``bold`` levels in bold."""
    from openpyxl.styles import Font

    h, keys = view.headers, view.columns
    book = _book()
    ws = book.active
    ws.title = title
    _header(ws, titles, [h["kode"], h["uraian"]] + [h[k] for k in keys])
    for r in rows:
        values = [r["code"], r["name"]] + [float(r[k]) if k == "absorption_pct" else r[k] for k in keys]
        row = _append(ws, values)
        for col, key in enumerate(keys, start=3):
            ws.cell(row, col).number_format = PERCENT_FORMAT if key == "absorption_pct" else MONEY_FORMAT
        if r["level"] in bold:
            for col in range(1, len(values) + 1):
                ws.cell(row, col).font = Font(bold=True)
    ws.column_dimensions["A"].width = widths[0]
    ws.column_dimensions["B"].width = widths[1]
    for col in range(3, 3 + len(keys)):
        ws.column_dimensions[ws.cell(1, col).column_letter].width = 18
    _save(book, path, force, protect)


def absorption(result, path, locale="id", force=False, protect=()):
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
        row = _append(ws, values)
        for col in range(2, len(values) + 1):
            ws.cell(row, col).number_format = PERCENT_FORMAT
        for j, r in enumerate(result["rows"]):
            if r["months"][i]["below_target"]:
                ws.cell(row, 2 + 2 * j).font = Font(bold=True, color="C00000")
    for col in range(1, len(headers) + 1):
        ws.column_dimensions[ws.cell(1, col).column_letter].width = 16
    _save(book, path, force, protect)


def bendahara(result, path, locale="id", force=False, protect=()):
    """Write ``ledger.bendahara(...)`` to an .xlsx file: one sheet per section (UP, GUP per
    month, TUP) under the titles, amounts as numbers, and the warnings on the first."""
    from openpyxl.styles import Font

    from .render import bendahara_sections

    titles, sections, warnings = bendahara_sections(result, lambda v: v)
    book = _book()
    first = True
    for heading, headers, _aligns, rows in sections:
        ws = book.active if first else book.create_sheet()
        ws.title = heading[:31]
        _header(ws, titles, headers)
        for values in rows:
            row = _append(ws, values)
            for col, value in enumerate(values, start=1):
                if isinstance(value, int):
                    ws.cell(row, col).number_format = MONEY_FORMAT
        if first:
            ws.append([])
            ws.cell(_append(ws, ["Peringatan"]), 1).font = Font(bold=True)
            for warning in warnings or ["tidak ada"]:
                _append(ws, [warning])
        for col in range(1, len(headers) + 1):
            ws.column_dimensions[ws.cell(1, col).column_letter].width = 18 if col > 1 else 40
        first = False
    _save(book, path, force, protect)


def rpd(result, path, locale="id", force=False, protect=()):
    """Write ``ledger.rpd(...)`` to an .xlsx file: a row per month and jenis, amounts and
    percentages as numbers, the average under the table."""
    from openpyxl.styles import Font

    from .render import RPD_KEYS, rpd_rows, rpd_titles

    book = _book()
    ws = book.active
    ws.title = "RPD"
    headers = ["Bulan", "Jenis", "RPD", "Realisasi", "Deviasi %", "Deviasi Tertimbang %"]
    _header(ws, rpd_titles(result), headers)
    for r in rpd_rows(result):
        values = [float(r[k]) if k.endswith("_pct") and r[k] is not None else r[k]
                  for k in RPD_KEYS]
        row = _append(ws, values)
        for col in (3, 4):
            ws.cell(row, col).number_format = MONEY_FORMAT
        for col in (5, 6):
            ws.cell(row, col).number_format = PERCENT_FORMAT
    ws.append([])
    average = result["average_deviation_pct"]
    row = _append(ws, ["Rata-rata deviasi tertimbang", None, None, None, None,
                       None if average is None else float(average)])
    ws.cell(row, 1).font = Font(bold=True)
    ws.cell(row, 6).number_format = PERCENT_FORMAT
    for col in range(1, len(headers) + 1):
        ws.column_dimensions[ws.cell(1, col).column_letter].width = 18
    _save(book, path, force, protect)


def ikpa(result, path, locale="id", force=False, protect=()):
    """Write ``ledger.ikpa(...)`` to an .xlsx file: a row per indicator (weight and score as
    numbers, * when unconfirmed) with its trace lines indented under it, then the total
    and band."""
    from openpyxl.styles import Alignment, Font

    from .render import IKPA_HEADERS, ikpa_rows, ikpa_titles

    _cells, traces, footer = ikpa_rows(result, locale)
    book = _book()
    ws = book.active
    ws.title = "IKPA"
    _header(ws, ikpa_titles(result), IKPA_HEADERS + ["Belum dikonfirmasi"])
    for i, trace in zip(result["indicators"], traces):
        score = None if i["score"] is None else float(i["score"])
        weight = "pengurang" if i["weight"] is None else i["weight"]
        row = _append(ws, [i["name"], weight, score, "*" if i["unconfirmed"] else None])
        ws.cell(row, 1).font = Font(bold=True)
        ws.cell(row, 3).number_format = PERCENT_FORMAT
        for text in trace:
            ws.cell(_append(ws, [text]), 1).alignment = Alignment(indent=2)
    ws.append([])
    total = None if result["total"] is None else float(result["total"])
    row = _append(ws, [f"Nilai IKPA ({result['band']})", None, total, None])
    ws.cell(row, 1).font = ws.cell(row, 3).font = Font(bold=True)
    ws.cell(row, 3).number_format = PERCENT_FORMAT
    for text in footer[1:]:
        _append(ws, [text.strip()])
    ws.column_dimensions["A"].width = 60
    for col in ("B", "C", "D"):
        ws.column_dimensions[col].width = 18
    _save(book, path, force, protect)


def glp039(rep, path, locale="id", force=False, protect=()):
    """Write ``ledger.report(..., by="akun")`` in the layout of SAKTI's GLP039 report
    (``anggaran.glp039``: title block, two-row header with merged cells, every level down
    to the akun with its figures, the JUMLAH row), to lay beside the downloaded one;
    ``reconcile`` reads it back as it reads SAKTI's."""
    from openpyxl.styles import Alignment, Font

    from anggaran import glp039 as layout
    from anggaran.money import percent

    book = _book()
    ws = book.active
    ws.title = layout.SHEET
    for title in layout.titles(rep):
        ws.cell(_append(ws, [title]), 1).font = Font(bold=True)
    top = ws.max_row + 2
    bold, center = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)
    heads = [(top, layout.CODE_COLUMN["program"], top + 1, layout.CODE_COLUMN["akun"], "Kode"),
             (top, layout.NAME_COLUMN["kegiatan"], top + 1, layout.NAME_COLUMN["akun"], "Uraian")]
    realised = (layout.SPANS["realised_before"][0], layout.SPANS["realised"][1])
    for field, (first, last) in layout.SPANS.items():
        if field in layout.HEADER_SUB:
            heads.append((top + 1, first, top + 1, last, layout.HEADER_SUB[field]))
        else:
            heads.append((top, first, top + 1, last, layout.HEADER_TOP[field]))
    heads.append((top, realised[0], top, realised[1], "Realisasi"))
    for r1, c1, r2, c2, text in heads:
        cell = ws.cell(r1, c1, text)
        cell.data_type = "s"
        cell.font, cell.alignment = bold, center
        if (r1, c1) != (r2, c2):
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    ws.freeze_panes = ws.cell(top + 2, 1)
    row = top + 1
    for level, code_col, code, name_col, name, figures in layout.layout(rep):
        row += 1
        if code_col:
            ws.cell(row, code_col, code).data_type = "s"
        if name:
            ws.cell(row, name_col, name).data_type = "s"
        total = level == "total"
        for field, (first, last) in layout.SPANS.items():
            # Detail rows use a span's first column, the JUMLAH row its last (as SAKTI's do).
            col = last if total else first
            value = (float(percent(figures["realised"], figures["ceiling"])) if field == "percent"
                     else figures[field])
            ws.cell(row, col, value).number_format = PERCENT_FORMAT if field == "percent" else MONEY_FORMAT
        if level in ("total", "program", "kegiatan"):
            for col in range(1, layout.SPANS["balance"][1] + 1):
                ws.cell(row, col).font = bold
    for col, width in ((layout.NAME_COLUMN["program"], 40), (layout.NAME_COLUMN["kegiatan"], 40),
                       (layout.NAME_COLUMN["akun"], 30)):
        ws.column_dimensions[ws.cell(1, col).column_letter].width = width
    for first, _last in layout.SPANS.values():
        ws.column_dimensions[ws.cell(1, first).column_letter].width = 18
    _save(book, path, force, protect)
