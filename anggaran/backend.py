"""Which store a ``--db`` value names, and the few things done differently in each.

A file path is a SQLite ledger of one satker (``store``); a ``postgresql://`` URL is a
database holding many, one chosen by ``satker`` (``pg``). Everything else — rules,
projections, reports, verify — runs unchanged on either connection.
"""

import os
import sqlite3

from . import store


def connect(path, satker=None):
    """The connection to an existing ledger: a file, or ``satker``'s in a database."""
    if store.is_url(path):
        from . import pg

        return pg.connect(path, satker)
    return store.connect(path)


def create(path, satker, name, created_at=None, genesis_hash=None, rules_v2_from=1,
           keep_open=False):
    """A new, empty ledger at ``path`` (a file, or a satker in a PostgreSQL database);
    returns its connection. ``created_at``, ``genesis_hash`` and ``rules_v2_from`` are
    given when it is a copy of another ledger, which keeps them (``copying``); so is
    ``keep_open``: a database's new ledger stays in its open transaction (``pg.connect``)."""
    created_at = created_at or store.now_utc()
    rows = store.meta_rows(satker, name, created_at, genesis_hash, rules_v2_from)
    if store.is_url(path):
        from . import pg

        return pg.connect(path, satker, create=(name, created_at, rows), keep_open=keep_open)
    conn = store.connect(path, create=True)
    try:
        store.create_schema(conn, rows)
    except sqlite3.DatabaseError as e:
        conn.close()
        raise store.db_error(e, path) from e
    except BaseException:
        conn.close()
        raise
    return conn


def exists(path, satker):
    """Whether a ledger is at ``path``: a file, or ``satker``'s in the database."""
    if not store.is_url(path):
        return os.path.exists(path)
    from . import pg

    with pg.reading(path) as conn:
        return satker in pg.satkers(conn)


def schema_problems(conn):
    """``store.schema_problems`` of a file, ``pg.schema_problems`` of a database."""
    if store.is_pg(conn):
        from . import pg

        return pg.schema_problems(conn)
    return store.schema_problems(conn)
