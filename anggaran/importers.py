"""Reading import files as a stream of ``(row number, raw mapping)``.

CSV and Excel (.xlsx): the header row is the first row in which the date column and at
least one other cell are known column names (``COLUMN_NAMES``: the contract's field names
and the Indonesian names of officers' spreadsheets and SAKTI/OMSPAN exports, in any case
and spacing); title rows above it are skipped. A column headed ``No``, ``No.`` or ``Nomor
Urut`` is ignored. Blank rows and summary rows (``Jumlah``, ``Total`` with no date) are
skipped. A file of SP2Ds with no kind column is a file of ``sp2d`` events. JSONL: one
object per line with the contract's field names; blank lines are skipped.

Row numbers are the ones the user sees: the spreadsheet's row in .xlsx, the line of the
record's first line in CSV (every line counted), the line in JSONL. Text files are UTF-8;
a BOM (as Excel writes) is allowed; anything else is refused under rule 1, as is a file
with no data rows.
"""

import csv
import datetime as dt
import functools
import json
import os
import re

from . import kinds
from .dates import parse_time
from .errors import LedgerError, RuleError
from .events import FIELDS
from .tabular import column_letter, csv_reader, header_key, is_blank, summary_word_at

csv.field_size_limit(1 << 20)

# The contract's field names (v2.0). ``events.FIELDS`` is what the event model knows
# today; ``Event.parse`` refuses the others as unknown fields until it knows them.
FIELD_NAMES = tuple(dict.fromkeys((
    *FIELDS, "revision", "payment", "contract", "tup", "bast_date", "signed", "supplier",
    "end", "month", "jenis", "voids", "recorded_at")))

# Every other column name a CSV or .xlsx header may use, by the field it fills: how
# officers' spreadsheets and SAKTI/OMSPAN exports head their columns. Matched as
# ``tabular.header_key`` does (case, spacing and punctuation aside). This is the one list
# of names; the reference in the README lists it and ``COLUMN_NAMES`` is its flat form.
HEADER_ALIASES = {
    "kind": ("Peristiwa", "Jenis Transaksi", "Jenis SPM"),  # Jenis SPM: UP, TUP, LS, GUP, …
    "date": ("Tanggal SP2D", "Tgl SP2D", "Tanggal", "Tgl"),
    "code": ("Kode Kegiatan", "Kegiatan", "Kode"),
    "akun": ("Akun", "Kode Akun"),
    "from_code": ("Kode Asal", "Kode Kegiatan Asal"),
    "from_akun": ("Akun Asal", "Kode Akun Asal"),
    "amount": ("Nilai SP2D", "Nilai", "Jumlah", "Nominal", "Nilai Kontrak"),
    "ref": ("Nomor SP2D", "No SP2D", "No. SP2D", "Nomor", "No Dokumen", "Nomor Dokumen", "NTPN"),
    "sp2d": ("SP2D Asal", "Nomor SP2D Asal"),
    "contract": ("Nomor Kontrak", "No Kontrak"),  # ref on a contract row: see BY_KIND
    "signed": ("Tanggal Kontrak", "Tgl Kontrak"),
    "end": ("Tanggal Berakhir",),
    "supplier": ("Penyedia", "Nama Penyedia", "Supplier"),
    "payment": ("Jenis Pembayaran", "Cara Bayar", "Cara Pembayaran"),  # LS, GUP, GUP Nihil, PTUP
    "bast_date": ("Tanggal BAST", "Tgl BAST"),
    "tup": ("SP2D TUP", "Nomor SP2D TUP"),
    "month": ("Bulan",),
    "jenis": ("Jenis", "Jenis Belanja"),  # jenis belanja (51, 52, …), not the kind
    "grantor": ("Pemberi Hibah",),
    "name": ("Nama", "Uraian Kode"),
    "note": ("Uraian", "Keterangan"),
}

# Columns whose field depends on the row's kind: {name: {kind: field on such a row}}.
BY_KIND = {"Nomor Kontrak": {"contract": "ref"}, "No Kontrak": {"contract": "ref"}}

# Row-number columns (``No``, ``No.``, ``Nomor Urut``): ignored, header and cells.
IGNORED_COLUMNS = ("No", "Nomor Urut")

# The fields whose Excel date cells stay dates; elsewhere a date cell is its text.
DATE_FIELDS = ("date", "signed", "end", "bast_date", "month")


def _column_names():
    """{header key: field} for every accepted column name; a name given twice is a bug."""
    names = {header_key(f): f for f in FIELD_NAMES}
    for field, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            key = header_key(alias)
            assert names.get(key, field) == field, f"column name {alias!r} means two fields"
            names[key] = field
    return names


COLUMN_NAMES = _column_names()
_BY_KIND = {header_key(name): by_kind for name, by_kind in BY_KIND.items()}
_IGNORED = {header_key(name) for name in IGNORED_COLUMNS}


# ------------------------------------------------------------------ headers

def is_header(cells):
    """Whether a row is the header: it names the date column and at least one other."""
    known = [COLUMN_NAMES.get(header_key(c)) for c in cells if isinstance(c, str)]
    return "date" in known and sum(f is not None for f in known) >= 2


def map_header(header):
    """The field of each column of the header row (None for a ``No`` column or one without
    a name), or a rule 1 refusal naming an unknown column or two of the same field."""
    fields, seen = [], {}
    for raw in header:
        key = "" if is_blank(raw) else header_key(raw)
        if not key or key in _IGNORED:
            fields.append(None)
            continue
        if key not in COLUMN_NAMES:
            raise RuleError(1, f"unknown column '{str(raw).strip()[:40]}' in the header; use the "
                               f"field names ({', '.join(FIELDS)}, recorded_at) or the "
                               "Indonesian names listed in docs/reference.md (Tanggal, Kode "
                               "Kegiatan, Akun, Nilai, Nomor SP2D, Peristiwa, Uraian, …)")
        field = COLUMN_NAMES[key]
        if field in seen:
            raise RuleError(1, f"the header columns '{seen[field]}' and '{str(raw).strip()}' both "
                               f"mean the field '{field}'; keep one of them")
        seen[field] = str(raw).strip()
        fields.append(field)
    return fields


def _no_header(where):
    return (f"no header row found in {where}: expected a row with 'date' (or "
            f"{', '.join(HEADER_ALIASES['date'])}) and other columns such as kind, code, akun, "
            "amount, ref, note, Nomor SP2D, Kode Kegiatan, Akun, Nilai SP2D, Uraian")


# ------------------------------------------------------------------ tables

def _tabular(records, where, on_summary, hint=lambda: ""):
    """Numbered rows of cells -> ``(row, raw)`` for the data rows under the header.

    Rows above the header are skipped; so are blank rows (or rows with only a ``No``) and
    summary rows, for which ``on_summary(row)`` is called. ``hint()`` ends a refusal of a
    table with no header (a workbook names its other sheets there)."""
    content = False
    for _n, cells in records:
        if is_header(cells):
            break
        content = content or not all(is_blank(c) for c in cells)
    else:
        if content:
            raise RuleError(1, _no_header(where) + hint())
        return
    fields = map_header(cells)
    date = fields.index("date")
    unnamed = [i for i, (f, c) in enumerate(zip(fields, cells)) if f is None and is_blank(c)]
    by_kind = [(f, str(c).strip(), _BY_KIND[header_key(c)]) for f, c in zip(fields, cells)
               if f is not None and header_key(c) in _BY_KIND]
    default_kind = None if "kind" in fields else "sp2d"
    for n, cells in records:
        if _is_summary(cells, date):
            on_summary(n)
            continue
        _check_unnamed(n, cells, fields, unnamed)
        raw = dict(zip(fields, cells))
        raw.pop(None, None)  # the No column and nameless ones
        if all(is_blank(v) for v in raw.values()):
            continue
        if default_kind:
            raw["kind"] = default_kind
        if by_kind:
            _switch_by_kind(n, raw, by_kind)
        yield n, raw


# ------------------------------------------------------------------ RPD sheets

# Month columns of an RPD sheet: the Indonesian names, their short forms, or 1 … 12.
MONTH_NAMES = {}
for _m, (_full, *_short) in enumerate([
        ("januari", "jan"), ("februari", "feb", "pebruari", "peb"), ("maret", "mar"),
        ("april", "apr"), ("mei",), ("juni", "jun"), ("juli", "jul"),
        ("agustus", "agu", "agt", "ags", "agus"), ("september", "sep", "sept"),
        ("oktober", "okt"), ("november", "nov", "nop", "nopember"), ("desember", "des")], start=1):
    for _name in (_full, *_short, str(_m), f"{_m:02d}"):
        MONTH_NAMES[_name] = _m
# Columns of an RPD sheet that hold no plan: the row's name and its total.
PLAN_IGNORED = ("uraian", "nama", "jenis belanja uraian", "uraian jenis belanja", "jumlah",
                "total")
PLAN_JENIS = ("jenis", "jenis belanja", "kode", "kode jenis belanja", "jb")


def _month_of(cell):
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return MONTH_NAMES.get(header_key(cell)) if not is_blank(cell) else None


def is_plan_header(cells):
    """Whether a row is an RPD sheet's header: a jenis column and at least one month."""
    keys = [header_key(c) for c in cells if not is_blank(c)]
    return any(k in PLAN_JENIS for k in keys) and any(_month_of(c) for c in cells)


def plan_table(records, where, on_summary, hint=lambda: "", plan=None):
    """An RPD sheet as SAKTI prints it — a ``jenis`` column (51, 52, …) and one column per
    month (``Januari`` … ``Desember``, ``Jan`` … ``Des``, or ``1`` … ``12``) — as ``(row,
    raw)`` of one ``plan`` event per non-empty month cell, dated ``plan["date"]``, numbered
    ``plan["ref"]``, in ``plan["year"]``. Rows above the header are skipped; ``Uraian`` and
    ``Jumlah`` columns are ignored (a second jenis-like column, ``Kode`` then ``Jenis
    Belanja``, is the row's name), and so are blank cells (a month not planned; ``0`` or
    ``-`` plans nothing), blank rows and summary rows (``Jumlah``)."""
    for _n, cells in records:
        if is_plan_header(cells):
            break
    else:
        raise RuleError(1, f"no RPD header row found in {where}: expected a row with a jenis "
                           "column (Jenis, Jenis Belanja, Kode) and month columns (Januari … "
                           "Desember, Jan … Des, or 1 … 12)" + hint())
    columns, jenis = {}, None
    for i, cell in enumerate(cells):
        key = header_key(cell) if not is_blank(cell) else ""
        month = _month_of(cell)
        if key in PLAN_JENIS and jenis is None:
            jenis = i
        elif key in PLAN_JENIS:  # "Kode" then "Jenis Belanja": the second is its name
            continue
        elif month:
            if month in columns.values():
                raise RuleError(1, f"the RPD header names month {month} twice; keep one column "
                                   "per month")
            columns[i] = month
        elif key and key not in PLAN_IGNORED and key not in _IGNORED:
            raise RuleError(1, f"unknown column '{str(cell).strip()[:40]}' in the RPD header; an "
                               "RPD sheet has a jenis column, month columns (Januari … Desember) "
                               "and optionally Uraian and Jumlah")
    year = int(plan["year"])
    for n, cells in records:
        first = next((c for c in cells if not is_blank(c)), None)
        if first is None:
            continue
        if summary_word_at(cells) is not None:
            on_summary(n)
            continue
        code = cells[jenis] if jenis < len(cells) else None
        for i, month in columns.items():
            if i < len(cells) and not is_blank(cells[i]):
                amount = 0 if str(cells[i]).strip() == "-" else cells[i]  # "-": nothing planned
                yield n, {"kind": "plan", "date": plan["date"], "month": f"{year}-{month:02d}",
                          "jenis": code, "amount": amount, "ref": plan["ref"]}


def _is_summary(cells, date):
    """A summary row: it starts with ``Jumlah``/``Total`` and has no date (its word may
    stand in the date column itself)."""
    word = summary_word_at(cells)
    return word is not None and (word == date or date >= len(cells) or is_blank(cells[date]))


def _check_unnamed(n, cells, fields, unnamed):
    """A value in a column with no header name (or beyond the header) is refused."""
    if not unnamed and len(cells) <= len(fields):
        return
    for i in [*unnamed, *range(len(fields), len(cells))]:
        if i < len(cells) and not is_blank(cells[i]):
            raise RuleError(1, f"column {column_letter(i)} holds a value but has no name in the "
                               "header; name the column or clear it", row=n)


def _switch_by_kind(n, raw, by_kind):
    """Columns whose field depends on the kind (``Nomor Kontrak``: ``ref`` of a contract)."""
    kind = raw.get("kind")
    kind = kinds.kind_name(kind) if isinstance(kind, str) else None
    for field, name, fields in by_kind:
        target = fields.get(kind)
        if target and not is_blank(raw.get(field)):
            if not is_blank(raw.get(target)):
                raise RuleError(1, f"a {kind} row takes its {target} from the column '{name}'; "
                                   f"leave its other {target} cell empty", row=n)
            raw[target] = raw.pop(field)


def _at_least_one(rows, refusal):
    """Pass rows through; when there are none, raise ``refusal()`` (rule 1: no data rows)."""
    empty = True
    for item in rows:
        empty = False
        yield item
    if empty:
        raise refusal()


# ------------------------------------------------------------------ files

def read_rows(path, sheet=None, on_summary=None, plan=None):
    """Yield ``(row, raw)`` for every data row of a .csv, .xlsx or .jsonl file.

    ``on_summary(row)`` is called for each summary row skipped (``Jumlah``, ``Total``).
    ``plan`` (``{"year", "date", "ref"}``): the file is an RPD sheet (``plan_table``)."""
    on_summary = on_summary or (lambda row: None)
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if sheet is not None and ext != ".xlsx":
        raise RuleError(1, "--sheet applies to .xlsx files only")
    if plan is not None and ext not in (".csv", ".xlsx"):
        raise RuleError(1, "an RPD sheet (--year, --date, --ref) is a .csv or .xlsx file")
    table = _tabular if plan is None else functools.partial(plan_table, plan=plan)
    if ext == ".csv":
        yield from _utf8_only(_csv_rows(path, on_summary, table), path)
    elif ext == ".xlsx":
        yield from _xlsx_rows(path, sheet, on_summary, table)
    elif ext in (".jsonl", ".ndjson"):
        rows = _at_least_one(_jsonl_rows(path), lambda: _no_rows(os.fspath(path)))
        yield from _utf8_only(rows, path)
    else:
        raise RuleError(1, f"{os.fspath(path)}: unknown file type '{ext or 'none'}'; import reads "
                           ".csv, .xlsx or .jsonl")


def _no_rows(where, hint=""):
    return RuleError(1, f"{where} has no data rows{hint}")


def _utf8_only(rows, path):
    """Turn a decoding failure into rule 1 naming the line that is not UTF-8."""
    try:
        yield from rows
    except UnicodeDecodeError:
        raise RuleError(1, "the file is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in Excel)",
                        row=_first_bad_line(path)) from None


def _first_bad_line(path):
    """The number of the first line of ``path`` that is not UTF-8 (a line of bytes up to a
    newline: a UTF-8 character never holds a newline byte)."""
    with open(path, "rb") as f:
        for n, line in enumerate(f, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return n
    return None


def _csv_rows(path, on_summary, table=None):
    """The data rows of a CSV file, numbered by the line each record starts on."""
    where = os.fspath(path)
    table = table or _tabular
    with open(path, encoding="utf-8-sig", newline="") as f:
        detect = is_header if table is _tabular else is_plan_header
        rows = table(_csv_records(csv_reader(f, detect)), where, on_summary)
        yield from _at_least_one(rows, lambda: _no_rows(where))


def _csv_records(reader):
    """``(line, cells)`` for each record: the number of its first line, every line of the
    file counted from 1 (a blank line is a record with no cells)."""
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise RuleError(1, f"the CSV cannot be read: {e}", row=line) from None
        yield line, cells


def _xlsx_rows(path, sheet, on_summary, table=None):
    """The data rows of one sheet (the first, or ``sheet``), numbered as Excel numbers them."""
    book = _open_workbook(path)
    try:
        ws = _pick_sheet(book, sheet, os.fspath(path))
        where = f"sheet '{ws.title}' of {os.fspath(path)}"

        def hint():
            others = [s.title for s in book.worksheets if s is not ws and _holds_rows(s)]
            if not others:
                return ""
            return (f"; sheets with rows: {', '.join(others)} (choose one with --sheet, e.g. "
                    f"--sheet '{others[0]}')")

        rows = (table or _tabular)(_xlsx_records(ws, path), where, on_summary, hint)
        for n, raw in _at_least_one(rows, lambda: _no_rows(where, hint())):
            yield n, _excel_dates(raw)
    finally:
        book.close()


def _unreadable(path, e):
    return RuleError(1, f"{os.fspath(path)} is not a readable .xlsx workbook "
                        f"({type(e).__name__}: {str(e)[:60]}); save it again from Excel")


def _open_workbook(path):
    import zipfile

    import openpyxl

    if not os.path.exists(path):
        raise FileNotFoundError(path)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError) as e:
        if isinstance(e, (FileNotFoundError, PermissionError, IsADirectoryError)):
            raise
        raise _unreadable(path, e) from None
    except Exception as e:  # openpyxl raises many kinds on a damaged file
        raise _unreadable(path, e) from None


def _pick_sheet(book, sheet, where):
    """The first worksheet, or the one named ``sheet`` (an exact name, else any case)."""
    sheets = book.worksheets
    if not sheets:
        raise RuleError(1, f"{where} has no worksheet: no data rows to import")
    if sheet is None:
        return sheets[0]
    same = [ws for ws in sheets if ws.title.strip().casefold() == sheet.strip().casefold()]
    exact = [ws for ws in same if ws.title == sheet]
    if exact or len(same) == 1:
        return (exact or same)[0]
    names = ", ".join(ws.title for ws in (same or sheets))
    if same:
        raise RuleError(1, f"--sheet '{sheet}' matches several sheets of {where} ({names}); "
                           "give the name exactly")
    raise RuleError(1, f"no sheet '{sheet}' in {where}; it has: {names}")


def _xlsx_records(ws, path):
    """``(row, cells)`` for every row of a sheet, numbered from 1 as Excel shows them."""
    ws.reset_dimensions()  # read every row, whatever size the file claims the sheet has
    rows = ws.iter_rows(values_only=True)
    n = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as e:  # a damaged sheet part shows only while reading it
            raise _unreadable(path, e) from None
        n += 1
        yield n, [_xlsx_value(v) for v in values]


def _holds_rows(ws):
    """Whether a sheet has any non-empty cell (for naming the sheets that hold rows)."""
    try:
        ws.reset_dimensions()
        return any(not is_blank(v) for row in ws.iter_rows(values_only=True) for v in row)
    except Exception:  # a damaged sheet holds nothing we can import
        return False


def _xlsx_value(value):
    """A cell as an import value: a whole number stored as float (152174066.0) is an int;
    a time of day is its text; text, numbers and dates stay as they are."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (dt.time, dt.timedelta)):
        return str(value)
    return value


def _excel_dates(raw):
    """Excel date cells as the fields take them: a date in a date field (the day of a
    date-time), ISO text elsewhere (a date typed into a note, a ``recorded_at`` time)."""
    for field, value in raw.items():
        if isinstance(value, dt.date):
            if field in DATE_FIELDS:
                raw[field] = value.date() if isinstance(value, dt.datetime) else value
            elif isinstance(value, dt.datetime) and value.time() == dt.time():
                raw[field] = value.date().isoformat()
            else:
                raw[field] = value.isoformat()
    return raw


# ------------------------------------------------------------------ JSONL

MAX_JSONL_LINE = 65_536  # characters; an event is at most a few thousand


def _jsonl_rows(path):
    """One event per line. A line longer than any event can be (a whole file written as one
    JSON array, say) is refused without reading it whole, so memory stays small."""
    with open(path, encoding="utf-8-sig") as f:
        for n, line in enumerate(iter(lambda: f.readline(MAX_JSONL_LINE + 1), ""), start=1):
            if len(line) > MAX_JSONL_LINE:
                raise RuleError(1, f"the line is longer than {MAX_JSONL_LINE:,} characters; a "
                                   "JSONL file holds one event object per line", row=n)
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


# ------------------------------------------------------------------ events

class ImportRows:
    """The rows of an import file as ``(row, Event, recorded_at or None)``, read lazily; a
    row that breaks rule 1, 2 or 7 comes as ``(row, RuleError, None)`` and ends them.

    ``rows``: the ``(row, raw)`` of a file read elsewhere (a POK print: ``pok.pok_rows``)
    instead of ``read_rows``'s.

    Attributes:
      summary_rows: how many summary rows (``Jumlah``, ``Total``, ``Jumlah Seluruhnya``)
        were skipped so far; the file's count once the rows are consumed.
    """

    def __init__(self, path, sheet=None, plan=None, rows=None):
        self.summary_rows = 0
        self._rows = self._parse(path, sheet, plan, rows)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._rows)

    def close(self):
        """Close the file now (a failed import does not wait for the garbage collector)."""
        self._rows.close()

    def _count_summary(self, row):
        self.summary_rows += 1

    def _parse(self, path, sheet, plan, rows):
        from .events import Event

        if rows is None:
            rows = read_rows(path, sheet, self._count_summary, plan)
        try:
            for n, raw in rows:
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


def parsed_rows(path, sheet=None, plan=None):
    """The rows of an import file as ``(row, Event, recorded_at or None)``: an
    ``ImportRows``, whose ``summary_rows`` counts the summary rows skipped once consumed.
    ``plan``: ``{"year", "date", "ref"}`` for an RPD sheet (``plan_table``)."""
    return ImportRows(path, sheet, plan)
