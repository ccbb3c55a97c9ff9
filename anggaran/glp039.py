"""SAKTI's GLP039 report ("Laporan Realisasi Super", "Laporan Fa Detail 16 Segmen") as
downloaded: recognising it, reading its rows into statement rows, and its layout for
``report --format xlsx --layout glp039``.

The report is one sheet (``GLP039_LAPORAN REALISASI SUPER``, sometimes with a trailing
space): a title block (satker, period), a two-row header, then one row per level of the
budget hierarchy, each with its figures, and ``JUMLAH`` rows. Nothing is found by column
letter: the header is found by its text (Pagu Revisi, Lock Pagu, Realisasi Periode Lalu /
Periode Ini / s.d. Periode, %, Sisa Anggaran), a header cell may be merged over two
columns (detail and total rows then use different columns of the span), and a code's
level is read from its shape, with the column only telling apart the shapes that two
levels share.

**The mapping rule.** The codes print short, one level per row: program and kegiatan
``CQ.6639`` (or ``076.01.CQ`` and ``6639`` on two rows), output and suboutput ``QMA`` and
``001`` (or ``QMA.001``), komponen ``051``, subkomponen ``A`` (or ``051.0A``), akun a
six-digit cell. A row's ledger code is the codes of the rows above it joined with dots,
from the program down to its own level: ``CQ``, ``CQ.6639``, ``CQ.6639.QMA``,
``CQ.6639.QMA.001``, ``CQ.6639.QMA.001.051``, ``CQ.6639.QMA.001.051.A``; an akun row is the
line ``CQ.6639.QMA.001.051.A`` / ``521211``. The department and unit before a program
(``076.01.``) and the zero before a subkomponen letter (``0A``) are dropped. A ``JUMLAH``
row is a level total: of the innermost open level whose code it prints, whole or short
(``JUMLAH KEGIATAN CQ.6639``, ``JUMLAH KEGIATAN 6639``), else of the satker. A formula
stored without its value is an error naming its cell (``formula_cells``). Two akun rows of one line (one per source of funds) are one line, summed.

Figures are whole rupiah: a number stored as a float (``2.037392E10``) is read when it is
integral, and a figure that is not is an error naming its cell.
"""

import csv
import datetime as dt
import re

import attrs

from .errors import AnggaranError
from .money import AmountFormatError, parse_bracketed

SHEET = "GLP039_LAPORAN REALISASI SUPER"
TITLE = "LAPORAN REALISASI SUPER"
# What marks a GLP039 report in its title rows (a CSV has no sheet name).
MARKS = ("GLP039", "LAPORAN REALISASI SUPER", "LAPORAN FA DETAIL")

# The figures, in the order of the report, with the header texts that name them (the two
# header rows joined; a merged cell counts for every column it spans).
FIGURES = ("ceiling", "locked", "realised_before", "realised_in_period", "realised", "balance")
HEADERS = {
    "ceiling": ("pagu revisi",),
    "locked": ("lock pagu",),
    "realised_before": ("realisasi periode lalu", "periode lalu"),
    "realised_in_period": ("realisasi periode ini", "periode ini"),
    "realised": ("realisasi s.d. periode", "realisasi sd periode", "realisasi s.d periode",
                 "s.d. periode", "sd periode", "s.d periode"),
    "percent": ("%", "realisasi %", "persen"),
    "balance": ("sisa anggaran",),
}
REQUIRED = ("ceiling", "realised_before", "realised_in_period", "realised", "balance")

LEVELS = ("program", "kegiatan", "output", "suboutput", "komponen", "subkomponen", "akun")
# A printed code's shape -> the levels it sets (an ambiguous shape: the candidates).
SHAPES = (
    (re.compile(r"^[0-9]{3}\.[0-9]{2}\.([A-Z]{2})$"), ("program",)),
    (re.compile(r"^([A-Z]{2})\.([0-9]{4})$"), ("program", "kegiatan")),
    (re.compile(r"^([0-9]{4})$"), ("kegiatan",)),
    (re.compile(r"^([A-Z]{3})$"), ("output",)),
    (re.compile(r"^([A-Z]{3})\.([0-9]{3})$"), ("output", "suboutput")),
    (re.compile(r"^([0-9]{3})\.0?([A-Z][A-Z0-9]?)$"), ("komponen", "subkomponen")),
    (re.compile(r"^([0-9]{6})$"), ("akun",)),
    (re.compile(r"^([0-9]{3})$"), ("suboutput|komponen",)),
    (re.compile(r"^0?([A-Z]{1,2})$"), ("program|subkomponen",)),
)


@attrs.frozen
class Row:
    """One statement row of the report.

    Attributes:
      where: the report's row number (as Excel shows it).
      level: ``total``, ``program``, ``kegiatan``, ``code`` (a deeper level) or ``akun``.
      code: the ledger code (``CQ.6639.QMA.001.051.A``; ``""`` for the total).
      akun: the akun of an akun row, else None.
      figures: field -> whole rupiah (None where the cell is blank).
      jumlah: whether it is a ``JUMLAH`` row.
    """

    where: int
    level: str
    code: str
    akun: str | None
    figures: dict
    jumlah: bool = False


@attrs.frozen
class Report:
    """A GLP039 report as read.

    Attributes:
      satker: the satker code of its title (None when the title names none).
      period_start, period_end: ``YYYY-MM-DD`` from its title (None when it has none).
      rows: the statement rows in report order.
    """

    satker: str | None
    period_start: str | None
    period_end: str | None
    rows: tuple


# ------------------------------------------------------------------ recognising

def _grid(path):
    """``(sheet_title, rows, merged)``: the GLP039 sheet's values (rows of cells, Excel's
    row and column numbers less one) and its merged ranges ``(r1, c1, r2, c2)``, 1-based;
    None for a workbook or CSV that is not a GLP039 report."""
    lower = str(path).lower()
    if lower.endswith(".xls"):
        raise AnggaranError(f"{path} is an .xls workbook, which anggaran cannot read; open it "
                            "in Excel or LibreOffice and save it as .xlsx (Excel Workbook)")
    if lower.endswith((".xlsx", ".xlsm")):
        return _xlsx_grid(path)
    rows = _csv_grid(path)
    return ("", rows, [], set()) if rows is not None and _marked(rows) else None


def _xlsx_grid(path):
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise AnggaranError(f"no file {path}; check the path") from None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as e:
        raise AnggaranError(f"{path} is not a readable .xlsx workbook ({type(e).__name__}); "
                            "save it again from Excel") from None
    by_name = [ws for ws in book.worksheets if ws.title.strip().upper() == SHEET]
    for ws in by_name + [ws for ws in book.worksheets if ws not in by_name]:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        if ws in by_name or _marked(rows):
            merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
            return ws.title, rows, merged, formulas_without_values(path, ws.title, rows)
    return None


def formulas_without_values(path, title, rows):
    """``{(row, column)}``, 1-based, of the cells of sheet ``title`` that hold a formula
    whose value was never saved (openpyxl's ``data_only`` gives None for them, as for a
    blank cell)."""
    def saved(r, c):
        return rows[r - 1][c - 1] if r <= len(rows) and c <= len(rows[r - 1]) else None

    return {(r, c) for r, c in formula_cells(path, title) if saved(r, c) is None}


def formula_cells(path, title):
    """``{(row, column)}``, 1-based, of the cells of sheet ``title`` that hold a formula.
    The workbook is loaded a second time (without ``data_only``) only when a sheet of it
    has a formula at all."""
    import zipfile

    import openpyxl

    try:
        with zipfile.ZipFile(path) as z:
            if not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist()
                       if n.startswith("xl/worksheets/") and n.endswith(".xml")):
                return set()
        book = openpyxl.load_workbook(path, read_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return set()
    try:
        return {(cell.row, cell.column) for cells in book[title].iter_rows() for cell in cells
                if getattr(cell, "data_type", None) == "f"}
    finally:
        book.close()


def _csv_grid(path):
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            text = f.read()
    except FileNotFoundError:
        raise AnggaranError(f"no file {path}; check the path") from None
    except (IsADirectoryError, PermissionError) as e:
        raise AnggaranError(f"cannot read {path}: {e.strerror}") from None
    except UnicodeDecodeError:
        return None
    first = text.split("\n", 1)[0]
    try:
        return [r for r in csv.reader(text.splitlines(),
                                      delimiter=";" if first.count(";") > first.count(",") else ",")]
    except csv.Error:
        return None


def _marked(rows):
    """Whether a title cell above the data names the report (GLP039, Realisasi Super)."""
    for cells in rows[:12]:
        for v in cells:
            if isinstance(v, str) and any(m in v.upper() for m in MARKS):
                return True
    return False


# ------------------------------------------------------------------ reading

def _text(value):
    return "" if value is None else str(value).strip()


def _key(text):
    kept = "".join(c for c in text.lower().replace("_", " ") if c.isalnum() or c in " .%")
    return " ".join(kept.split())


def _cell(row, col):
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


def _spread(rows, merged):
    """Every cell of a merged range holds the range's value (openpyxl gives it to the
    top-left cell only)."""
    for r1, c1, r2, c2 in merged:
        value = rows[r1 - 1][c1 - 1] if r1 <= len(rows) and c1 <= len(rows[r1 - 1]) else None
        for r in range(r1, min(r2, len(rows)) + 1):
            cells = rows[r - 1]
            cells.extend([None] * (c2 - len(cells)))
            for c in range(c1, c2 + 1):
                cells[c - 1] = value
    return rows


def _header(rows, where):
    """``(top_row, {field: [columns]}, first_figure_column)``, 1-based, from the two header
    rows found by their text."""
    for i, cells in enumerate(rows):
        if any(_key(_text(v)) == "pagu revisi" for v in cells):
            top, sub = cells, rows[i + 1] if i + 1 < len(rows) else []
            break
    else:
        raise AnggaranError(f"{where} has no header row with 'Pagu Revisi': it is not a GLP039 "
                            "report as SAKTI gives it")
    first = min(c for c, v in enumerate(top) if _key(_text(v)) == "pagu revisi")
    width = max(len(top), len(sub))
    columns, above, under = {}, "", ""
    for c in range(first, width):
        t = _text(top[c]) if c < len(top) else ""
        s = _text(sub[c]) if c < len(sub) else ""
        if t:  # a new top cell starts a new group (its sub cells follow)
            above, under = t, s
        elif s:
            under = s
        label = _key(above if under in ("", above) else f"{above} {under}")
        for field, names in HEADERS.items():
            if label in names or _key(under) in names:
                columns.setdefault(field, []).append(c + 1)
                break
    missing = [HEADERS[f][0] for f in REQUIRED if f not in columns]
    if missing:
        raise AnggaranError(f"{where} has no column {', '.join(repr(m.title()) for m in missing)} "
                            f"in its header (rows {i + 1}-{i + 2}): it is not a GLP039 report as "
                            "SAKTI gives it")
    return i + 1, columns, first + 1


def _figure(value, row, col):
    if value is None or isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, bool):
        raise AnggaranError(f"GLP039 cell {_cell(row, col)}: {value} is not an amount")
    if isinstance(value, float):
        if not value.is_integer():
            raise AnggaranError(f"GLP039 cell {_cell(row, col)}: {value!r} is not whole rupiah")
        return int(value)
    if isinstance(value, int):
        return value
    text = str(value).strip()
    try:
        return parse_bracketed(text)
    except AmountFormatError:
        raise AnggaranError(f"GLP039 cell {_cell(row, col)}: '{text[:30]}' is not whole "
                            "rupiah") from None


def _unsaved(row, col, formulas):
    if (row, col) in formulas:
        raise AnggaranError(f"GLP039 cell {_cell(row, col)} holds a formula without a saved "
                            "value; open the file in Excel and save it again")


def _has_figures(cells, row, columns, first, formulas):
    """Whether a row without code holds a figure: a number, or a text that reads as an
    amount (a CSV's cells are all text), in a figure column; a formula without a saved
    value is an error naming its cell."""
    if any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in cells[first - 1:]):
        return True
    for col in sorted({c for cols in columns.values() for c in cols}):
        _unsaved(row, col, formulas)
        try:
            if _figure(cells[col - 1] if col <= len(cells) else None, row, col) is not None:
                return True
        except AnggaranError:
            continue
    return False


def _figures(cells, row, columns, formulas=frozenset()):
    out = {}
    for field in FIGURES + ("percent",):
        for col in columns.get(field, ()):
            _unsaved(row, col, formulas)
    for field in FIGURES:
        found = {}
        for col in columns.get(field, ()):
            value = _figure(cells[col - 1] if col <= len(cells) else None, row, col)
            if value is not None:
                found[col] = value
        if len(set(found.values())) > 1:
            a, b = sorted(found)[:2]
            raise AnggaranError(f"GLP039 cells {_cell(row, a)} and {_cell(row, b)} both hold "
                                f"{HEADERS[field][0].title()}, with different amounts")
        out[field] = next(iter(found.values()), None) if field in columns else None
    return out


class _Path:
    """The codes above the current row, by level, and the column each level prints in."""

    def __init__(self):
        self.codes = {}
        self.column = {}

    def resolve(self, shape, col):
        if shape == "suboutput|komponen":
            if self.column.get("suboutput") == col or (
                    "output" in self.codes and "suboutput" not in self.codes
                    and self.column.get("komponen") != col):
                return "suboutput"
            return "komponen"
        if shape == "program|subkomponen":
            if "kegiatan" not in self.codes or col <= self.column.get("kegiatan", 0):
                return "program"
            return "subkomponen"
        return shape

    def set(self, levels, parts, col, where):
        first = LEVELS.index(levels[0])
        for level in LEVELS[first:]:
            self.codes.pop(level, None)
        for level, part in zip(levels, parts):
            self.codes[level] = part
            self.column.setdefault(level, col)
        for above in ("program", "kegiatan")[:first]:
            if above not in self.codes:
                raise AnggaranError(f"GLP039 row {where}: {'.'.join(parts)} has no {above} "
                                    "above it")

    def code(self, upto="subkomponen"):
        levels = LEVELS[:LEVELS.index(upto) + 1]
        return ".".join(self.codes[level] for level in levels if level in self.codes)

    def closing(self, word):
        """The ledger code of the innermost open level whose code ``word`` prints, short
        (``6639``, ``076.01.CQ``, ``QMA``, ``051.0A``) or whole; None when none is."""
        for pattern, levels in SHAPES:
            m = pattern.match(word)
            if m:
                parts, last = list(m.groups()), levels[-1].split("|")
                break
        else:
            return None
        for level in reversed(LEVELS[:-1]):
            if level in self.codes and level in last:
                code = self.code(level)
                if code.split(".")[-len(parts):] == parts:
                    return code
        return None


def _code_cell(cells, upto):
    """``(column, levels, parts)`` of the first cell left of the figures that is a code."""
    for c in range(min(upto - 1, len(cells))):
        text = _text(cells[c]).upper()
        for pattern, levels in SHAPES:
            m = pattern.match(text)
            if m:
                return c + 1, levels, m.groups()
    return None


def _jumlah(cells, upto):
    for c in range(min(upto - 1, len(cells))):
        text = _text(cells[c])
        if text.upper().startswith("JUMLAH"):
            return text
    return None


def _named_code(text, path_):
    """The ledger code a ``JUMLAH`` row names: of the innermost open level whose code it
    prints, whole or short (``JUMLAH KEGIATAN CQ.6639``, ``JUMLAH KEGIATAN 6639``), else a
    whole code it names, else ''."""
    from . import codes

    for word in reversed(text.upper().replace(":", " ").split()):
        closed = path_.closing(word)
        if closed:
            return closed
        if codes.is_code(word):
            return word
    return ""


def _level_of(code):
    n = code.count(".") + 1 if code else 0
    return "total" if n == 0 else "program" if n == 1 else "kegiatan" if n == 2 else "code"


def read(path):
    """The report's title and statement rows (``Report``), or None when ``path`` is not a
    GLP039 report (no sheet of its name, no title naming it); ``AnggaranError`` naming the
    row or cell when it is one that cannot be read."""
    grid = _grid(path)
    if grid is None:
        return None
    _title, rows, merged, formulas = grid
    rows = _spread(rows, merged)
    top, columns, first = _header(rows, path)
    satker, start, end = _title_block(rows[:top - 1])
    path_ = _Path()
    out, skip_until = [], 0
    for n in range(top + 2, len(rows) + 1):
        cells = rows[n - 1]
        if n <= skip_until:
            continue
        if any(_key(_text(v)) == "pagu revisi" for v in cells):  # the header, on a new page
            skip_until = n + 1
            continue
        jumlah = _jumlah(cells, first)
        found = _code_cell(cells, first) if jumlah is None else None
        if jumlah is None and found is None:  # a note or the signatures under the table
            if _has_figures(cells, n, columns, first, formulas):
                raise AnggaranError(f"GLP039 row {n} has figures but no code and is no JUMLAH "
                                    "row; a GLP039 row starts with its code")
            continue
        figures = _figures(cells, n, columns, formulas)
        has_figures = any(v is not None for v in figures.values())
        if jumlah is not None:
            code = _named_code(jumlah, path_)
            out.append(Row(n, _level_of(code), code, None, figures, jumlah=True))
            continue
        col, levels, parts = found
        levels = tuple(path_.resolve(level, col) for level in levels)
        if levels == ("akun",):
            if "kegiatan" not in path_.codes:
                raise AnggaranError(f"GLP039 row {n}: akun {parts[0]} has no kegiatan above it")
            row = Row(n, "akun", path_.code(), parts[0], figures)
        else:
            path_.set(levels, parts, col, n)
            code = path_.code()
            row = Row(n, _level_of(code), code, None, figures)
        if has_figures:
            out.append(row)
    if not out:
        raise AnggaranError(f"{path} has a GLP039 header but no rows: nothing to compare")
    return Report(satker, start, end, tuple(out))


# ------------------------------------------------------------------ the title block

_DATE = re.compile(r"([0-9]{1,2})[ \-/.]+([A-Za-z]+|[0-9]{1,2})[ \-/.]+([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MONTH = re.compile(r"([A-Za-z]+)\s+([0-9]{4})")


def _title_block(rows):
    """``(satker, period_start, period_end)`` from the rows above the header."""
    satker = start = end = None
    year = None
    for cells in rows:
        line = " ".join(_text(v) for v in cells if _text(v))
        upper = line.upper()
        if satker is None and "SATKER" in upper:
            m = re.search(r"\b([0-9]{6})\b", line)
            satker = m.group(1) if m else None
        m = re.search(r"\b(?:TAHUN ANGGARAN|TA)\b\s*:?\s*([0-9]{4})", upper)
        if m:
            year = int(m.group(1))
        if end is None and "PERIODE" in upper:
            start, end = _period(line[upper.index("PERIODE"):], year)
    return satker, start, end


def _period(text, year):
    from .importers import MONTH_NAMES

    days = []
    for m in _ISO.finditer(text):
        days.append(_day(int(m[1]), int(m[2]), int(m[3])))
    for m in _DATE.finditer(text):
        month = MONTH_NAMES.get(m[2].lower())
        if month:
            days.append(_day(int(m[3]), month, int(m[1])))
    days = [d for d in days if d]
    if days:
        days.sort()
        first, last = days[0], days[-1]
        return (first if len(days) > 1 else last.replace(day=1)).isoformat(), last.isoformat()
    for m in _MONTH.finditer(text):  # PERIODE: DESEMBER 2024
        month = MONTH_NAMES.get(m[1].lower())
        if month:
            return _month_bounds(int(m[2]), month)
    if year:
        for word in re.findall(r"[A-Za-z]+", text):
            if MONTH_NAMES.get(word.lower()):
                return _month_bounds(year, MONTH_NAMES[word.lower()])
    return None, None


def _day(y, m, d):
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _month_bounds(year, month):
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, 1).isoformat(), (nxt - dt.timedelta(days=1)).isoformat()


# ------------------------------------------------------------------ the layout

# Where each level's code and uraian print (1-based columns, as in the known samples), and
# the figures' header spans (first, last column).
CODE_COLUMN = {"program": 2, "kegiatan": 2, "output": 3, "suboutput": 3, "komponen": 5,
               "subkomponen": 6, "akun": 8}
NAME_COLUMN = {"program": 4, "kegiatan": 9, "output": 7, "suboutput": 11, "komponen": 10,
               "subkomponen": 12, "akun": 13, "total": 2}
SPANS = {"ceiling": (16, 17), "locked": (18, 19), "realised_before": (21, 22),
         "realised_in_period": (23, 23), "realised": (24, 25), "percent": (27, 28),
         "balance": (30, 31)}
HEADER_TOP = {"ceiling": "Pagu Revisi", "locked": "Lock Pagu", "realised_before": "Realisasi",
              "percent": "%", "balance": "Sisa Anggaran"}
HEADER_SUB = {"realised_before": "Periode Lalu", "realised_in_period": "Periode Ini",
              "realised": "s.d. Periode"}


def layout(rep):
    """The rows of a GLP039-style sheet for ``report(by="akun")``: ``(level, column of
    the code, code as printed, column of the uraian, uraian, figures)`` — every level down
    to the akun, each with its figures, in code order, then the JUMLAH row. A line whose
    code is ``CQ.6639.QMA.001.051.A`` gets the rows QMA, 001, 051 and A above it."""
    lines, named = [], {}
    for r in rep["rows"]:
        if r["level"] == "akun":
            code, akun = r["code"].split("/")
            lines.append((code, akun, r))
        elif r["level"] in ("program", "kegiatan"):
            named[r["code"]] = r
    levels = {}  # code -> summed figures of every level a line sits under
    for code, _akun, r in lines:
        parts = code.split(".")
        for n in range(3, len(parts) + 1):
            sums = levels.setdefault(".".join(parts[:n]), dict.fromkeys(FIGURES, 0))
            for field in FIGURES:
                sums[field] += r[field]
    out, done, path_ = [], set(), _Path()
    deeper = ("output", "suboutput", "komponen", "subkomponen")
    for code, akun, r in sorted(lines, key=lambda x: (x[0].split("."), x[1])):
        start = len(out)
        parts = code.split(".")
        program, kegiatan = parts[0], ".".join(parts[:2])
        if program not in done:
            done.add(program)
            out.append(("program", CODE_COLUMN["program"], program, NAME_COLUMN["program"],
                        named.get(program, {}).get("name", ""), named[program]))
        if kegiatan not in done:
            done.add(kegiatan)
            out.append(("kegiatan", CODE_COLUMN["kegiatan"], kegiatan, NAME_COLUMN["kegiatan"],
                        named[kegiatan]["name"], named[kegiatan]))
        for n in range(3, len(parts) + 1):
            sub = ".".join(parts[:n])
            if sub not in done:
                done.add(sub)
                level = deeper[min(n - 3, 3)]
                out.append((level, CODE_COLUMN[level], parts[n - 1], NAME_COLUMN[level], "",
                            levels[sub]))
        if akun:
            out.append(("akun", CODE_COLUMN["akun"], akun, NAME_COLUMN["akun"], r["name"], r))
        _reads_back(out[start:], code, path_)
    out.append(("total", None, "", NAME_COLUMN["total"], "JUMLAH SELURUHNYA", rep["rows"][0]))
    return out


def _reads_back(out, code, path_):
    """Refuse a line whose rows ``read`` would not map back to ``code`` (a segment of no
    GLP039 shape, such as ``12`` or ``A1``, three-digit segments at other depths, more
    than seven levels): its new rows ``out`` are read as ``read`` reads them, on from the
    rows above (``path_``)."""
    try:
        for level, col, printed, _name_col, _name, _figures in out:
            cells = [None] * (col - 1) + [printed]
            found = _code_cell(cells, col + 1)
            if found is None or found[0] != col:
                raise AnggaranError("")
            _col, levels, parts = found
            levels = tuple(path_.resolve(lv, col) for lv in levels)
            if (levels == ("akun",)) != (level == "akun"):
                raise AnggaranError("")
            if level != "akun":
                path_.set(levels, parts, col, 0)
        if path_.code() != code:
            raise AnggaranError("")
    except AnggaranError:
        raise AnggaranError(f"the GLP039 layout cannot hold the code {code}: reconcile could "
                            "not read it back (GLP039 prints codes shaped like "
                            "CQ.6639.QMA.001.051.A); write this report with --layout "
                            "official") from None


MONTHS = ("JANUARI", "FEBRUARI", "MARET", "APRIL", "MEI", "JUNI", "JULI", "AGUSTUS",
          "SEPTEMBER", "OKTOBER", "NOVEMBER", "DESEMBER")


def titles(rep):
    """The title block: report name, satker, period."""
    def day(iso):
        d = dt.date.fromisoformat(iso)
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"

    return [f"{SHEET} (GLP039)", f"{TITLE} — anggaran",
            f"SATKER : {rep['satker']['code']} {rep['satker']['name']}",
            f"TAHUN ANGGARAN : {rep['year']}",
            f"PERIODE : {day(rep['from'])} s.d. {day(rep['as_of'])}"]
