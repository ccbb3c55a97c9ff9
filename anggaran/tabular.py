"""Spreadsheet conventions shared by every file anggaran reads or writes as a table
(imports, statements, SP2D lists, CSV and data-package exports): how a header is matched,
which separator a CSV uses, and how a text cell is kept from running as a formula."""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def header_key(text):
    """How a column name is matched: case, spacing and punctuation aside.
    ``No. SP2D`` -> ``no sp2d``; ``from_code`` -> ``from code``; ``Kode ↓`` -> ``kode``."""
    kept = "".join(c if c.isalnum() else " " for c in str(text or "").lower())
    return " ".join(kept.split())


def csv_reader(f):
    """A ``csv.reader`` over an open text file (opened with ``utf-8-sig``, ``newline=""``):
    ``;``-separated when the first line has more ``;`` than ``,`` (Excel with Indonesian
    regional settings saves CSV that way), else ``,``."""
    first = f.readline()
    f.seek(0)
    if first.startswith("\ufeff"):
        f.read(1)
    return csv.reader(f, delimiter=";" if first.count(";") > first.count(",") else ",")


def defuse(value):
    """A text cell that a spreadsheet would run as a formula (starting with = + - @, a tab
    or a carriage return) gets a leading ``'``; a lone ``-`` is a dash, not a formula."""
    if isinstance(value, str) and len(value) > 1 and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


def undefuse(text):
    """The text of a cell that ``defuse`` (or a spreadsheet user) marked with ``'``."""
    return text[1:] if text.startswith("'") else text
