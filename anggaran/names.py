"""Uraian (names) of codes: from ``name`` fields in the log, else shipped reference data.

The reference list (``ledger_data/names.csv``) holds the names of the KPU programs and
kegiatan, so that a report can name codes whose events carry no name (programs have no
events of their own).
"""

import csv
import functools
import io
from importlib import resources


@functools.lru_cache(maxsize=None)
def reference_names():
    try:
        text = resources.files("anggaran.ledger_data").joinpath("names.csv").read_text("utf-8-sig")
    except (FileNotFoundError, ModuleNotFoundError):
        return {}
    return {row["code"].strip(): row["name"].strip() for row in csv.DictReader(io.StringIO(text))}


def names_known(conn, max_seq):
    """code -> name: reference names overridden by the latest ``name`` in the log."""
    names = dict(reference_names())
    for code, name in conn.execute(
            "SELECT code, name FROM events WHERE name IS NOT NULL AND seq <= ? ORDER BY seq",
            (max_seq,)):
        names[code] = name
    return names
