"""``anggaran consolidate``: many satker ledgers summed as of one date.

A source is a pair ``(label, open_fn)``: ``open_fn()`` returns an opened ``Ledger`` and
``label`` (a file path, or a database URL and satker) names the source in an error.
``sources_of`` turns what the command line gives (ledger files, ``postgresql://`` URLs, or
the ``--db`` value) into such pairs; ``sources_from_paths`` does it for files alone.

Choices, and why:

- Each satker's figures are its own ``reports.report`` (its total row, or its jenis rows
  with ``by="jenis"``), in that report's read transaction: a consolidated row is the sum
  of what each satker's ``report`` prints for the same dates, never a second computation.
- The ledgers are opened one at a time and each is closed before the next is opened, so
  550 sources never hold 550 connections (or file handles) at once.
- One as-of date for all: the given ``as_of``, else today, but not past 31 December of the
  latest year that has an event in any source (a first pass reads each source's latest
  year; a year that ended for one satker has not ended for the consolidation while
  another still records in a later one). ``period_start`` defaults to the first day of
  the as-of month and is checked as for ``report``; ``known_at`` applies to every ledger.
- A source that cannot be opened or read is an error naming it (``LedgerError``), never
  a missing row: a consolidation short of one satker would look complete. So are two
  sources of the same satker (it would be counted twice).
- ``groups`` is a CSV ``satker,group,group_name`` (UTF-8, a byte-order mark allowed, ``,``
  or ``;`` separated as Excel saves it; the three columns in any order and no others).
  Every satker of the sources must be in it, each once; rows for other satker are
  ignored, so one province file serves every subset of its satker. A group with none of
  the sources' satker has no row. A group's name may be left blank on all but one of its
  rows, but two different names for one group are refused.
- Rows: the total (code ``""``, ``JUMLAH SELURUHNYA``); with ``by="satker"`` each group
  in group-code order followed by its satker in satker-code order (without ``groups``,
  the satker alone); with ``by="group"`` the groups alone (it needs ``groups``); with
  ``by="jenis"`` the jenis belanja of all satker together, in ``report --by jenis``
  order (``groups`` adds no level to it and is refused, rather than silently ignored).
  A satker row's code is its six digits and its name the one in its ledger.
"""

import contextlib
import csv
import os
import sqlite3
from functools import partial

from . import codes, reports
from .errors import AnggaranError, LedgerError, UsageError
from .projections import Figures

BY = ("satker", "group", "jenis")
GROUP_COLUMNS = ("satker", "group", "group_name")


def consolidate(sources, as_of=None, period_start=None, known_at=None, by="satker",
                groups=None, today=None):
    """The satker of ``sources`` summed as of one date: a dict ``as_of``, ``from``,
    ``known_at``, ``by``, ``rows`` (what ``--format json`` prints), plus ``year`` and
    ``satker`` (``[{"code", "name", "group"}]`` in row order, ``group`` None without
    ``groups``). ``sources``: ``(label, open_fn)`` pairs (``sources_of``); ``groups``: the
    path of a CSV ``satker,group,group_name``; ``today``: the day the default as-of counts from
    (default: today's date)."""
    if by not in BY:
        raise UsageError(f"--by must be one of {', '.join(BY)}")
    if by == "group" and groups is None:
        raise UsageError("--by group needs --groups FILE (a CSV satker,group,group_name)")
    if by == "jenis" and groups is not None:
        raise UsageError("--groups adds no level to --by jenis (the jenis belanja of all the "
                         "satker together); drop --groups, or use --by satker or --by group")
    if as_of is not None:
        as_of = reports.parse_date(as_of, "--as-of")
    known = _known_at(known_at)
    membership = read_groups(groups) if groups is not None else None
    sources = list(sources)
    if not sources:
        raise AnggaranError("nothing to consolidate: no satker ledger was given (name ledger "
                            "files or a postgresql:// database)")
    if as_of is None:
        as_of = _default_as_of(sources, today)
    as_of, period_start = reports.resolve_dates(None, as_of, period_start)

    found, missing = {}, []  # code -> (label, name, report rows); satker in no group

    def add(label, code, name, read):
        if code in found:
            raise LedgerError(f"satker {code} is in two sources, {found[code][0]} and {label}: "
                              "give each satker once (it would be counted twice)")
        if membership is not None and code not in membership.group_of:
            missing.append(code)
        if missing:  # the consolidation is refused: only find who else is missing
            found[code] = (label, name, None)
            return
        found[code] = (label, name, read())

    together, alone = _by_database(sources) if known is None else ({}, sources)
    for url, items in together.items():
        for label, code, name, read in _database_rows(url, items, as_of, period_start, by):
            add(label, code, name, read)
    for label, open_fn in alone:
        with _opened(label, open_fn) as ledger:
            add(label, ledger.satker["code"], ledger.satker["name"],
                partial(_report_rows, ledger, label, as_of, period_start, known_at, by))
    if missing:
        raise AnggaranError(f"{_satker_list(sorted(missing))} in no group of the groups file "
                            f"{os.fspath(groups)}: add a row satker,group,group_name for each")

    rows, members = _rows(found, membership, by)
    return {"as_of": as_of, "from": period_start, "known_at": known, "by": by, "rows": rows,
            "year": int(as_of[:4]), "satker": members}


def _report_rows(ledger, label, as_of, period_start, known_at, by):
    """One satker's own report: its total row (and its jenis rows with ``by="jenis"``)."""
    try:
        rep = reports.report(ledger, as_of, period_start, known_at,
                             by="jenis" if by == "jenis" else "program")
    except UsageError:
        raise
    except (AnggaranError, sqlite3.Error) as e:
        raise LedgerError(f"satker ledger {label} cannot be read: {e}") from None
    return rep["rows"]


def _by_database(sources):
    """The sources that are satker of a PostgreSQL database, ``{url: [(label, satker)]}``
    (read many at a time), and the others (opened one by one)."""
    together, alone = {}, []
    for label, open_fn in sources:
        if isinstance(open_fn, DatabaseLedger):
            together.setdefault(open_fn.url, []).append((label, open_fn.satker, open_fn))
        else:
            alone.append((label, open_fn))
    return together, alone


def _database_rows(url, items, as_of, period_start, by):
    """``(label, satker, name, read)`` for the satker of one database: their schemas
    checked together and their figures read on one connection — the same figures each
    satker's report reads (``pg.latest_figures`` is ``projections.figures_as_of`` per
    schema, over its jenis buckets, whose sum is the satker's total). A jenis whose figures are all zero is asked of that satker's own report (it
    shows only when an event still counts there)."""
    from . import pg

    with pg.reading(url) as conn:
        held = _checked(conn, items)
        names = pg.registry(conn)
        # the jenis buckets of a satker hold every posting once, as its lines do: their
        # sum is the satker's total, read from 4 or so buckets instead of every line's
        figures = pg.latest_figures(conn, held, int(as_of[:4]), as_of, period_start, jenis=True)
    for label, satker, open_fn in items:
        lines = figures[satker]
        if by == "jenis" and any(not any(f) for f in lines.values()):
            def read(label=label, open_fn=open_fn):
                with _opened(label, open_fn) as ledger:
                    return _report_rows(ledger, label, as_of, period_start, None, by)
        else:
            def read(lines=lines):
                rows = [reports.row("", "total", "JUMLAH SELURUHNYA", reports._total(lines.values()))]
                if by == "jenis":
                    rows += [reports.row(j, "jenis", codes.jenis_name(j), lines[j])
                             for j in sorted(lines, key=lambda j: (j == codes.NO_JENIS, j))]
                return rows
        yield label, satker, names[satker], read


def _checked(conn, items):
    """The satker of ``items`` (one database's), after their schemas are checked as
    opening each would check it: a tampered one is an error naming it."""
    from . import pg, store

    held = [satker for _, satker, _ in items]
    problems = pg.schema_problems_of(conn, held)
    for label, satker, _ in items:
        if problems[satker]:
            raise LedgerError(f"satker ledger {label} cannot be opened: "
                              f"{store.schema_message(problems[satker])}; it was tampered with. "
                              "Run 'anggaran verify' on it")
    return held


def _rows(found, membership, by):
    """The total, then the groups and satker (or the jenis) rows; and the satker list."""
    totals = {code: _figures(rep[0]) for code, (_, _, rep) in found.items()}
    rows = [reports.row("", "total", "JUMLAH SELURUHNYA", reports._total(totals.values()))]
    if by == "jenis":
        jenis = {}
        for _, _, rep in found.values():
            for r in rep[1:]:
                jenis.setdefault(r["code"], []).append(_figures(r))
        for j in sorted(jenis, key=lambda j: (j == codes.NO_JENIS, j)):
            rows.append(reports.row(j, "jenis", codes.jenis_name(j), reports._total(jenis[j])))
    if membership is None:
        members = [{"code": c, "name": found[c][1], "group": None} for c in sorted(found)]
        if by == "satker":
            rows += [reports.row(m["code"], "satker", m["name"], totals[m["code"]])
                     for m in members]
        return rows, members
    in_group = {}
    for code in sorted(found):
        in_group.setdefault(membership.group_of[code], []).append(code)
    members = []
    for group in sorted(in_group):
        held = in_group[group]
        members += [{"code": c, "name": found[c][1], "group": group} for c in held]
        if by == "jenis":
            continue
        rows.append(reports.row(group, "group", membership.names[group],
                                reports._total(totals[c] for c in held)))
        if by == "satker":
            rows += [reports.row(c, "satker", found[c][1], totals[c]) for c in held]
    return rows, members


def _figures(row):
    """A report row's Figures (the row carries every one of them)."""
    return Figures(*(row[f] for f in Figures._fields))


def _satker_list(missing):
    shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
    return f"satker {shown} {'is' if len(missing) == 1 else 'are'}"


def _known_at(known_at):
    """``--known-at`` in UTC (checked before any ledger is opened), or None."""
    if known_at is None:
        return None
    from .dates import parse_time

    try:
        return parse_time(known_at, "--known-at")
    except ValueError as e:
        raise UsageError(str(e)) from None


def _default_as_of(sources, today=None):
    """Today, but not past 31 December of the latest year with an event in any source.
    Once one source has reached today's year the answer is today, so the sources after it
    are not asked (a national database in the current year: one chunk of statements, not
    one per satker); each is still opened and checked when its figures are read."""
    import datetime as dt

    from . import store

    day = (today or dt.date.today()).isoformat()
    this_year = int(day[:4])
    together, alone = _by_database(sources)
    years = []
    for url, items in together.items():
        from . import pg

        with pg.reading(url) as conn:
            years += pg.last_years(conn, _checked(conn, items), enough=this_year).values()
        if any(y is not None and y >= this_year for y in years):
            return day
    for label, open_fn in alone:
        with _opened(label, open_fn) as ledger:
            try:
                year = store.last_year(ledger.conn)
            except sqlite3.Error as e:
                raise LedgerError(f"satker ledger {label} cannot be read: {e}") from None
        if year is not None and year >= this_year:
            return day
        years.append(year)
    latest = max((y for y in years if y is not None), default=None)
    if latest is not None and day > f"{latest}-12-31":
        day = f"{latest}-12-31"
    return day


@contextlib.contextmanager
def _opened(label, open_fn):
    """The source's ledger, closed when the block ends; one that cannot be opened is a
    LedgerError naming the source."""
    try:
        ledger = open_fn()
    except (AnggaranError, sqlite3.Error, OSError) as e:
        raise LedgerError(f"satker ledger {label} cannot be opened: {e}") from None
    try:
        yield ledger
    finally:
        ledger.close()


# ------------------------------------------------------------------ sources

def is_url(source):
    """Whether a SOURCE (or --db value) names a PostgreSQL database rather than a file."""
    return isinstance(source, str) and source.startswith(("postgresql://", "postgres://"))


def database_sources(url):
    """``[(label, open_fn)]``: every satker ledger of the PostgreSQL database at ``url``
    (``consolidate``'s default sources), each opened only when asked."""
    from . import pg

    with pg.reading(url) as conn:
        held = pg.satkers(conn)
    if not held:  # named, it would otherwise add nothing, and the sum look complete
        raise LedgerError(f"{pg.display(url)} holds no satker ledger: nothing to consolidate "
                          "from it (create one with: anggaran --db URL init --satker KODE "
                          "--name \"NAMA SATKER\", or leave the database out)")
    return [(f"{pg.display(url)} satker {s}", DatabaseLedger(url, s)) for s in held]


class DatabaseLedger:
    """Opens one satker's ledger in a database when called; ``consolidate`` reads the
    ``url`` and ``satker`` of many at once instead (``pg.latest_figures``)."""

    def __init__(self, url, satker):
        self.url, self.satker = url, satker

    def __call__(self):
        from .ledger import Ledger

        return Ledger.open(self.url, satker=self.satker)


def sources_from_paths(paths):
    """``[(label, open_fn)]`` for ledger files: the path names the source; ``open_fn``
    opens it (``Ledger.open``) only when called."""
    from .ledger import Ledger

    return [(os.fspath(p), partial(Ledger.open, p)) for p in paths]


def sources_of(where):
    """The sources of ``where``: a ``--db`` value or a list of SOURCEs, each a ledger file
    (one satker) or a ``postgresql://`` URL (every satker it holds, ``database_sources``)."""
    if isinstance(where, (str, os.PathLike)):
        where = [where]
    pairs = []
    for source in where:
        if is_url(source):
            pairs.extend(database_sources(source))
        else:
            pairs.extend(sources_from_paths([source]))
    return pairs


# ------------------------------------------------------------------ groups

class Groups:
    """A groups file read: ``group_of`` {satker: group}, ``names`` {group: group_name}."""

    def __init__(self, group_of, names):
        self.group_of = group_of
        self.names = names


def read_groups(path):
    """Read a CSV ``satker,group,group_name``; refuse a bad header, a satker that is not six
    digits, an empty group, a satker given twice, two names for one group, a row with more
    cells than the header, and a file without rows, each naming the file and its line."""
    from . import tabular

    where = os.fspath(path)
    try:
        with open(where, encoding="utf-8-sig", newline="") as f:
            lines = list(enumerate(tabular.csv_reader(f), start=1))
    except UnicodeDecodeError:
        raise AnggaranError(f"groups file {where} is not UTF-8 text; save it as CSV UTF-8") from None
    except OSError as e:
        raise AnggaranError(f"cannot read groups file {where}: {e.strerror or e}") from None
    except csv.Error as e:  # a NUL byte, a field too large
        raise AnggaranError(f"cannot read groups file {where}: {e}") from None
    header = _trimmed([c.strip().lower() for c in lines[0][1]]) if lines else []
    if sorted(header) != sorted(GROUP_COLUMNS):
        raise AnggaranError(f"groups file {where} needs the header satker,group,group_name "
                            "(e.g. 657757,35,JAWA TIMUR)")
    at = {name: header.index(name) for name in GROUP_COLUMNS}
    group_of, names, row_of, named_in = {}, {}, {}, {}
    for n, cells in lines[1:]:
        cells = _trimmed([c.strip() for c in cells])
        if not cells:
            continue
        if len(cells) > len(header):
            raise AnggaranError(f"groups file {where} row {n} has more cells than the header")
        cells += [""] * (len(header) - len(cells))
        satker, group, name = (cells[at[c]] for c in GROUP_COLUMNS)
        if not (len(satker) == 6 and satker.isascii() and satker.isdigit()):
            raise AnggaranError(f"groups file {where} row {n}: satker '{satker[:20]}' is not a "
                                "six-digit satker code like 657757")
        if not group:
            raise AnggaranError(f"groups file {where} row {n}: satker {satker} has no group")
        if satker in row_of:
            raise AnggaranError(f"groups file {where} row {n}: satker {satker} is already given "
                                f"in row {row_of[satker]}")
        if name and names.get(group) and names[group] != name:
            raise AnggaranError(f"groups file {where} row {n}: group {group} is named "
                                f"'{name[:60]}' here but '{names[group][:60]}' in row "
                                f"{named_in[group]}")
        row_of[satker], group_of[satker] = n, group
        if name and not names.get(group):
            names[group], named_in[group] = name, n
        names.setdefault(group, "")
    if not group_of:
        raise AnggaranError(f"groups file {where} has a header but no rows "
                            "(e.g. 657757,35,JAWA TIMUR)")
    return Groups(group_of, names)


def _trimmed(cells):
    """A row without its empty cells at the end (Excel may save trailing separators)."""
    while cells and not cells[-1]:
        cells.pop()
    return cells
