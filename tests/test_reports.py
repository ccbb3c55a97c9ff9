"""Reports as of any date: figures, periods, known-at, levels, formats, history."""

import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anggaran.money import percent
from conftest import write

LEDGER = """kind,date,code,akun,from_code,from_akun,amount,ref,sp2d,name,recorded_at
pagu,2024-01-02,CQ.6639,521211,,,1.000.000,DIPA-2024,,Teknis Penyelenggaraan Pemilu/Pemilihan,2024-01-02T09:00:00Z
pagu,2024-01-02,CQ.6639,532111,,,500.000,DIPA-2024,,,2024-01-02T09:01:00Z
pagu,2024-01-02,WA.3355,511111,,,300.000,DIPA-2024,,,2024-01-02T09:02:00Z
cut,2024-02-12,CQ.6639,521211,,,200.000,KPU-RI/123,,,2024-02-12T10:00:00Z
sp2d,2024-03-15,CQ.6639,521211,,,100.000,S1,,,2024-03-16T08:00:00Z
sp2d,2024-11-29,WA.3355,511111,,,150.000,S2,,,2024-11-29T08:00:00Z
lock,2024-11-30,CQ.6639,532111,,,50.000,REV-05,,,2024-11-30T08:00:00Z
sp2d,2024-12-04,CQ.6639,532111,,,250.000,S3,,,2024-12-04T08:00:00Z
refund,2024-12-06,CQ.6639,521211,,,10.000,SSPB1,S1,,2024-12-06T08:00:00Z
shift,2024-12-10,CQ.6639,532111,CQ.6639,521211,100.000,POK-07,,,2024-12-10T08:00:00Z
"""


@pytest.fixture
def filled(run, tmp_path):
    result = run("import", write(tmp_path / "l.csv", LEDGER))
    assert result.exit_code == 0, result.stderr
    return run


def rows(run, *args):
    rep = json.loads(run("report", "--format", "json", *args).stdout)
    return rep, {r["code"]: r for r in rep["rows"]}


def test_year_end_by_kegiatan_hand_computed(filled):
    rep, r = rows(filled, "--as-of", "2024-12-31", "--from", "2024-12-01")
    assert [x["code"] for x in rep["rows"]] == ["", "CQ", "CQ.6639", "WA", "WA.3355"]
    # CQ.6639: 1.000.000 + 500.000 - 200.000 = 1.300.000; realised 100.000 + 250.000 - 10.000.
    assert r["CQ.6639"] == {
        "code": "CQ.6639", "level": "kegiatan", "name": "Teknis Penyelenggaraan Pemilu/Pemilihan",
        "ceiling": 1_300_000, "locked": 50_000, "realised_before": 100_000,
        "realised_in_period": 240_000, "realised": 340_000, "absorption_pct": 26.15,
        "balance": 960_000, "available": 910_000, "blocked": 0, "committed": 0}
    assert r[""]["ceiling"] == 1_600_000 and r[""]["realised"] == 490_000
    assert r[""]["realised_before"] == 250_000 and r[""]["realised_in_period"] == 240_000
    assert rep["as_of"] == "2024-12-31" and rep["from"] == "2024-12-01" and rep["known_at"] is None


def test_by_akun_and_jenis(filled):
    _, r = rows(filled, "--as-of", "2024-12-31", "--by", "akun")
    assert (r["CQ.6639/521211"]["ceiling"], r["CQ.6639/532111"]["ceiling"]) == (700_000, 600_000)
    assert r["CQ.6639/532111"]["level"] == "akun"
    rep, j = rows(filled, "--as-of", "2024-12-31", "--by", "jenis")
    assert [(x["code"], x["name"]) for x in rep["rows"]] == [
        ("", "JUMLAH SELURUHNYA"), ("51", "BELANJA PEGAWAI"), ("52", "BELANJA BARANG"),
        ("53", "BELANJA MODAL")]
    assert (j["52"]["ceiling"], j["52"]["realised"]) == (700_000, 90_000)
    assert (j["53"]["ceiling"], j["53"]["realised"]) == (600_000, 250_000)


def test_as_of_before_an_event_does_not_see_it(filled):
    _, before = rows(filled, "--as-of", "2024-02-11")
    _, after = rows(filled, "--as-of", "2024-02-12")
    assert before["CQ.6639"]["ceiling"] == 1_500_000
    assert after["CQ.6639"]["ceiling"] == 1_300_000
    rep, _ = rows(filled, "--as-of", "2024-01-01")
    assert rep["rows"] == [rep["rows"][0]] and rep["rows"][0]["ceiling"] == 0


def test_known_at_shows_what_the_ledger_said_then(filled):
    rep, r = rows(filled, "--as-of", "2024-12-31", "--known-at", "2024-12-05")
    assert rep["known_at"] == "2024-12-05T23:59:59Z"
    assert r["CQ.6639"]["realised"] == 350_000  # the refund of 6 December was not yet recorded
    _, r2 = rows(filled, "--as-of", "2024-12-31", "--known-at", "2024-03-16T07:59:59+00:00")
    assert r2["CQ.6639"]["realised"] == 0
    _, now = rows(filled, "--as-of", "2024-12-31", "--known-at", "2030-01-01")
    _, plain = rows(filled, "--as-of", "2024-12-31")
    assert now == plain


def test_default_as_of_is_capped_at_the_last_year(filled):
    rep, _ = rows(filled)
    assert rep["as_of"] == "2024-12-31" and rep["from"] == "2024-12-01"


@pytest.mark.parametrize("args,message", [
    (["--as-of", "2024-12-31", "--from", "2023-12-01"],
     "Error: --from 2023-12-01 must be in the as-of year 2024 and not after --as-of 2024-12-31\n"),
    (["--as-of", "2024-06-30", "--from", "2024-07-01"],
     "Error: --from 2024-07-01 must be in the as-of year 2024 and not after --as-of 2024-06-30\n"),
    (["--as-of", "2024-13-01"], "Error: --as-of '2024-13-01' is not a date like 2024-12-31 or 31/12/2024\n"),
    (["--known-at", "yesterday"], "Error: --known-at 'yesterday' is not an ISO 8601 time like "
                                  "2024-12-05T09:00:00Z or a date like 2024-12-05 (years 1900-2999)\n"),
    (["--known-at", "0001-01-01T00:00:00+01:00"], "Error: --known-at '0001-01-01T00:00:00+01:00' is not "
     "an ISO 8601 time like 2024-12-05T09:00:00Z or a date like 2024-12-05 (years 1900-2999)\n"),
    (["--as-of", "2024-W01-1"], "Error: --as-of '2024-W01-1' is not a date like 2024-12-31 or 31/12/2024\n"),
    (["--as-of", "0001-01-01"], "Error: --as-of '0001-01-01' is not a date like 2024-12-31 or 31/12/2024\n"),
])
def test_bad_dates_are_usage_errors(filled, args, message):
    result = filled("report", *args)
    assert result.exit_code == 2
    assert result.stderr == message


def test_rounding_half_up_at_two_decimals():
    assert percent(58_089_343_914, 58_089_345_000) == percent(1, 1)
    assert str(percent(58_089_343_914, 58_089_345_000)) == "100.00"
    assert str(percent(1, 8)) == "12.50"          # 12.5 exactly
    assert str(percent(1, 800)) == "0.13"         # 0.125 rounds up, not to even
    assert str(percent(5, 0)) == "0.00"


@given(st.integers(0, 10**15), st.integers(1, 10**15))
def test_percent_is_exact_half_up(n, d):
    exact = Fraction(100 * n, d) * 100
    floor = exact.numerator // exact.denominator
    expected = floor + (1 if exact - floor >= Fraction(1, 2) else 0)
    assert int(percent(n, d) * 100) == expected


def test_table_locales_and_markdown(filled):
    table = filled("report", "--as-of", "2024-12-31", env={"COLUMNS": "200"}).stdout
    assert "JUMLAH SELURUHNYA" in table and "1.600.000" in table and "30,63" in table
    assert "Pagu Revisi" in table and "Sisa Anggaran" in table and "Periode Lalu" in table
    en = filled("report", "--as-of", "2024-12-31", "--locale", "en", env={"COLUMNS": "200"}).stdout
    assert "1,600,000" in en and "30.63" in en
    md = filled("report", "--as-of", "2024-12-31", "--format", "markdown").stdout
    assert "| JUMLAH SELURUHNYA" in md and "|---" in md.replace(":", "-").replace("|-", "|-")


def test_table_fits_80_columns(filled):
    out = filled("report", "--as-of", "2024-12-31", env={"COLUMNS": "80"}).stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "1.600.000" in out and "Periode Ini" in out


def test_csv_is_plain(filled):
    out = filled("report", "--as-of", "2024-12-31", "--format", "csv").stdout.splitlines()
    assert out[0] == ("code,level,name,ceiling,locked,realised_before,realised_in_period,"
                      "realised,absorption_pct,balance,available")
    assert out[1] == ",total,JUMLAH SELURUHNYA,1600000,50000,250000,240000,490000,30.63,1110000,1060000"


def test_history_of_a_code(filled):
    hist = json.loads(filled("history", "CQ.6639", "--as-of", "2024-12-31", "--format", "json").stdout)
    assert hist["code"] == "CQ.6639" and hist["akun"] is None
    got = [(r["kind"], r["delta_ceiling"], r["delta_locked"], r["delta_realised"], r["ceiling"],
            r["locked"], r["realised"], r["balance"]) for r in hist["rows"]]
    assert got == [
        ("pagu", 1_000_000, 0, 0, 1_000_000, 0, 0, 1_000_000),
        ("pagu", 500_000, 0, 0, 1_500_000, 0, 0, 1_500_000),
        ("cut", -200_000, 0, 0, 1_300_000, 0, 0, 1_300_000),
        ("sp2d", 0, 0, 100_000, 1_300_000, 0, 100_000, 1_200_000),
        ("lock", 0, 50_000, 0, 1_300_000, 50_000, 100_000, 1_200_000),
        ("sp2d", 0, 0, 250_000, 1_300_000, 50_000, 350_000, 950_000),
        ("refund", 0, 0, -10_000, 1_300_000, 50_000, 340_000, 960_000),
        ("shift", 0, 0, 0, 1_300_000, 50_000, 340_000, 960_000),
    ]
    assert hist["rows"][0]["absorption_pct"] == 0.0 and hist["rows"][-1]["absorption_pct"] == 26.15


def test_history_of_one_line_sees_both_sides_of_a_shift(filled):
    hist = json.loads(filled("history", "CQ.6639", "--akun", "521211", "--as-of", "2024-12-31",
                             "--format", "json").stdout)
    assert [(r["kind"], r["delta_ceiling"], r["ceiling"]) for r in hist["rows"]][-1] == \
        ("shift", -100_000, 700_000)
    early = json.loads(filled("history", "CQ.6639", "--as-of", "2024-03-31", "--known-at",
                              "2024-03-15", "--format", "json").stdout)
    assert [r["kind"] for r in early["rows"]] == ["pagu", "pagu", "cut"]


def test_absorption_by_month(filled):
    out = json.loads(filled("absorption", "--year", "2024", "--format", "json").stdout)
    jenis = {r["jenis"]: r for r in out["rows"]}
    dec53 = jenis["53"]["months"][11]
    # 250.000 over (600.000 - 50.000 locked) = 45,45 % against the 90 % target.
    assert (dec53["absorption_pct"], dec53["target_pct"], dec53["below_target"]) == (45.45, 90, True)
    assert jenis["53"]["months"][2]["target_pct"] == 10 and jenis["53"]["months"][1]["target_pct"] is None
    assert jenis[""]["months"][11]["realised"] == 490_000


# ------------------------------------------------------------------ a year with no events

def test_report_of_a_year_without_events_says_so_in_one_line(filled):
    result = filled("report", "--as-of", "2025-06-30")
    assert result.exit_code == 0
    assert result.stdout == ("No budget events dated in 2025 up to 2025-06-30 (the ledger holds "
                             "2024).\n")
    md = filled("report", "--as-of", "2025-06-30", "--format", "markdown")
    assert md.stdout == result.stdout
    early = filled("report", "--as-of", "2024-01-01", "--by", "jenis")
    assert early.stdout == ("No budget events dated in 2024 up to 2024-01-01 (its first in 2024 "
                            "is dated 2024-01-02).\n")


def test_report_of_a_year_without_events_keeps_the_shape_of_json_and_csv(filled):
    rep = json.loads(filled("report", "--as-of", "2025-06-30", "--format", "json").stdout)
    assert rep["year"] == 2025 and [r["level"] for r in rep["rows"]] == ["total"]
    assert rep["rows"][0]["ceiling"] == 0 and rep["rows"][0]["realised"] == 0
    csv_out = filled("report", "--as-of", "2025-06-30", "--format", "csv").stdout.splitlines()
    assert len(csv_out) == 2 and csv_out[1].startswith(",total,JUMLAH SELURUHNYA,0,0,")


def test_report_of_an_empty_ledger_and_before_anything_was_recorded(run, filled, new_db):
    empty = run.__class__(new_db("empty"))
    from anggaran.ledger import Ledger
    Ledger.init(empty.db, "657757", "KPU KABUPATEN LUMAJANG").close()
    assert empty("report", "--as-of", "2024-12-31").stdout == (
        "No budget events dated in 2024 up to 2024-12-31 (the ledger holds none yet).\n")
    then = filled("report", "--as-of", "2024-12-31", "--known-at", "2024-01-01")
    assert then.stdout == ("No budget events dated in 2024 up to 2024-12-31 recorded by "
                           "2024-01-01T23:59:59Z (the ledger holds none yet).\n")


# ------------------------------------------------------------------ absorption targets

def test_absorption_of_a_year_without_shipped_targets_says_so(filled):
    assert filled("record", "pagu", "--date", "2025-01-02", "--code", "CQ.6639", "--akun",
                  "521211", "--amount", "1.000", "--ref", "DIPA-2025").exit_code == 0
    result = filled("absorption", "--year", "2025", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == ("Note: no absorption targets are shipped for 2025; the target "
                             "columns are empty (give them with --targets FILE)\n")
    out = json.loads(result.stdout)
    assert out["note"].startswith("no absorption targets are shipped for 2025")
    assert all(m["target_pct"] is None and not m["below_target"]
               for r in out["rows"] for m in r["months"])
    shipped = filled("absorption", "--year", "2024", "--format", "json")
    assert shipped.stderr == "" and json.loads(shipped.stdout)["note"] is None


@pytest.mark.parametrize("text", [
    "jenis,tw1,tw2,tw3,tw4\n53,20%,\"40,5\",70.25,90\n",
    "jenis;tw1;tw2;tw3;tw4\n53;20 %;40,5;70,25;90\n",
    "Jenis,TW1,TW2,TW3,TW4\n\n53,20,40.5,70.250,90\n",
])
def test_targets_in_percent_with_a_decimal_comma_or_point(filled, tmp_path, text):
    from decimal import Decimal

    from anggaran.reports import read_targets
    import io

    assert read_targets(io.StringIO(text)) == {
        "53": (Decimal(20), Decimal("40.5"), Decimal("70.25"), Decimal(90))}
    result = filled("absorption", "--year", "2024", "--format", "json", "--targets",
                    write(tmp_path / "t.csv", text))
    assert result.exit_code == 0 and result.stderr == ""
    jenis = {r["jenis"]: r for r in json.loads(result.stdout)["rows"]}
    assert jenis["53"]["months"][5]["target_pct"] == 40.5


@pytest.mark.parametrize("text,message", [
    ("jenis,tw1,tw2,tw3,tw4\n52,15,50,70,90\n53,10,abc,70,90\n",
     "targets row 3, column tw2: 'abc' is not a percentage from 0 to 100 (write 20, 20.5, 20,5 "
     "or 20%)"),
    ("jenis,tw1,tw2,tw3,tw4\n52,NaN,1,1,1\n",
     "targets row 2, column tw1: 'NaN' is not a percentage from 0 to 100 (write 20, 20.5, 20,5 "
     "or 20%)"),
    ("jenis,tw1,tw2,tw3,tw4\n52,10,20,30,101\n",
     "targets row 2, column tw4: '101' is not a percentage from 0 to 100 (write 20, 20.5, 20,5 "
     "or 20%)"),
    ("jenis,tw1,tw2,tw3,tw4\n52,10,20,30,-1\n",
     "targets row 2, column tw4: '-1' is not a percentage from 0 to 100 (write 20, 20.5, 20,5 "
     "or 20%)"),
    ("jenis,tw1,tw2,tw3,tw4\n52,10,20,30,\n",
     "targets row 2, column tw4: '' is not a percentage from 0 to 100 (write 20, 20.5, 20,5 "
     "or 20%)"),
    ("jenis,tw1,tw2,tw3,tw4\nbarang,10,20,30,40\n",
     "targets row 2, column jenis: 'barang' is not a jenis belanja like 52"),
    ("jenis,tw1,tw2,tw3,tw4\n52,10,20,30,40\n52,1,2,3,4\n",
     "targets row 3, column jenis: jenis 52 is already given in row 2"),
    ("jenis,tw1,tw2,tw3,tw4\n52,10,20,5,30,40\n",
     "targets row 2 has more cells than the header; a decimal comma in a ,-separated file needs "
     "quotes (\"20,5\"), or separate the file with ;"),
    ("jenis,tw1,tw2,tw3,tw4\n", "the targets file has a header but no rows (e.g. 52,15,50,70,90)"),
    ("jenis,q1\n52,1\n", "a targets file needs the header jenis,tw1,tw2,tw3,tw4 (e.g. 52,15,50,70,90)"),
])
def test_bad_targets_are_refused_naming_row_and_column(filled, tmp_path, text, message):
    result = filled("absorption", "--year", "2024", "--targets", write(tmp_path / "t.csv", text))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""
