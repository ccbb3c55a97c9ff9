"""The shipped Lumajang 2024 ledger reproduces the official report of its LKj.

OFFICIAL is transcribed from the source (../shared/seeds/000_23bbd7564c5d9671.txt,
"LAPORAN REALISASI SP2D TA 2024, Periode Desember 2024"), in its own spelling: English
thousands separators, code and name together in Uraian.
"""

import csv
import io
import json

import pytest

from anggaran.demo import build_demo
from anggaran.money import parse_amount
from conftest import write

OFFICIAL = """\
Uraian,Pagu Revisi,Lock Pagu,Periode Lalu,Periode Ini,s.d. Periode,%,Sisa Anggaran
JUMLAH SELURUHNYA,"107,905,482,000",0,"80,554,339,163","26,721,548,892","107,275,888,055",99.42 %,"629,593,945"
CQ Penyelenggaraan Pemilu dalam Proses Konsolidasi Demokrasi,"105,136,831,000",0,"78,064,875,984","26,518,728,687","104,583,604,671",99.47 %,"553,226,329"
CQ.6639 Teknis Penyelenggaraan Pemilu/Pemilihan,"40,950,000,000",0,"14,432,684,032","26,118,562,362","40,551,246,394",99.03 %,"398,753,606"
"CQ.6709 Perencanaan Program dan Anggaran, serta Penyusunan Peraturan Pelaksanaan Penyelenggaraan Pemilu","1,145,707,000",0,"739,762,428","385,085,975","1,124,848,403",98.18 %,"20,858,597"
CQ.6867 Pembentukan Badan Adhoc,"58,089,345,000",0,"58,089,343,914",0,"58,089,343,914",100.00,"1,086"
CQ.6870 Masa Kampanye Pemilu,"1,000",0,0,0,0,0.00 %,"1,000"
"CQ.6871 Pengelolaan, Pengadaan, Laporan, dan Dokumentasi Logistik","4,547,001,000",0,"4,398,314,520","15,080,350","4,413,394,870",97.06 %,"133,606,130"
CQ.6872 Pemungutan dan Penghitungan Suara,"386,275,000",0,"386,273,144",0,"386,273,144",100.00,"1,856"
"CQ.6981 Pengucapan Sumpah/Janji Presiden dan Wakil Presiden serta Anggota DPR, DPD, DPRD Provinsi, dan DPRD Kabupaten/Kota","2,000",0,0,0,0,0.00 %,"2,000"
CQ.6982 Penetapan Hasil Pemilu,"18,500,000",0,"18,497,946",0,"18,497,946",99.99 %,"2,054"
WA Program Dukungan Manajemen,"2,768,651,000",0,"2,489,463,179","202,820,205","2,692,283,384",97.24 %,"76,367,616"
WA.3355 Pengelolaan Keuangan dan Barang Milik Negara,"2,585,200,000",0,"2,307,028,019","202,820,205","2,509,848,224",97.09 %,"75,351,776"
WA.3360 Operasional Perkantoran dan Dukungan Sarana Prasarana,"183,451,000",0,"182,435,160",0,"182,435,160",99.45 %,"1,015,840"
"""

# The LKj's jenis-belanja table (source lines 665-669), misprints included.
LKJ_JENIS = """\
Kode ↓,Uraian,Pagu,Realisasi,Sisa,Persen
657757,KPU KABUPATEN LUMAJANG,107.905.482.000,107.275.888.055,629.593.945,"99,42 %"
51,BELANJA PEGAWAI,2.505.200.000,2.509.848.224,75.251.776,"97,09 %"
52,BELANJA BARANG,105.129.782.000,104.583.053.335,546.728.665,"99,48 %"
53,BELANJA MODAL,190.500.000,182.986.496,7.513.504,"96,06 %"
"""


def official_rows():
    out = []
    for rec in csv.DictReader(io.StringIO(OFFICIAL)):
        label = rec["Uraian"]
        code, _, name = label.partition(" ")
        if label == "JUMLAH SELURUHNYA":
            code, name = "", label
        out.append({"code": code, "name": name,
                    **{k: parse_amount(rec[v]) for k, v in (
                        ("ceiling", "Pagu Revisi"), ("locked", "Lock Pagu"),
                        ("realised_before", "Periode Lalu"), ("realised_in_period", "Periode Ini"),
                        ("realised", "s.d. Periode"), ("balance", "Sisa Anggaran"))},
                    "absorption_pct": float(rec["%"].rstrip(" %"))})
    return out


def test_demo_reproduces_every_cell_of_the_official_table(run_lj):
    rep = json.loads(run_lj("demo", "--format", "json").stdout)
    assert (rep["as_of"], rep["from"], rep["year"]) == ("2024-12-31", "2024-12-01", 2024)
    assert rep["satker"] == {"code": "657757", "name": "KPU KABUPATEN LUMAJANG"}
    got = [{k: r[k] for k in ("code", "name", "ceiling", "locked", "realised_before",
                              "realised_in_period", "realised", "balance", "absorption_pct")}
           for r in rep["rows"]]
    assert got == official_rows()


def test_jenis_table(run_lj):
    rep = json.loads(run_lj("report", "--as-of", "2024-12-31", "--by", "jenis", "--format", "json").stdout)
    got = [(r["code"], r["name"], r["ceiling"], r["realised"], r["balance"], r["absorption_pct"])
           for r in rep["rows"]]
    assert got == [
        ("", "JUMLAH SELURUHNYA", 107_905_482_000, 107_275_888_055, 629_593_945, 99.42),
        ("51", "BELANJA PEGAWAI", 2_585_200_000, 2_509_848_224, 75_351_776, 97.09),
        ("52", "BELANJA BARANG", 105_129_782_000, 104_583_053_335, 546_728_665, 99.48),
        ("53", "BELANJA MODAL", 190_500_000, 182_986_496, 7_513_504, 96.06),
    ]


def test_shipped_ledger_imports_fresh_and_verifies(run, tmp_path):
    from anggaran.demo import data_file
    with data_file() as source:
        first = run("import", source)
        again = run("import", source)
    assert first.exit_code == 0 and first.stdout.startswith("493 new, 0 already recorded")
    assert again.stdout.startswith("0 new, 493 already recorded")
    assert run("verify").stdout.startswith("OK: 493 events, chain intact")


@pytest.mark.parametrize("date,total", [
    ("2024-01-02", 80_101_823_000),   # DIPA awal
    ("2024-02-11", 80_101_823_000),
    ("2024-02-12", 66_952_038_000),   # cut by KPU RI
    ("2024-07-16", 117_952_038_000),  # Pilkada hibah from the Pemda
    ("2024-12-29", 117_955_482_000),  # + the unexplained 3.444.000 revision
    ("2024-12-31", 107_905_482_000),  # carry-over of 10.050.000.000 into TA 2025
])
def test_budget_history_follows_the_prose(run_lj, date, total):
    rep = json.loads(run_lj("report", "--as-of", date, "--format", "json").stdout)
    assert rep["rows"][0]["ceiling"] == total


def test_the_unexplained_difference_is_an_explicit_revision(run_lj):
    events = json.loads(run_lj("log", "--format", "json").stdout)
    revisions = [e for e in events if e["kind"] == "revise"]
    assert [e["amount"] for e in revisions] == [3_444_000]
    assert "unexplained" in revisions[0]["note"].lower()
    assert sum(e["amount"] for e in events if e["kind"] == "carry_over") == 10_050_000_000
    # to 2025, the default: dropped before storing, so the log shows no to_year
    assert all("to_year" not in e for e in events if e["kind"] == "carry_over")


def test_december_column_is_decembers_sp2d(run_lj):
    events = json.loads(run_lj("log", "--format", "json").stdout)
    december = [e for e in events if e["date"] >= "2024-12-01" and e["kind"] in ("sp2d", "refund")]
    net = sum(e["amount"] if e["kind"] == "sp2d" else -e["amount"] for e in december)
    assert net == 26_721_548_892


def test_reconciles_with_the_official_table(run_lj, tmp_path):
    result = run_lj("reconcile", write(tmp_path / "official.csv", OFFICIAL), "--as-of", "2024-12-31")
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "No differences: the statement matches the ledger as of 2024-12-31.\n"


def test_reconcile_names_the_lkj_jenis_misprints(run_lj, tmp_path):
    result = run_lj("reconcile", write(tmp_path / "lkj.csv", LKJ_JENIS), "--as-of", "2024-12-31",
                    "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["differences"] == [
        {"code": "51", "akun": None, "field": "ceiling", "statement": 2_505_200_000,
         "ledger": 2_585_200_000, "difference": -80_000_000, "kind": "mismatch"},
        {"code": "", "akun": None, "field": "ceiling", "statement": 107_905_482_000,
         "ledger": 107_905_482_000, "difference": 0, "kind": "statement_inconsistent",
         "expected": 107_825_482_000},
        {"code": "", "akun": None, "field": "balance", "statement": 629_593_945,
         "ledger": 629_593_945, "difference": 0, "kind": "statement_inconsistent",
         "expected": 629_493_945},
        {"code": "51", "akun": None, "field": "balance", "statement": 75_251_776,
         "ledger": 75_351_776, "difference": -100_000, "kind": "statement_inconsistent",
         "expected": -4_648_224},
    ]


def test_reconcile_a_tampered_statement(run_lj, tmp_path):
    tampered = OFFICIAL.replace('"40,551,246,394",99.03 %,"398,753,606"', '"40,551,346,394",99.03 %,"398,653,606"')
    result = run_lj("reconcile", write(tmp_path / "t.csv", tampered), "--as-of", "2024-12-31",
                    "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["differences"] == [
        {"code": "CQ.6639", "akun": None, "field": "realised", "statement": 40_551_346_394,
         "ledger": 40_551_246_394, "difference": 100_000, "kind": "mismatch"},
        {"code": "CQ", "akun": None, "field": "realised", "statement": 104_583_604_671,
         "ledger": 104_583_604_671, "difference": 0, "kind": "statement_inconsistent",
         "expected": 104_583_704_671},
        {"code": "CQ", "akun": None, "field": "balance", "statement": 553_226_329,
         "ledger": 553_226_329, "difference": 0, "kind": "statement_inconsistent",
         "expected": 553_126_329},
    ]


def test_close_2024_after_reconciling(tmp_path):
    path = tmp_path / "lj.db"
    with build_demo(str(path)) as ledger:
        ledger.close_year(2024)
        assert ledger.verify().seals == (2024,)
