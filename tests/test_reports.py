"""Reports as of any date: figures, periods, known-at, levels, formats, history."""

import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anggaran.money import percent
from conftest import write

LEDGER = """kind,date,code,akun,from_code,from_akun,amount,ref,sp2d,name,recorded_at
pagu,2024-01-02,CQ.6639,521211,,,1.000.000,,,Teknis Penyelenggaraan Pemilu/Pemilihan,2024-01-02T09:00:00Z
pagu,2024-01-02,CQ.6639,532111,,,500.000,,,,2024-01-02T09:01:00Z
pagu,2024-01-02,WA.3355,511111,,,300.000,,,,2024-01-02T09:02:00Z
cut,2024-02-12,CQ.6639,521211,,,200.000,KPU-RI/123,,,2024-02-12T10:00:00Z
sp2d,2024-03-15,CQ.6639,521211,,,100.000,S1,,,2024-03-16T08:00:00Z
sp2d,2024-11-29,WA.3355,511111,,,150.000,S2,,,2024-11-29T08:00:00Z
lock,2024-11-30,CQ.6639,532111,,,50.000,,,,2024-11-30T08:00:00Z
sp2d,2024-12-04,CQ.6639,532111,,,250.000,S3,,,2024-12-04T08:00:00Z
refund,2024-12-06,CQ.6639,521211,,,10.000,SSPB1,S1,,2024-12-06T08:00:00Z
shift,2024-12-10,CQ.6639,532111,CQ.6639,521211,100.000,,,,2024-12-10T08:00:00Z
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
        "balance": 960_000, "available": 910_000}
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
    (["--as-of", "2024-13-01"], "Error: --as-of '2024-13-01' is not a date like 2024-12-31\n"),
    (["--known-at", "yesterday"], "Error: --known-at 'yesterday' is not an ISO 8601 time like "
                                  "2024-12-05T09:00:00Z or a date like 2024-12-05 (years 1900-2999)\n"),
    (["--known-at", "0001-01-01T00:00:00+01:00"], "Error: --known-at '0001-01-01T00:00:00+01:00' is not "
     "an ISO 8601 time like 2024-12-05T09:00:00Z or a date like 2024-12-05 (years 1900-2999)\n"),
    (["--as-of", "2024-W01-1"], "Error: --as-of '2024-W01-1' is not a date like 2024-12-31\n"),
    (["--as-of", "0001-01-01"], "Error: --as-of '0001-01-01' is not a date like 2024-12-31\n"),
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
