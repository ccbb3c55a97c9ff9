"""A POK print (Petunjuk Operasional Kegiatan: SAKTI's "Form Cetak POK", report
``UC_ANG_6.4``) as the year's opening events.

The print, as read here (columns are found by their header TEXT, never by letter):

- a title block (``PETUNJUK OPERASIONAL KEGIATAN``, ``TAHUN ANGGARAN 2025``, the satker,
  ``(dalam ribuan rupiah)``), then a header: ``KODE``, ``URAIAN`` (or ``PROGRAM/ KEGIATAN/
  KRO/ RO/ …``), ``VOLUME``, ``SATUAN``, ``HARGA SATUAN``, ``JUMLAH`` (``JUMLAH BIAYA``),
  ``BLOKIR`` (optional) and the monthly needs ``JANUARI`` … ``DESEMBER``, on one header
  row or on the row or two under it, often with a row of column numbers (1, 2, 3, …).
  Other columns (``SD/CP``, ``KPPN``, …) are not read. The header (and the title) repeat
  on every printed page: those rows are skipped wherever they stand.
- rows with a code, printed short, one level per row: program ``076.01.CQ``, kegiatan
  ``6639``, KRO ``QMA``, RO ``001``, komponen ``051``, subkomponen ``A``, akun ``521211``
  (dotted forms such as ``6639.QMA.001`` or ``QMA.001`` are read too). A three-digit code
  is the RO right after a KRO, and a komponen after that, until the komponen printed under
  the RO add up to the RO's printed total: the next three-digit code is then the next RO.
- detail rows without a code (uraian, volume, satuan, harga satuan in rupiah, jumlah)
  under their akun; the JUMLAH row (``JUMLAH`` / ``JUMLAH SELURUHNYA``) at the end.
- amounts (jumlah, blokir, months) in **thousands of rupiah**: each becomes rupiah × 1,000
  and must then be whole rupiah.

An akun's figures are its detail rows' sums where they print a column, else the akun
row's own. Checks, each one ``Error:`` line (rule 1) naming the row:

- a figure or code cell holding a formula without a saved value (a workbook written by a
  program, never saved by Excel; openpyxl would read it blank), named by its cell;
- an akun row whose printed figure is not its details' sum;
- the JUMLAH row: its JUMLAH, its BLOKIR and each month must equal the sum of the lines'
  (a blank BLOKIR or month there is 0); the mismatch names the column;
- a POK in rupiah instead of thousands, recognised by the JUMLAH row: the JUMLAH figure
  is exactly 1,000 × the sum of the lines (the JUMLAH row in rupiah), or the lines add up
  to exactly 1,000 × the JUMLAH figure (the lines in rupiah); or the details' volume ×
  harga satuan (harga is always in rupiah) add up to their jumlah rather than to it ×
  1,000; or the title says ``(dalam rupiah)`` without ``ribuan``. A print wholly in rupiah
  whose JUMLAH row agrees with its lines, without numeric volume and harga and with a title
  that does not say rupiah, cannot be told from one in thousands and is read in thousands;
- a missing month column (named); a ``TAHUN ANGGARAN`` other than the year of ``--date``;
- at ``--level ro`` and ``full`` only: a three-digit code the printed totals cannot place
  as an RO or a komponen (an RO or komponen with a blank JUMLAH, komponen that overshoot
  or fall short of their RO's JUMLAH): refused, suggesting ``--level akun`` or dotted
  codes (``QMA.001``), rather than guessed.

A line whose pagu sums to 0 (a komponen or akun printed with JUMLAH 0) yields no ``pagu``
and no ``block`` event; its months still count in its jenis' plans (a zero month is a plan
of 0, as for every month).

``--level`` chooses the budget line each akun's figures are summed into:

=========  ===========================================  =========================
level      line                                         from the path
=========  ===========================================  =========================
kegiatan   ``CQ.6639`` (code-level, no akun)            program.kegiatan
akun       ``CQ.6639`` / ``521211`` (the default)       program.kegiatan + akun
ro         ``CQ.6639.QMA.001`` / ``521211``             … .KRO.RO + akun
full       ``CQ.6639.QMA.001.051.A`` / ``521211``       the whole path + akun
=========  ===========================================  =========================

Events, all dated ``date`` and numbered ``ref``: a ``pagu`` per line (carrying its code's
uraian as ``name``), a ``block`` per line with blokir, a ``plan`` per month and jenis
(the akun's first two digits) of the year, zero months included, and a ``name`` for each
code above the lines (the program, and at ``ro``/``full`` the codes between).
"""

import re
from decimal import Decimal

from .dates import iso_day
from .errors import AnggaranError, RuleError
from .money import group
from .tabular import column_letter, header_key, is_blank

LEVELS = ("kegiatan", "ro", "akun", "full")
DEFAULT_LEVEL = "akun"

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")

# Header names of the columns read, matched as ``tabular.header_key`` does after any
# parenthesised part is dropped (``JUMLAH BIAYA (dalam ribuan rupiah)`` is ``jumlah biaya``).
HEADERS = {
    "code": ("kode",),
    "uraian": ("uraian", "uraian kegiatan", "nama"),
    "volume": ("volume", "vol"),
    "satuan": ("satuan", "sat"),
    "harga": ("harga satuan", "harga"),
    "amount": ("jumlah", "jumlah biaya", "jumlah pagu", "pagu", "total"),
    "blokir": ("blokir", "jumlah blokir", "nilai blokir", "pagu blokir"),
}
_FIELD_OF = {name: field for field, names in HEADERS.items() for name in names}
# The figures summed per line, in thousands of rupiah: the total, the blokir, the months.
FIGURES = ("amount", "blokir", *range(1, 13))
# The words that mark a POK print in its title block (as header_key spells them).
TITLE_MARKS = ("uc ang 6 4", "petunjuk operasional kegiatan", "form cetak pok")
# The first cell of the JUMLAH row (header_key).
TOTAL_WORDS = ("jumlah", "jumlah seluruhnya", "jumlah total", "total", "total seluruhnya",
               "jumlah keseluruhan")
_YEAR = re.compile(r"\bTAHUN\s+ANGGARAN\s*:?\s*([0-9]{4})\b|\bTA\.?\s+([0-9]{4})\b",
                   re.IGNORECASE)
_IN_RUPIAH = re.compile(r"\bdalam\s+rupiah\b", re.IGNORECASE)
_PRINT_IN_THOUSANDS = ("print the POK in thousands (ribuan rupiah), as SAKTI's Form Cetak POK "
                       "does")
_ID_NUMBER = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?$|^[0-9]+(,[0-9]+)?$")


# ------------------------------------------------------------------ the header

def _key(cell):
    return header_key(re.sub(r"\([^)]*\)", " ", str(cell))) if not is_blank(cell) else ""


def _month(key):
    from .importers import MONTH_NAMES

    return MONTH_NAMES.get(key) if key.isalpha() else None


def _column(cell):
    """What a header cell names: a field of ``HEADERS``, a month number, or None."""
    key = _key(cell)
    if key.startswith(("uraian", "program")):  # URAIAN, PROGRAM/ KEGIATAN/ KRO/ RO/ …
        return "uraian"
    return _FIELD_OF.get(key) or _month(key)


def _is_header(cells):
    """The header row: it names the KODE and the JUMLAH columns."""
    found = {_column(c) for c in cells}
    return "code" in found and "amount" in found


def _is_page_header(cells):
    """A header row repeated on a printed page: the header itself, the row of month names
    under it, or the row of column numbers (1, 2, 3, … or (1), (2), …)."""
    if _is_header(cells) or sum(isinstance(_column(c), int) for c in cells) >= 6:
        return True
    numbers = [c for c in cells if not is_blank(c)]
    if len(numbers) < 5:
        return False
    values = []
    for c in numbers:
        text = str(c).strip().strip("()")
        if not text.isdigit():
            return False
        values.append(int(text))
    return values == list(range(values[0], values[0] + len(values)))


def _columns(rows, at):
    """{field or month: column index} from the header row ``rows[at]`` and the two rows
    under it (months and blokir are often printed under a merged heading)."""
    columns = {}
    for n, cells in rows[at:at + 3]:
        if n != rows[at][0] and not _is_page_header(cells) and not any(
                _column(c) for c in cells):
            break
        for i, cell in enumerate(cells):
            field = _column(cell)
            if field is not None and field not in columns:
                columns[field] = i
    return columns


def _find_header(rows):
    return next((i for i, (_n, cells) in enumerate(rows) if _is_header(cells)), None)


# ------------------------------------------------------------------ numbers

def _fmt(value):
    """A figure in thousands as the print shows it: ``1.234``, ``37,5``."""
    whole = int(value)
    rest = value - whole
    return group(whole) + (("," + str(rest).split(".")[1]) if rest else "")


def _number(cell, n, column):
    """A cell's figure as an exact Decimal (None when blank; ``-`` is zero). A float keeps
    the 15 significant digits Excel shows."""
    if is_blank(cell):
        return None
    where = f"cell {column_letter(column)}{n}"
    if isinstance(cell, bool):
        raise RuleError(1, f"{where} holds {cell}, not a number", row=n)
    if isinstance(cell, int):
        value = Decimal(cell)
    elif isinstance(cell, float):
        value = Decimal(format(cell, ".15g"))
    else:
        text = str(cell).strip()
        if text == "-":
            return Decimal(0)
        if not _ID_NUMBER.match(text):
            raise RuleError(1, f"{where} holds '{text[:40]}', not a number like 1.234 or "
                               "1.234,5", row=n)
        value = Decimal(text.replace(".", "").replace(",", "."))
    if value < 0:
        raise RuleError(1, f"{where} holds {cell}, a negative figure; a POK holds none", row=n)
    return value


def _evidence(cell):
    """Volume or harga satuan, read only to tell the unit: None when it is no number (a
    volume printed as ``3 OB x 2 KL``)."""
    try:
        return _number(cell, 0, 0)
    except RuleError:
        return None


def _rupiah(thousands, n, what):
    """Thousands of rupiah -> whole rupiah; a fraction of a rupiah is refused."""
    value = thousands * 1000
    if value != value.to_integral_value():
        raise RuleError(1, f"{what} is {_fmt(thousands)} thousand rupiah, which is not whole "
                           "rupiah", row=n)
    return int(value)


# ------------------------------------------------------------------ codes

_SEGMENT_LEVELS = ("program", "kegiatan", "kro", "ro", "komponen", "sub")


def _code_levels(text):
    """A printed code -> ``[(level, segment)]``, or None when it is no POK code.

    ``076.01.CQ`` program CQ; ``6639`` kegiatan; ``QMA`` KRO; ``001`` three digits (RO or
    komponen: ``three``); ``A`` subkomponen; ``521211`` akun; dotted paths such as
    ``6639.QMA.001`` (a three-digit segment after a KRO in the same cell is its RO)."""
    text = str(text).strip().upper()
    m = re.match(r"^[0-9]{3}\.[0-9]{2}\.([A-Z]{2})$", text)
    if m:
        return [("program", m[1])]
    out = []
    for i, seg in enumerate(text.split(".")):
        if re.fullmatch(r"[0-9]{6}", seg):
            level = "akun"
        elif re.fullmatch(r"[0-9]{4}", seg):
            level = "kegiatan"
        elif re.fullmatch(r"[A-Z]{3}", seg):
            level = "kro"
        elif re.fullmatch(r"[0-9]{3}", seg):
            level = "ro" if out and out[-1][0] == "kro" else "three"
        elif re.fullmatch(r"[A-Z]{2}", seg) and i == 0:
            level = "program"
        elif re.fullmatch(r"[A-Z]", seg):
            level = "sub"
        else:
            return None
        out.append((level, seg))
    return out


# ------------------------------------------------------------------ the print

def _label(figure):
    """A figure as the print heads it: JUMLAH, BLOKIR or the month's name."""
    return {"amount": "JUMLAH", "blokir": "BLOKIR"}.get(figure) or MONTHS[figure - 1]


class _Akun:
    """One akun row of the print with its detail rows: the figures it prints and the
    sums of its details (in thousands)."""

    def __init__(self, n, akun, path):
        self.row, self.akun, self.path = n, akun, dict(path)
        self.printed = {}
        self.details = {}

    def figures(self):
        """Per figure: the details' sum where they print that column, else the akun
        row's own; an akun row that prints another figure than its details is refused."""
        out = {}
        for f in FIGURES:
            printed = self.printed.get(f)
            if f in self.details:
                if printed is not None and printed != self.details[f]:
                    raise RuleError(1, f"akun {self.akun} prints {_fmt(printed)} under {_label(f)} "
                                       f"but its detail rows add up to {_fmt(self.details[f])} "
                                       "(thousand rupiah); correct the print", row=self.row)
                out[f] = self.details[f]
            else:
                out[f] = printed or Decimal(0)
        return out


def read_print(rows, where, formulas=frozenset()):
    """The akun of a POK print (``rows``: ``(n, cells)``), checked against its JUMLAH row.

    ``formulas``: the ``(row, column index)`` of cells holding a formula without a saved
    value (see ``uncached_formulas``); such a cell among the figures or codes is refused.

    Returns ``(akuns, names, year, unsure)``: the ``_Akun`` in print order, the uraian of
    each hierarchy code by level path, the title's TAHUN ANGGARAN (or None), and the row
    of the first three-digit code whose RO/komponen level the printed totals cannot tell
    (or None; refused at ``--level ro``/``full`` only)."""
    at = _find_header(rows)
    if at is None:
        raise RuleError(1, f"no POK header row found in {where}: expected a row with KODE, "
                           "URAIAN, JUMLAH and the months JANUARI … DESEMBER")
    header_row = rows[at][0]
    columns = _columns(rows, at)
    missing = [MONTHS[m - 1] for m in range(1, 13) if m not in columns]
    if missing:
        raise RuleError(1, f"the POK header has no column for {', '.join(missing)}; a POK "
                           "print has the monthly needs JANUARI … DESEMBER in twelve columns",
                        row=header_row)
    year = None
    for n, cells in rows[:at]:
        for c in cells:
            m = isinstance(c, str) and _YEAR.search(c)
            if m and year is None:
                year = int(m[1] or m[2])
            if isinstance(c, str) and _IN_RUPIAH.search(c) and not re.search(r"ribu", c, re.I):
                raise RuleError(1, f"the POK's title says '{c.strip()[:40]}': the POK is in "
                                   "rupiah, not in thousands of rupiah; " + _PRINT_IN_THOUSANDS,
                                row=n)

    figures = [(f, columns[f]) for f in FIGURES if f in columns]
    code_col, uraian_col = columns["code"], columns.get("uraian")
    path, names, akuns = {}, {}, []
    current = previous = None  # the akun open; the level of the last code row
    ro_total = ro_children = None
    unsure = None  # the first three-digit code the totals cannot place (RO or komponen)
    total = total_row = None
    totals = {}
    priced = amount_priced = Decimal(0)  # Σ volume × harga (rupiah), Σ their jumlah

    def cell(cells, i):
        return cells[i] if i is not None and i < len(cells) else None

    def read(cells, i, n, what):
        """A cell read by the import; a formula without a saved value is refused."""
        value = cell(cells, i)
        if is_blank(value) and (n, i) in formulas:
            raise RuleError(1, f"cell {column_letter(i)}{n} ({what}) holds a formula without a "
                               "saved value; open the file in Excel and save it again", row=n)
        return value

    def figure(cells, f, i, n):
        return _number(read(cells, i, n, _label(f)), n, i)

    for n, cells in rows[at + 1:]:
        if all(is_blank(c) for c in cells) or _is_page_header(cells):
            continue
        first = next((c for c in cells if not is_blank(c)), None)
        if isinstance(first, str) and header_key(first) in TOTAL_WORDS:
            totals = {f: figure(cells, f, i, n) for f, i in figures}
            total, total_row = totals["amount"], n
            continue
        values = {f: figure(cells, f, i, n) for f, i in figures}
        has_figures = any(v is not None for v in values.values())
        code = read(cells, code_col, n, "KODE")
        if is_blank(code):
            if not has_figures:
                continue  # a title repeated on a page, an uraian-only line of details
            if current is None:
                raise RuleError(1, "a detail row with figures stands under no akun; every "
                                   "detail belongs to the akun printed above it", row=n)
            for f, v in values.items():
                if v is not None:
                    current.details[f] = current.details.get(f, Decimal(0)) + v
            volume, harga = (_evidence(cell(cells, columns.get(f))) for f in ("volume", "harga"))
            if volume is not None and harga is not None and values.get("amount") is not None:
                priced += volume * harga
                amount_priced += values["amount"]
            continue
        levels = _code_levels(code)
        if levels is None:
            if not has_figures:
                continue  # a title line in the code column
            text = str(code).strip()[:40]
            raise RuleError(1, f"cell {column_letter(code_col)}{n} holds '{text}', which is not "
                               "a POK code (076.01.CQ, 6639, QMA, 001, 051, A or "
                               "a six-digit akun)", row=n)
        uraian = cell(cells, uraian_col)
        uraian = " ".join(str(uraian).split()) if not is_blank(uraian) else None
        amount = values.get("amount")
        for level, seg in levels:
            if level == "three":
                if previous == "kro" or "ro" not in path:
                    level = "ro"
                elif (ro_total is None or ro_children is None or ro_children > ro_total
                      or (ro_children < ro_total and amount is not None
                          and ro_children + amount > ro_total)):
                    unsure = unsure or n  # a blank total: the print cannot tell
                    level = "komponen"
                else:
                    level = "ro" if ro_children == ro_total else "komponen"
            if level == "akun":
                current = _Akun(n, seg, path)
                akuns.append(current)
                current.printed = values
            else:
                current = None
                depth = _SEGMENT_LEVELS.index(level)
                for deeper in _SEGMENT_LEVELS[depth:]:
                    path.pop(deeper, None)
                path[level] = seg
                if uraian:
                    names.setdefault(tuple(path.items()), uraian)
                if level == "ro":
                    if ro_children and ro_total is not None and ro_children != ro_total:
                        unsure = unsure or n  # the last RO's komponen fell short of it
                    ro_total, ro_children = amount, Decimal(0)
                elif level == "komponen" and ro_children is not None:
                    ro_children = None if amount is None else ro_children + amount
            previous = level
    if ro_children and ro_total is not None and ro_children != ro_total and unsure is None:
        unsure = total_row  # the last RO's komponen do not make its total
    if not akuns:
        raise RuleError(1, f"{where} holds no akun rows under its POK header; nothing to import")

    for akun in akuns:
        akun.sums = akun.figures()
    lines_total = sum(a.sums["amount"] for a in akuns)
    if total_row is None:
        raise RuleError(1, f"{where} has no JUMLAH row under its lines; the POK print ends with "
                           "the JUMLAH row that the import checks them against")
    if lines_total and total == 1000 * lines_total:
        raise RuleError(1, f"the JUMLAH row holds {_fmt(total)}, a thousand times the sum of "
                           f"the POK's lines ({_fmt(lines_total)}): the JUMLAH row is in rupiah, "
                           "not in thousands of rupiah; " + _PRINT_IN_THOUSANDS, row=total_row)
    if total and lines_total == 1000 * total:
        raise RuleError(1, f"the POK's lines add up to {_fmt(lines_total)}, a thousand times "
                           f"its JUMLAH row ({_fmt(total)}): the lines are in rupiah, not in "
                           "thousands of rupiah; " + _PRINT_IN_THOUSANDS, row=total_row)
    if total != lines_total:
        raise RuleError(1, f"the JUMLAH row holds {_fmt(total or 0)} but the POK's lines add "
                           f"up to {_fmt(lines_total)} (thousand rupiah)", row=total_row)
    if amount_priced and abs(priced - amount_priced) < abs(priced - 1000 * amount_priced):
        raise RuleError(1, f"the POK is in rupiah, not in thousands of rupiah: its JUMLAH row "
                           f"holds {_fmt(total)}, and its details' jumlah ({_fmt(amount_priced)}) "
                           f"are their volume × harga satuan in rupiah ({_fmt(priced)}) instead "
                           "of a thousandth of it; " + _PRINT_IN_THOUSANDS, row=total_row)
    for f, _i in figures:
        if f == "amount":
            continue
        summed = sum(a.sums[f] for a in akuns)
        if (totals.get(f) or Decimal(0)) != summed:
            raise RuleError(1, f"the JUMLAH row holds {_fmt(totals.get(f) or 0)} under "
                               f"{_label(f).upper()} but the POK's lines add up to "
                               f"{_fmt(summed)} (thousand rupiah)", row=total_row)
    return akuns, names, year, unsure


# ------------------------------------------------------------------ events

def line_of(akun, level):
    """The budget line ``(code, akun or None)`` an akun row is summed into at ``level``."""
    path = akun.path
    for need in ("program", "kegiatan") + (("kro", "ro") if level == "ro" else ()):
        if need not in path:
            hint = "; import it at --level akun" if level == "ro" else ""
            raise RuleError(1, f"akun {akun.akun} stands under no {need}{hint}", row=akun.row)
    keep = {"kegiatan": 2, "akun": 2, "ro": 4, "full": 6}[level]
    code = ".".join(path[lv] for lv in _SEGMENT_LEVELS[:keep] if lv in path)
    return code, (None if level == "kegiatan" else akun.akun)


def events(rows, where, date, ref, level=DEFAULT_LEVEL, formulas=frozenset()):
    """``(row, raw event)`` of the opening events of a POK print (see the module's doc)."""
    if level not in LEVELS:
        raise RuleError(1, f"unknown level '{level}'; choose one of {', '.join(LEVELS)}")
    try:
        day = iso_day(date)
    except ValueError:
        raise RuleError(1, f"date '{date}' is not a real day (write 2025-01-02 or "
                           "02/01/2025)") from None
    akuns, names, title_year, unsure = read_print(rows, where, formulas)
    if unsure is not None and level in ("ro", "full"):
        raise RuleError(1, f"the three-digit code on row {unsure} may be an RO or a komponen: "
                           "the print leaves an RO's or a komponen's JUMLAH blank, or the "
                           "komponen do not add up to their RO's JUMLAH, so the RO cannot be "
                           "told from the komponen; import it at --level akun (or kegiatan), or "
                           "print the RO with its KRO as a dotted code (QMA.001)", row=unsure)
    year = int(day[:4])
    if title_year is not None and title_year != year:
        raise RuleError(1, f"the POK is for TAHUN ANGGARAN {title_year} but --date {day} is in "
                           f"{year}; the opening events are dated in the budget year (e.g. "
                           f"--date {title_year}-01-02)")
    lines, plans = {}, {}
    for akun in akuns:
        rp = {f: _rupiah(v, akun.row, f"the {_label(f)} of akun {akun.akun}")
              for f, v in akun.sums.items()}
        line = line_of(akun, level)
        first, amount, blokir = lines.get(line, (akun, 0, 0))
        lines[line] = (first, amount + rp["amount"], blokir + rp["blokir"])
        for m in range(1, 13):
            row, planned = plans.get((m, akun.akun[:2]), (akun.row, 0))
            plans[m, akun.akun[:2]] = (row, planned + rp[m])
    base = {"date": day, "ref": ref}
    # A line whose pagu is 0 (a komponen or akun printed with JUMLAH 0) has no budget: no
    # pagu or block event; its months still count in its jenis' plans (zero in a POK whose
    # akun rows add up). A blokir on such a line is kept, and refused by the ledger.
    lines = {key: value for key, value in lines.items() if value[1] or value[2]}
    named = {}
    for (code, _akun), (first, _a, _b) in lines.items():
        for depth in range(1, len(code.split("."))):
            above = ".".join(code.split(".")[:depth])
            named.setdefault(above, (first.row, _name_of(names, first.path, depth)))
    for code, (row, name) in sorted(named.items()):
        if name and code not in {c for c, _ in lines}:
            yield row, {"kind": "name", "date": day, "code": code, "name": name}
    for (code, akun), (first, amount, blokir) in sorted(lines.items(),
                                                        key=lambda x: (x[0][0], x[0][1] or "")):
        name = _name_of(names, first.path, len(code.split(".")))
        pagu = {"kind": "pagu", "code": code, "amount": amount, **base}
        if akun:
            pagu["akun"] = akun
        if name:
            pagu["name"] = name
        yield first.row, pagu
        if blokir:
            yield first.row, {"kind": "block", "code": code, "amount": blokir, **base,
                              **({"akun": akun} if akun else {})}
    for (m, jenis), (row, amount) in sorted(plans.items(), key=lambda x: (x[0][1], x[0][0])):
        yield row, {"kind": "plan", "month": f"{year}-{m:02d}", "jenis": jenis,
                    "amount": amount, **base}


def _name_of(names, path, depth):
    """The uraian printed for the code of the first ``depth`` segments of ``path``
    (depth 1: the program, 2: the kegiatan, …)."""
    items = [(lv, path[lv]) for lv in _SEGMENT_LEVELS if lv in path][:depth]
    return names.get(tuple(items))


# ------------------------------------------------------------------ files

def is_pok(rows, title=""):
    """Whether a sheet (its first rows) is a POK print: a POK title (``UC_ANG_6.4``,
    ``PETUNJUK OPERASIONAL KEGIATAN``, ``FORM CETAK POK``) or sheet name (``POK``) and a
    header with KODE and JUMLAH."""
    marked = header_key(title).split()[:1] == ["pok"] or any(
        isinstance(c, str) and any(mark in header_key(c) for mark in TITLE_MARKS)
        for _n, cells in rows for c in cells)
    return marked and _find_header(rows) is not None


def sheet_rows(path, sheet=None):
    """``(where, rows, title)`` of the sheet of an .xlsx POK (the first, or ``sheet``)."""
    from . import importers

    book = importers._open_workbook(path)
    try:
        ws = importers._pick_sheet(book, sheet, str(path))
        rows = list(importers._xlsx_records(ws, path))
        return f"sheet '{ws.title}' of {path}", rows, ws.title
    finally:
        book.close()


def uncached_formulas(path, title, rows):
    """The ``(row, column index)`` of the cells of sheet ``title`` that hold a formula but no
    saved value (a workbook written by a program and never saved by Excel): openpyxl reads
    them blank. Only cells blank in ``rows`` (the saved values) are looked at."""
    import openpyxl

    if not any(is_blank(c) for _n, cells in rows for c in cells):
        return frozenset()
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        ws = book[title]
        ws.reset_dimensions()
        saved = dict(rows)
        found = set()
        for n, cells in enumerate(ws.iter_rows(values_only=True), 1):
            values = saved.get(n, ())
            for i, c in enumerate(cells):
                formula = (isinstance(c, str) and c.startswith("=")) or \
                    type(c).__name__ in ("ArrayFormula", "DataTableFormula")
                if formula and (i >= len(values) or is_blank(values[i])):
                    found.add((n, i))
        return frozenset(found)
    finally:
        book.close()


def parsed_rows(path, sheet, pok):
    """The opening events of the POK print in ``path`` as ``importers.ImportRows`` (each
    ``(row, Event, None)``); ``pok``: ``{"date", "ref", "level"}``."""
    from .importers import ImportRows

    return ImportRows(path, sheet, rows=pok_rows(path, sheet, pok))


def pok_rows(path, sheet, pok):
    """``(row, raw)`` of the opening events of the POK print in ``path`` (.xlsx)."""
    if not str(path).lower().endswith(".xlsx"):
        raise RuleError(1, "a POK print (--pok) is read from the .xlsx SAKTI gives (Form "
                           "Cetak POK); open it in Excel and save it as .xlsx")
    where, rows, title = sheet_rows(path, sheet)
    formulas = uncached_formulas(path, title, rows)
    yield from events(rows, where, pok["date"], pok["ref"], pok.get("level") or DEFAULT_LEVEL,
                      formulas)


def refuse_a_pok(path, sheet=None):
    """A POK print imported as a file of events is refused, saying how to import it."""
    if not str(path).lower().endswith(".xlsx"):
        return
    try:
        found = looks_like_pok(path, sheet)
    except (AnggaranError, OSError):
        return  # the import itself says what is wrong with the file
    if found:
        raise RuleError(1, f"{path} is a POK print (Form Cetak POK); import it with --pok "
                           "--date D --ref R (the DIPA date and number)")


def looks_like_pok(path, sheet=None, limit=60):
    """Whether an .xlsx file's sheet is a POK print (its first ``limit`` rows)."""
    from . import importers

    book = importers._open_workbook(path)
    try:
        ws = importers._pick_sheet(book, sheet, str(path))
        rows = []
        for item in importers._xlsx_records(ws, path):
            rows.append(item)
            if len(rows) >= limit:
                break
        return is_pok(rows, ws.title)
    finally:
        book.close()
