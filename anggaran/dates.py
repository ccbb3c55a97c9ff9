"""Dates as the ledger keeps them: ``YYYY-MM-DD`` text within the years anggaran keeps.

A module of its own so that read-only commands can check a date option without importing
the event model (``events.py`` and attrs)."""

import datetime as dt
import re

FIRST_YEAR, LAST_YEAR = 1900, 2999
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Day first, as Indonesian documents write dates: 15/03/2025 or 15-03-2025.
DAY_FIRST_RE = re.compile(r"^([0-9]{1,2})([/-])([0-9]{1,2})\2([0-9]{4})$")


def iso_day(text):
    """A date as typed -> ``YYYY-MM-DD``: ``2025-03-15``, or day first ``15/03/2025`` and
    ``15-03-2025`` (what Indonesian documents write). ValueError when it is not a real
    calendar day in those forms, or outside the years anggaran keeps."""
    if isinstance(text, dt.date) and not isinstance(text, dt.datetime):
        text = text.isoformat()
    raw = str(text).strip()
    match = DAY_FIRST_RE.match(raw)
    if match:
        day = dt.date(int(match[4]), int(match[3]), int(match[1]))
    elif DATE_RE.match(raw):
        day = dt.date.fromisoformat(raw)
    else:
        raise ValueError(raw)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(raw)
    return day.isoformat()


ISO_START = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?"
                       r"([zZ]|[+-][0-9]{2}:?[0-9]{2})?$")


def parse_time(text, what="time"):
    """ISO 8601 -> ``YYYY-MM-DDTHH:MM:SSZ`` in UTC; a bare date means the end of that day."""
    if isinstance(text, (dt.datetime, dt.date)):
        text = text.isoformat()
    if not isinstance(text, str):
        raise ValueError(f"{what} must be an ISO 8601 time like 2024-12-05T09:00:00Z")
    raw = text.strip()
    try:
        if len(raw) == 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(23, 59, 59),
                                         tzinfo=dt.timezone.utc)
        else:
            moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.timezone.utc)
        if not ISO_START.match(raw):
            raise ValueError
        moment = moment.astimezone(dt.timezone.utc)
        if not 1900 <= moment.year <= 2999:
            raise ValueError
    except (ValueError, OverflowError):
        raise ValueError(f"{what} '{raw[:40]}' is not an ISO 8601 time like 2024-12-05T09:00:00Z "
                         "or a date like 2024-12-05 (years 1900-2999)") from None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
