"""Exports: the ledger as a plain-text accounting journal (Beancount or hledger) and as a
Fiscal Data Package (``datapackage.json`` + CSV).

Both read the ``postings`` projection (one row per event and budget line it moves, with
the line already resolved: a code-level line has akun ``""``) joined with ``events``, in
one read transaction, so an export is one consistent moment of the ledger and its
figures are the report's by construction. Files are written through ``outputs``: an
existing target only with ``force``, the ledger never.

Text from the log (notes, grantors, refs, the satker name) is put on one line before it
reaches a journal (``one_line``): a note may span lines, and in a journal a new line starts
a new transaction or directive.

The journal's account model (see ``docs/export.md``). Per fiscal year ``Y`` and budget
line ``L`` (the code's segments as account components, then the akun, or ``Kode`` for a
code-level line: ``CQ.6639/521211`` -> ``CQ:6639:521211``, ``CQ.6639/`` -> ``CQ:6639:Kode``):

    Equity:DIPA:Y:L:<source>     minus the ceiling, by source: Pagu, Revisi, Pergeseran,
                                 Pemotongan, Hibah, Luncuran
    Assets:Sisa:Y:L:Tersedia     the available ceiling (Pagu Tersedia: ceiling - locked
                                 - blocked - committed - realised)
    Assets:Sisa:Y:L:Lock         the locked ceiling (lock pagu)
    Assets:Sisa:Y:L:Blokir       the blocked ceiling (blokir)
    Assets:Sisa:Y:L:Komitmen     the committed ceiling (the unpaid value of open contracts)
    Expenses:Realisasi:Y:L       the realised spending

Every event moves money between the accounts of one line (a shift or a correction moves
it on two lines), so each line's accounts sum to zero and, as of any date:
ceiling = -Equity:DIPA:Y:L, balance (sisa) = Assets:Sisa:Y:L, locked = its ``Lock``,
blocked = its ``Blokir``, committed = its ``Komitmen``, available = its ``Tersedia``,
realised = Expenses:Realisasi:Y:L, initial pagu = -Equity:DIPA:Y:L:Pagu. Program and
kegiatan subtotals are the parent accounts. A payment against a contract moves
``Komitmen`` to ``Realisasi`` (what the contract reserved is spent); a contract's close
moves what is unpaid back to ``Tersedia``.

The bendahara's advances, per year: ``Assets:Bendahara:Y:UP`` and ``Assets:Bendahara:Y:TUP``
hold the cash advanced and not yet accounted for or returned (the UP and TUP outstanding of
``anggaran bendahara``), against ``Liabilities:UangMuka:Y:UP`` / ``:TUP``: an SP2D UP or TUP
puts cash there; a GUP nihil, a PTUP or a setoran takes it back. An SP2D paid by GUP
replenishes what it spends, so it moves no advance (its spending is realisation like any
SP2D's).
"""

import csv
import io
import json
import os
import re
import shutil
import tempfile

from . import codes, kinds, outputs, projections, store
from .errors import AnggaranError, UsageError
from .names import names_known
from .tabular import defuse
from .reports import parse_date

JOURNAL_FORMATS = ("beancount", "hledger")
CURRENCY = "IDR"

SOURCES = kinds.SOURCES  # the equity sub-account of each ceiling-changing kind
CODE_LEVEL = "Kode"
# The Assets:Sisa sub-accounts of a line: what is available, and what is held apart from
# it (locked, blocked, committed) in the order of a posting's figures.
HELD = ("Tersedia", "Lock", "Blokir", "Komitmen")

_LINK_SAFE = re.compile(r"^[A-Za-z0-9_./-]+$")
# Line breaks in every form a journal tool, editor or line reader may honour (CR, LF, VT,
# FF, the file/group/record separators, NEL, U+2028, U+2029) and the other C0/C1 controls.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_TAG_SAFE = re.compile(r"^[^\s,;()\x00-\x1f\x7f-\x9f]+$")

_SELECT = (
    "SELECT p.seq, p.year, p.date, p.code, p.akun, p.jenis, p.ceiling, p.locked, p.realised, "
    "p.blocked, p.committed, p.contract, "
    "e.kind, e.date AS e_date, e.code AS e_code, e.akun AS e_akun, e.from_code, e.from_akun, "
    "e.amount, e.ref, e.sp2d, e.to_year, e.grantor, e.supplier, e.note, e.payment, e.tup, "
    "NULL AS account, 0 AS outstanding "
    "FROM postings p JOIN events e ON e.seq = p.seq "
)
# The bendahara's book rows that move an advance, in the same columns (no line figures).
_SELECT_CASH = (
    "SELECT c.seq, c.year, c.date, e.code, e.akun, '' AS jenis, 0 AS ceiling, 0 AS locked, "
    "0 AS realised, 0 AS blocked, 0 AS committed, NULL AS contract, "
    "e.kind, e.date AS e_date, e.code AS e_code, e.akun AS e_akun, e.from_code, e.from_akun, "
    "e.amount, e.ref, e.sp2d, e.to_year, e.grantor, e.supplier, e.note, e.payment, e.tup, "
    "c.account, c.outstanding "
    "FROM cash c JOIN events e ON e.seq = c.seq "
)


# ------------------------------------------------------------------ journal


def export_journal(ledger, fmt, path, force=False):
    """Write the whole ledger as a Beancount (``fmt="beancount"``) or hledger
    (``fmt="hledger"``) journal to the file ``path``; return the number of transactions.

    One transaction per money event, dated the event's date, in (date, seq) order; the
    year-end seals appear as comments, ``name`` events not at all. An existing file or a
    link is replaced only with ``force``; the ledger's own files never are.
    """
    if fmt not in JOURNAL_FORMATS:
        raise UsageError(f"unknown journal format '{fmt}'; use one of: {', '.join(JOURNAL_FORMATS)}")
    path = os.fspath(path)
    protect = outputs.ledger_files(ledger.path)
    outputs.check_target(path, force, protect)  # before the work, and again when writing
    conn = ledger.conn
    conn.execute("BEGIN")  # one moment of the ledger for both passes below
    try:
        head_seq, head_hash = ledger.head()
        seals = conn.execute("SELECT seq, year, date FROM events WHERE kind = 'close' "
                             "ORDER BY date, seq").fetchall()
        # Two passes over the postings, streamed: the accounts to open and the column
        # width first, then the transactions written as they come. A million events then
        # need no journal in memory (it would take gigabytes).
        opens, width, count = _survey(_transactions(_postings(conn)))
        header = _header(ledger, head_seq, head_hash, fmt)
        with outputs.new_file(path, force, protect) as tmp:
            try:
                with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                    write = _beancount if fmt == "beancount" else _hledger
                    write(_Lines(f), ledger, header, opens, width,
                          _transactions(_postings(conn)), seals)
            except OSError as e:
                raise AnggaranError(f"cannot write {path}: {e.strerror or e}") from None
    finally:
        conn.execute("ROLLBACK")
    return count


def _postings(conn):
    """The posting rows joined with their events, in (date, seq) order, 5,000 at a time,
    merged with the bendahara's book rows that move an advance (after the line postings of
    the same event). A voided event and its void appear in neither: the journal holds what
    counts."""
    import heapq

    def stream(sql):
        cursor = conn.cursor()  # on PostgreSQL a server-side cursor: chunks, not all at once
        cursor.execute(sql)
        while True:
            rows = cursor.fetchmany(5000)
            if not rows:
                return
            yield from rows

    lines = stream(_SELECT + "WHERE e.kind <> 'void' AND NOT EXISTS (SELECT 1 FROM "
                   "events v WHERE v.voids = p.seq) ORDER BY p.date, p.seq, p.rowid")
    book = stream(_SELECT_CASH + "WHERE c.outstanding <> 0 AND e.kind <> 'void' AND NOT EXISTS "
                  "(SELECT 1 FROM events v WHERE v.voids = c.seq) ORDER BY c.date, c.seq")
    yield from heapq.merge(lines, book, key=lambda r: (r["date"], r["seq"],
                                                       r["account"] is not None))


def _survey(transactions):
    """``(accounts -> date of their first posting, amount column width, transactions)``."""
    first, width, count = {}, 0, 0
    for t in transactions:
        count += 1
        for account, amount in t.postings:
            first.setdefault(account, t.date)
            width = max(width, len(account) + len(str(amount)))
    return first, width + 2, count


class _Lines:
    """A journal being written: ``append`` and ``+=`` write whole lines to the file."""

    def __init__(self, f):
        self.f = f

    def append(self, line):
        self.f.write(line + "\n")

    def __iadd__(self, lines):
        for line in lines:
            self.append(line)
        return self


def account_for(year, code, akun, what):
    """The journal account of one budget line: ``what`` is ``Tersedia``, ``Lock``,
    ``Blokir``, ``Komitmen``, ``Realisasi`` or an equity source (``Pagu``, ``Revisi``, ...)."""
    line = ":".join([str(year), *code.split("."), akun or CODE_LEVEL])
    if what == "Realisasi":
        return f"Expenses:Realisasi:{line}"
    if what in HELD:
        return f"Assets:Sisa:{line}:{what}"
    return f"Equity:DIPA:{line}:{what}"


class _Txn:
    __slots__ = ("seq", "date", "kind", "ref", "sp2d", "narration", "postings")

    def __init__(self, rec):
        self.seq = rec["seq"]
        self.date = rec["date"]
        self.kind = rec["kind"]
        self.ref = rec["ref"]
        # The SP2D this transaction belongs to: its own number, or the one it corrects/refunds.
        self.sp2d = rec["ref"] if rec["kind"] in ("sp2d", "up", "tup") else rec["sp2d"]
        self.narration = _narration(rec)
        self.postings = []

    def add(self, postings, merge=False):
        """Append postings; with ``merge`` (a contract's rows) one per account, netted:
        a payment and the release it lowers on the same day show as one movement. Rows
        that cancel out (an addendum on its contract's closing day, recorded after the
        close) stay apart, so the transaction keeps its postings."""
        if merge:
            amounts = dict(self.postings)
            for account, amount in postings:
                amounts[account] = amounts.get(account, 0) + amount
            netted = [(a, v) for a, v in amounts.items() if v]
            if netted:
                self.postings = netted
                return
        self.postings = self.postings + postings


def _transactions(records):
    """Group posting rows (already in date, seq order) into transactions with their
    journal postings: (account, signed amount), yielded one at a time. A posting row
    dated apart from its event (a payment recorded after its contract's close and dated
    before it lowers the close's release, on the close's date) is a transaction of its own
    on that date."""
    current = None
    for rec in records:
        if current is None or current.seq != rec["seq"] or current.date != rec["date"]:
            if current is not None:
                yield current
            current = _Txn(rec)
        current.add(_row_postings(rec), merge=rec["contract"] is not None)
    if current is not None:
        yield current


def _row_postings(rec):
    """The journal postings of one posting row: the ceiling between ``Tersedia`` and its
    equity source; locked, blocked, committed and realised each against ``Tersedia``, except
    that a payment against a contract moves ``Komitmen`` to ``Realisasi`` directly."""
    y, code, akun = rec["year"], rec["code"], rec["akun"]
    if rec["account"] is not None:  # an advance: the bendahara's cash against what it owes
        name = "UP" if rec["account"] == "up" else "TUP"
        moved = rec["outstanding"]
        return [(f"Assets:Bendahara:{y}:{name}", moved), (f"Liabilities:UangMuka:{y}:{name}", -moved)]
    dc, dl, dr, db, dk = (rec["ceiling"], rec["locked"], rec["realised"], rec["blocked"],
                          rec["committed"])
    available = account_for(y, code, akun, "Tersedia")
    out = []
    if dc:
        out += [(available, dc), (account_for(y, code, akun, SOURCES[rec["kind"]]), -dc)]
    out += [(account_for(y, code, akun, what), d)
            for what, d in (("Lock", dl), ("Blokir", db), ("Realisasi", dr), ("Komitmen", dk)) if d]
    if dl + db + dr + dk:
        out.append((available, -(dl + db + dr + dk)))
    return out


def one_line(text):
    """``text`` with each run of line breaks and control characters made one space: no
    text from the log can start a new line (a transaction, a directive, a CSV row)."""
    return _BREAKS.sub(" ", text)


def _line(code, akun):
    return codes.line_key(code, akun) if akun else code


def _narration(rec):
    kind = rec["kind"]
    to = _line(rec["e_code"], rec["e_akun"])
    if kind in ("up", "tup", "up_return", "tup_return"):
        text = kinds.KINDS[kind].label + (f" {rec['tup']}" if rec["tup"] else "")
    elif kind in ("shift", "correction"):
        text = f"{kind} {_line(rec['from_code'], rec['from_akun'])} to {to}"
    elif kind in ("contract_change", "contract_close"):  # the line is the contract's
        text = f"{kind} {rec['contract']} on {_line(rec['code'], rec['akun'])}"
    elif kind == "contract":
        text = f"contract {rec['ref']} on {to}"
    else:
        text = f"{kind} {to}"
    if kind == "sp2d" and rec["payment"]:
        text = f"sp2d ({kinds.PAYMENT_LABELS[rec['payment']]}) {to}" + (
            f" of TUP {rec['tup']}" if rec["tup"] else "")
    if kind == "sp2d" and rec["contract"]:
        text += f" for contract {rec['contract']}"
    if kind == "carry_over":
        text += f" to {rec['to_year'] or int(rec['date'][:4]) + 1}"
    if kind == "grant" and rec["grantor"]:
        text += f" from {rec['grantor']}"
    if kind == "contract" and rec["supplier"]:
        text += f" with {rec['supplier']}"
    if rec["date"] != rec["e_date"]:
        text += (f" (of {rec['e_date']}, recorded after the contract's close on {rec['date']}: "
                 "it changes what the close released)")
    if rec["note"]:
        text += f": {rec['note']}"
    return text


def _header(ledger, head_seq, head_hash, fmt):
    satker = ledger.satker
    return [
        f"anggaran export ({fmt}): satker {satker['code']} {one_line(satker['name'])}",
        f"the event log up to seq {head_seq}, chain head {head_hash}",
        "Accounts per fiscal year and budget line (see docs/export.md):",
        "  -Equity:DIPA:Y:LINE = ceiling (sub-accounts by source: Pagu, Revisi, Pergeseran,",
        "    Pemotongan, Hibah, Luncuran), Assets:Sisa:Y:LINE = balance (sisa), of which",
        "    :Tersedia = available, :Lock = locked, :Blokir = blocked and :Komitmen =",
        "    committed, Expenses:Realisasi:Y:LINE = realised;",
        "  Assets:Bendahara:Y:UP and :TUP = the bendahara's advances outstanding",
        "    (against Liabilities:UangMuka:Y:UP and :TUP)",
    ]


def _bean_string(text):
    """A Beancount string: on one line, with its backslashes and quotes escaped."""
    return '"' + one_line(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _beancount(out, ledger, header, opens, width, transactions, seals):
    out += [f"; {h}" for h in header]
    out += ["", f"option \"title\" {_bean_string(ledger.satker['code'] + ' ' + ledger.satker['name'])}",
            f'option "operating_currency" "{CURRENCY}"', ""]
    if opens:
        out.append(f"{min(opens.values())} commodity {CURRENCY}")
    for account, date in sorted(opens.items(), key=lambda item: (item[1], item[0])):
        out.append(f"{date} open {account} {CURRENCY}")
    for t in _entries(out, transactions, seals):
        head = f"{t.date} * {_bean_string(t.narration)}"
        if t.sp2d and _LINK_SAFE.match(t.sp2d):
            head += f" ^sp2d-{t.sp2d}"
        out.append(head)
        out.append(f"  seq: {t.seq}")
        if t.ref:
            out.append(f"  ref: {_bean_string(t.ref)}")
        if t.sp2d and t.sp2d != t.ref:
            out.append(f"  sp2d: {_bean_string(t.sp2d)}")
        for account, amount in t.postings:
            out.append(f"  {account}{' ' * (width - len(account) - len(str(amount)))}{amount} {CURRENCY}")


def _hledger(out, ledger, header, opens, width, transactions, seals):
    out += [f"; {h}" for h in header]
    # Declared so that `hledger check --strict` and `ledger --strict --pedantic` pass too.
    out += ["", f"commodity {CURRENCY}", "tag seq", "tag sp2d", ""]
    for account in sorted(opens):
        out.append(f"account {account}")
    for t in _entries(out, transactions, seals):
        head = f"{t.date} *"
        description = t.narration
        if t.ref and _TAG_SAFE.match(t.ref):
            head += f" ({t.ref})"
        elif t.ref:
            description += f" [ref {t.ref}]"
        if t.sp2d and not _TAG_SAFE.match(t.sp2d) and t.sp2d != t.ref:
            description += f" [SP2D {t.sp2d}]"
        # A description ends at the line's end; in it ';' would start a comment.
        out.append(f"{head} {one_line(description).replace(';', ',')}")
        out.append(f"    ; seq: {t.seq}")
        if t.sp2d and _TAG_SAFE.match(t.sp2d):
            out.append(f"    ; sp2d: {t.sp2d}")
        for account, amount in t.postings:
            out.append(f"    {account}{' ' * (width - len(account) - len(str(amount)))}{amount} {CURRENCY}")


def _entries(out, transactions, seals):
    """The transactions in (date, seq) order for the caller to write into ``out``, each
    after a blank line; the year-end seals between them are written here, as comments."""
    import heapq

    for item in heapq.merge(transactions, seals, key=lambda x: (x.date, x.seq) if isinstance(x, _Txn)
                            else (x["date"], x["seq"])):
        out.append("")
        if isinstance(item, _Txn):
            yield item
        else:
            out.append(_seal_comment(item))


def _seal_comment(seal):
    return (f"; {seal['date']} fiscal year {seal['year']} closed by its seal (seq {seal['seq']}); "
            "no events may be dated in it any more")


# -------------------------------------------------------- fiscal data package

CSV_NAME = "anggaran.csv"

# (column, table schema type, title, description)
COLUMNS = (
    ("year", "integer", "Tahun anggaran", "Fiscal year (calendar year)"),
    ("satker", "string", "Satker", "Work unit (satuan kerja) code"),
    ("satker_name", "string", "Nama satker", "Work unit name"),
    ("program", "string", "Program", "Program code, e.g. CQ"),
    ("program_name", "string", "Uraian program", "Program name"),
    ("kegiatan", "string", "Kegiatan", "Activity (kegiatan) code, e.g. CQ.6639"),
    ("kegiatan_name", "string", "Uraian kegiatan", "Activity name"),
    ("code", "string", "Kode", "Budget code of the line: the kegiatan or a deeper output code"),
    ("code_name", "string", "Uraian kode", "Name of a code deeper than its kegiatan, if any"),
    ("akun", "string", "Akun", "Six-digit account of the budget line; empty for a code-level line"),
    ("jenis", "string", "Jenis belanja", "Economic classification: the first two digits of the "
                                         "akun (51 pegawai, 52 barang, 53 modal); - without akun"),
    ("jenis_name", "string", "Uraian jenis belanja", "Economic classification name"),
    ("initial_ceiling", "integer", "Pagu awal", "Initial ceiling (DIPA awal): the pagu events"),
    ("ceiling", "integer", "Pagu revisi", "Revised ceiling: pagu + revise + shift in - shift out "
                                          "- cut + grant - carry_over"),
    ("blocked", "integer", "Blokir", "Ceiling blocked by the DIPA (blokir - buka blokir)"),
    ("locked", "integer", "Lock pagu", "Ceiling frozen while a revision is pending"),
    ("committed", "integer", "Komitmen", "Unpaid value of the contracts open on the as-of "
                                         "date (value +/- addenda - payments)"),
    ("realised", "integer", "Realisasi", "Realised spending: SP2D - refunds +/- corrections"),
    ("balance", "integer", "Sisa anggaran", "ceiling - realised"),
    ("available", "integer", "Pagu tersedia", "ceiling - blocked - locked - committed - realised"),
)

MEASURES = {
    "initial_ceiling": "approved",
    "ceiling": "adjusted",
    "realised": "executed",
    "blocked": None,
    "locked": None,
    "committed": None,
    "balance": None,
    "available": None,
}


def export_fiscal_data_package(ledger, directory, as_of=None, force=False):
    """Write a Fiscal Data Package of the budget as of ``as_of`` (default: 31 December of
    the latest year with an event) into ``directory``: ``datapackage.json`` and
    ``anggaran.csv``, one row per budget line (and jenis belanja) of the as-of year with
    its initial ceiling (phase approved), revised ceiling (adjusted), realised (executed),
    blocked, locked, committed, balance and available in whole rupiah. Returns the number
    of rows.

    A new ``directory`` is built in a temporary folder beside it and renamed into place
    when complete. An existing folder must be empty, or ``force`` replaces the package's
    two files in it (each through ``outputs``) and keeps every other file.
    """
    directory = os.fspath(directory)
    directory = directory.rstrip(os.sep + (os.altsep or "")) or directory  # "dir/" is "dir"
    protect = outputs.ledger_files(ledger.path)
    existing = _check_package_folder(directory, force, protect)
    conn = ledger.conn
    conn.execute("BEGIN")
    try:
        head_seq, head_hash = ledger.head()
        if as_of is None:
            last = store.last_year(conn, include_seals=False)
            if last is None:
                raise AnggaranError("the ledger has no events yet: there is nothing to export; "
                                    "record or import the DIPA first")
            as_of = f"{last}-12-31"
        else:
            as_of = parse_date(as_of, "--as-of")
        year = int(as_of[:4])
        names = names_known(conn, head_seq)
        lines = projections.fold(conn, year, "line_jenis", as_of).fetchall()
    finally:
        conn.execute("ROLLBACK")
    satker = ledger.satker
    rows = []
    for code, akun, jenis, ceiling, locked, realised, _before, initial, blocked, committed in lines:
        program, kegiatan = codes.program_of(code), codes.kegiatan_of(code)
        rows.append({
            "year": year, "satker": satker["code"], "satker_name": satker["name"],
            "program": program, "program_name": names.get(program, ""),
            "kegiatan": kegiatan, "kegiatan_name": names.get(kegiatan, ""),
            "code": code, "code_name": names.get(code, "") if code != kegiatan else "",
            "akun": akun, "jenis": jenis, "jenis_name": codes.jenis_name(jenis),
            "initial_ceiling": initial, "ceiling": ceiling, "blocked": blocked,
            "locked": locked, "committed": committed, "realised": realised,
            "balance": ceiling - realised,
            "available": ceiling - blocked - locked - committed - realised,
        })
    descriptor = _descriptor(satker, year, as_of, head_seq, head_hash)
    files = {CSV_NAME: _csv_text(rows),  # the CSV first, then the descriptor naming it
             "datapackage.json": json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"}
    if existing:
        for name, text in files.items():
            outputs.write_text(os.path.join(directory, name), text, force, protect)
    else:
        _new_folder(directory, files, force, protect)
    return len(rows)


def _csv_text(rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c[0] for c in COLUMNS])
    for row in rows:
        writer.writerow([defuse(one_line(row[c[0]])) if c[0].endswith("_name") else row[c[0]]
                         for c in COLUMNS])
    return out.getvalue()


def _check_package_folder(directory, force, protect):
    """True if ``directory`` is an existing folder to write the package into (an empty
    one, or any with ``force``), False if it is to be created; refuse anything else."""
    existing = os.path.isdir(directory) and not os.path.islink(directory)
    if existing and os.listdir(directory) and not force:
        raise AnggaranError(f"folder {directory} is not empty; choose a new or empty folder, or "
                            "add --force to replace the data package's files in it")
    outputs.check_target(directory, force or existing, protect, folder=True)
    return existing


def _new_folder(directory, files, force, protect):
    """Write ``files`` (name -> text) into a temporary folder beside ``directory`` and
    rename it into place once complete: a crash leaves the whole package or none of it."""
    parent = os.path.dirname(os.path.abspath(directory))
    try:
        tmp = tempfile.mkdtemp(prefix="." + os.path.basename(directory) + ".", suffix=".part",
                               dir=parent)
    except OSError as e:
        raise AnggaranError(f"cannot write the data package {directory}: {e.strerror or e}") from None
    try:
        os.chmod(tmp, 0o777 & ~outputs.umask())  # as an ordinary new folder
        for name, text in files.items():
            outputs.write_text(os.path.join(tmp, name), text)
        outputs.check_target(directory, force, protect, folder=True)
        if os.path.islink(directory):  # with force: the link itself is replaced
            os.remove(directory)
        os.rename(tmp, directory)
    except OSError as e:
        raise AnggaranError(f"cannot write the data package {directory}: {e.strerror or e}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _descriptor(satker, year, as_of, head_seq, head_hash):
    measure = {"currency": CURRENCY, "factor": 1, "direction": "expenditure"}
    measures = {}
    for column, phase in MEASURES.items():
        measures[column] = {"source": column, **measure, **({"phase": phase} if phase else {})}

    def dimension(kind, attributes, classification=None):
        out = {"attributes": {}, "primaryKey": attributes[0]}
        for name in attributes:
            attr = {"source": name}
            if name.endswith("_name"):
                attr["labelfor"] = name[: -len("_name")]
            out["attributes"][name] = attr
        out["dimensionType"] = kind
        if classification:
            out["classificationType"] = classification
        return out

    return {
        "profile": "tabular-data-package",
        "name": f"anggaran-{satker['code']}-{year}",
        "title": f"Realisasi anggaran {satker['code']} {satker['name']} TA {year} s.d. {as_of}",
        "description": (f"Budget lines of satker {satker['code']} {satker['name']} for fiscal "
                        f"year {year} as of {as_of}: initial ceiling (approved), revised "
                        f"ceiling (adjusted), blocked, locked, committed, realised (executed), "
                        f"balance and available, in whole rupiah. Exported by anggaran from its event log up to seq "
                        f"{head_seq} (chain head {head_hash})."),
        "keywords": ["fiscal", "budget", "DIPA", "realisasi", "Indonesia"],
        "countryCode": "ID",
        "granularity": "aggregated",
        "fiscalPeriod": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
        "anggaran": {"satker": satker["code"], "as_of": as_of, "head_seq": head_seq,
                     "head_hash": head_hash},
        "resources": [{
            "profile": "tabular-data-resource",
            "name": "anggaran",
            "path": CSV_NAME,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [
                    {"name": name, "type": kind, "title": title, "description": desc,
                     **({"constraints": {"required": True}} if name in _REQUIRED else {})}
                    for name, kind, title, desc in COLUMNS
                ],
                "missingValues": [],
            },
        }],
        "model": {
            "measures": measures,
            "dimensions": {
                "fiscal_year": dimension("datetime", ["year"]),
                "satker": dimension("classification", ["satker", "satker_name"], "administrative"),
                "program": dimension("activity", ["program", "program_name"]),
                "kegiatan": dimension("activity", ["kegiatan", "kegiatan_name"]),
                "code": dimension("activity", ["code", "code_name"]),
                "jenis_belanja": dimension("classification", ["jenis", "jenis_name"], "economic"),
                "akun": dimension("classification", ["akun"], "economic"),
            },
        },
    }


_REQUIRED = {"year", "satker", "program", "kegiatan", "code", "jenis", "initial_ceiling",
             "ceiling", "blocked", "locked", "committed", "realised", "balance", "available"}


# ------------------------------------------------------------------ helpers


