"""Dates as the ledger keeps them: ``YYYY-MM-DD`` text within the years anggaran keeps.

A module of its own so that read-only commands can check a date option without importing
the event model (``events.py`` and attrs)."""

import re

FIRST_YEAR, LAST_YEAR = 1900, 2999
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
