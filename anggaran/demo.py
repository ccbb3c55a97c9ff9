"""The shipped Lumajang 2024 ledger (``ledger_data/lumajang_2024.jsonl``), built on demand."""

from importlib import resources

from .errors import LedgerError
from .ledger import Ledger

SATKER = ("657757", "KPU KABUPATEN LUMAJANG")
DATA = "lumajang_2024.jsonl"


def data_file():
    """A context manager giving a filesystem path to the shipped event log."""
    return resources.as_file(resources.files("anggaran.ledger_data").joinpath(DATA))


def build_demo(path):
    """Create a ledger at ``path`` holding the shipped events, or top up (idempotently) an
    earlier demo ledger there; any other satker's ledger is refused. In a PostgreSQL
    database: the Lumajang satker's ledger, made when the database does not hold it yet."""
    from . import backend, store

    if not backend.exists(path, SATKER[0]):
        ledger = Ledger.init(path, *SATKER)
    else:
        ledger = Ledger.open(path, satker=SATKER[0] if store.is_url(path) else None)
        if (ledger.meta.get("satker"), ledger.meta.get("name")) != SATKER:
            ledger.close()
            raise LedgerError(f"{path} is the ledger of satker {ledger.meta.get('satker')} "
                              f"{ledger.meta.get('name')}; demo builds the Lumajang ledger only in a "
                              "new file or an earlier demo ledger (omit --db for a temporary one)")
    with data_file() as source:
        try:
            ledger.import_file(source)
        except Exception:
            ledger.close()
            raise
    return ledger
