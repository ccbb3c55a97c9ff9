"""Uraian (names) of codes: from ``name`` fields in the log, else shipped reference data.

The reference list (``ledger_data/names.csv``) holds the names of the KPU programs and
kegiatan, so that a report can name codes whose events carry no name (programs have no
events of their own).
"""

import csv
import functools
import io
import os


def shipped(filename):
    """The text of a file shipped in ``anggaran/ledger_data`` (read straight from the
    package folder: ``importlib.resources`` would add ~5 ms to every command's start-up)."""
    from . import ledger_data

    with open(os.path.join(os.path.dirname(ledger_data.__file__), filename),
              encoding="utf-8-sig") as f:
        return f.read()


@functools.lru_cache(maxsize=None)
def reference_names():
    try:
        text = shipped("names.csv")
    except (FileNotFoundError, ModuleNotFoundError):
        return {}
    return {row["code"].strip(): row["name"].strip() for row in csv.DictReader(io.StringIO(text))}


def names_known(conn, max_seq):
    """code -> name: reference names overridden by the latest ``name`` in the log (one
    voided by ``max_seq`` counts as never given)."""
    names = dict(reference_names())
    for code, name in conn.execute(
            "SELECT code, name FROM events WHERE name IS NOT NULL AND seq <= ? AND NOT EXISTS "
            "(SELECT 1 FROM events v WHERE v.voids = events.seq AND v.seq <= ?) ORDER BY seq",
            (max_seq, max_seq)):
        names[code] = name
    return names
