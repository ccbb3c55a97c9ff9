"""Hostile input: whatever bytes, CSV, JSONL or option text arrives, the only outcomes
are success, or exit 1 with exactly one ``Error:`` line and an unchanged log; and whatever
text a note, name, ref or grantor holds, the exported journals keep one transaction per
event and the report's balances."""

import importlib.util
import json
import os
import subprocess
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anggaran.events import FIELDS, KINDS
from conftest import log_rows
from test_export import _hledger_balances, _need_tool
from test_injection import assert_balances_are_the_report, money_events, one_line, parse_journal

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# A pagu already in the log, so that random events can hit every rule, not just rule 4.
SEED = ["record", "pagu", "--date", "2024-01-02", "--code", "CQ.6639", "--akun", "521211",
        "--amount", "1000000", "--ref", "DIPA-01"]

cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2", "Rp 1.500.000,-", "1,50",
                     "99999999999999999999", "1" * 40, "2024-02-30", "2024-12-04", "CQ.6639",
                     "521211", "CQ", "\x00", "é", "\u202e", "NaN", "1e9", "sp2d", "pagu",
                     # v2.0 spellings: day-first dates, Indonesian kinds, summary words, voids
                     "15/03/2024", "31/02/2024", "15-03-2024", "1/1/2024", "Hibah", "SSPB",
                     "Pemotongan", "Lock Pagu", "buka-lock", "SP2D Koreksi", "batal", "JUMLAH",
                     "Jumlah Seluruhnya", "Total", "1", "0", "-3", "e\u0301"]),
)


def check_outcome(run, result, before):
    if result.exit_code == 0:
        assert result.stderr == ""
        return
    assert result.exit_code == 1, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    assert log_rows(run.db) == before


@SETTINGS
@given(data=st.binary(max_size=400))
def test_random_bytes(run, tmp_path, data):
    run(*SEED)
    for ext in (".csv", ".jsonl"):
        f = tmp_path / f"x{ext}"
        f.write_bytes(data)
        before = log_rows(run.db)
        check_outcome(run, run("import", f), before)


@SETTINGS
@given(header=st.lists(st.sampled_from(list(FIELDS) + ["recorded_at", "colour", "", "No.",
                                                      "Peristiwa", "Tanggal", "Nilai", "Jumlah",
                                                      "Nomor SP2D", "Uraian", "Nomor Urut"]),
                       min_size=1,
                       max_size=8, unique=True),
       rows=st.lists(st.lists(cell, max_size=9), max_size=6),
       crlf=st.booleans(), bom=st.booleans())
def test_random_csv(run, tmp_path, header, rows, crlf, bom):
    run(*SEED)
    import csv
    import io
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    f = tmp_path / "x.csv"
    f.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8", "surrogatepass"))
    before = log_rows(run.db)
    check_outcome(run, run("import", f), before)


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), cell),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=5)


@SETTINGS
@given(objects=st.lists(st.one_of(
    st.fixed_dictionaries({"kind": st.sampled_from(list(KINDS))},
                          optional={f: json_value for f in FIELDS if f != "kind"}),
    json_value), max_size=5))
def test_random_jsonl(run, tmp_path, objects):
    run(*SEED)
    f = tmp_path / "x.jsonl"
    f.write_text("\n".join(json.dumps(o) for o in objects), encoding="utf-8")
    before = log_rows(run.db)
    check_outcome(run, run("import", f), before)


OPTIONS = ["--date", "--code", "--amount", "--akun", "--ref", "--from-code", "--from-akun", "--sp2d",
           "--to-year", "--grantor", "--name", "--note", "--voids"]


@SETTINGS
@given(kind=st.sampled_from(list(KINDS) + ["Hibah", "luncuran", "SP2D koreksi", "batal", "rpd"]),
       values=st.dictionaries(st.sampled_from(OPTIONS), cell, max_size=6))
def test_random_record_options(run, kind, values):
    run(*SEED)
    args = [x for kv in values.items() for x in kv]
    before = log_rows(run.db)
    result = run("record", kind, *args)
    if result.exit_code == 2:  # click's own usage error (e.g. an option value starting with -)
        assert log_rows(run.db) == before
        return
    check_outcome(run, result, before)


def test_huge_numbers_and_long_sp2d_numbers(run, tmp_path):
    run(*SEED)
    ok = run("record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6639", "--akun", "521211",
             "--amount", "1", "--ref", "12345678901234567890")
    assert ok.exit_code == 0
    f = tmp_path / "big.jsonl"
    f.write_text('{"kind":"sp2d","date":"2024-03-01","code":"CQ.6639","akun":"521211","ref":"X",'
                 '"amount":' + "9" * 400 + "}\n")
    result = run("import", f)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: row 1: rule 2: amount ")


def test_exported_csv_is_safe_in_a_spreadsheet(run):
    run(*SEED)
    assert run("record", "name", "--date", "2024-01-02", "--code", "CQ.6639",
               "--name", "=HYPERLINK(\"http://x\")").exit_code == 0
    out = run("report", "--as-of", "2024-12-31", "--format", "csv").stdout
    import csv
    names = [row[2] for row in csv.reader(out.splitlines())][1:]
    assert "'=HYPERLINK(\"http://x\")" in names
    assert not any(n[:1] in "=+-@" for n in names if n)


# ------------------------------------------------- text in the exported journals

journal_text = st.text(st.one_of(st.characters(blacklist_categories=("Cs",)),
                                 st.sampled_from("\n\r\t\x0b\x0c\x1c\x85\u2028\u2029;\"\\|=*^()[],:#")),
                       max_size=40)


def _hostile_ledger(folder, note, grantor, ref, name):
    """A small ledger whose notes, grantor, refs and name are the drawn texts wherever the
    rules accept them (a text they refuse, e.g. one with a NUL, is replaced)."""
    from anggaran.errors import AnggaranError
    from anggaran.ledger import Ledger

    ledger = Ledger.init(os.path.join(folder, "l.db"), "657757", "KPU")

    def record(kind, fallback, **fields):
        try:
            ledger.record(kind, **fields)
        except AnggaranError:
            fields.update(fallback)
            ledger.record(kind, **fields)

    line = {"code": "CQ.6639", "akun": "521211", "date": "2024-01-02"}
    record("name", {"name": "N", "note": None}, code="CQ.6639", date="2024-01-02", name=name, note=note)
    record("pagu", {"ref": "DIPA-1", "note": None}, **line, amount=1_000_000, ref=ref, note=note)
    record("grant", {"grantor": "G", "ref": "HIBAH-1", "note": None}, **line, amount=1000,
           ref=ref, grantor=grantor, note=note)
    record("sp2d", {"ref": "R1", "note": None}, **line, amount=5000, ref=ref, note=note)
    sp2d = ledger.log()[-1]["ref"]
    record("refund", {"note": None}, **line, amount=100, ref="SSPB 1", sp2d=sp2d, note=note)
    return ledger


def _exported(ledger, folder, fmt):
    from anggaran.export import export_journal

    path = os.path.join(folder, f"l.{fmt}")
    assert export_journal(ledger, fmt, path) == money_events(ledger) == 4
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    count, balances = parse_journal(text, fmt)
    assert count == 4
    assert_balances_are_the_report(ledger, balances)
    return path, text


@settings(SETTINGS, max_examples=100)
@given(note=journal_text, grantor=journal_text, ref=journal_text, name=journal_text)
def test_no_text_breaks_a_journal(note, grantor, ref, name):
    with tempfile.TemporaryDirectory() as folder, _hostile_ledger(folder, note, grantor, ref, name) as ledger:
        _exported(ledger, folder, "hledger")
        _, text = _exported(ledger, folder, "beancount")
        if importlib.util.find_spec("beancount"):
            from beancount import loader
            from beancount.core import data

            entries, errors, _ = loader.load_string(text)
            assert errors == []
            narrations = [e.narration for e in entries if isinstance(e, data.Transaction)]
            sp2d = ledger.log()[3]
            expected = "sp2d CQ.6639/521211" + (f": {sp2d['note']}" if sp2d.get("note") else "")
            assert narrations[2] == one_line(expected)


@settings(SETTINGS, max_examples=25)
@given(note=journal_text, grantor=journal_text, ref=journal_text, name=journal_text)
def test_hledger_reads_any_text_as_the_report(note, grantor, ref, name):
    hledger = _need_tool("hledger")
    with tempfile.TemporaryDirectory() as folder, _hostile_ledger(folder, note, grantor, ref, name) as ledger:
        path, _ = _exported(ledger, folder, "hledger")
        done = subprocess.run([hledger, "-f", path, "print", "-O", "json"], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert len(json.loads(done.stdout)) == 4
        assert_balances_are_the_report(ledger, _hledger_balances(path, "2024-12-31"))
