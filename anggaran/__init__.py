"""anggaran: a satker's budget as an append-only, hash-chained event ledger.

    from anggaran import Ledger
    with Ledger.open("anggaran.db") as ledger:
        ledger.record("sp2d", date="2024-12-04", code="CQ.6639", akun="521211",
                      amount="Rp 5.000.000", ref="240122300000123")
        print(ledger.report(as_of="2024-12-31")["rows"][0])
"""

from .errors import AnggaranError, LedgerError, RuleError, UsageError, VerifyError

__version__ = "0.1.0"


def _from_a_checkout():
    """The repository keeps the command line and the shipped data in the top-level folders
    ``cli/`` and ``ledger_data/``, which an installed package holds as ``anggaran.cli`` and
    ``anggaran.ledger_data`` (pyproject's package-dir). Run from a checkout (``python -m
    anggaran``, ``python -m pytest``), the repository folder is added to this package's
    search path, so the same names find the same folders without an install."""
    import os

    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    if (not os.path.isdir(os.path.join(here, "cli"))
            and os.path.isfile(os.path.join(root, "cli", "__init__.py"))
            and os.path.isfile(os.path.join(root, "pyproject.toml"))):
        __path__.append(root)


_from_a_checkout()


def __getattr__(name):
    """``Ledger`` is imported on first use, so that ``import anggaran.x`` stays cheap (the
    command line's start-up counts: officers run ``record`` dozens of times a day)."""
    if name == "Ledger":
        from .ledger import Ledger

        return Ledger
    raise AttributeError(f"module 'anggaran' has no attribute {name!r}")


__all__ = ["Ledger", "AnggaranError", "LedgerError", "RuleError", "UsageError", "VerifyError"]
