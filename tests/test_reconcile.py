"""Reconciliation with the treasury: statements and SP2D lists."""

import json

import pytest

from conftest import write

LEDGER = ("kind,date,code,akun,amount,ref\n"
          "pagu,2024-01-02,CQ.6639,521211,1000000,DIPA-01\n"
          "pagu,2024-01-02,CQ.6709,521211,500000,DIPA-01\n"
          "pagu,2024-01-02,WA.3355,511111,300000,DIPA-01\n"
          "sp2d,2024-03-15,CQ.6639,521211,100000,S1\n"
          "sp2d,2024-06-15,CQ.6709,521211,200000,S2\n"
          "sp2d,2024-11-29,WA.3355,511111,150000,S3\n")


@pytest.fixture
def filled(run, tmp_path):
    assert run("import", write(tmp_path / "l.csv", LEDGER)).exit_code == 0
    return run


def diffs(run, *args):
    result = run("reconcile", *args, "--format", "json")
    return result.exit_code, json.loads(result.stdout)["differences"]


@pytest.mark.parametrize("by", ["program", "kegiatan", "akun", "jenis"])
def test_own_report_csv_reconciles(filled, tmp_path, by):
    csv = filled("report", "--as-of", "2024-12-31", "--by", by, "--format", "csv").stdout
    st = write(tmp_path / "st.csv", csv)
    result = filled("reconcile", st, "--as-of", "2024-12-31")
    assert result.exit_code == 0
    assert result.stdout == "No differences: the statement matches the ledger as of 2024-12-31.\n"


def test_treasury_columns_and_every_kind_of_difference(filled, tmp_path):
    st = write(tmp_path / "kppn.csv",
               "Kode,Uraian,Pagu Revisi,Realisasi s.d. Periode,Sisa Anggaran\n"
               ",JUMLAH SELURUHNYA,\"1.800.000\",\"450.000\",\"1.350.000\"\n"
               "CQ,Penyelenggaraan Pemilu,\"1.500.000\",\"300.000\",\"1.200.000\"\n"
               "CQ.6639,Teknis,\"1.000.000\",\"110.000\",\"890.000\"\n"
               "CQ.6709,Perencanaan,\"500.000\",\"200.000\",\"300.001\"\n"
               "CQ.6870,Kampanye,\"1.000\",0,\"1.000\"\n")
    status, got = diffs(filled, st, "--as-of", "2024-12-31")
    assert status == 1
    assert got == [
        {"code": "CQ.6639", "akun": None, "field": "realised", "statement": 110_000, "ledger": 100_000,
         "difference": 10_000, "kind": "mismatch"},
        {"code": "CQ.6870", "akun": None, "field": "ceiling", "statement": 1_000, "ledger": None,
         "difference": None, "kind": "missing_in_ledger"},
        {"code": "CQ.6870", "akun": None, "field": "realised", "statement": 0, "ledger": None,
         "difference": None, "kind": "missing_in_ledger"},
        {"code": "WA", "akun": None, "field": "ceiling", "statement": None, "ledger": 300_000,
         "difference": None, "kind": "missing_in_statement"},
        {"code": "WA", "akun": None, "field": "realised", "statement": None, "ledger": 150_000,
         "difference": None, "kind": "missing_in_statement"},
        {"code": "WA.3355", "akun": None, "field": "ceiling", "statement": None, "ledger": 300_000,
         "difference": None, "kind": "missing_in_statement"},
        {"code": "WA.3355", "akun": None, "field": "realised", "statement": None, "ledger": 150_000,
         "difference": None, "kind": "missing_in_statement"},
        {"code": "", "akun": None, "field": "ceiling", "statement": 1_800_000, "ledger": 1_800_000,
         "difference": 0, "kind": "statement_inconsistent", "expected": 1_500_000},
        {"code": "", "akun": None, "field": "realised", "statement": 450_000, "ledger": 450_000,
         "difference": 0, "kind": "statement_inconsistent", "expected": 300_000},
        {"code": "", "akun": None, "field": "balance", "statement": 1_350_000, "ledger": 1_350_000,
         "difference": 0, "kind": "statement_inconsistent", "expected": 1_200_000},
        {"code": "CQ", "akun": None, "field": "ceiling", "statement": 1_500_000, "ledger": 1_500_000,
         "difference": 0, "kind": "statement_inconsistent", "expected": 1_501_000},
        {"code": "CQ", "akun": None, "field": "realised", "statement": 300_000, "ledger": 300_000,
         "difference": 0, "kind": "statement_inconsistent", "expected": 310_000},
        {"code": "CQ", "akun": None, "field": "balance", "statement": 1_200_000, "ledger": 1_200_000,
         "difference": 0, "kind": "statement_inconsistent", "expected": 1_191_001},
        {"code": "CQ.6709", "akun": None, "field": "balance", "statement": 300_001, "ledger": 300_000,
         "difference": 1, "kind": "statement_inconsistent", "expected": 300_000},
    ]


def test_statement_errors(filled, tmp_path):
    bad = write(tmp_path / "bad.csv", "code,ceiling,colour\nCQ.6639,1,red\n")
    result = filled("reconcile", bad)
    assert result.exit_code == 1 and result.stderr.startswith("Error: unknown statement column 'colour'")
    sen = write(tmp_path / "sen.csv", "code,ceiling,realised\nCQ.6639,\"1.000,50\",0\n")
    assert filled("reconcile", sen).stderr == ("Error: statement row 1: ceiling '1.000,50' is not a "
                                               "whole-rupiah amount\n")
    assert filled("reconcile").exit_code == 2
    assert filled("reconcile", sen, "--sp2d", sen).exit_code == 2


def test_sp2d_list_missing_extra_and_altered(filled, tmp_path):
    lst = write(tmp_path / "sp2d.csv", "ref,date,code,akun,amount\n"
                "S1,2024-03-15,CQ.6639,521211,100000\n"
                "S2,2024-06-16,CQ.6639,521211,\"Rp 210.000\"\n"
                "S4,2024-12-20,CQ.6639,521211,5000\n")
    status, got = diffs(filled, "--sp2d", lst)
    assert status == 1
    assert got == [
        {"ref": "S2", "kind": "differs", "fields": ["date", "code", "amount"],
         "ledger": {"date": "2024-06-15", "code": "CQ.6709", "akun": "521211", "amount": 200_000},
         "statement": {"date": "2024-06-16", "code": "CQ.6639", "akun": "521211", "amount": 210_000}},
        {"ref": "S3", "kind": "missing_in_list", "fields": [],
         "ledger": {"date": "2024-11-29", "code": "WA.3355", "akun": "511111", "amount": 150_000},
         "statement": None},
        {"ref": "S4", "kind": "missing_in_ledger", "fields": [], "ledger": None,
         "statement": {"date": "2024-12-20", "code": "CQ.6639", "akun": "521211", "amount": 5_000}},
    ]


def test_sp2d_list_as_of_and_known_at(filled, tmp_path):
    lst = write(tmp_path / "sp2d.csv", "ref,date,code,amount\n"
                "S1,2024-03-15,CQ.6639,100000\nS2,2024-06-15,CQ.6709,200000\n")
    status, got = diffs(filled, "--sp2d", lst, "--as-of", "2024-06-30")
    assert status == 0 and got == []
    status, got = diffs(filled, "--sp2d", lst, "--known-at", "2000-01-01")
    assert status == 1 and [d["kind"] for d in got] == ["missing_in_ledger", "missing_in_ledger"]


def test_fix_by_appending_then_reconcile_to_zero(filled, tmp_path):
    lst = write(tmp_path / "sp2d.csv", "ref,date,code,akun,amount\n"
                "S1,2024-03-15,CQ.6639,521211,100000\nS2,2024-06-15,CQ.6709,521211,200000\n"
                "S3,2024-11-29,WA.3355,511111,150000\nS4,2024-12-20,CQ.6639,521211,5000\n")
    assert filled("reconcile", "--sp2d", lst).exit_code == 1
    assert filled("record", "sp2d", "--date", "2024-12-20", "--code", "CQ.6639", "--akun", "521211",
                  "--amount", "5000", "--ref", "S4").exit_code == 0
    result = filled("reconcile", "--sp2d", lst)
    assert result.exit_code == 0
    assert result.stdout == "No differences: every SP2D of 2024 matches the list.\n"
    assert filled("close", "2024", "--yes").exit_code == 0


# ------------------------------------------------------------------ blokir and komitmen

FUNDS = ("blokir,2024-02-01,CQ.6639,521211,200000,BLK-01\n"
         "kontrak,2024-02-05,CQ.6709,521211,250000,K-01\n"
         "sp2d,2024-07-01,CQ.6709,521211,50000,S4\n")


@pytest.fixture
def funded(run, tmp_path):
    header, rows = LEDGER.split("\n", 1)
    text = header + ",contract\n" + rows.replace("\n", ",\n") + FUNDS.replace("\n", ",\n")
    text = text.replace("sp2d,2024-07-01,CQ.6709,521211,50000,S4,", "sp2d,2024-07-01,CQ.6709,521211,50000,S4,K-01")
    result = run("import", write(tmp_path / "l.csv", text))
    assert result.exit_code == 0, result.stderr
    return run


@pytest.mark.parametrize("view", ["official", "funds"])
def test_own_report_csv_of_either_view_reconciles(funded, tmp_path, view):
    csv = funded("report", "--as-of", "2024-12-31", "--by", "akun", "--view", view, "--format",
                 "csv").stdout
    result = funded("reconcile", write(tmp_path / "st.csv", csv), "--as-of", "2024-12-31")
    assert result.exit_code == 0, result.stdout


def test_a_blokir_column_is_compared(funded, tmp_path):
    """Headers ``Blokir`` (or ``blocked``) and ``Komitmen`` (or ``committed``): each figure
    is compared where the statement has it; a blank cell compares nothing."""
    st = write(tmp_path / "kppn.csv",
               "Kode,Pagu Revisi,Blokir,Komitmen,Realisasi s.d. Periode\n"
               "CQ.6639,1.000.000,150.000,0,100.000\n"
               "CQ.6709,500.000,0,250.000,250.000\n"
               "WA.3355,300.000,,,150.000\n")
    code, found = diffs(funded, st, "--as-of", "2024-12-31")
    assert code == 1
    assert found == [
        {"code": "CQ.6639", "akun": None, "field": "blocked", "statement": 150_000,
         "ledger": 200_000, "difference": -50_000, "kind": "mismatch"},
        # K-01: 250.000 less the 50.000 paid on it.
        {"code": "CQ.6709", "akun": None, "field": "committed", "statement": 250_000,
         "ledger": 200_000, "difference": 50_000, "kind": "mismatch"}]


def test_blocked_and_committed_in_english_headers_and_sums(funded, tmp_path):
    st = write(tmp_path / "kppn.csv",
               "code,ceiling,blocked,committed,realised\n"
               ",1800000,200000,200000,500000\n"
               "CQ,1500000,200000,200000,350000\n"
               "CQ.6639,1000000,200000,0,100000\n"
               "CQ.6709,500000,0,200000,250000\n"
               "WA,300000,1,0,150000\n"
               "WA.3355,300000,0,0,150000\n")
    code, found = diffs(funded, st, "--as-of", "2024-12-31")
    assert code == 1
    assert [(d["code"], d["field"], d["kind"]) for d in found] == [
        ("WA", "blocked", "mismatch"), ("", "blocked", "statement_inconsistent"),
        ("WA", "blocked", "statement_inconsistent")]
    assert found[1]["expected"] == 200_001 and found[2]["expected"] == 0


def test_a_statement_without_the_columns_compares_neither(funded, tmp_path):
    st = write(tmp_path / "kppn.csv", "code,ceiling,realised\nCQ.6639,1000000,100000\n"
               "CQ.6709,500000,250000\nWA.3355,300000,150000\n")
    assert diffs(funded, st, "--as-of", "2024-12-31") == (0, [])
