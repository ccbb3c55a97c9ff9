"""Spreadsheet conventions shared by every file anggaran reads or writes as a table
(imports, statements, SP2D lists, CSV and data-package exports): how a header is matched,
which separator a CSV uses, which cells are blank and which rows a summary (``Jumlah``),
column letters, and how a text cell is kept from running as a formula."""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def header_key(text):
    """How a column name is matched: case, spacing and punctuation aside.
    ``No. SP2D`` -> ``no sp2d``; ``from_code`` -> ``from code``; ``Kode ↓`` -> ``kode``."""
    kept = "".join(c if c.isalnum() else " " for c in str(text or "").lower())
    return " ".join(kept.split())


def csv_reader(f, is_header=None):
    """A ``csv.reader`` over an open text file (opened with ``utf-8-sig``, ``newline=""``):
    ``;``-separated when the first line has more ``;`` than ``,`` (Excel with Indonesian
    regional settings saves CSV that way), else ``,``. With ``is_header(cells)``, the
    separator under which one of the first lines reads as the header decides instead
    (a title line above the header may hold either)."""
    head = [f.readline() for _ in range(_SNIFF_LINES if is_header else 1)]
    f.seek(0)
    if head[0].startswith("\ufeff"):
        f.read(1)
    delimiter = _header_delimiter(head, is_header) if is_header else None
    if delimiter is None:
        delimiter = ";" if head[0].count(";") > head[0].count(",") else ","
    return csv.reader(f, delimiter=delimiter)


_SNIFF_LINES = 100


def _header_delimiter(lines, is_header):
    """``,`` or ``;``: the one under which a line of ``lines`` is a header; None if neither."""
    for line in lines:
        for delimiter in (",", ";"):
            if delimiter in line:
                try:
                    cells = next(csv.reader([line], delimiter=delimiter), [])
                except csv.Error:
                    continue
                if is_header(cells):
                    return delimiter
    return None


def column_letter(index):
    """The spreadsheet name of the column at 0-based ``index``: 0 -> ``A``, 27 -> ``AB``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def is_blank(cell):
    """An empty cell: None, or text of blanks only."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


# The first words of a summary row under a table, matched as ``header_key`` does.
SUMMARY_WORDS = ("jumlah", "total", "jumlah seluruhnya")


def summary_word_at(cells):
    """The index of a row's first non-empty cell when it is ``Jumlah``, ``Total`` or
    ``Jumlah Seluruhnya`` (any case and spacing), as a table's total line starts; else None."""
    for i, cell in enumerate(cells):
        if not is_blank(cell):  # (the first letter spares header_key on every data row)
            word = isinstance(cell, str) and cell.lstrip()[0] in "JjTt" and header_key(cell)
            return i if word in SUMMARY_WORDS else None
    return None


def defuse(value):
    """A text cell that a spreadsheet would run as a formula (starting with = + - @, a tab
    or a carriage return) gets a leading ``'``; a lone ``-`` is a dash, not a formula."""
    if isinstance(value, str) and len(value) > 1 and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


def undefuse(text):
    """The text of a cell that ``defuse`` (or a spreadsheet user) marked with ``'``."""
    return text[1:] if text.startswith("'") else text
