"""Working days (hari kerja): Monday to Friday, less Indonesia's national holidays.

The holidays are those of the maintained ``holidays`` package (its Indonesia calendar,
category ``public``: the national holidays, hari libur nasional, with the election days
declared holidays, e.g. 14 February and 27 November 2024). Cuti bersama (collective leave,
the package's ``government`` category) is not a national holiday and is counted as a
working day.

Years covered: those the installed package knows for Indonesia, ``covered()`` (holidays
0.109: 1946 to 2100). Within them, the package takes the lunar holidays (Islamic, Chinese
New Year, Vesak) from the published decrees as far as it has them (0.109: through 2026) and
computes them after that, marking them "(estimated)": ``estimated(year)`` lists those. A
year outside the range has no holidays known; its working days are Monday to Friday only,
and ``covered(year)`` says so, for the caller to tell the reader.

Everything here is a pure function of dates (ISO ``YYYY-MM-DD`` text in, as the ledger
keeps them); the calendar of a year is read once and cached.
"""

import datetime as dt
import functools


@functools.lru_cache(maxsize=None)
def _calendar(year):
    """``{date: name}`` of Indonesia's national holidays in ``year`` (English names)."""
    import holidays

    found = holidays.country_holidays("ID", years=year, language="en_US")
    return {day: name for day, name in found.items() if day.year == year}


def holidays_of(year):
    """``{ISO date: name}`` of the national holidays of ``year``, in date order (empty
    outside the years covered)."""
    return {day.isoformat(): name for day, name in sorted(_calendar(int(year)).items())}


def covered(year):
    """Whether the holiday calendar knows ``year`` (else: Monday to Friday only)."""
    import holidays

    first = getattr(holidays.Indonesia, "start_year", 1946)
    last = getattr(holidays.Indonesia, "end_year", 2100)
    return first <= int(year) <= last


def estimated(year):
    """The ISO dates of ``year`` whose holiday the package computes rather than takes from
    a decree (their names say "estimated")."""
    return [d.isoformat() for d, name in sorted(_calendar(int(year)).items())
            if "estimated" in name.lower()]


def is_working_day(day):
    """Monday to Friday and not a national holiday (``day``: ISO text or a date)."""
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return day.weekday() < 5 and day not in _calendar(day.year)


@functools.lru_cache(maxsize=None)
def _running(year):
    """``counts[k]``: the working days of ``year`` from 1 January up to its day ``k`` (0 for
    31 December of the year before), so a span is a subtraction, not a walk."""
    counts, day = [0], dt.date(year, 1, 1)
    while day.year == year:
        counts.append(counts[-1] + is_working_day(day))
        day += dt.timedelta(days=1)
    return counts


def working_days_after(start, end):
    """The number of working days after ``start`` up to and including ``end`` (0 when
    ``end`` is on or before ``start``): a BAST dated Friday and an SP2D the next Monday
    are 1 working day apart."""
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    if last <= first:
        return 0
    at = lambda day: _running(day.year)[day.timetuple().tm_yday]  # noqa: E731
    between = sum(_running(y)[-1] for y in range(first.year, last.year))
    return between + at(last) - at(first)


def add_working_days(start, n):
    """The ``n``-th working day after ``start`` (ISO text): the last day on which something
    due "within n working days of start" is still on time."""
    day = dt.date.fromisoformat(start)
    while n > 0:
        day += dt.timedelta(days=1)
        n -= is_working_day(day)
    return day.isoformat()
