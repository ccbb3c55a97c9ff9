"""The shipped Lumajang 2024 ledger (``ledger_data/lumajang_2024.jsonl``), built on demand."""

from importlib import resources

from .ledger import Ledger

SATKER = ("657757", "KPU KABUPATEN LUMAJANG")
DATA = "lumajang_2024.jsonl"


def data_file():
    """A context manager giving a filesystem path to the shipped event log."""
    return resources.as_file(resources.files("anggaran.ledger_data").joinpath(DATA))


def build_demo(path):
    """Create (or top up, idempotently) a ledger at ``path`` holding the shipped events."""
    import os

    ledger = Ledger.open(path) if os.path.exists(path) else Ledger.init(path, *SATKER)
    with data_file() as source:
        ledger.import_file(source)
    return ledger
