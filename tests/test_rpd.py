"""The withdrawal plan (RPD): plan events, rule 11, RPD sheets and ``anggaran rpd`` on
hand-computed figures."""

import json

import pytest

from conftest import log_rows, refused, write


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def plan(run, month, jenis, amount, date="2024-12-02", ref="DIPA-1"):
    return ok(run("record", "rpd", "--date", date, "--month", month, "--jenis", jenis,
                  "--amount", amount, "--ref", ref))


def rec(run, kind, date, code_akun, amount, ref):
    code, akun = code_akun.split("/")
    return ok(run("record", kind, "--date", date, "--code", code, "--akun", akun, "--amount",
                  amount, "--ref", ref))


@pytest.fixture
def budget(run):
    """Ceilings: 51 (pegawai) 120 jt, 52 (barang) 300 jt, 30 jt of it blocked: the bases are
    120 and 270 jt, shares 4/13 and 9/13."""
    rec(run, "pagu", "2025-01-02", "CQ.6639/511111", "120.000.000", "DIPA-1")
    rec(run, "pagu", "2025-01-02", "CQ.6639/521211", "300.000.000", "DIPA-1")
    rec(run, "blokir", "2025-01-02", "CQ.6639/521211", "30.000.000", "BLOKIR-1")
    return run


def rpd(run, *args):
    return json.loads(ok(run("rpd", "--format", "json", *args)).stdout)


def test_the_deviation_of_each_month_and_its_weighted_average(budget):
    run = budget
    for m in ("2025-01", "2025-02", "2025-03"):
        plan(run, m, "51", "10.000.000")
    plan(run, "2025-01", "52", "0")
    plan(run, "2025-02", "52", "20.000.000")
    plan(run, "2025-03", "52", "40.000.000")
    rec(run, "sp2d", "2025-01-20", "CQ.6639/511111", "10.000.000", "S1")  # January 51 on plan
    rec(run, "sp2d", "2025-01-21", "CQ.6639/521211", "1.000.000", "S2")   # 52 planned 0
    rec(run, "sp2d", "2025-02-20", "CQ.6639/521211", "21.000.000", "S3")  # +5 % exactly
    rec(run, "sp2d", "2025-03-20", "CQ.6639/511111", "10.000.000", "S4")
    rec(run, "sp2d", "2025-03-21", "CQ.6639/521211", "50.000.000", "S5")  # +25 %
    ok(run("record", "refund", "--date", "2025-03-25", "--code", "CQ.6639", "--akun", "521211",
           "--amount", "2.000.000", "--ref", "SSPB-1"))                  # net 48: +20 %
    r = rpd(run, "--as-of", "2025-03-31")
    assert [m["month"] for m in r["months"]] == ["2025-01", "2025-02", "2025-03"]
    # January: 51 0 %; 52 planned 0 and realised 1 jt: 100 %. Weighted: 0 × 4/13 + 100 × 9/13
    # = 69,2307… → 69,23.
    assert r["months"][0] == {"month": "2025-01", "weighted_deviation_pct": 69.23, "jenis": [
        {"jenis": "51", "plan": 10_000_000, "realised": 10_000_000, "deviation_pct": 0.0},
        {"jenis": "52", "plan": 0, "realised": 1_000_000, "deviation_pct": 100.0}]}
    # February: 51 nothing realised of 10 jt: 100 %; 52 21 of 20 jt: exactly 5,00 %.
    # Weighted: 100 × 4/13 + 5 × 9/13 = 445/13 = 34,2307… → 34,23.
    feb = r["months"][1]
    assert [j["deviation_pct"] for j in feb["jenis"]] == [100.0, 5.0]
    assert feb["weighted_deviation_pct"] == 34.23
    # March: 51 0 %; 52 48 of 40 jt: 20 %. Weighted: 20 × 9/13 = 13,846… → 13,85.
    assert r["months"][2]["jenis"][1] == {"jenis": "52", "plan": 40_000_000,
                                          "realised": 48_000_000, "deviation_pct": 20.0}
    assert r["months"][2]["weighted_deviation_pct"] == 13.85
    # The average of the unrounded months: (900 + 445 + 180) / 13 / 3 = 39,1025… → 39,10.
    assert r["average_deviation_pct"] == 39.1


def test_only_full_months_up_to_november_make_the_average(budget):
    run = budget
    plan(run, "2025-01", "51", "10.000.000")
    rec(run, "sp2d", "2025-01-10", "CQ.6639/511111", "5.000.000", "S1")  # 50 %: 50 × 4/13
    assert rpd(run, "--as-of", "2025-01-30")["average_deviation_pct"] is None  # not full yet
    r = rpd(run, "--as-of", "2025-01-31")  # its last day: full
    assert r["average_deviation_pct"] == r["months"][0]["weighted_deviation_pct"] == 15.38
    # December never counts: a year of months with 0 % except December's 100 % for 52
    plan(run, "2025-12", "52", "10.000.000")
    year = rpd(run, "--as-of", "2025-12-31")
    assert year["months"][11]["weighted_deviation_pct"] == 69.23
    # January 15,38… and ten months of 0: 200/13 / 11
    assert year["average_deviation_pct"] == 1.4


def test_a_month_with_no_base_has_no_weight(run):
    plan(run, "2025-01", "52", "1.000.000")
    r = rpd(run, "--as-of", "2025-01-31")
    assert r["months"][0]["weighted_deviation_pct"] is None
    assert r["average_deviation_pct"] is None


def test_the_plan_in_force_at_the_months_end_and_known_at(run, tmp_path):
    rows = [
        {"kind": "pagu", "date": "2025-01-02", "code": "CQ.6639", "akun": "521211",
         "amount": 300_000_000, "ref": "DIPA-1", "recorded_at": "2025-01-02T08:00:00Z"},
        {"kind": "rpd", "date": "2024-12-02", "month": "2025-02", "jenis": "52",
         "amount": 20_000_000, "ref": "DIPA-1", "recorded_at": "2025-01-02T08:00:00Z"},
        # revised on 10 February for February: in force at its end
        {"kind": "rpd", "date": "2025-02-10", "month": "2025-02", "jenis": "52",
         "amount": 25_000_000, "ref": "REV-1", "recorded_at": "2025-02-10T08:00:00Z"},
    ]
    write(tmp_path / "p.jsonl", "\n".join(json.dumps(r) for r in rows))
    ok(run("import", tmp_path / "p.jsonl"))
    feb = lambda r: r["months"][1]["jenis"][0]["plan"]  # noqa: E731
    assert feb(rpd(run, "--as-of", "2025-02-28")) == 25_000_000
    assert feb(rpd(run, "--as-of", "2025-02-09")) == 20_000_000  # not yet revised on D
    assert feb(rpd(run, "--as-of", "2025-02-28", "--known-at", "2025-02-01")) == 20_000_000
    ok(run("record", "void", "--date", "2025-02-11", "--voids", "3", "--note", "salah"))
    assert feb(rpd(run, "--as-of", "2025-02-28")) == 20_000_000


def test_rule_11_a_past_month_keeps_its_plan(budget):
    run = budget
    plan(run, "2025-03", "52", "40.000.000")
    refused(run, ["record", "rpd", "--date", "2025-04-15", "--month", "2025-03", "--jenis", "52",
                  "--amount", "45.000.000", "--ref", "REV-2"],
            "rule 11: RPD REV-2 dated 2025-04-15 would change the plan of 2025-03, jenis 52, a "
            "month that ended on 2025-03-31: plan in force 40.000.000, asked 45.000.000; a past "
            "month is not re-planned")
    # the same plan again, in a revision that changes only later months: allowed
    plan(run, "2025-03", "52", "40.000.000", date="2025-04-15", ref="REV-2")
    plan(run, "2025-05", "52", "60.000.000", date="2025-04-15", ref="REV-2")
    # a plan for a month not yet ended may change; one dated on its last day too
    plan(run, "2025-04", "52", "10.000.000", date="2025-04-30", ref="REV-3")
    # back-dated, it would change what the later revision kept for March
    refused(run, ["record", "rpd", "--date", "2025-03-10", "--month", "2025-03", "--jenis", "52",
                  "--amount", "30.000.000", "--ref", "REV-1"],
            "rule 11: RPD REV-1 dated 2025-03-10: the plan in force for 2025-03, jenis 52, would "
            "become 30.000.000, but seq 5, dated 2025-04-15 after the month ended, keeps "
            "40.000.000; a past month is not re-planned")
    assert ok(run("verify")).exit_code == 0


@pytest.mark.parametrize("args, message", [
    (["--month", "2025-13"], "rule 1: month '2025-13' is not a month like 2025-03 (YYYY-MM)"),
    (["--jenis", "5"], "rule 1: jenis '5' is not a jenis belanja of two digits like 52"),
    (["--amount", "-1"], "rule 2: plan amount must not be negative, got -1"),
])
def test_a_plans_fields(run, args, message):
    fields = {"--month": "2025-03", "--jenis": "52", "--amount": "1"}
    fields.update(dict(zip(args[::2], args[1::2])))
    result = run("record", "rpd", "--date", "2025-01-02", "--ref", "DIPA-1",
                 *[x for kv in fields.items() for x in kv])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {message}"), result.stderr


def test_a_revisions_code(budget):
    run = budget
    refused(run, ["record", "revise", "--date", "2025-02-01", "--code", "CQ.6639", "--akun",
                  "511111", "--amount", "1", "--ref", "R1", "--revision", "21"],
            "rule 1: revision '21' is not pok or a three-digit DIPA revision code like 211")
    ok(run("record", "revise", "--date", "2025-02-01", "--code", "CQ.6639", "--akun", "511111",
           "--amount", "1", "--ref", "R1", "--revision", "POK"))
    again = run("record", "revise", "--date", "2025-02-01", "--code", "CQ.6639", "--akun",
                "511111", "--amount", "1", "--ref", "R1")  # pok is the default: the same event
    assert again.stdout.startswith("Already recorded")
    ok(run("record", "shift", "--date", "2025-02-02", "--from-code", "CQ.6639", "--from-akun",
           "521211", "--code", "CQ.6639", "--akun", "511111", "--amount", "1", "--ref", "R2",
           "--revision", "211"))
    log = json.loads(ok(run("log", "--format", "json")).stdout)
    assert [e.get("revision") for e in log[-2:]] == [None, "211"]


SHEET = ("RENCANA PENARIKAN DANA (HALAMAN III DIPA) TA 2025\n"
         "\n"
         "No,Jenis,Uraian,Januari,Februari,Maret,April,Mei,Juni,Juli,Agustus,September,Oktober,"
         "November,Desember,Jumlah\n"
         "1,51,Belanja Pegawai,10.000.000,10.000.000,10.000.000,10.000.000,10.000.000,10.000.000,"
         "10.000.000,10.000.000,10.000.000,10.000.000,10.000.000,10.000.000,120.000.000\n"
         "2,52,Belanja Barang,0,20.000.000,40.000.000,,,,,,,,,,60.000.000\n"
         "JUMLAH,,,10.000.000,30.000.000,50.000.000,,,,,,,,,,180.000.000\n")


def test_an_rpd_sheet_as_sakti_prints_it(budget, tmp_path):
    run = budget
    f = write(tmp_path / "rpd.csv", SHEET)
    result = ok(run("import", f, "--year", "2025", "--date", "02/12/2024", "--ref", "DIPA-1"))
    assert result.stdout.startswith("15 new, 0 already recorded")  # 12 + 3; blanks: no plan
    assert result.stdout.endswith("1 summary row skipped\n")
    assert ok(run("import", f, "--year", "2025", "--date", "02/12/2024", "--ref",
                  "DIPA-1")).stdout.startswith("0 new, 15 already recorded")
    log = json.loads(ok(run("log", "--format", "json")).stdout)
    p = [e for e in log if e["kind"] == "plan"]
    assert (p[0]["date"], p[0]["month"], p[0]["jenis"], p[0]["amount"]) == \
        ("2024-12-02", "2025-01", "51", 10_000_000)
    # A revision sheet in April that keeps the months past and changes May
    revised = SHEET.replace("0,20.000.000,40.000.000,,", "0,20.000.000,40.000.000,5.000.000,"
                                                          "70.000.000")
    f2 = write(tmp_path / "rev.csv", revised)
    assert ok(run("import", f2, "--year", "2025", "--date", "2025-04-10", "--ref",
                  "REV-1")).stdout.startswith("17 new")
    # One that changes March, by then ended, is refused whole, naming its row
    f3 = write(tmp_path / "bad.csv", revised.replace("40.000.000,5", "45.000.000,5"))
    before = log_rows(run.db)
    bad = run("import", f3, "--year", "2025", "--date", "2025-04-11", "--ref", "REV-2")
    assert bad.exit_code == 1 and log_rows(run.db) == before
    assert bad.stderr.startswith("Error: row 5: rule 11: RPD REV-2 dated 2025-04-11 would change "
                                 "the plan of 2025-03, jenis 52")


def test_an_rpd_workbook_with_month_numbers(budget, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kode", "Uraian", *range(1, 13)])
    ws.append([52, "Belanja Barang", *[1_000_000.0] * 12])
    path = tmp_path / "rpd.xlsx"
    wb.save(path)
    assert ok(budget("import", path, "--year", "2025", "--date", "2025-01-02", "--ref",
                     "DIPA-1")).stdout.startswith("12 new")
    r = rpd(budget, "--as-of", "2025-02-28")
    assert r["months"][1]["jenis"] == [  # 51 has a ceiling and no plan: 0 and 0
        {"jenis": "51", "plan": 0, "realised": 0, "deviation_pct": 0.0},
        {"jenis": "52", "plan": 1_000_000, "realised": 0, "deviation_pct": 100.0}]


def test_an_rpd_sheet_needs_its_three_options(budget, tmp_path):
    f = write(tmp_path / "rpd.csv", SHEET)
    result = budget("import", f, "--year", "2025", "--date", "2024-12-02")
    assert (result.exit_code, result.stderr) == (2, "Error: an RPD sheet needs --year, --date "
                                                    "and --ref together (got only --year, "
                                                    "--date)\n")
    unknown = write(tmp_path / "x.csv", SHEET.replace("Uraian", "Catatan"))
    result = budget("import", unknown, "--year", "2025", "--date", "2024-12-02", "--ref", "D")
    assert result.stderr.startswith("Error: rule 1: unknown column 'Catatan' in the RPD header")


def test_every_format_and_the_plot(budget, tmp_path):
    run = budget
    plan(run, "2025-01", "51", "10.000.000")
    lines = ok(run("rpd", "--as-of", "2025-01-31", "--format", "csv")).stdout.splitlines()
    assert lines[0] == "month,jenis,plan,realised,deviation_pct,weighted_deviation_pct"
    assert lines[1] == "2025-01,51,10000000,0,100.00,30.77"
    table = ok(run("rpd", "--as-of", "2025-01-31")).stdout
    assert "DEVIASI HALAMAN III DIPA (RPD) TA 2025" in table and "30,77" in table
    out = tmp_path / "rpd.xlsx"
    ok(run("rpd", "--as-of", "2025-01-31", "--format", "xlsx", "--output", out))
    import openpyxl
    cells = [[c.value for c in row] for row in openpyxl.load_workbook(out)["RPD"].iter_rows()]
    assert ["2025-01", "51", 10_000_000, 0, 100.0, 30.77] in cells
    png = tmp_path / "rpd.png"
    ok(run("rpd", "--as-of", "2025-01-31", "--plot", png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_year_and_as_of(budget):
    r = rpd(budget, "--year", "2025", "--as-of", "2026-03-31")
    assert len(r["months"]) == 12 and r["as_of"] == "2026-03-31"
    result = budget("rpd", "--year", "2026", "--as-of", "2025-03-31")
    assert (result.exit_code, result.stderr) == (2, "Error: --year 2026 is after --as-of "
                                                    "2025-03-31; give an as-of date in or after "
                                                    "that year\n")


def test_a_sheet_with_a_code_and_a_name_column_and_dashes(budget, tmp_path):
    f = write(tmp_path / "rpd.csv", "Kode,Jenis Belanja,Jan,Feb,Mar\n"
                                    "52,Belanja Barang,1.000.000,-,2.000.000\n")
    assert ok(budget("import", f, "--year", "2025", "--date", "2025-01-02", "--ref",
                     "DIPA-1")).stdout.startswith("3 new")
    r = rpd(budget, "--as-of", "2025-02-28")
    assert [m["jenis"][1]["plan"] for m in r["months"]] == [1_000_000, 0]
    refused(budget, ["record", "rpd", "--date", "2025-01-02", "--month", "2025-03", "--jenis",
                     "52", "--amount", "5", "--ref", "DIPA-1"],
            "rule 6: RPD DIPA-1 for 2025-03, jenis 52, is already recorded for 2025 with "
            "different content (seq 6); void seq 6 first if it was recorded in error")


def test_the_readmes_rpd_sheet_is_the_shipped_one():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    shown = readme.split("<!-- file: rpd_2025_contoh.csv -->\n```csv\n", 1)[1].split("```", 1)[0]
    assert shown == (root / "ledger_data" / "rpd_2025_contoh.csv").read_text(encoding="utf-8")


def test_the_default_as_of_reaches_a_year_of_plans_and_advances_only(run):
    ok(run("record", "pagu", "--date", "2024-01-02", "--code", "CQ.6639", "--akun", "521211",
           "--amount", "1.000.000", "--ref", "DIPA-24"))
    plan(run, "2025-01", "52", "10.000.000")  # dated 2024-12-02, of 2025
    assert rpd(run)["year"] == 2025
    ok(run("record", "up", "--date", "2026-01-06", "--amount", "5", "--ref", "UP-26"))
    b = json.loads(ok(run("bendahara", "--format", "json")).stdout)
    assert (b["year"], b["up"]["advanced"]) == (2026, 5)
    # and the log's CSV carries the plan's fields
    header, *rows = ok(run("log", "--format", "csv")).stdout.splitlines()
    assert header.split(",")[-5:] == ["revision", "month", "jenis", "prev_hash", "hash"]
    result = run("rpd", "--year", "1800")
    assert (result.exit_code, result.stderr) == (2, "Error: --year 1800 is outside the fiscal "
                                                    "years anggaran keeps (1900-2999)\n")
