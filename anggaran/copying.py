"""``anggaran copy SOURCE DEST``: one satker's ledger to another store, hashes and all.

The copy is the ledger itself, not a replay: its metadata (satker, name, creation time,
genesis, the seq from which its events follow the v2.0 rules) and every event with its
``seq``, ``recorded_at`` and hashes, and the projections as they stand — read in one
snapshot of SOURCE, in chunks (memory stays bounded at a million events), written in one
transaction of DEST. DEST's own triggers accept each event only as the next one chained to
its head, and before the copy is reported done ``verify`` replays DEST whole: its chain,
every rule and every projection, and its head must be SOURCE's.

Targets have their own rule (``--force`` never applies): a DEST file must not exist, or
be empty (a file of no bytes is an empty SQLite database); it is written under a
temporary name beside it and renamed only once verified. A DEST
database must not hold that satker already (it may hold others: that is how a provincial
server gathers its kabupaten's files). A failed copy leaves no trace of the satker in DEST
(a registry it laid down in an empty database stays, empty).
"""

import os

from . import backend, faults, store
from .errors import LedgerError, VerifyError

CHUNK = 5000
# Tables in the order they are copied; the projections keep their stored order (postings
# are read back by verify in the order they were written).
TABLES = (("events", "seq"), ("postings", "rowid"), ("daily", "year, bucket, date"),
          ("buckets", "year, bucket"), ("cash", "rowid"))


def copy_ledger(ledger, dest):
    """Copy an open ledger to ``dest`` (a file that must not exist, or a database);
    returns DEST's ``VerifyResult`` (``Ledger.copy_to``, ``ledger.copy``)."""
    if store.is_url(str(dest)):
        return _to_database(ledger, str(dest))
    return _to_file(ledger, os.fspath(dest))


def _to_file(ledger, dest):
    from . import outputs

    empty = os.path.isfile(dest) and not os.path.islink(dest) and os.path.getsize(dest) == 0
    if os.path.lexists(dest) and not empty:
        raise LedgerError(f"{dest} already exists; copy writes only a new ledger file (move "
                          "or remove it first, or choose another DEST)")
    protect = outputs.ledger_files(ledger.path) if not ledger.url else []
    with outputs.new_file(dest, empty, protect) as tmp:  # an empty file is an empty database
        os.remove(tmp)  # a new ledger file is made under the temporary name
        try:
            head = _write(ledger, tmp)
        finally:
            for suffix in ("-wal", "-shm"):
                outputs.remove(tmp + suffix)
        result = _verified(ledger, tmp, head)
    return result


def _to_database(ledger, url):
    from . import pg

    satker = ledger.meta["satker"]
    if backend.exists(url, satker):
        raise LedgerError(f"{pg.display(url)} already holds the ledger of satker {satker}; copy "
                          "adds only a satker the database does not hold yet")
    head = _write(ledger, url)
    try:
        return _verified(ledger, url, head, satker)
    except BaseException:
        pg.drop_ledger(url, satker)
        raise


def _write(ledger, dest):
    """Lay down DEST with SOURCE's metadata and stream every table across in one snapshot
    of SOURCE and one transaction of DEST (in a database, the same transaction that makes
    the satker's schema: a copy killed half-way leaves nothing). Returns SOURCE's head in
    that snapshot (records made meanwhile are not part of the copy)."""
    meta = ledger.meta
    src = ledger.conn
    src.execute("BEGIN")
    try:
        head = ledger.head()  # the snapshot's first read: the head of what is copied
        out = backend.create(dest, meta["satker"], meta["name"], meta["created_at"],
                             meta["genesis"], store.rules_from(src), keep_open=True)
        try:
            if not out.in_transaction:
                out.execute("BEGIN IMMEDIATE")
            written = 0
            for table, order in TABLES:
                written = _copy_table(src, out, table, order, written)
            out.execute("COMMIT")
        finally:
            if out.in_transaction:
                out.execute("ROLLBACK")
            out.close()
    finally:
        src.execute("ROLLBACK")
    return head


def _copy_table(src, out, table, order, written=0):
    """Stream ``table`` from SOURCE into DEST in chunks; returns the rows written so far."""
    cursor = src.cursor()
    cursor.execute(f"SELECT * FROM {table} ORDER BY {order}")
    insert = None
    while True:
        rows = cursor.fetchmany(CHUNK)
        if not rows:
            return written
        if insert is None:
            names = [n for n in rows[0].keys() if n != "rowid"]
            quoted = ", ".join(f'"{n}"' for n in names)
            insert = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(names))})"
        width = len(names)
        out.executemany(insert, [tuple(r)[:width] for r in rows])
        written += len(rows)
        faults.at("copy", written)


def _verified(ledger, dest, source_head, satker=None):
    """DEST replayed whole by verify, and its head SOURCE's (as it was copied)."""
    seq, head = source_head
    with type(ledger).open(dest, satker=satker) as copy:
        try:
            result = copy.verify()
        except VerifyError as e:  # what was copied is what SOURCE holds: SOURCE is damaged
            raise LedgerError(f"the copy does not verify, so nothing was copied: {e}. The copy "
                              f"holds what {ledger.path} holds: run 'anggaran verify' on it") from None
    if (result.head_seq, result.head_hash) != (seq, head):
        raise LedgerError(f"the copy's head (seq {result.head_seq}) is not the source's (seq "
                          f"{seq}); nothing was copied")
    return result
