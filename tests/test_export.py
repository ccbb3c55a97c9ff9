"""Exports: the Beancount and hledger journals and the Fiscal Data Package.

The journals are checked by the tools themselves (``bean-check``, ``hledger check``,
``ledger``) and their account balances as of several dates are compared with
``ledger.report``: the satker total, every budget line, kegiatan and program. The Fiscal
Data Package is validated with ``frictionless`` and its totals compared with the report.
An existing target or a link is replaced only with ``force``, the ledger never. Tests that
need a tool or package that is not installed are skipped. (Hostile text in the exports:
test_injection.py.)
"""

import csv
import datetime as dt
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from anggaran.demo import build_demo
from anggaran.errors import AnggaranError, UsageError
from anggaran.export import account_for, export_fiscal_data_package, export_journal
from anggaran.ledger import Ledger

# The report's figures a journal holds as account balances: the funds view and the balance.
FIGURES = ("ceiling", "blocked", "locked", "committed", "realised", "balance", "available")

# ------------------------------------------------------------------ ledgers

TINY_CSV = '''\
kind,date,code,akun,amount,ref,sp2d,name,note,recorded_at
name,2024-01-02,CQ.6639,,,,,Teknis Penyelenggaraan Pemilu,,2024-01-02T01:00:00Z
pagu,2024-01-02,CQ.6639,521211,1000000,DIPA-1,,,,2024-01-02T01:00:00Z
pagu,2024-01-02,CQ.6870,,500000,DIPA-1,,,,2024-01-02T01:00:00Z
sp2d,2024-01-10,CQ.6639,521211,250000,240100000001,,,"honor ""PPK""",2024-01-10T03:00:00Z
lock,2024-01-15,CQ.6870,,100000,LOCK-1,,,revisi POK,2024-01-15T03:00:00Z
refund,2024-01-20,CQ.6639,521211,50000,SSPB-1,240100000001,,,2024-01-20T03:00:00Z
'''

# Every kind, a code-level line (CQ.6870) with an SP2D naming an akun, a deeper code,
# two fiscal years and a year-end seal.
MIXED_CSV = """\
kind,date,code,akun,from_code,from_akun,amount,ref,sp2d,grantor,to_year,name,note
name,2024-01-02,CQ.6870.QMA,,,,,,,,,Logistik,
pagu,2024-01-02,CQ.6639,521211,,,1000000,DIPA-1,,,,,
pagu,2024-01-02,CQ.6639,524111,,,400000,DIPA-1,,,,,
pagu,2024-01-02,CQ.6870,,,,500000,DIPA-1,,,,,
sp2d,2024-01-10,CQ.6639,521211,,,250000,240100000001,,,,,
sp2d,2024-01-11,CQ.6870,521219,,,100000,240100000002,,,,,code-level line
grant,2024-02-01,CQ.6870.QMA.001,521211,,,300000,NPHD-1,,Pemda Lumajang,,,
correction,2024-02-05,CQ.6639,524111,CQ.6639,521211,50000,KOR-1,240100000001,,,,
lock,2024-03-01,CQ.6639,524111,,,100000,REV-1,,,,,
unlock,2024-03-10,CQ.6639,524111,,,100000,REV-1,,,,,
shift,2024-03-10,CQ.6639,521211,CQ.6639,524111,100000,REV-1,,,,,
revise,2024-04-01,CQ.6639,521211,,,-50000,REV-2,,,,,
cut,2024-05-01,CQ.6870,,,,50000,PMK-1,,,,,
refund,2024-06-01,CQ.6639,521211,,,10000,SSPB-1,240100000001,,,,
sp2d,2024-06-02,CQ.6870.QMA.001,521211,,,120000,240100000003,,,,,
sp2d,2024-06-03,CQ.6639,521211,,,1000,SP2D 7/2024 (manual),,,,,"honor ""PPK""; a\\b, c: d"
carry_over,2024-12-20,CQ.6870.QMA.001,521211,,,100000,LUNC-1,,,2025,,
pagu,2025-01-02,CQ.6639,521211,,,2000000,DIPA-2025,,,,,
sp2d,2025-01-20,CQ.6639,521211,,,150000,250100000001,,,,,
"""


# Blokir and contracts (kontrak, addendum, kontrak selesai): a block partly unblocked, a
# contract on an akun-level line with two addenda, payments and a close, a contract on a
# code-level line (CQ.6870/, its SP2Ds naming akun 521219), one still open at year end, and
# the next year's own blokir and contract K-01. Recorded one by one after the file
# (CONTRACT_LATER): a payment dated before K-01's close but recorded after it (it lowers
# what the close released), a payment on K-02's closing day, and a blokir voided (it and
# its void stay out of the journal).
CONTRACTS_CSV = """\
kind,date,code,akun,amount,ref,contract,signed,supplier,end,note
pagu,2024-01-02,CQ.6639,521211,1000000,DIPA-1,,,,,
pagu,2024-01-02,CQ.6639,532111,5000000,DIPA-1,,,,,
pagu,2024-01-02,CQ.6870,,800000,DIPA-1,,,,,
blokir,2024-01-05,CQ.6639,532111,1000000,BLK-1,,,,,menunggu dokumen
kontrak,2024-02-01,CQ.6639,532111,3000000,K-01,,2024-01-20,CV Maju,2024-11-30,
kontrak,2024-02-10,CQ.6870,,300000,K-02,,,PT Sinar,,
lock,2024-02-15,CQ.6639,521211,100000,REV-1,,,,,
sp2d,2024-03-01,CQ.6639,532111,1000000,240300000001,K-01,,,,termin 1
sp2d,2024-03-10,CQ.6870,521219,100000,240300000002,K-02,,,,
buka blokir,2024-03-15,CQ.6639,532111,400000,BLK-2,,,,,
addendum,2024-04-01,,,500000,ADD-1,K-01,,,,
sp2d,2024-05-01,CQ.6639,532111,1500000,240500000001,K-01,,,,termin 2
addendum,2024-06-01,,,-200000,ADD-2,K-01,,,,
kontrak selesai,2024-07-01,,,,BAST-1,K-01,,,,
kontrak selesai,2024-08-01,,,,BAST-2,K-02,,,,
unlock,2024-08-15,CQ.6639,521211,100000,REV-1,,,,,
kontrak,2024-09-01,CQ.6639,521211,400000,K-03,,,,,
sp2d,2024-10-01,CQ.6639,521211,100000,241000000001,K-03,,,,
pagu,2025-01-02,CQ.6639,532111,2000000,DIPA-2025,,,,,
blokir,2025-01-03,CQ.6639,532111,500000,BLK-2025,,,,,
kontrak,2025-01-10,CQ.6639,532111,1000000,K-01,,,,,
"""
CONTRACT_LATER = [
    ("sp2d", dict(date="2024-06-20", code="CQ.6639", akun="532111", amount=300000,
                  ref="240600000001", contract="K-01")),
    ("sp2d", dict(date="2024-08-01", code="CQ.6870", akun="521219", amount=50000,
                  ref="240800000001", contract="K-02")),
    ("blokir", dict(date="2024-02-20", code="CQ.6639", akun="521211", amount=50000, ref="BLK-X")),
]


def _new_ledger(path, text):
    source = path.with_suffix(".csv")
    source.write_text(text, encoding="utf-8")
    ledger = Ledger.init(path, "657757", "KPU KABUPATEN LUMAJANG")
    ledger.import_file(source)
    return ledger


def _contracts_ledger(path):
    ledger = _new_ledger(path, CONTRACTS_CSV)
    for kind, fields in CONTRACT_LATER:
        ledger.record(kind, **fields)
    ledger.record("void", date="2024-02-21", voids=ledger.head()[0], note="salah pos")
    return ledger


@pytest.fixture
def tiny(tmp_path):
    with _new_ledger(tmp_path / "tiny.db", TINY_CSV) as ledger:
        yield ledger


@pytest.fixture(scope="module")
def lumajang(tmp_path_factory):
    ledger = build_demo(str(tmp_path_factory.mktemp("lumajang") / "lumajang.db"))
    yield ledger
    ledger.close()


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    ledger = _new_ledger(tmp_path_factory.mktemp("mixed") / "mixed.db", MIXED_CSV)
    ledger.close_year(2024)
    yield ledger
    ledger.close()


@pytest.fixture(scope="module")
def contracts(tmp_path_factory):
    ledger = _contracts_ledger(tmp_path_factory.mktemp("contracts") / "contracts.db")
    yield ledger
    ledger.close()


@pytest.fixture(scope="module")
def journals(lumajang, mixed, contracts, tmp_path_factory):
    """(ledger name, format) -> path of the exported journal, written once."""
    folder = tmp_path_factory.mktemp("journals")
    out = {}
    for name, ledger in (("lumajang", lumajang), ("mixed", mixed), ("contracts", contracts)):
        for fmt in ("beancount", "hledger"):
            out[(name, fmt)] = path = folder / f"{name}.{fmt}"
            export_journal(ledger, fmt, path)
    return out


# ------------------------------------------------------------ exact journals

BEANCOUNT_TINY = """\
; anggaran export (beancount): satker 657757 KPU KABUPATEN LUMAJANG
; the event log up to seq 6, chain head HEAD
; Accounts per fiscal year and budget line (see docs/export.md):
;   -Equity:DIPA:Y:LINE = ceiling (sub-accounts by source: Pagu, Revisi, Pergeseran,
;     Pemotongan, Hibah, Luncuran), Assets:Sisa:Y:LINE = balance (sisa), of which
;     :Tersedia = available, :Lock = locked, :Blokir = blocked and :Komitmen =
;     committed, Expenses:Realisasi:Y:LINE = realised;
;   Assets:Bendahara:Y:UP and :TUP = the bendahara's advances outstanding
;     (against Liabilities:UangMuka:Y:UP and :TUP)

option "title" "657757 KPU KABUPATEN LUMAJANG"
option "operating_currency" "IDR"

2024-01-02 commodity IDR
2024-01-02 open Assets:Sisa:2024:CQ:6639:521211:Tersedia IDR
2024-01-02 open Assets:Sisa:2024:CQ:6870:Kode:Tersedia IDR
2024-01-02 open Equity:DIPA:2024:CQ:6639:521211:Pagu IDR
2024-01-02 open Equity:DIPA:2024:CQ:6870:Kode:Pagu IDR
2024-01-10 open Expenses:Realisasi:2024:CQ:6639:521211 IDR
2024-01-15 open Assets:Sisa:2024:CQ:6870:Kode:Lock IDR

2024-01-02 * "pagu CQ.6639/521211"
  seq: 2
  ref: "DIPA-1"
  Assets:Sisa:2024:CQ:6639:521211:Tersedia  1000000 IDR
  Equity:DIPA:2024:CQ:6639:521211:Pagu     -1000000 IDR

2024-01-02 * "pagu CQ.6870"
  seq: 3
  ref: "DIPA-1"
  Assets:Sisa:2024:CQ:6870:Kode:Tersedia     500000 IDR
  Equity:DIPA:2024:CQ:6870:Kode:Pagu        -500000 IDR

2024-01-10 * "sp2d CQ.6639/521211: honor \\"PPK\\"" ^sp2d-240100000001
  seq: 4
  ref: "240100000001"
  Expenses:Realisasi:2024:CQ:6639:521211     250000 IDR
  Assets:Sisa:2024:CQ:6639:521211:Tersedia  -250000 IDR

2024-01-15 * "lock CQ.6870: revisi POK"
  seq: 5
  ref: "LOCK-1"
  Assets:Sisa:2024:CQ:6870:Kode:Lock         100000 IDR
  Assets:Sisa:2024:CQ:6870:Kode:Tersedia    -100000 IDR

2024-01-20 * "refund CQ.6639/521211" ^sp2d-240100000001
  seq: 6
  ref: "SSPB-1"
  sp2d: "240100000001"
  Expenses:Realisasi:2024:CQ:6639:521211     -50000 IDR
  Assets:Sisa:2024:CQ:6639:521211:Tersedia    50000 IDR
"""

HLEDGER_TINY = """\
; anggaran export (hledger): satker 657757 KPU KABUPATEN LUMAJANG
; the event log up to seq 6, chain head HEAD
; Accounts per fiscal year and budget line (see docs/export.md):
;   -Equity:DIPA:Y:LINE = ceiling (sub-accounts by source: Pagu, Revisi, Pergeseran,
;     Pemotongan, Hibah, Luncuran), Assets:Sisa:Y:LINE = balance (sisa), of which
;     :Tersedia = available, :Lock = locked, :Blokir = blocked and :Komitmen =
;     committed, Expenses:Realisasi:Y:LINE = realised;
;   Assets:Bendahara:Y:UP and :TUP = the bendahara's advances outstanding
;     (against Liabilities:UangMuka:Y:UP and :TUP)

commodity IDR
tag seq
tag sp2d

account Assets:Sisa:2024:CQ:6639:521211:Tersedia
account Assets:Sisa:2024:CQ:6870:Kode:Lock
account Assets:Sisa:2024:CQ:6870:Kode:Tersedia
account Equity:DIPA:2024:CQ:6639:521211:Pagu
account Equity:DIPA:2024:CQ:6870:Kode:Pagu
account Expenses:Realisasi:2024:CQ:6639:521211

2024-01-02 * (DIPA-1) pagu CQ.6639/521211
    ; seq: 2
    Assets:Sisa:2024:CQ:6639:521211:Tersedia  1000000 IDR
    Equity:DIPA:2024:CQ:6639:521211:Pagu     -1000000 IDR

2024-01-02 * (DIPA-1) pagu CQ.6870
    ; seq: 3
    Assets:Sisa:2024:CQ:6870:Kode:Tersedia     500000 IDR
    Equity:DIPA:2024:CQ:6870:Kode:Pagu        -500000 IDR

2024-01-10 * (240100000001) sp2d CQ.6639/521211: honor "PPK"
    ; seq: 4
    ; sp2d: 240100000001
    Expenses:Realisasi:2024:CQ:6639:521211     250000 IDR
    Assets:Sisa:2024:CQ:6639:521211:Tersedia  -250000 IDR

2024-01-15 * (LOCK-1) lock CQ.6870: revisi POK
    ; seq: 5
    Assets:Sisa:2024:CQ:6870:Kode:Lock         100000 IDR
    Assets:Sisa:2024:CQ:6870:Kode:Tersedia    -100000 IDR

2024-01-20 * (SSPB-1) refund CQ.6639/521211
    ; seq: 6
    ; sp2d: 240100000001
    Expenses:Realisasi:2024:CQ:6639:521211     -50000 IDR
    Assets:Sisa:2024:CQ:6639:521211:Tersedia    50000 IDR
"""


@pytest.mark.parametrize("fmt, expected", [("beancount", BEANCOUNT_TINY),
                                           ("hledger", HLEDGER_TINY)])
def test_journal_of_a_tiny_ledger_is_exactly_as_documented(tiny, tmp_path, fmt, expected):
    path = tmp_path / f"tiny.{fmt}"
    assert export_journal(tiny, fmt, path) == 5  # the name event gives no transaction
    head_seq, head_hash = tiny.head()
    assert head_seq == 6
    assert path.read_text(encoding="utf-8") == expected.replace("HEAD", head_hash)


def test_the_example_in_docs_export_md_is_what_the_export_writes(tmp_path):
    doc = (Path(__file__).resolve().parent.parent / "docs" / "export.md").read_text(encoding="utf-8")
    source = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    shown = doc.split("```beancount\n", 1)[1].split("```", 1)[0]
    with _new_ledger(tmp_path / "doc.db", source) as ledger:
        export_journal(ledger, "beancount", tmp_path / "doc.beancount")
        assert shown.strip() in (tmp_path / "doc.beancount").read_text(encoding="utf-8")
        line = [r for r in ledger.report(as_of="2024-01-31", by="akun")["rows"] if r["code"] == "CQ.6870/"]
        assert [(r["ceiling"], r["locked"], r["available"]) for r in line] == [(500000, 100000, 400000)]


def test_account_names():
    assert account_for(2024, "CQ.6639", "521211", "Tersedia") == "Assets:Sisa:2024:CQ:6639:521211:Tersedia"
    assert account_for(2024, "CQ.6639", "", "Lock") == "Assets:Sisa:2024:CQ:6639:Kode:Lock"
    assert account_for(2025, "CQ.6639.QMA.001", "521211", "Realisasi") == \
        "Expenses:Realisasi:2025:CQ:6639:QMA:001:521211"
    assert account_for(2024, "WA.3355", "511111", "Hibah") == "Equity:DIPA:2024:WA:3355:511111:Hibah"


def test_journal_is_deterministic_and_skips_seals_and_names(mixed, journals, tmp_path):
    again = tmp_path / "again.beancount"
    export_journal(mixed, "beancount", again)
    assert again.read_text() == journals[("mixed", "beancount")].read_text()
    text = journals[("mixed", "hledger")].read_text()
    assert "; 2024-12-31 fiscal year 2024 closed by its seal (seq 20)" in text
    assert "Logistik" not in text  # a name event is no transaction
    # A correction moves realised spending between two lines: four postings.
    block = text.split("(KOR-1) correction CQ.6639/521211 to CQ.6639/524111\n", 1)[1].split("\n\n")[0]
    assert [line.split()[0] for line in block.splitlines()[2:]] == [
        "Expenses:Realisasi:2024:CQ:6639:521211", "Assets:Sisa:2024:CQ:6639:521211:Tersedia",
        "Expenses:Realisasi:2024:CQ:6639:524111", "Assets:Sisa:2024:CQ:6639:524111:Tersedia"]


# ------------------------------------------------------------ the tools say

def _tool(name):
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else shutil.which(name)


def _need(module):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"python package {module} is not installed")


def _need_tool(name):
    path = _tool(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


@pytest.mark.parametrize("which", ["lumajang", "mixed", "contracts"])
def test_bean_check_accepts_the_export(journals, which):
    bean_check = _need_tool("bean-check")
    done = subprocess.run([bean_check, str(journals[(which, "beancount")])],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == "" and done.stderr == "", done.stdout + done.stderr


@pytest.mark.parametrize("which", ["lumajang", "mixed", "contracts"])
def test_hledger_check_accepts_the_export(journals, which):
    hledger = _need_tool("hledger")
    path = str(journals[(which, "hledger")])
    for args in (["check"], ["check", "--strict"], ["check", "ordereddates"]):
        done = subprocess.run([hledger, "-f", path, *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (args, done.stdout + done.stderr)


@pytest.mark.parametrize("which", ["lumajang", "mixed", "contracts"])
def test_ledger_cli_reads_the_hledger_export_strictly(journals, which):
    ledger_cli = _need_tool("ledger")
    done = subprocess.run([ledger_cli, "-f", str(journals[(which, "hledger")]), "--strict",
                           "--pedantic", "balance"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Warning" not in done.stderr, done.stderr


# -------------------------------------------------- balances equal the report

def _beancount_balances(path, as_of):
    _need("beancount")
    from beancount.core import data

    entries, errors, _ = _load_beancount(path)
    assert errors == []
    day = dt.date.fromisoformat(as_of)
    balances = Counter()
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.date <= day:
            for posting in entry.postings:
                assert posting.units.currency == "IDR"
                assert posting.units.number == int(posting.units.number)
                balances[posting.account] += int(posting.units.number)
    return balances


_LOADED = {}


def _load_beancount(path):
    from beancount import loader

    if path not in _LOADED:
        _LOADED[path] = loader.load_file(str(path))
    return _LOADED[path]


def _hledger_balances(path, as_of):
    hledger = _need_tool("hledger")
    end = (dt.date.fromisoformat(as_of) + dt.timedelta(days=1)).isoformat()
    done = subprocess.run([hledger, "-f", str(path), "balance", "--flat", "--no-total", "-e", end,
                           "-O", "csv"], capture_output=True, text=True, timeout=60, check=True)
    balances = Counter()
    for account, amount in list(csv.reader(io.StringIO(done.stdout)))[1:]:
        number, _, currency = amount.partition(" ")
        assert currency in ("IDR", "")
        balances[account] += int(number)
    return balances


BALANCES = {"beancount": _beancount_balances, "hledger": _hledger_balances}


def _node(year, code=None):
    """The account node of a report row: year, then the code's segments and the akun."""
    parts = [str(year)]
    if code:
        line, _, akun = code.partition("/")
        parts += line.split(".")
        if "/" in code:
            parts.append(akun or "Kode")
    return ":".join(parts)


def _figures(balances, node):
    def total(root):
        return sum(v for a, v in balances.items() if a == f"{root}:{node}" or a.startswith(f"{root}:{node}:"))

    def held(what):
        return sum(v for a, v in balances.items()
                   if a.startswith(f"Assets:Sisa:{node}:") and a.endswith(f":{what}"))

    return {"ceiling": -total("Equity:DIPA"), "blocked": held("Blokir"), "locked": held("Lock"),
            "committed": held("Komitmen"), "realised": total("Expenses:Realisasi"),
            "balance": total("Assets:Sisa"), "available": held("Tersedia")}


CASES = [
    ("lumajang", "2024-01-02"),
    ("lumajang", "2024-02-12"),
    ("lumajang", "2024-09-15"),  # a lock pagu stands
    ("lumajang", "2024-12-31"),
    ("mixed", "2024-03-05"),  # locked, after a correction
    ("mixed", "2024-12-31"),
    ("mixed", "2025-01-31"),  # the next fiscal year: its own accounts
    ("contracts", "2024-01-31"),  # blocked only
    ("contracts", "2024-03-31"),  # partly unblocked; two contracts paid in part; locked
    ("contracts", "2024-06-25"),  # after two addenda and the late payment's date
    ("contracts", "2024-07-01"),  # K-01 closed: its unpaid value released
    ("contracts", "2024-08-01"),  # K-02 closed and paid on its closing day
    ("contracts", "2024-12-31"),  # K-03 still open
    ("contracts", "2025-01-31"),  # the next year: its own blokir and K-01
]

# The funds view (ceiling, blocked, locked, committed, realised, available) of the
# contracts ledger's lines, worked out by hand: K-01 is worth 3.000.000 + 500.000 -
# 200.000 and paid 1.000.000 + 1.500.000 + 300.000 (the late payment) by 2024-06-25, so
# 500.000 is committed then and released by its close; K-02 is worth 300.000, paid 100.000
# and 50.000 (on its closing day).
FUNDS = {
    ("2024-06-25", "CQ.6639/532111"): (5_000_000, 600_000, 0, 500_000, 2_800_000, 1_100_000),
    ("2024-07-01", "CQ.6639/532111"): (5_000_000, 600_000, 0, 0, 2_800_000, 1_600_000),
    ("2024-07-01", "CQ.6870/"): (800_000, 0, 0, 200_000, 100_000, 500_000),
    ("2024-08-01", "CQ.6870/"): (800_000, 0, 0, 0, 150_000, 650_000),
    ("2024-12-31", "CQ.6639/521211"): (1_000_000, 0, 0, 300_000, 100_000, 600_000),
    ("2025-01-31", "CQ.6639/532111"): (2_000_000, 500_000, 0, 1_000_000, 0, 500_000),
}
FUNDS_VIEW = ("ceiling", "blocked", "locked", "committed", "realised", "available")


@pytest.mark.parametrize("tool", ["beancount", "hledger"])
@pytest.mark.parametrize("which, as_of", CASES)
def test_balances_as_of_a_date_equal_the_report(journals, lumajang, mixed, contracts, tool, which,
                                                as_of):
    ledger = {"lumajang": lumajang, "mixed": mixed, "contracts": contracts}[which]
    balances = BALANCES[tool](journals[(which, tool)], as_of)
    report = ledger.report(as_of=as_of, by="akun")
    year = report["year"]
    checked = 0
    for row in report["rows"]:
        code = row["code"] if row["level"] != "total" else None
        assert _figures(balances, _node(year, code)) == {f: row[f] for f in FIGURES}, row["code"]
        if which == "contracts" and (as_of, row["code"]) in FUNDS:
            assert tuple(row[f] for f in FUNDS_VIEW) == FUNDS[(as_of, row["code"])], row["code"]
        checked += 1
    assert checked == len(report["rows"]) > 3
    # Every line's accounts sum to zero: ceiling = balance + realised, by construction.
    assert sum(balances.values()) == 0
    if which == "lumajang" and as_of == "2024-09-15":
        assert _figures(balances, "2024:CQ:6639:524111")["locked"] == 450_000_000
    if which == "lumajang" and as_of == "2024-12-31":
        total = report["rows"][0]
        assert (total["ceiling"], total["realised"]) == (107_905_482_000, 107_275_888_055)


def test_contract_events_in_the_journal(journals):
    """A payment against a contract moves Komitmen to Realisasi; a close gives back what
    is unpaid; the late payment also lowers the release on the close's date, as its own
    transaction; a payment on the closing day is one plain movement; the voided blokir and
    its void are not there."""
    text = journals[("contracts", "hledger")].read_text(encoding="utf-8")
    transactions = {t.split("\n", 1)[0]: t for t in text.split("\n\n")}

    def postings(head):
        return [tuple(line.split()[:2]) for line in transactions[head].splitlines()[1:]
                if not line.strip().startswith(";")]

    line = "2024:CQ:6639:532111"
    assert postings("2024-01-05 * (BLK-1) block CQ.6639/532111: menunggu dokumen") == [
        (f"Assets:Sisa:{line}:Blokir", "1000000"), (f"Assets:Sisa:{line}:Tersedia", "-1000000")]
    assert postings("2024-02-01 * (K-01) contract K-01 on CQ.6639/532111 with CV Maju") == [
        (f"Assets:Sisa:{line}:Komitmen", "3000000"), (f"Assets:Sisa:{line}:Tersedia", "-3000000")]
    assert postings("2024-03-01 * (240300000001) sp2d CQ.6639/532111 for contract K-01: termin 1") == [
        (f"Expenses:Realisasi:{line}", "1000000"), (f"Assets:Sisa:{line}:Komitmen", "-1000000")]
    assert postings("2024-06-01 * (ADD-2) contract_change K-01 on CQ.6639/532111") == [
        (f"Assets:Sisa:{line}:Komitmen", "-200000"), (f"Assets:Sisa:{line}:Tersedia", "200000")]
    assert postings("2024-07-01 * (BAST-1) contract_close K-01 on CQ.6639/532111") == [
        (f"Assets:Sisa:{line}:Komitmen", "-800000"), (f"Assets:Sisa:{line}:Tersedia", "800000")]
    late = ("2024-07-01 * (240600000001) sp2d CQ.6639/532111 for contract K-01 (of 2024-06-20, "
            "recorded after the contract's close on 2024-07-01: it changes what the close released)")
    assert postings(late) == [(f"Assets:Sisa:{line}:Komitmen", "300000"),
                              (f"Assets:Sisa:{line}:Tersedia", "-300000")]
    assert postings("2024-08-01 * (240800000001) sp2d CQ.6870/521219 for contract K-02") == [
        ("Expenses:Realisasi:2024:CQ:6870:Kode", "50000"), ("Assets:Sisa:2024:CQ:6870:Kode:Tersedia", "-50000")]
    assert "BLK-X" not in text and "salah pos" not in text and "void" not in text


def test_initial_pagu_is_the_pagu_subaccount(journals, lumajang):
    balances = _beancount_balances(journals[("lumajang", "beancount")], "2024-12-31")
    pagu = sum(e["amount"] for e in lumajang.log() if e["kind"] == "pagu")
    assert -sum(v for a, v in balances.items() if a.endswith(":Pagu")) == pagu


# ------------------------------------------------------ fiscal data package

def _read_rows(folder):
    with open(folder / "anggaran.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def package(lumajang, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fdp") / "lumajang-2024"
    rows = export_fiscal_data_package(lumajang, folder)
    return folder, rows


def test_fiscal_data_package_validates_with_frictionless(package):
    _need("frictionless")
    import frictionless

    folder, rows = package
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    assert report.stats["tasks"] == 1 and report.tasks[0].stats["rows"] == rows


# The Fiscal Data Package's own part of the spec's JSON schema (model, fiscal period,
# country, granularity), condensed; frictionless checks the tabular part above.
FDP_MODEL_SCHEMA = {
    "type": "object",
    "required": ["name", "resources", "model", "profile"],
    "properties": {
        "countryCode": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "granularity": {"enum": ["aggregated", "transactional"]},
        "fiscalPeriod": {"type": "object", "required": ["start"], "properties": {
            "start": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            "end": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}}},
        "model": {"type": "object", "required": ["measures", "dimensions"], "properties": {
            "measures": {"type": "object", "minProperties": 1, "additionalProperties": {
                "type": "object", "required": ["source", "currency"], "properties": {
                    "source": {"type": "string"},
                    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                    "factor": {"type": "number"},
                    "direction": {"enum": ["expenditure", "revenue"]},
                    "phase": {"enum": ["proposed", "approved", "adjusted", "executed"]}}}},
            "dimensions": {"type": "object", "minProperties": 1, "additionalProperties": {
                "type": "object", "required": ["attributes", "primaryKey"], "properties": {
                    "attributes": {"type": "object", "minProperties": 1, "additionalProperties": {
                        "type": "object", "required": ["source"]}},
                    "primaryKey": {"anyOf": [{"type": "string"},
                                             {"type": "array", "items": {"type": "string"}}]},
                    "dimensionType": {"enum": ["datetime", "entity", "classification", "activity",
                                               "fact", "location", "other"]},
                    "classificationType": {"enum": ["functional", "administrative", "economic"]},
                }}},
        }},
    },
}


def test_fiscal_data_package_model_follows_the_spec(package):
    folder, _ = package
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    if importlib.util.find_spec("jsonschema"):
        import jsonschema

        jsonschema.validate(descriptor, FDP_MODEL_SCHEMA)
    model = descriptor["model"]
    columns = {f["name"] for f in descriptor["resources"][0]["schema"]["fields"]}
    phases = {name: m.get("phase") for name, m in model["measures"].items()}
    assert phases == {"initial_ceiling": "approved", "ceiling": "adjusted", "realised": "executed",
                      "blocked": None, "locked": None, "committed": None, "balance": None,
                      "available": None}
    assert set(phases) <= columns
    assert all(m["currency"] == "IDR" and m["direction"] == "expenditure" and m["factor"] == 1
               for m in model["measures"].values())
    for dimension in model["dimensions"].values():
        for attribute in dimension["attributes"].values():
            assert attribute["source"] in columns
            assert attribute.get("labelfor", next(iter(dimension["attributes"]))) in dimension["attributes"]
    economic = {n for n, d in model["dimensions"].items() if d.get("classificationType") == "economic"}
    assert economic == {"jenis_belanja", "akun"}
    assert descriptor["fiscalPeriod"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert descriptor["anggaran"]["as_of"] == "2024-12-31"


def _sum(rows, key=lambda r: "", fields=("initial_ceiling", "ceiling", "locked", "realised", "balance")):
    out = {}
    for row in rows:
        acc = out.setdefault(key(row), dict.fromkeys(fields, 0))
        for f in fields:
            acc[f] += int(row[f])
    return out


def _compare_with_report(ledger, rows, as_of):
    fields = ("ceiling", "blocked", "locked", "committed", "realised", "balance", "available")
    total = ledger.report(as_of=as_of)["rows"][0]
    assert _sum(rows, fields=fields)[""] == {f: total[f] for f in fields}
    by_line = _sum(rows, key=lambda r: f"{r['code']}/{r['akun']}", fields=fields)
    lines = [r for r in ledger.report(as_of=as_of, by="akun")["rows"] if r["level"] == "akun"]
    assert by_line == {r["code"]: {f: r[f] for f in fields} for r in lines}
    by_jenis = _sum(rows, key=lambda r: r["jenis"], fields=fields)
    jenis = [r for r in ledger.report(as_of=as_of, by="jenis")["rows"] if r["level"] == "jenis"]
    assert by_jenis == {r["code"]: {f: r[f] for f in fields} for r in jenis}


def test_fiscal_data_package_totals_equal_the_report(package, lumajang):
    folder, count = package
    rows = _read_rows(folder)
    assert len(rows) == count == 43
    _compare_with_report(lumajang, rows, "2024-12-31")
    pagu = sum(e["amount"] for e in lumajang.log() if e["kind"] == "pagu")
    assert _sum(rows)[""]["initial_ceiling"] == pagu
    first = rows[0]
    assert {k: first[k] for k in ("year", "satker", "program", "kegiatan", "code", "akun", "jenis",
                                  "jenis_name")} == {
        "year": "2024", "satker": "657757", "program": "CQ", "kegiatan": "CQ.6639", "code": "CQ.6639",
        "akun": "521211", "jenis": "52", "jenis_name": "BELANJA BARANG"}
    assert first["kegiatan_name"] == "Teknis Penyelenggaraan Pemilu/Pemilihan"


def test_fiscal_data_package_as_of_a_date(mixed, tmp_path):
    for as_of in ("2024-03-05", "2024-12-31", "2025-01-31"):
        folder = tmp_path / as_of
        export_fiscal_data_package(mixed, folder, as_of=as_of)
        _compare_with_report(mixed, _read_rows(folder), as_of)
    rows = _read_rows(tmp_path / "2024-12-31")
    # The code-level line CQ.6870/ has its ceiling without akun (jenis -) and its SP2D
    # under the jenis of the akun the SP2D named, as in `report --by jenis`.
    code_level = {r["jenis"]: (int(r["ceiling"]), int(r["realised"])) for r in rows if r["code"] == "CQ.6870"}
    assert code_level == {"-": (450000, 0), "52": (0, 100000)}
    deeper = [r for r in rows if r["code"] == "CQ.6870.QMA.001"]
    assert [(r["kegiatan"], r["code_name"], r["initial_ceiling"], r["ceiling"]) for r in deeper] == [
        ("CQ.6870", "", "0", "200000")]
    assert json.loads((tmp_path / "2025-01-31" / "datapackage.json").read_text())["fiscalPeriod"] == {
        "start": "2025-01-01", "end": "2025-12-31"}


def test_fiscal_data_package_carries_blocked_and_committed(contracts, tmp_path):
    for as_of in ("2024-03-31", "2024-06-25", "2024-07-01", "2024-12-31", "2025-01-31"):
        folder = tmp_path / as_of
        export_fiscal_data_package(contracts, folder, as_of=as_of)
        _compare_with_report(contracts, _read_rows(folder), as_of)
    rows = {(r["code"], r["akun"], r["jenis"]): r for r in _read_rows(tmp_path / "2024-06-25")}
    line = rows[("CQ.6639", "532111", "53")]
    assert {f: int(line[f]) for f in FUNDS_VIEW} == dict(zip(FUNDS_VIEW, FUNDS[("2024-06-25", "CQ.6639/532111")]))
    # K-02 on the code-level line: its committed under TANPA AKUN (the contract names no
    # akun), the payment's realised under the jenis of the akun its SP2D names (521219: 52).
    assert int(rows[("CQ.6870", "", "-")]["committed"]) == 200000
    assert int(rows[("CQ.6870", "", "-")]["realised"]) == 0
    assert int(rows[("CQ.6870", "", "52")]["realised"]) == 100000
    if importlib.util.find_spec("frictionless"):
        import frictionless

        report = frictionless.validate(str(tmp_path / "2024-06-25" / "datapackage.json"))
        assert report.valid, report.flatten(["type", "note"])


# ------------------------------------------------------------------ refusals

def test_journal_never_overwrites(tiny, tmp_path):
    path = tmp_path / "old.beancount"
    path.write_text("mine\n")
    with pytest.raises(AnggaranError, match="already exists"):
        export_journal(tiny, "beancount", path)
    assert path.read_text() == "mine\n"


def test_journal_refuses_bad_targets(tiny, tmp_path):
    with pytest.raises(UsageError, match="beancount, hledger"):
        export_journal(tiny, "ledger", tmp_path / "x.ledger")
    with pytest.raises(AnggaranError, match="does not exist"):
        export_journal(tiny, "hledger", tmp_path / "missing" / "x.journal")
    with pytest.raises(AnggaranError, match="is a folder"):
        export_journal(tiny, "hledger", tmp_path)
    assert not (tmp_path / "x.ledger").exists()


def test_package_refuses_a_non_empty_folder_or_a_file(tiny, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("keep")
    with pytest.raises(AnggaranError, match="not empty"):
        export_fiscal_data_package(tiny, tmp_path / "full")
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == ["keep.txt"]
    (tmp_path / "afile").write_text("x")
    with pytest.raises(AnggaranError, match="is a file"):
        export_fiscal_data_package(tiny, tmp_path / "afile")
    with pytest.raises(AnggaranError, match="does not exist"):
        export_fiscal_data_package(tiny, tmp_path / "no" / "such")
    with pytest.raises(UsageError, match="not a date"):  # 31-12-2024 is a date since v2.0
        export_fiscal_data_package(tiny, tmp_path / "bad-date", as_of="31-02-2024")
    assert not (tmp_path / "bad-date").exists()
    (tmp_path / "empty").mkdir()
    assert export_fiscal_data_package(tiny, tmp_path / "empty") == 2


def test_empty_ledger(tmp_path):
    with Ledger.init(tmp_path / "empty.db", "657757", "KPU") as ledger:
        with pytest.raises(AnggaranError, match="no events"):
            export_fiscal_data_package(ledger, tmp_path / "fdp")
        assert export_journal(ledger, "beancount", tmp_path / "empty.beancount") == 0
        assert "open " not in (tmp_path / "empty.beancount").read_text()


# ---------------------------------------------------- --force and the ledger

def _no_temporaries(folder):
    assert [n for n in os.listdir(folder) if n.startswith(".")] == []


def test_journal_force_replaces_an_existing_file(tiny, tmp_path):
    path = tmp_path / "old.journal"
    path.write_text("mine\n")
    assert tiny.export("hledger", path, force=True) == 5
    assert path.read_text(encoding="utf-8").startswith("; anggaran export (hledger)")
    _no_temporaries(tmp_path)


@pytest.mark.parametrize("fmt", ["beancount", "hledger"])
def test_journal_is_never_written_through_a_link(tiny, tmp_path, fmt):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    link = tmp_path / f"link.{fmt}"
    os.symlink(victim, link)
    with pytest.raises(AnggaranError, match="is a symbolic link.*--force"):
        export_journal(tiny, fmt, link)
    assert os.path.islink(link)
    assert export_journal(tiny, fmt, link, force=True) == 5
    assert not os.path.islink(link) and link.read_text(encoding="utf-8").startswith("; anggaran export")
    assert victim.read_text() == "keep"


@pytest.mark.parametrize("to", ["beancount", "hledger", "fiscal-data-package"])
def test_export_never_replaces_the_ledger_even_with_force(tmp_path, to):
    db = tmp_path / "l.db"
    os.symlink(db, tmp_path / "link")
    with _new_ledger(db, TINY_CSV) as ledger:
        for target in (db, f"{db}-wal", f"{db}-shm", tmp_path / "link"):
            with pytest.raises(AnggaranError, match=f"^{re.escape(str(target))} is the ledger being read"):
                ledger.export(to, target, force=True)
        assert ledger.verify().events == 6
    with Ledger.open(db) as again:
        assert again.verify().events == 6


@pytest.mark.sqlite_only  # the SQLite file itself
def test_cli_export_onto_the_ledger_with_force_is_refused(run):
    assert run("record", "pagu", "--date", "2024-01-02", "--code", "CQ.6639", "--amount", "1000",
               "--ref", "DIPA-01").exit_code == 0
    for to in ("hledger", "fiscal-data-package"):
        result = run("export", "--to", to, run.db, "--force")
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: {run.db} is the ledger being read")
        assert result.stderr.count("\n") == 1
    assert run("verify").exit_code == 0
    with Ledger.open(run.db) as ledger:
        assert ledger.verify().events == 1


def test_package_force_replaces_only_its_own_files(tiny, tmp_path):
    folder = tmp_path / "fdp"
    folder.mkdir()
    (folder / "keep.txt").write_text("keep")
    (folder / "anggaran.csv").write_text("old")
    with pytest.raises(AnggaranError, match="not empty.*--force"):
        export_fiscal_data_package(tiny, folder)
    assert (folder / "anggaran.csv").read_text() == "old"
    assert export_fiscal_data_package(tiny, folder, as_of="2024-01-31", force=True) == 2
    assert sorted(os.listdir(folder)) == ["anggaran.csv", "datapackage.json", "keep.txt"]
    assert (folder / "keep.txt").read_text() == "keep"
    _compare_with_report(tiny, _read_rows(folder), "2024-01-31")
    assert export_fiscal_data_package(tiny, folder, as_of="2024-01-12", force=True) == 2
    _compare_with_report(tiny, _read_rows(folder), "2024-01-12")
    assert json.loads((folder / "datapackage.json").read_text())["anggaran"]["as_of"] == "2024-01-12"
    _no_temporaries(folder)
    _no_temporaries(tmp_path)


def test_package_is_never_written_through_a_link(tiny, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "fdp"
    os.symlink(elsewhere, link)
    for target in (link, f"{link}/"):
        with pytest.raises(AnggaranError, match="is a symbolic link"):
            export_fiscal_data_package(tiny, target)
    assert export_fiscal_data_package(tiny, link, force=True) == 2
    assert not os.path.islink(link) and sorted(os.listdir(link)) == ["anggaran.csv", "datapackage.json"]
    assert os.listdir(elsewhere) == []


def test_an_interrupted_package_leaves_nothing(tiny, tmp_path, monkeypatch):
    from anggaran import outputs

    write_text = outputs.write_text

    def killed(target, *args, **kwargs):  # the CSV is written, the process dies on the JSON
        if str(target).endswith("datapackage.json"):
            raise KeyboardInterrupt
        return write_text(target, *args, **kwargs)

    monkeypatch.setattr(outputs, "write_text", killed)
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(KeyboardInterrupt):
        export_fiscal_data_package(tiny, tmp_path / "fdp")
    assert sorted(os.listdir(tmp_path)) == before  # no half package, no temporary folder
    monkeypatch.undo()
    assert export_fiscal_data_package(tiny, tmp_path / "fdp") == 2
