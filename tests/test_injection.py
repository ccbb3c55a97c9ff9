"""Injection through text: a name, note, ref or grantor an officer (or an imported file)
typed must stay text in every output. In an .xlsx report it is a text cell, never a
formula; in a Beancount or hledger journal it cannot start a new line (so no injected
transaction or directive); in the Fiscal Data Package it cannot add a CSV row.

The journals are parsed here line by line (every line must be one the exporter writes)
and, where installed, by the tools themselves; both must give the report's figures.
"""

import csv
import json
import re
import subprocess
from collections import Counter

import openpyxl
import pytest

from anggaran.export import export_fiscal_data_package, export_journal
from anggaran.ledger import Ledger

from test_export import (FIGURES, _beancount_balances, _figures, _hledger_balances, _load_beancount,
                         _need, _need_tool, _node)

# Notes may hold TAB, LF and CR (a note may span lines); names, refs and grantors may not
# hold C0 controls, but may hold the other line breaks (NEL, U+2028, U+2029) and C1 controls.
NOTES = [
    "x\n2024-01-01 * injected\n    Expenses:X  1000 IDR\n    Assets:Y",
    "y\r\n2024-01-01 open Assets:Evil IDR\rz",
    '"\n2024-01-01 * "x"\n  Assets:Y  1 IDR\n  Assets:Z',
    "a\u2028b\u2029c\x85d\x9be",
    'quote " and \\" and \\',
    "semi; colon ; comment",
    "pipe | payee",
    "=cmd|' /C calc'!A0",
    "tab\there",
]
TEXTS = ['=HYPERLINK("http://evil","x")', "line\u2028sep\u2029par\x85nel", '"q" \\ ; | (x)',
         "+1", "@SUM(A1)", "-2", "csi\x9b31m"]
REFS = ['"q"', "back\\slash", "semi;colon", "pipe|x", "=cmd", "line\u2028sep", "nel\x85x",
        "(paren)", "with space", "comma,x"]
LINE = {"code": "CQ.6639", "akun": "521211"}
DEEP = {"code": "CQ.6639.QMA", "akun": "521211"}


def one_line(text):
    """What an export makes of a text: each run of line breaks and controls one space."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+", " ", text)


def record_hostile(ledger):
    """Names, notes, refs, grantors and SP2D numbers, each hostile; returns the ledger."""
    day = "2024-01-02"
    for code, name in (("CQ", TEXTS[2]), ("CQ.6639", TEXTS[0]), ("CQ.6639.QMA", TEXTS[1])):
        ledger.record("name", date=day, code=code, name=name, note=NOTES[0])
    ledger.record("pagu", date=day, **LINE, amount=10_000_000, ref="DIPA;1\u2028x", note=NOTES[0])
    ledger.record("pagu", date=day, **DEEP, amount=5_000_000, ref="=cmd", note=NOTES[1])
    for i, grantor in enumerate(TEXTS):
        ledger.record("grant", date="2024-02-01", **LINE, amount=1000 + i, ref=f"NPHD {grantor}",
                      grantor=grantor, note=NOTES[i % len(NOTES)])
    for i, ref in enumerate(REFS):
        ledger.record("sp2d", date=f"2024-03-{i + 1:02d}", **LINE, amount=10_000 * (i + 1), ref=ref,
                      note=NOTES[i % len(NOTES)])
    ledger.record("refund", date="2024-04-01", **LINE, amount=500, ref="SSPB\u20281", sp2d=REFS[1],
                  note=NOTES[2])
    ledger.record("correction", date="2024-04-02", from_code="CQ.6639", from_akun="521211", **DEEP,
                  amount=700, sp2d=REFS[5], ref="KOR\x851", note=NOTES[3])
    ledger.record("lock", date="2024-05-01", **DEEP, amount=1000, ref=REFS[3], note=NOTES[4])
    return ledger


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "hostile.db"
    with record_hostile(Ledger.init(path, "657757", 'KPU "LUMAJANG" \\ ; |')) as ledger:
        yield ledger


def money_events(ledger):
    return sum(1 for e in ledger.log() if e["kind"] not in ("name", "close"))


# ------------------------------------------------------------ the journal grammar

DATE = r"\d{4}-\d{2}-\d{2}"
TEXT = r"[^\x00-\x1f\x7f-\x9f\u2028\u2029]"
BEAN_STRING = rf'"(?:(?!["\\]){TEXT}|\\["\\])*"'
TAG = r"[^\s,;()\x00-\x1f\x7f-\x9f]+"
POSTING = r"(?P<account>(?:Assets|Equity|Expenses)(?::[A-Za-z0-9]+)+) +(?P<amount>-?\d+) IDR"
# Every line an exporter writes, by format: (pattern, what it is).
GRAMMAR = {
    "beancount": [(r"(?:; .*)?", ""), (rf'option "\w+" {BEAN_STRING}', ""),
                  (rf"{DATE} (?:commodity IDR|open \S+ IDR)", ""),
                  (rf"{DATE} \* {BEAN_STRING}(?: \^sp2d-[A-Za-z0-9_./-]+)?", "transaction"),
                  (rf"  (?:seq: \d+|ref: {BEAN_STRING}|sp2d: {BEAN_STRING})", ""),
                  (rf"  {POSTING}", "posting")],
    "hledger": [(r"(?:; .*)?", ""), (r"commodity IDR|tag \w+|account \S+", ""),
                (rf"{DATE} \*(?: \({TAG}\))? (?:(?!;){TEXT})*", "transaction"),
                (rf"    ; (?:seq: \d+|sp2d: {TAG})", ""),
                (rf"    {POSTING}", "posting")],
}


def parse_journal(text, fmt):
    """(number of transactions, balance per account) of an exported journal, refusing
    any line that is not one the exporter writes. Lines are split as ``str.splitlines``
    does: at every line break some tool or editor honours (CR, VT, FF, NEL, U+2028, ...)."""
    assert text.endswith("\n")
    count, balances = 0, Counter()
    for number, line in enumerate(text.splitlines(), start=1):
        kinds = [(m, kind) for pattern, kind in GRAMMAR[fmt] if (m := re.fullmatch(pattern, line))]
        assert kinds, f"line {number} is no {fmt} line the export writes: {line!r}"
        match, kind = kinds[0]
        if kind == "transaction":
            count += 1
        elif kind == "posting":
            balances[match["account"]] += int(match["amount"])
    return count, balances


def assert_balances_are_the_report(ledger, balances, as_of="2024-12-31"):
    report = ledger.report(as_of=as_of, by="akun")
    for row in report["rows"]:
        code = row["code"] if row["level"] != "total" else None
        assert _figures(balances, _node(report["year"], code)) == {f: row[f] for f in FIGURES}, row["code"]
    assert sum(balances.values()) == 0


# ---------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def hostile_journals(hostile, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-journals")
    out = {}
    for fmt in ("beancount", "hledger"):
        out[fmt] = folder / f"hostile.{fmt}"
        assert export_journal(hostile, fmt, out[fmt]) == money_events(hostile)
    return out


@pytest.mark.parametrize("fmt", ["beancount", "hledger"])
def test_no_text_starts_a_line_in_a_journal(hostile, hostile_journals, fmt):
    count, balances = parse_journal(hostile_journals[fmt].read_text(encoding="utf-8"), fmt)
    assert count == money_events(hostile) == 22
    assert_balances_are_the_report(hostile, balances)


def test_beancount_reads_the_hostile_journal_as_the_report(hostile, hostile_journals):
    _need("beancount")
    from beancount.core import data

    path = hostile_journals["beancount"]
    assert_balances_are_the_report(hostile, _beancount_balances(path, "2024-12-31"))
    entries, _, options = _load_beancount(path)
    narrations = [e.narration for e in entries if isinstance(e, data.Transaction)]
    assert len(narrations) == money_events(hostile)
    # The text itself survives, on one line: quotes and backslashes unescaped as written.
    assert f"sp2d CQ.6639/521211: {one_line(NOTES[4])}" in narrations
    assert f"grant CQ.6639/521211 from {one_line(TEXTS[2])}: {one_line(NOTES[2])}" in narrations
    assert options["title"] == '657757 KPU "LUMAJANG" \\ ; |'
    bean_check = _need_tool("bean-check")
    done = subprocess.run([bean_check, str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout + done.stderr == "", done.stdout + done.stderr


def test_hledger_reads_the_hostile_journal_as_the_report(hostile, hostile_journals):
    hledger = _need_tool("hledger")
    path = str(hostile_journals["hledger"])
    assert_balances_are_the_report(hostile, _hledger_balances(path, "2024-12-31"))
    printed = subprocess.run([hledger, "-f", path, "print", "-O", "json"], capture_output=True,
                             text=True, timeout=60, check=True)
    descriptions = [t["tdescription"] for t in json.loads(printed.stdout)]
    assert len(descriptions) == money_events(hostile)
    assert f"sp2d CQ.6639/521211: {NOTES[4]}" in descriptions  # quotes, backslashes as typed
    # ';' would start a comment; a ref that is no transaction code goes into the description.
    assert "sp2d CQ.6639/521211: semi, colon , comment [ref line sep]" in descriptions
    check = subprocess.run([hledger, "-f", path, "check", "--strict"], capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr


def test_ledger_cli_reads_the_hostile_journal(hostile_journals):
    ledger_cli = _need_tool("ledger")
    done = subprocess.run([ledger_cli, "-f", str(hostile_journals["hledger"]), "--strict",
                           "--pedantic", "balance"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Warning" not in done.stderr, done.stderr


def test_no_name_adds_a_row_to_the_fiscal_data_package(hostile, tmp_path):
    folder = tmp_path / "fdp"
    count = export_fiscal_data_package(hostile, folder)
    text = (folder / "anggaran.csv").read_text(encoding="utf-8")
    lines = text.splitlines()  # as a line-based reader sees it
    assert len(lines) == count + 1 == 3
    rows = list(csv.DictReader(lines))
    assert rows == list(csv.DictReader(open(folder / "anggaran.csv", encoding="utf-8", newline="")))
    assert {(r["code"], r["program_name"], r["kegiatan_name"], r["code_name"]) for r in rows} == {
        ("CQ.6639", TEXTS[2], "'" + TEXTS[0], ""),
        ("CQ.6639.QMA", TEXTS[2], "'" + TEXTS[0], "line sep par nel")}
    assert rows[0]["satker_name"] == 'KPU "LUMAJANG" \\ ; |'
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["anggaran"]["head_seq"] == len(hostile.log())


def test_text_is_never_a_formula_in_xlsx(run, tmp_path):
    evil = '=HYPERLINK("http://evil","x")'
    db = tmp_path / "evil.db"
    Ledger.init(db, "657757", '=HYPERLINK("http://evil","satker")').close()  # in the titles
    run = run.__class__(db)
    for args in (("name", "--code", "CQ.6639", "--name", evil),
                 ("name", "--code", "CQ", "--name", "+cmd|' /C calc'!A0"),
                 ("pagu", "--code", "CQ.6639", "--akun", "521211", "--amount", "1000000",
                  "--ref", "DIPA-01"),
                 ("pagu", "--code", "CQ.6639", "--akun", "524111", "--amount", "1000",
                  "--ref", "DIPA-01")):
        assert run("record", args[0], "--date", "2024-01-01", *args[1:]).exit_code == 0
    written = []
    for name, command in (("report", ("report", "--as-of", "2024-12-31")),
                          ("jenis", ("report", "--as-of", "2024-12-31", "--by", "jenis")),
                          ("absorption", ("absorption", "--year", "2024"))):
        out = tmp_path / f"{name}.xlsx"
        result = run(*command, "--format", "xlsx", "--output", out)
        assert result.exit_code == 0, result.stderr
        written.append(out)
    texts = {}
    for out in written:
        for row in openpyxl.load_workbook(out).active.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (out.name, cell.coordinate, cell.value)
                    texts[cell.value] = cell.data_type
    assert evil in texts and "+cmd|' /C calc'!A0" in texts
    assert any('=HYPERLINK("http://evil","satker")' in t for t in texts)
    assert "JUMLAH SELURUHNYA" in texts and "Bulan" in texts  # titles and headers are text too
