"""`report --view funds`: what is really left to spend (Pagu Tersedia = ceiling - blokir -
lock - komitmen - realisation), on a hand-checked ledger, in every format; the official
view stays as it was. Also the new figures in `history`."""

import json

import pytest

from conftest import write

# Hand-checked below, as of 30 April and 31 May 2025.
LEDGER = """kind,date,code,akun,amount,ref,contract,supplier,recorded_at
pagu,2025-01-02,CQ.6639,521211,1.000.000,DIPA-2025,,,2025-01-02T09:00:00Z
pagu,2025-01-02,CQ.6639,532111,2.000.000,DIPA-2025,,,2025-01-02T09:00:01Z
pagu,2025-01-02,WA.3355,511111,500.000,DIPA-2025,,,2025-01-02T09:00:02Z
blokir,2025-01-10,CQ.6639,532111,300.000,BLK-1,,,2025-01-10T09:00:00Z
lock,2025-02-01,CQ.6639,521211,100.000,REV-1,,,2025-02-01T09:00:00Z
kontrak,2025-02-03,CQ.6639,532111,1.200.000,K-02,,CV Bangun,2025-02-03T09:00:00Z
kontrak,2025-02-05,CQ.6639,521211,400.000,K-01,,CV Maju,2025-02-05T09:00:00Z
sp2d,2025-03-10,CQ.6639,532111,500.000,S1,K-02,,2025-03-10T09:00:00Z
sp2d,2025-03-12,WA.3355,511111,200.000,S2,,,2025-03-12T09:00:00Z
addendum,2025-04-01,,,100.000,ADD-1,K-02,,2025-04-01T09:00:00Z
sp2d,2025-04-15,CQ.6639,521211,150.000,S3,K-01,,2025-04-15T09:00:00Z
buka blokir,2025-05-02,CQ.6639,532111,100.000,BLK-2,,,2025-05-02T09:00:00Z
kontrak selesai,2025-05-20,,,,BAST-1,K-01,,2025-05-20T09:00:00Z
"""
FIGURES = ("ceiling", "blocked", "locked", "committed", "realised", "available")


@pytest.fixture
def funds(run, tmp_path):
    result = run("import", write(tmp_path / "funds.csv", LEDGER))
    assert result.exit_code == 0, result.stderr
    return run


def figures(run, *args):
    rep = json.loads(run("report", "--format", "json", *args).stdout)
    return {r["code"]: tuple(r[k] for k in FIGURES) for r in rep["rows"]}


def test_funds_figures_hand_checked(funds):
    april = figures(funds, "--as-of", "2025-04-30", "--by", "akun")
    # 521211: committed 400.000 - 150.000 paid; available 1.000.000 - 100.000 - 250.000 - 150.000.
    assert april["CQ.6639/521211"] == (1_000_000, 0, 100_000, 250_000, 150_000, 500_000)
    # 532111: committed 1.200.000 + 100.000 addendum - 500.000 paid.
    assert april["CQ.6639/532111"] == (2_000_000, 300_000, 0, 800_000, 500_000, 400_000)
    assert april["WA.3355/511111"] == (500_000, 0, 0, 0, 200_000, 300_000)
    assert april["CQ.6639"] == (3_000_000, 300_000, 100_000, 1_050_000, 650_000, 900_000)
    assert april[""] == (3_500_000, 300_000, 100_000, 1_050_000, 850_000, 1_200_000)
    may = figures(funds, "--as-of", "2025-05-31", "--by", "akun")
    # K-01 closed on 20 May: its unpaid 250.000 is released; 100.000 of the blokir lifted.
    assert may["CQ.6639/521211"] == (1_000_000, 0, 100_000, 0, 150_000, 750_000)
    assert may["CQ.6639/532111"] == (2_000_000, 200_000, 0, 800_000, 500_000, 500_000)
    assert may[""] == (3_500_000, 200_000, 100_000, 800_000, 850_000, 1_550_000)
    # The jenis view adds up the same way.
    assert figures(funds, "--as-of", "2025-04-30", "--by", "jenis")["52"] == april["CQ.6639/521211"]


def test_funds_view_known_at_before_the_addendum(funds):
    before = figures(funds, "--as-of", "2025-04-30", "--by", "akun", "--known-at", "2025-03-31")
    assert before["CQ.6639/532111"] == (2_000_000, 300_000, 0, 700_000, 500_000, 500_000)


def test_funds_table_columns_and_headers(funds):
    out = funds("report", "--as-of", "2025-04-30", "--view", "funds", env={"COLUMNS": "250"})
    assert out.exit_code == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[:3] == ["LAPORAN PAGU TERSEDIA TA 2025",
                         "Satuan Kerja : 657757 KPU KABUPATEN LUMAJANG", "Keadaan s.d. 2025-04-30"]
    assert lines[4].split("  ")[0] == "Uraian"
    assert [h.strip() for h in lines[4].split("  ") if h.strip()] == [
        "Uraian", "Pagu Revisi", "Blokir", "Lock Pagu", "Komitmen", "Realisasi s.d. Periode",
        "Pagu Tersedia"]
    total = lines[6].split()
    assert total == ["JUMLAH", "SELURUHNYA", "3.500.000", "300.000", "100.000", "1.050.000",
                     "850.000", "1.200.000"]
    en = funds("report", "--as-of", "2025-04-30", "--view", "funds", "--locale", "en",
               env={"COLUMNS": "250"}).stdout.splitlines()[6].split()
    assert en[-1] == "1,200,000"


def test_funds_table_fits_80_columns_as_two_tables(funds):
    out = funds("report", "--as-of", "2025-04-30", "--view", "funds", env={"COLUMNS": "80"}).stdout
    assert max(map(len, out.splitlines())) <= 80
    assert "Pagu, blokir dan lock" in out and "Komitmen, realisasi dan pagu tersedia" in out
    second = out.split("Komitmen, realisasi dan pagu tersedia")[1].splitlines()
    assert [c for c in second if c.startswith("TOTAL")][0].split() == [
        "TOTAL", "1.050.000", "850.000", "1.200.000"]


def test_funds_markdown(funds):
    out = funds("report", "--as-of", "2025-04-30", "--view", "funds", "--format", "markdown").stdout
    assert out.startswith("**LAPORAN PAGU TERSEDIA TA 2025**  \n")
    table = [[c.strip() for c in line.split("|")[1:-1]] for line in out.splitlines()
             if line.startswith("|")]
    assert table[0] == ["Uraian", "Pagu Revisi", "Blokir", "Lock Pagu", "Komitmen",
                        "Realisasi s.d. Periode", "Pagu Tersedia"]
    assert table[2] == ["JUMLAH SELURUHNYA", "3.500.000", "300.000", "100.000", "1.050.000",
                        "850.000", "1.200.000"]


def test_funds_csv_and_json(funds):
    out = funds("report", "--as-of", "2025-04-30", "--view", "funds", "--format", "csv").stdout
    lines = out.splitlines()
    assert lines[0] == "code,level,name,ceiling,blocked,locked,committed,realised,available"
    assert lines[1] == ",total,JUMLAH SELURUHNYA,3500000,300000,100000,1050000,850000,1200000"
    official = funds("report", "--as-of", "2025-04-30", "--format", "json").stdout
    assert funds("report", "--as-of", "2025-04-30", "--view", "funds", "--format",
                 "json").stdout == official


def test_the_official_view_is_unchanged(funds):
    """The default view is the official report: its csv keeps exactly its columns (reconcile
    reads it), and --view official is the same."""
    default = funds("report", "--as-of", "2025-04-30", "--format", "csv").stdout
    assert default.splitlines()[0] == ("code,level,name,ceiling,locked,realised_before,"
                                       "realised_in_period,realised,absorption_pct,balance,available")
    assert default.splitlines()[1] == ",total,JUMLAH SELURUHNYA,3500000,100000,700000,150000,850000,24.29,2650000,1200000"
    assert funds("report", "--as-of", "2025-04-30", "--view", "official", "--format",
                 "csv").stdout == default
    table = funds("report", "--as-of", "2025-04-30").stdout
    assert table.startswith("LAPORAN REALISASI SP2D TA 2025") and "Komitmen" not in table


def test_funds_xlsx(funds, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "tersedia.xlsx"
    out = funds("report", "--as-of", "2025-04-30", "--view", "funds", "--format", "xlsx",
                "--output", target)
    assert out.exit_code == 0, out.stderr
    ws = openpyxl.load_workbook(target).active
    rows = list(ws.iter_rows(values_only=True))
    assert ws.title == "Pagu Tersedia"
    assert rows[0][0] == "LAPORAN PAGU TERSEDIA TA 2025" and rows[2][0] == "Keadaan s.d. 2025-04-30"
    assert rows[4] == ("Kode", "Uraian", "Pagu Revisi", "Blokir", "Lock Pagu", "Komitmen",
                       "Realisasi s.d. Periode", "Pagu Tersedia")
    assert rows[5][1:] == ("JUMLAH SELURUHNYA", 3_500_000, 300_000, 100_000, 1_050_000, 850_000,
                           1_200_000)
    assert ws.cell(6, 3).number_format == "#,##0"


def test_a_bad_view_is_a_usage_error(funds):
    out = funds("report", "--view", "dana")
    assert out.exit_code == 2
    assert out.stderr.startswith("Error: Invalid value for '--view': 'dana' is not one of "
                                 "'official', 'funds'.")


def test_demo_takes_the_view_too(tmp_path):
    from click.testing import CliRunner

    from anggaran.cli.main import cli

    out = CliRunner().invoke(cli, ["--db", str(tmp_path / "demo.db"), "demo", "--view", "funds",
                                   "--format", "csv"], obj={})
    assert out.exit_code == 0, out.stderr
    assert out.stdout.splitlines()[1] == (",total,JUMLAH SELURUHNYA,107905482000,0,0,0,"
                                          "107275888055,629593945")


# ------------------------------------------------------------------ history

def test_history_rows_carry_blocked_and_committed(funds):
    hist = json.loads(funds("history", "CQ.6639", "--akun", "532111", "--as-of", "2025-05-31",
                            "--format", "json").stdout)
    got = [(r["kind"], r["delta_blocked"], r["delta_committed"], r["delta_realised"],
            r["blocked"], r["committed"], r["realised"]) for r in hist["rows"]]
    assert got == [
        ("pagu", 0, 0, 0, 0, 0, 0),
        ("block", 300_000, 0, 0, 300_000, 0, 0),
        ("contract", 0, 1_200_000, 0, 300_000, 1_200_000, 0),
        ("sp2d", 0, -500_000, 500_000, 300_000, 700_000, 500_000),
        ("contract_change", 0, 100_000, 0, 300_000, 800_000, 500_000),
        ("unblock", -100_000, 0, 0, 200_000, 800_000, 500_000),
    ]


def test_history_table_shows_blokir_and_komitmen_only_where_they_moved(funds):
    table = funds("history", "CQ.6639", "--akun", "521211", "--as-of", "2025-05-31").stdout
    header = table.splitlines()[2].split()
    assert header == ["seq", "tanggal", "peristiwa", "nomor", "perubahan", "Pagu", "Lock",
                      "Blokir", "Komitmen", "Realisasi", "Sisa", "%"]
    rows = {line.split()[2]: line.split() for line in table.splitlines()[4:]}
    # The payment shows what it paid; the close shows what it released.
    assert rows["sp2d"][4:] == ["+150.000", "1.000.000", "100.000", "0", "250.000", "150.000",
                                "850.000", "15,00"]
    assert rows["contract_close"][4:] == ["-250.000", "1.000.000", "100.000", "0", "0", "150.000",
                                          "850.000", "15,00"]
    plain = funds("history", "WA.3355", "--as-of", "2025-05-31").stdout
    assert "Blokir" not in plain and "Komitmen" not in plain


def test_history_csv_has_the_new_columns_last(funds):
    header = funds("history", "CQ.6639", "--as-of", "2025-05-31", "--format",
                   "csv").stdout.splitlines()[0]
    assert header.endswith(",voided_by,delta_blocked,delta_committed,blocked,committed,payment")
