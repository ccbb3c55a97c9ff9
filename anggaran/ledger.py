"""``Ledger``: the Python API. Every CLI command is a thin wrapper over one method here.

Appends (``record``, ``import_file``, ``close_year``) run in one ``BEGIN IMMEDIATE``
transaction: the batch is inserted with its hash chain, judged against the ledger as it
would stand with the whole batch applied (rules 3-9), its projections are updated, and it
is committed, or rolled back whole with one ``RuleError``. ``BEGIN IMMEDIATE`` takes the
write lock before the rules read the state, so two officers recording at once are
serialised: the second waits (busy timeout) and is then judged against the first's
events, and can never spend the same last rupiah.
"""

import json
import os
import sqlite3

from . import backend, faults, store
from .errors import LedgerError, RuleError, UsageError

# The write path (append, events, rules: attrs and hashlib) and the other commands' modules
# are imported inside the methods that use them, so that a read-only command such as
# ``report`` starts without them.

def _reporting(items, progress):
    """Pass ``items`` through, calling ``progress(row)`` at every 10,000th row read."""
    for item in items:
        if item[0] is not None and item[0] % 10000 == 0 and not isinstance(item[1], RuleError):
            progress(item[0])
        yield item


def _check_witness(witness, path, new_ledger=False):
    """A witness file given for the ledger at ``path`` can serve (witness.check_target)."""
    if witness:
        from . import outputs
        from .witness import check_target

        check_target(witness, outputs.ledger_files(path), new_ledger)


class Ledger:
    """One satker's budget ledger in one SQLite file."""

    def __init__(self, conn, path, witness=None):
        self.conn = conn
        self.path = str(path)
        self.url = None  # a PostgreSQL ledger: its database (path is then for messages)
        if store.is_pg(conn):
            from . import pg

            self.url, self.path = conn.url, f"{pg.display(conn.url)} (satker {conn.satker})"
        self.meta = store.meta(conn)
        self.witness = os.fspath(witness) if witness else None  # witness.py

    @property
    def db(self):
        """The file as a sqlite-utils Database (for inspection; appends go through
        ``append``, which keeps the chain and the projections). A SQLite ledger's only."""
        if self.url:
            raise UsageError("Ledger.db is the SQLite file's view; read a PostgreSQL ledger "
                             "through the Ledger's methods, or with SQL in its schema")
        return store.database(self.conn)

    # ------------------------------------------------------------ open / init

    @classmethod
    def init(cls, path, satker, name, witness=None):
        """Create a new ledger file for a satker; it holds no events yet. With ``witness``
        (a file path), its genesis is the witness's first line (witness.py)."""
        satker = str(satker).strip()
        name = str(name).strip()
        if not (satker.isascii() and satker.isdigit() and len(satker) == 6):
            raise LedgerError(f"satker '{satker[:20]}' must be the six-digit satker code, e.g. 657757")
        if not name or not name.isprintable() or len(name) > 200:
            raise LedgerError("--name must name the satker in one line of text, e.g. "
                              "\"KPU KABUPATEN LUMAJANG\"")
        _check_witness(witness, path, new_ledger=True)
        conn = backend.create(path, satker, name)
        ledger = cls(conn, path, witness)
        ledger._witness(0, ledger.meta["genesis"], ledger.meta["created_at"])
        return ledger

    @classmethod
    def open(cls, path, check_triggers=True, witness=None, satker=None):
        """Open an existing ledger; refuse one whose schema was altered (``check_schema``).
        With ``witness`` (a file path), every write appends its new head there. ``path``
        may be a ``postgresql://`` URL: ``satker`` then picks the ledger in it (it may be
        left out when the database holds one)."""
        _check_witness(witness, path)
        conn = backend.connect(path, satker=satker)
        try:
            ledger = cls(conn, path, witness)
            if satker is not None and ledger.meta.get("satker") != str(satker):
                raise LedgerError(f"{path} is the ledger of satker {ledger.meta.get('satker')}, "
                                  f"not {satker}; drop --satker (or $ANGGARAN_SATKER), which "
                                  "chooses among the satker of a postgresql:// database")
            if check_triggers:
                ledger.check_schema()
        except BaseException as e:
            conn.close()
            if isinstance(e, sqlite3.DatabaseError):
                raise store.db_error(e, path) from e
            raise
        return ledger

    def check_schema(self):
        """Refuse a file whose schema objects differ from what anggaran creates (a trigger
        that drops inserts, a missing append-only trigger, a view shadowing a table)."""
        problems = backend.schema_problems(self.conn)
        if problems:
            raise LedgerError(f"{self.path}: {store.schema_message(problems)}; the file was "
                              "tampered with. Run 'anggaran verify' and restore from a backup")

    def close(self, *year):
        """Close the connection (``with Ledger.open(p) as ledger:`` does it for you, and so
        does ``contextlib.closing``). Sealing a year is ``close_year``."""
        if year:  # close(2024) sealed the year before v2.0: never close silently instead
            raise UsageError("Ledger.close() closes the connection; seal a year with "
                             f"Ledger.close_year({year[0]!r})")
        self.conn.close()

    close_db = close  # the name before v2.0; kept for scripts written against it

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def satker(self):
        return {"code": self.meta.get("satker"), "name": self.meta.get("name")}

    # --------------------------------------------------------------- appends

    def record(self, kind, **fields):
        """Record one event: ``ledger.record("sp2d", date="2024-12-04", code="CQ.6639",
        amount=5000000, ref="240122300000123", akun="521211")``.

        Values may be text as a user types them (``"Rp 5.000.000"``). An event identical
        to one already recorded is skipped (``result.skipped == 1``).
        """
        from .events import Event

        raw = {"kind": kind, **{k: v for k, v in fields.items() if v is not None}}
        event = Event.parse(raw)
        return self.append([(None, event, None)])

    def import_file(self, path, progress=None, sheet=None, plan=None, pok=None):
        """Import a .csv, .xlsx or .jsonl file all-or-nothing; identical events are skipped.
        Title rows above the header and summary rows (JUMLAH) are skipped; the result's
        ``summary_rows`` counts the latter.

        ``sheet`` names the worksheet of an .xlsx file (default: the first).
        ``progress(rows_read)`` is called every 10,000 rows when given.
        ``plan``: ``{"year", "date", "ref"}`` when the file is an RPD sheet (jenis down,
        months across; ``importers.plan_table``): each cell is one ``plan`` event.
        ``pok``: ``{"date", "ref", "level"}`` when the file is a POK print (SAKTI's Form
        Cetak POK, in thousands of rupiah; ``pok.py``): the year's opening ``pagu``,
        ``block`` and ``plan`` events, summed per line at ``level`` (kegiatan, ro, akun —
        the default — or full), dated ``date`` and numbered ``ref`` (the DIPA's).
        """
        from . import importers
        from . import pok as poks

        if pok is not None:
            items = source = poks.parsed_rows(path, sheet, pok)
        else:
            if plan is None:
                poks.refuse_a_pok(path, sheet)
            items = source = importers.parsed_rows(path, sheet, plan)
        if progress is not None:
            items = _reporting(items, progress)
        try:
            result = self.append(items)
        finally:
            source.close()  # a failed import closes its file now, not at GC
        import attrs

        return attrs.evolve(result, summary_rows=source.summary_rows)

    def append(self, items):
        """Append ``(row, Event, recorded_at or None)`` items as one all-or-nothing batch."""
        return self._write(lambda: self._append_in_transaction(items))

    def append_seal(self, build):
        """Append a year-end seal that ``build()`` makes inside the write transaction."""
        return self._write(lambda: self._seal_in_transaction(build))

    def _write(self, work):
        """Run ``work()`` in one BEGIN IMMEDIATE transaction: commit, or roll back whole."""
        conn = self.conn
        try:
            # A larger page cache for writers (32 MiB, filled only as needed): a big import
            # updates several indexes at random places, and the default 2 MiB thrashes.
            conn.execute("PRAGMA cache_size = -32768")
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as e:
            raise store.db_error(e, self.path) from e
        try:
            store.add_missing_indexes(conn)
            self.check_schema()  # under the write lock: as the file is now, not at open
            if self.witness:
                from . import witness

                witness.check_before_write(conn, self.witness, self.meta)
            result = work()
            faults.at("commit")
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as e:
            self._rollback()
            raise store.db_error(e, self.path) from e
        except OverflowError:
            self._rollback()
            raise RuleError(2, "the figures of a line would exceed what the ledger can hold "
                               "(9.223.372.036.854.775.807 rupiah); check the amounts") from None
        except BaseException:
            self._rollback()
            raise
        try:  # fold the write-ahead log into the file, for readers that cannot use it
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.DatabaseError:
            pass
        if getattr(result, "new", 0):
            recorded_at = conn.execute("SELECT recorded_at FROM events WHERE seq = ?",
                                       (result.head_seq,)).fetchone()[0]
            self._witness(result.head_seq, result.head_hash, recorded_at)
        return result

    def _witness(self, seq, head_hash, recorded_at):
        """After a commit: the new head to the witness file, when there is one."""
        if self.witness:
            from . import witness

            witness.append(self.witness, seq, head_hash, recorded_at)

    def _confirm(self, result):
        """The write stored what it says: its new head is in the table, after exactly the
        events it counted (a trigger that silently drops rows would fail here)."""
        head = self.conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        stored = self.conn.execute("SELECT count(*) FROM events WHERE seq >= ?",
                                   (result.head_seq - result.new + 1,)).fetchone()[0]
        if result.new and (tuple(head or ()) != (result.head_seq, result.head_hash)
                           or stored != result.new):
            raise LedgerError(f"{self.path}: the file did not store what was written (head "
                              f"should be seq {result.head_seq}); nothing was recorded. Its "
                              "schema may have been altered: run 'anggaran verify'")
        return result

    def _seal_in_transaction(self, build):
        from .append import Appender, AppendResult

        event, ident, seal = build()
        appender = Appender(self.conn)
        appender.insert_seal(event, ident, seal)
        return self._confirm(AppendResult(new=1, skipped=0, head_seq=appender.seq,
                                          head_hash=appender.prev_hash, seqs=(appender.seq,)))

    def _rollback(self):
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def _append_in_transaction(self, items):
        from .append import Appender, AppendResult

        appender = Appender(self.conn)
        appender.insert_all(items)
        appender.judge_and_project()
        return self._confirm(AppendResult(
            new=appender.seq - appender.first_seq, skipped=appender.skipped,
            head_seq=appender.seq, head_hash=appender.prev_hash,
            seqs=tuple(range(appender.first_seq + 1, appender.seq + 1))))

    # ------------------------------------------------------------------ reads

    def log(self):
        """Every event in seq order: its present fields plus seq, recorded_at, prev_hash, hash."""
        from .events import Event

        out = []
        for rec in self.conn.execute("SELECT * FROM events ORDER BY seq"):
            item = Event.from_record(rec).to_dict()
            if rec["seal"] is not None:
                item["seal"] = json.loads(rec["seal"])
            item.update(seq=rec["seq"], recorded_at=rec["recorded_at"],
                        prev_hash=rec["prev_hash"], hash=rec["hash"])
            out.append(item)
        return out

    def head(self):
        row = self.conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, self.meta["genesis"])

    def verify(self, head=None, witness=None):
        """Recompute chain, sequence, projections and seals, and check the file with SQLite;
        ``head``: a chain head kept earlier; ``witness``: a witness file whose every line
        must be in the chain (see ``verify.py``, ``witness.py``)."""
        from .verify import verify
        return verify(self, head, witness)

    def backup(self, dest, force=False):
        """``anggaran backup DEST``: an online, consistent copy (SQLite backup API), verified.
        Of a PostgreSQL ledger: a verified SQLite file of its satker (``copying``); the
        server's own backups are ``pg_dump``'s.

        Other officers may keep recording meanwhile; the copy is a snapshot of one moment.
        It is made and verified under a temporary name beside DEST and only then renamed
        to DEST, so an interrupted backup leaves no half file behind. An existing DEST (or
        a link) is replaced only with ``force``; the ledger itself never is.
        """
        from . import outputs

        if self.url:  # a PostgreSQL ledger: a verified SQLite copy of this satker
            from . import copying

            with outputs.new_file(dest, force) as tmp:
                os.remove(tmp)
                result = copying.copy_ledger(self, tmp)
            return result
        protect = outputs.ledger_files(self.path)
        with outputs.new_file(dest, force, protect) as tmp:
            try:
                target = sqlite3.connect(tmp)
                try:
                    self.conn.backup(target)
                finally:
                    target.close()
            except sqlite3.DatabaseError as e:
                raise store.db_error(e, dest) from e
            with Ledger.open(tmp) as copy:
                result = copy.verify()
            for suffix in ("-wal", "-shm"):
                outputs.remove(tmp + suffix)
        return result

    def copy_to(self, dest):
        """``anggaran copy``: this ledger to ``dest`` — a new file, or a database that does
        not hold this satker yet — with every seq, time and hash, verified against this
        ledger's head before it returns DEST's ``VerifyResult`` (``copying``)."""
        from . import copying

        return copying.copy_ledger(self, dest)

    def report(self, as_of=None, period_start=None, known_at=None, by="kegiatan"):
        """``anggaran report``: the realisation report as of a date (reports.report)."""
        from . import reports

        return reports.report(self, as_of, period_start, known_at, by)

    def history(self, code, akun=None, as_of=None, known_at=None):
        """``anggaran history``: a line's events with running figures (reports.history)."""
        from . import reports

        return reports.history(self, code, akun, as_of, known_at)

    def absorption(self, year=None, targets=None, known_at=None):
        """``anggaran absorption``: cumulative absorption by month per jenis belanja."""
        from . import reports

        return reports.absorption(self, year, targets, known_at)

    def contracts(self, as_of=None, known_at=None):
        """``anggaran contracts``: the year's contracts as of a date (contracts.contracts)."""
        from . import contracts

        return contracts.contracts(self, as_of, known_at)

    def rpd(self, year=None, as_of=None, known_at=None):
        """``anggaran rpd``: plan against realisation per month and jenis (rpd.rpd)."""
        from . import rpd

        return rpd.rpd(self, year, as_of, known_at)

    def ikpa(self, as_of=None, known_at=None, rules=None, scores=None, what_if=None):
        """``anggaran ikpa``: the IKPA self-assessment of the as-of year (ikpa.ikpa)."""
        from . import ikpa

        return ikpa.ikpa(self, as_of, known_at, rules, scores, what_if)

    def bendahara(self, as_of=None, known_at=None):
        """``anggaran bendahara``: the UP and TUP advances as of a date (bendahara.book)."""
        from . import bendahara

        return bendahara.book(self, as_of, known_at)

    def reconcile(self, statement, as_of=None, known_at=None):
        """``anggaran reconcile STATEMENT``: differences with a treasury statement."""
        from . import reconcile

        return reconcile.reconcile_statement(self, statement, as_of, known_at)

    def reconcile_sp2d(self, sp2d_list, as_of=None, known_at=None):
        """``anggaran reconcile --sp2d LIST``: SP2D missing or different on either side."""
        from . import reconcile

        return reconcile.reconcile_sp2d(self, sp2d_list, as_of, known_at)

    def export(self, to, target, as_of=None, force=False):
        """``anggaran export``: a Beancount or hledger journal file, or a Fiscal Data
        Package folder (export.py). Returns the number of transactions or rows written.
        An existing target is replaced only with ``force``; the ledger never is."""
        from . import export

        if to in ("beancount", "hledger"):
            if as_of is not None:
                raise UsageError("--as-of applies to --to fiscal-data-package; a journal holds "
                                 "every event (ask the journal tool for any date)")
            return export.export_journal(self, to, target, force=force)
        if to == "fiscal-data-package":
            return export.export_fiscal_data_package(self, target, as_of, force=force)
        raise UsageError(f"--to must be beancount, hledger or fiscal-data-package, not '{to}'")

    def year_totals(self, year, statement=None):
        """What ``close_year(year)`` would seal (its totals), after the same refusals, writing
        nothing: what ``anggaran close`` shows before it asks (close.year_totals)."""
        from . import close

        return close.year_totals(self, year, statement=statement)

    def close_year(self, year, statement=None):
        """``anggaran close``: seal a fiscal year (close.close_year); permanent. With
        ``statement`` (a treasury statement file), refuse unless it reconciles as of
        31 December."""
        from . import close

        return close.close_year(self, year, statement=statement)


def copy(source, dest, satker=None):
    """``anggaran copy SOURCE DEST``: open SOURCE (``satker`` picks one of a database's)
    and copy it to DEST (``Ledger.copy_to``)."""
    if str(source) == str(dest):
        raise LedgerError("SOURCE and DEST are the same ledger; give another DEST")
    with Ledger.open(source, satker=satker) as ledger:
        return ledger.copy_to(dest)
