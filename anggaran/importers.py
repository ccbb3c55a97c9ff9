"""Reading import files as a stream of ``(row number, raw mapping)``.

CSV and Excel (.xlsx): the header row names the fields; data rows count from 1. Headers
may be the contract's field names or the Indonesian names of SAKTI/OMSPAN exports, in any
case and spacing (``HEADER_ALIASES``); a file of SP2Ds with no ``kind`` column is a file of
``sp2d`` events. JSONL: one object per line with the contract's field names; the row
number is the line number; blank lines are skipped. Text files are UTF-8; a BOM (as Excel
writes) is allowed; anything else is refused under rule 1.
"""

import csv
import datetime as dt
import json
import os
import re

from .dates import parse_time
from .tabular import csv_reader, header_key
from .errors import LedgerError, RuleError
from .events import FIELDS

csv.field_size_limit(1 << 20)

# Indonesian column names as SAKTI / OMSPAN exports spell them -> contract fields.
HEADER_ALIASES = {
    "ref": ("Nomor SP2D", "No SP2D", "No. SP2D", "Nomor", "No Dokumen"),
    "date": ("Tanggal SP2D", "Tgl SP2D", "Tanggal", "Tgl"),
    "amount": ("Nilai SP2D", "Nilai", "Jumlah", "Nominal"),
    "code": ("Kode Kegiatan", "Kegiatan", "Kode"),
    "akun": ("Akun", "Kode Akun"),
    "note": ("Uraian", "Keterangan"),
    "sp2d": ("SP2D Asal", "Nomor SP2D Asal"),
}


_ACCEPTED = {header_key(f): f for f in (*FIELDS, "recorded_at")}
for _field, _names in HEADER_ALIASES.items():
    for _name in _names:
        _ACCEPTED.setdefault(header_key(_name), _field)


def map_header(header):
    """The field of each column, or a rule 1 refusal naming the unknown column."""
    fields, names = [], {}
    for raw in header:
        key = header_key(raw) if raw is not None else ""
        if not key:
            raise RuleError(1, "the header has an empty column name; name every column")
        if key not in _ACCEPTED:
            names = ", ".join((*FIELDS, "recorded_at"))
            sakti = ", ".join(n for ns in HEADER_ALIASES.values() for n in ns)
            raise RuleError(1, f"unknown column '{str(raw).strip()[:40]}' in the header; use the "
                               f"field names ({names}) or the SAKTI names ({sakti})")
        field = _ACCEPTED[key]
        if field in names:
            raise RuleError(1, f"the header columns '{names[field]}' and '{str(raw).strip()}' both "
                               f"mean the field '{field}'; keep one of them")
        names[field] = str(raw).strip()
        fields.append(field)
    return fields


def read_rows(path, sheet=None):
    """Yield ``(row, raw)`` for every data row of a .csv, .xlsx or .jsonl file."""
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if sheet is not None and ext != ".xlsx":
        raise RuleError(1, "--sheet applies to .xlsx files only")
    if ext == ".csv":
        yield from _guard(_tabular(_csv_cells(path)))
    elif ext == ".xlsx":
        yield from _guard(_tabular(_xlsx_cells(path, sheet)))
    elif ext in (".jsonl", ".ndjson"):
        yield from _guard(_jsonl_rows(path))
    else:
        raise RuleError(1, f"{os.fspath(path)}: unknown file type '{ext or 'none'}'; import reads "
                           ".csv, .xlsx or .jsonl")


def _guard(rows):
    """Turn decoding failures into rule 1 naming the row they occurred in."""
    last = 0
    try:
        for row, raw in rows:
            last = row
            yield row, raw
    except UnicodeDecodeError:
        raise RuleError(1, "the file is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in Excel)",
                        row=last + 1) from None
    except csv.Error as e:
        raise RuleError(1, f"the CSV cannot be read: {e}", row=last + 1) from None


def _tabular(rows):
    """Rows of cells (the first one the header) -> ``(row, raw)`` with mapped fields."""
    header = next(rows, None)
    if header is None:
        return
    fields = map_header(header)
    sp2d_only = "kind" not in fields
    for n, cells in enumerate(rows, start=1):
        if not cells or all(_blank(c) for c in cells):
            continue
        if len(cells) > len(fields) and not all(_blank(c) for c in cells[len(fields):]):
            raise RuleError(1, f"the row has {len(cells)} cells but the header only "
                               f"{len(fields)}", row=n)
        raw = dict(zip(fields, cells))
        if sp2d_only:
            raw["kind"] = "sp2d"
        yield n, raw


def _blank(cell):
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _csv_cells(path):
    """CSV cells; a file whose header has more ``;`` than ``,`` is read as ``;``-separated
    (Excel with Indonesian regional settings saves CSV that way)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        yield from csv_reader(f)


def _xlsx_cells(path, sheet):
    """Cells of one sheet (the first, or ``sheet``) through openpyxl, as import values:
    whole numbers as int, dates as YYYY-MM-DD, text as is."""
    import zipfile

    import openpyxl

    def unreadable(e):
        return RuleError(1, f"{os.fspath(path)} is not a readable .xlsx workbook "
                            f"({type(e).__name__}: {str(e)[:60]}); save it again from Excel")

    if not os.path.exists(path):
        raise FileNotFoundError(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError) as e:
        if isinstance(e, (FileNotFoundError, PermissionError, IsADirectoryError)):
            raise
        raise unreadable(e) from None
    except Exception as e:  # openpyxl raises many kinds on a damaged file
        raise unreadable(e) from None
    try:
        if not book.worksheets:
            raise RuleError(1, f"{os.fspath(path)} has no worksheet: no data rows to import")
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise RuleError(1, f"no sheet '{sheet}' in {os.fspath(path)}; it has: "
                               + ", ".join(book.sheetnames))
        rows = ws.iter_rows(values_only=True)
        while True:
            try:
                values = next(rows)
            except StopIteration:
                break
            except Exception as e:  # a damaged sheet part shows only while reading it
                raise unreadable(e) from None
            yield [_xlsx_value(v) for v in values]
    finally:
        book.close()


def _xlsx_value(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _jsonl_rows(path):
    with open(path, encoding="utf-8-sig") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                if _LONG_NUMBER.search(line):
                    raw = json.loads(line, parse_constant=_no_constant,
                                     object_pairs_hook=_no_duplicates, parse_int=_int)
                else:
                    raw = json.loads(line, parse_constant=_no_constant,
                                     object_pairs_hook=_no_duplicates)
            except (ValueError, RecursionError) as e:
                raise RuleError(1, f"the line is not valid JSON ({e})", row=n) from None
            if not isinstance(raw, dict):
                raise RuleError(1, "each JSONL line must be an object like {\"kind\": \"sp2d\", ...}", row=n)
            yield n, raw


def _int(text):
    """A JSON integer; one of more than 19 digits stays text (and is then refused as too
    large, under rule 2, instead of tripping Python's limit on huge integers)."""
    return int(text) if len(text) <= 20 else text


# Only a line with a run of 20+ digits needs the (slower) integer hook below.
_LONG_NUMBER = re.compile(r"[0-9]{20}")


def _no_duplicates(pairs):
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        keys = [k for k, _v in pairs]
        twice = next(k for k in keys if keys.count(k) > 1)
        raise ValueError(f"the key '{twice}' appears twice")
    return mapping


def _no_constant(name):
    raise ValueError(f"{name} is not a number")


def parsed_rows(path, sheet=None):
    """Yield ``(row, Event, recorded_at or None)`` for each row of an import file; a row
    that breaks rule 1, 2 or 7 is yielded as ``(row, RuleError, None)`` and ends it."""
    from .events import Event

    try:
        rows = read_rows(path, sheet)
        for n, raw in rows:
            raw = dict(raw)
            recorded_at = raw.pop("recorded_at", None)
            try:
                if isinstance(recorded_at, str) and not recorded_at.strip():
                    recorded_at = None
                if recorded_at is not None:
                    try:
                        recorded_at = parse_time(recorded_at, "recorded_at")
                    except ValueError as e:
                        raise RuleError(1, str(e)) from None
                event = Event.parse(raw)
            except RuleError as e:
                yield n, e.at_row(n), None
                return
            yield n, event, recorded_at
    except FileNotFoundError:
        raise LedgerError(f"no file {path}; check the path") from None
    except IsADirectoryError:
        raise LedgerError(f"{path} is a folder, not a file to import") from None
    except PermissionError:
        raise LedgerError(f"cannot read {path}: permission denied") from None
