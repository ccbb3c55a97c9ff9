"""Reading import files as a stream of ``(row number, raw mapping)``.

CSV: the header row names the fields; data rows count from 1. JSONL: one object per
line; the row number is the line number; blank lines are skipped. Files are UTF-8; a BOM
(as Excel writes) is allowed; anything else is refused under rule 1.
"""

import csv
import json
import os

from .errors import RuleError

csv.field_size_limit(1 << 20)


def read_rows(path):
    """Yield ``(row, raw)`` for every data row of a .csv or .jsonl file."""
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext == ".csv":
        yield from _guard(_csv_rows(path))
    elif ext in (".jsonl", ".ndjson"):
        yield from _guard(_jsonl_rows(path))
    else:
        raise RuleError(1, f"{os.fspath(path)}: unknown file type '{ext or 'none'}'; import reads .csv or .jsonl")


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


def _csv_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            return
        header = [h.strip() for h in header]
        if len(set(header)) != len(header):
            raise RuleError(1, "the CSV header names a field twice: " + ",".join(header))
        if "" in header:
            raise RuleError(1, "the CSV header has an empty column name")
        for n, cells in enumerate(reader, start=1):
            if not cells or all(c.strip() == "" for c in cells):
                continue
            if len(cells) > len(header):
                raise RuleError(1, f"the row has {len(cells)} cells but the header only "
                                   f"{len(header)}", row=n)
            yield n, dict(zip(header, cells))


def _jsonl_rows(path):
    with open(path, encoding="utf-8-sig") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line, parse_constant=_no_constant)
            except (ValueError, RecursionError) as e:
                raise RuleError(1, f"the line is not valid JSON ({str(e)[:60]})", row=n) from None
            if not isinstance(raw, dict):
                raise RuleError(1, "each JSONL line must be an object like {\"kind\": \"sp2d\", ...}", row=n)
            yield n, raw


def _no_constant(name):
    raise ValueError(f"{name} is not a number")
