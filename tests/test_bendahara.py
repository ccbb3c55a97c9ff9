"""The bendahara's UP and TUP advances (contract v2.0): the kinds, rules 5, 6, 7 and 10 on
them, ``anggaran bendahara`` on a hand-checked month, known-at, voids, close, reconcile,
export and import."""

import json

import pytest

from anggaran.bendahara import add_month

from conftest import log_rows, refused, tamper, write

LINE = ["--code", "CQ.6639", "--akun", "521211"]


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def rec(run, kind, date, amount, ref, *more):
    return run("record", kind, "--date", date, "--amount", amount, "--ref", ref, *more)


@pytest.fixture
def funded(run):
    ok(rec(run, "pagu", "2025-01-02", "500.000.000", "DIPA-1", *LINE))
    return run


@pytest.fixture
def month(funded):
    """The hand-checked scene: UP 50 jt on 6 January; GUPs of 18, 22,5 and 15 jt in
    January, February and March; TUP A (40 jt, 31 January, due 28 February) accounted 36 jt
    by PTUP and 4 jt returned on 27 February; TUP B (25 jt, 10 March, due 10 April) 10 jt
    accounted on 8 April and left overdue."""
    run = funded
    ok(rec(run, "up", "2025-01-06", "50.000.000", "UP-01"))
    ok(rec(run, "gup", "2025-01-27", "18.000.000", "GUP-01", *LINE))
    ok(rec(run, "tup", "2025-01-31", "40.000.000", "TUP-A", "--code", "CQ.6639"))
    ok(rec(run, "gup", "2025-02-17", "22.500.000", "GUP-02", *LINE))
    ok(rec(run, "ptup", "2025-02-25", "36.000.000", "PTUP-A", *LINE, "--tup", "TUP-A"))
    ok(rec(run, "setoran tup", "2025-02-27", "4.000.000", "NTPN-A", "--tup", "TUP-A"))
    ok(rec(run, "tup", "2025-03-10", "25.000.000", "TUP-B"))
    ok(rec(run, "sp2d", "2025-03-17", "15.000.000", "GUP-03", *LINE, "--payment", "GUP"))
    ok(rec(run, "sp2d", "2025-04-08", "10.000.000", "PTUP-B", *LINE, "--payment", "ptup",
           "--tup", "TUP-B"))
    return run


def book(run, as_of, *more):
    """The book as JSON; a float (where the contract has integers) stays visibly a float:
    ``2.0`` would otherwise compare equal to ``2``."""
    return json.loads(ok(run("bendahara", "--as-of", as_of, "--format", "json", *more)).stdout,
                      parse_float=lambda text: ("float", text))


def test_the_hand_checked_month(month):
    b = book(month, "2025-04-30")
    assert b["satker"] == {"code": "657757", "name": "KPU KABUPATEN LUMAJANG"}
    assert (b["year"], b["as_of"], b["known_at"]) == (2025, "2025-04-30", None)
    # advanced 50 jt; accounted 18 + 22,5 + 15 = 55,5 jt by GUP (which replenishes what it
    # spends, so the outstanding stays 50 jt); 17 March to 30 April is 44 days.
    assert b["up"] == {
        "advanced": 50_000_000, "accounted": 55_500_000, "returned": 0,
        "outstanding": 50_000_000, "last_advance": "2025-01-06",
        "last_replenishment": "2025-03-17", "days_since_replenishment": 44,
        "by_month": [
            {"month": "2025-01", "gup_count": 1, "gup_amount": 18_000_000, "gup_nihil_amount": 0},
            {"month": "2025-02", "gup_count": 1, "gup_amount": 22_500_000, "gup_nihil_amount": 0},
            {"month": "2025-03", "gup_count": 1, "gup_amount": 15_000_000, "gup_nihil_amount": 0},
        ]}
    # TUP A: 40 = 36 + 4, settled 27 February, before its due date (28 February): 0 days late.
    # TUP B: due 10 April, 15 jt left on 30 April: 20 days late.
    assert b["tup"] == [
        {"ref": "TUP-A", "date": "2025-01-31", "code": "CQ.6639", "amount": 40_000_000,
         "accounted": 36_000_000, "returned": 4_000_000, "outstanding": 0, "due": "2025-02-28",
         "status": "settled", "settled_on": "2025-02-27", "days_late": 0},
        {"ref": "TUP-B", "date": "2025-03-10", "code": None, "amount": 25_000_000,
         "accounted": 10_000_000, "returned": 0, "outstanding": 15_000_000, "due": "2025-04-10",
         "status": "overdue", "settled_on": None, "days_late": 20},
    ]
    assert b["warnings"] == [
        "TUP TUP-B of 2025-03-10 was due on 2025-04-10 and is 20 days late: 15.000.000 not "
        "yet accounted for (PTUP) or returned",
        "UP outstanding 50.000.000 has not been replenished (GUP) since 2025-03-17 (44 days): "
        "file a GUP",
    ]


def test_the_table_reads_at_a_glance(month):
    out = ok(month("bendahara", "--as-of", "2025-04-30")).stdout
    assert "UANG PERSEDIAAN BENDAHARA PENGELUARAN TA 2025" in out
    assert "Sisa UP di bendahara" in out and "50.000.000" in out
    assert "2025-03-17 (44 hari lalu)" in out
    tup_b = next(line for line in out.splitlines() if line.startswith("TUP-B"))
    assert tup_b.split() == ["TUP-B", "2025-03-10", "25.000.000", "10.000.000", "0",
                             "15.000.000", "2025-04-10", "terlambat", "20"]
    assert "- TUP TUP-B of 2025-03-10 was due on 2025-04-10" in out


def test_every_format(month, tmp_path):
    csv_out = ok(month("bendahara", "--as-of", "2025-04-30", "--format", "csv")).stdout
    lines = csv_out.splitlines()
    assert lines[0].startswith("section,ref,month,date,amount,accounted,returned,outstanding")
    assert lines[1] == "up,,,2025-01-06,50000000,55500000,0,50000000,,,,,,,"
    assert lines[-1] == ("tup,TUP-B,,2025-03-10,25000000,10000000,0,15000000,2025-04-10,"
                         "overdue,,20,,,")
    md = ok(month("bendahara", "--as-of", "2025-04-30", "--format", "markdown")).stdout
    assert "| TUP-B " in md and "**UP**" in md
    out = tmp_path / "b.xlsx"
    ok(month("bendahara", "--as-of", "2025-04-30", "--format", "xlsx", "--output", out))
    import openpyxl
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["UP", "GUP per bulan", "TUP"]
    tup = [[c.value for c in row] for row in wb["TUP"].iter_rows()]
    assert ["TUP-B", "2025-03-10", None, 25_000_000, 10_000_000, 0, 15_000_000, "2025-04-10",
            "terlambat", 20] in tup
    assert month("bendahara", "--format", "xlsx", "--output", out).exit_code == 1  # exists


@pytest.mark.parametrize("date, expected", [
    ("2025-01-31", "2025-02-28"), ("2024-01-31", "2024-02-29"), ("2024-12-31", "2025-01-31"),
    ("2025-03-31", "2025-04-30"), ("2025-01-15", "2025-02-15"), ("2024-02-29", "2024-03-29")])
def test_a_tup_is_due_one_month_after_it(date, expected):
    assert add_month(date) == expected


def test_due_dates_at_month_ends_and_status_on_the_due_day(funded):
    # 31 January 2024 (a leap year): due 29 February; still open on that day, overdue after.
    ok(rec(funded, "pagu", "2024-01-02", "100.000.000", "DIPA-0", *LINE))
    ok(rec(funded, "tup", "2024-01-31", "5.000.000", "T24"))
    (t,) = book(funded, "2024-02-29")["tup"]
    assert (t["due"], t["status"], t["days_late"]) == ("2024-02-29", "open", 0)
    (t,) = book(funded, "2024-03-01")["tup"]
    assert (t["status"], t["days_late"]) == ("overdue", 1)
    # settled on its due date: on time
    ok(rec(funded, "ptup", "2024-02-29", "5.000.000", "P24", *LINE, "--tup", "T24"))
    (t,) = book(funded, "2024-03-31")["tup"]
    assert (t["status"], t["settled_on"], t["days_late"]) == ("settled", "2024-02-29", 0)


def test_known_at_shows_the_book_as_it_stood(run, tmp_path):
    rows = [
        {"kind": "pagu", "date": "2025-01-02", "code": "CQ.6639", "akun": "521211",
         "amount": 100_000_000, "ref": "DIPA-1", "recorded_at": "2025-01-03T08:00:00Z"},
        {"kind": "up", "date": "2025-01-06", "amount": 50_000_000, "ref": "U1",
         "recorded_at": "2025-01-06T08:00:00Z"},
        {"kind": "setoran up", "date": "2025-01-20", "amount": 5_000_000, "ref": "NTPN-1",
         "recorded_at": "2025-02-05T08:00:00Z"},  # found and recorded later
    ]
    f = write(tmp_path / "b.jsonl", "\n".join(json.dumps(r) for r in rows))
    ok(run("import", f))
    now = book(run, "2025-01-31")
    then = book(run, "2025-01-31", "--known-at", "2025-02-01")
    assert (now["up"]["returned"], now["up"]["outstanding"]) == (5_000_000, 45_000_000)
    assert (then["up"]["returned"], then["up"]["outstanding"]) == (0, 50_000_000)
    assert then["known_at"].startswith("2025-02-01")


def test_a_voided_gup_counts_nowhere(month):
    seq = json.loads(ok(month("log", "--format", "json")).stdout)
    gup = next(e["seq"] for e in seq if e.get("ref") == "GUP-02")
    ok(month("record", "void", "--date", "2025-05-02", "--voids", gup, "--note", "dobel"))
    b = book(month, "2025-04-30")
    assert b["up"]["accounted"] == 33_000_000
    assert [m["month"] for m in b["up"]["by_month"]] == ["2025-01", "2025-03"]
    hist = json.loads(ok(month("history", "CQ.6639", "--as-of", "2025-04-30", "--format",
                               "json")).stdout)
    row = next(r for r in hist["rows"] if r["ref"] == "GUP-02")
    assert (row["voided_by"], row["delta_realised"], row["payment"]) == (11, 0, "gup")


def test_history_and_log_show_the_payment(month):
    hist = json.loads(ok(month("history", "CQ.6639", "--as-of", "2025-04-30", "--format",
                               "json")).stdout)
    assert {r["ref"]: r["payment"] for r in hist["rows"]} == {
        "DIPA-1": None, "GUP-01": "gup", "GUP-02": "gup", "PTUP-A": "ptup", "GUP-03": "gup",
        "PTUP-B": "ptup"}
    table = ok(month("history", "CQ.6639", "--as-of", "2025-04-30")).stdout
    assert "sp2d (PTUP)" in table
    log = json.loads(ok(month("log", "--format", "json")).stdout)
    ptup = next(e for e in log if e["ref"] == "PTUP-A")
    assert (ptup["kind"], ptup["payment"], ptup["tup"]) == ("sp2d", "ptup", "TUP-A")
    assert "payment" not in next(e for e in log if e["ref"] == "DIPA-1")


def test_the_report_counts_every_payment_and_no_advance(month):
    rep = json.loads(ok(month("report", "--as-of", "2025-04-30", "--by", "akun", "--format",
                              "json")).stdout)
    total = rep["rows"][0]
    # realised: GUPs 18 + 22,5 + 15 and PTUPs 36 + 10; the UP and TUP SP2Ds are not spending
    assert total["realised"] == 101_500_000
    assert [r["code"] for r in rep["rows"]] == ["", "CQ", "CQ.6639", "CQ.6639/521211"]


def test_verify_replays_the_book_and_finds_an_edit(month):
    assert ok(month("verify")).stdout.startswith("OK: 10 events")
    tamper(month.db, "UPDATE cash SET outstanding = 0 WHERE kind = 'tup_return'")
    result = month("verify")
    assert result.exit_code == 1
    assert "the bendahara's book (cash) does not match the log at seq 7" in result.stderr


# ------------------------------------------------------------------ rules


def test_a_gup_needs_up_outstanding(funded):
    refused(funded, ["record", "gup", "--date", "2025-02-03", "--amount", "1.000.000", "--ref",
                     "G1", *LINE],
            "rule 7: SP2D G1 (GUP) needs UP outstanding of at least its amount on 2025-02-03: "
            "outstanding 0, GUP 1.000.000; record the SP2D UP first, or a GUP nihil / LS instead")
    ok(rec(funded, "up", "2025-02-01", "10.000.000", "U1"))
    refused(funded, ["record", "gup", "--date", "2025-01-30", "--amount", "1.000.000", "--ref",
                     "G1", *LINE],
            "rule 7: SP2D G1 (GUP) needs UP outstanding of at least its amount on 2025-01-30: "
            "outstanding 0, GUP 1.000.000; record the SP2D UP first, or a GUP nihil / LS instead")
    ok(rec(funded, "gup", "2025-02-03", "10.000.000", "G1", *LINE))  # all of it: allowed


def test_accounting_or_returning_more_up_than_outstanding(funded):
    ok(rec(funded, "up", "2025-02-01", "10.000.000", "U1"))
    refused(funded, ["record", "gup nihil", "--date", "2025-02-03", "--amount", "12.000.000",
                     "--ref", "N1", *LINE],
            "rule 5: SP2D N1 (GUP nihil) would account for more UP than is outstanding on "
            "2025-02-03: outstanding 10.000.000, asked 12.000.000")
    refused(funded, ["record", "setoran up", "--date", "2025-02-03", "--amount", "10.000.001",
                     "--ref", "NTPN1"],
            "rule 5: setoran UP NTPN1 would return more UP than is outstanding on 2025-02-03: "
            "outstanding 10.000.000, asked 10.000.001")


def test_back_dated_entries_are_judged_at_every_later_date(funded):
    ok(rec(funded, "up", "2025-02-01", "10.000.000", "U1"))
    ok(rec(funded, "gup nihil", "2025-03-01", "6.000.000", "N1", *LINE))
    # on 15 February 5 jt could go back, but then 1 March is 1 jt short
    refused(funded, ["record", "setoran up", "--date", "2025-02-15", "--amount", "5.000.000",
                     "--ref", "NTPN1"],
            "rule 5: setoran UP NTPN1 would return more UP than is outstanding on 2025-03-01: "
            "outstanding 4.000.000, asked 5.000.000")
    ok(rec(funded, "gup", "2025-03-10", "4.000.000", "G1", *LINE))
    # a return that leaves the GUP of 10 March without outstanding for its amount
    refused(funded, ["record", "setoran up", "--date", "2025-03-05", "--amount", "1.000.000",
                     "--ref", "NTPN2"],
            "rule 7: setoran UP NTPN2 would leave SP2D G1 (GUP) on 2025-03-10 with less UP "
            "outstanding than its amount: outstanding 3.000.000, GUP 4.000.000")


def test_a_ptup_and_a_tup_return_name_a_tup_of_their_year_dated_before_them(funded):
    refused(funded, ["record", "ptup", "--date", "2025-02-03", "--amount", "1.000.000", "--ref",
                     "P1", "--tup", "T1", *LINE],
            "rule 7: SP2D P1 (PTUP) names TUP T1, which is not recorded for 2025; record the "
            "SP2D TUP first")
    ok(rec(funded, "tup", "2025-02-05", "8.000.000", "T1"))
    refused(funded, ["record", "setoran tup", "--date", "2025-02-03", "--amount", "1.000.000",
                     "--ref", "NTPN1", "--tup", "T1"],
            "rule 7: setoran TUP NTPN1 dated 2025-02-03 comes before TUP T1 (2025-02-05) that "
            "it settles")
    refused(funded, ["record", "ptup", "--date", "2025-02-20", "--amount", "9.000.000", "--ref",
                     "P1", "--tup", "T1", *LINE],
            "rule 5: SP2D P1 (PTUP) would account for more of TUP T1 than is outstanding on "
            "2025-02-20: outstanding 8.000.000, asked 9.000.000")
    ok(rec(funded, "ptup", "2025-02-20", "6.000.000", "P1", "--tup", "T1", *LINE))
    refused(funded, ["record", "setoran tup", "--date", "2025-02-21", "--amount", "3.000.000",
                     "--ref", "NTPN1", "--tup", "T1"],
            "rule 5: setoran TUP NTPN1 would return more of TUP T1 than is outstanding on "
            "2025-02-21: outstanding 2.000.000, asked 3.000.000")


@pytest.mark.parametrize("args, message", [
    (["sp2d", "--payment", "PTUP"],
     "rule 1: SP2D X1 is a PTUP: name the TUP it accounts for in tup (the TUP's SP2D number)"),
    (["gup", "--tup", "T1"],
     "rule 1: SP2D X1 names TUP T1, which only a PTUP does; give payment PTUP or leave tup out"),
    (["sp2d", "--payment", "UP"], "rule 1: payment 'UP' is not one of LS, GUP, GUP Nihil, PTUP"),
    (["gup", "--payment", "LS"],
     "rule 1: kind 'gup' is an SP2D paid by GUP, but its payment is 'LS'; give one of them"),
    (["sp2d", "--bast-date", "2025-03-02"],
     "rule 1: SP2D X1: bast_date 2025-03-02 is after the SP2D's date 2025-03-01; the right to "
     "payment comes first"),
])
def test_payment_fields_together(funded, args, message):
    kind, *more = args
    refused(funded, ["record", kind, "--date", "2025-03-01", "--amount", "1", "--ref", "X1",
                     *LINE, *more], message)


def test_an_up_names_no_line_and_a_tup_only_for_reference(funded):
    refused(funded, ["record", "up", "--date", "2025-02-01", "--amount", "1", "--ref", "U1",
                     "--code", "CQ.6639"],
            "rule 1: field 'code' does not belong to an event of kind up (it takes: amount, "
            "date, note, ref)")
    # a TUP may name a code that has no ceiling: no line effect, rule 4 does not apply
    ok(rec(funded, "tup", "2025-02-01", "1.000.000", "T1", "--code", "WA.3355", "--akun",
           "521211"))


def test_sp2d_numbers_are_unique_across_sp2d_up_and_tup(funded):
    ok(rec(funded, "up", "2025-02-01", "10.000.000", "250001"))
    refused(funded, ["record", "sp2d", "--date", "2025-02-03", "--amount", "1", "--ref", "250001",
                     *LINE],
            "rule 6: SP2D number 250001 (SP2D 250001) is already recorded for 2025 as SP2D UP "
            "with different content (seq 2); void seq 2 first if it was recorded in error")
    refused(funded, ["record", "tup", "--date", "2025-02-03", "--amount", "1", "--ref", "250001"],
            "rule 6: SP2D number 250001 (SP2D TUP 250001) is already recorded for 2025 as SP2D "
            "UP with different content (seq 2); void seq 2 first if it was recorded in error")
    ok(rec(funded, "sp2d", "2025-02-04", "1", "250002", *LINE))
    refused(funded, ["record", "up", "--date", "2025-02-05", "--amount", "1", "--ref", "250002"],
            "rule 6: SP2D number 250002 (SP2D UP 250002) is already recorded for 2025 as SP2D "
            "with different content (seq 3); void seq 3 first if it was recorded in error")
    again = funded("record", "up", "--date", "2025-02-01", "--amount", "10.000.000", "--ref",
                   "250001")
    assert again.stdout.startswith("Already recorded")


def test_voids_of_advances_that_others_rest_on(funded):
    ok(rec(funded, "up", "2025-02-01", "10.000.000", "U1"))
    ok(rec(funded, "gup", "2025-02-10", "4.000.000", "G1", *LINE))
    refused(funded, ["record", "void", "--date", "2025-02-11", "--voids", "2", "--note", "x"],
            "rule 10: seq 2 (SP2D UP U1) cannot be voided: without it SP2D G1 (GUP) of 4.000.000 "
            "on 2025-02-10 would find UP outstanding of only 0")
    ok(rec(funded, "tup", "2025-02-05", "8.000.000", "T1"))
    ok(rec(funded, "ptup", "2025-02-20", "6.000.000", "P1", "--tup", "T1", *LINE))
    refused(funded, ["record", "void", "--date", "2025-02-21", "--voids", "4", "--note", "x"],
            "rule 10: TUP T1 (seq 4) cannot be voided: seq 5 (SP2D P1 (PTUP)) names it; void "
            "that first")
    ok(funded("record", "void", "--date", "2025-02-21", "--voids", "5", "--note", "salah"))
    ok(funded("record", "void", "--date", "2025-02-21", "--voids", "4", "--note", "salah"))
    ok(funded("record", "void", "--date", "2025-02-21", "--voids", "3", "--note", "salah"))
    ok(funded("record", "void", "--date", "2025-02-21", "--voids", "2", "--note", "salah"))
    b = book(funded, "2025-12-31")
    assert (b["up"]["advanced"], b["up"]["outstanding"], b["tup"]) == (0, 0, [])
    assert ok(funded("verify")).exit_code == 0


def test_close_refuses_advances_outstanding(funded):
    ok(rec(funded, "up", "2025-02-01", "10.000.000", "U1"))
    ok(rec(funded, "tup", "2025-11-05", "8.000.000", "T1"))
    result = funded("close", "2025", "--yes")
    assert (result.exit_code, result.stderr) == (1, (
        "Error: 2025 cannot be closed: UP of 10.000.000 is still outstanding with the "
        "bendahara; account for it (GUP nihil) or return it (setoran UP) first\n"))
    ok(rec(funded, "gup nihil", "2025-12-20", "7.000.000", "N1", *LINE))
    ok(rec(funded, "setoran up", "2025-12-22", "3.000.000", "NTPN1"))
    result = funded("close", "2025", "--yes")
    assert result.stderr == ("Error: 2025 cannot be closed: TUP T1 of 8.000.000 is still "
                             "outstanding with the bendahara; account for it (PTUP) "
                             "or return it (setoran TUP) first\n")
    ok(rec(funded, "setoran tup", "2025-12-05", "8.000.000", "NTPN2", "--tup", "T1"))
    ok(funded("close", "2025", "--yes"))
    assert ok(funded("verify")).exit_code == 0


# ------------------------------------------------------------------ files


def test_an_import_in_sakti_spellings_in_any_order(funded, tmp_path):
    # The GUP comes before the UP that funds it, the PTUP before its TUP (rule 8).
    f = write(tmp_path / "spm.csv",
              "Jenis SPM,Tanggal SP2D,Kode Kegiatan,Akun,Nilai SP2D,Nomor SP2D,SP2D TUP\n"
              "GUP,27/01/2025,CQ.6639,521211,\"18.000.000\",G1,\n"
              "UP,06/01/2025,,,\"50.000.000\",U1,\n"
              "PTUP,25/02/2025,CQ.6639,521211,\"30.000.000\",P1,T1\n"
              "TUP,31/01/2025,CQ.6639,,\"30.000.000\",T1,\n"
              "GUP Nihil,20/12/2025,CQ.6639,521211,\"50.000.000\",N1,\n"
              "LS,03/03/2025,CQ.6639,521211,\"7.500.000\",L1,\n")
    result = ok(funded("import", f))
    assert result.stdout.startswith("6 new, 0 already recorded")
    log = json.loads(ok(funded("log", "--format", "json")).stdout)
    assert [(e["kind"], e.get("payment"), e["ref"]) for e in log[1:]] == [
        ("sp2d", "gup", "G1"), ("up", None, "U1"), ("sp2d", "ptup", "P1"), ("tup", None, "T1"),
        ("sp2d", "gup_nihil", "N1"), ("sp2d", None, "L1")]
    b = book(funded, "2025-12-31")
    assert (b["up"]["outstanding"], b["tup"][0]["status"]) == (0, "settled")
    assert ok(funded("import", f)).stdout.startswith("0 new, 6 already recorded")  # harmless


def test_an_import_that_breaks_the_book_names_its_row(funded, tmp_path):
    f = write(tmp_path / "spm.csv",
              "kind,date,code,akun,amount,ref\n"
              "up,2025-01-06,,,1000,U1\n"
              "gup nihil,2025-01-20,CQ.6639,521211,600,N1\n"
              "setoran up,2025-01-10,,,500,NTPN1\n")
    before = log_rows(funded.db)
    result = funded("import", f)
    assert result.exit_code == 1
    assert result.stderr == ("Error: row 3: rule 5: SP2D N1 (GUP nihil) would account for more "
                             "UP than is outstanding on 2025-01-20: outstanding 500, asked 600\n")
    assert log_rows(funded.db) == before


def test_reconcile_matches_up_and_tup_sp2ds_with_a_kind_column(month, tmp_path):
    listed = write(tmp_path / "kppn.csv",
                   "ref,date,code,akun,amount,kind\n"
                   "UP-01,2025-01-06,,,50000000,UP\n"
                   "GUP-01,2025-01-27,CQ.6639,521211,18000000,GUP\n"
                   "TUP-A,2025-01-31,CQ.6639,,40000000,TUP\n"
                   "GUP-02,2025-02-17,CQ.6639,521211,22500000,LS\n"
                   "PTUP-A,2025-02-25,CQ.6639,521211,36000000,PTUP\n")
    result = month("reconcile", "--sp2d", listed, "--as-of", "2025-02-28", "--format", "json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["differences"] == [
        {"ref": "GUP-02", "kind": "differs", "fields": ["kind"],
         "ledger": {"date": "2025-02-17", "code": "CQ.6639", "akun": "521211",
                    "amount": 22_500_000, "kind": "GUP"},
         "statement": {"date": "2025-02-17", "code": "CQ.6639", "akun": "521211",
                       "amount": 22_500_000, "kind": "LS"}}]
    # without a kind column every row is an SP2D, and the UP/TUP SP2Ds are not compared
    plain = write(tmp_path / "plain.csv", "ref,date,code,akun,amount\n"
                  "GUP-01,2025-01-27,CQ.6639,521211,18000000\n")
    assert month("reconcile", "--sp2d", plain, "--as-of", "2025-01-31").exit_code == 0


def test_the_journal_holds_the_advances(month, tmp_path):
    out = tmp_path / "j.journal"
    ok(month("export", "--to", "hledger", out))
    text = out.read_text()
    sums = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith(("Assets:Bendahara", "Liabilities:UangMuka")):
            sums[parts[0]] = sums.get(parts[0], 0) + int(parts[1])
    # UP 50 jt outstanding; TUP 40 − 36 − 4 + 25 − 10 = 15 jt
    assert sums == {"Assets:Bendahara:2025:UP": 50_000_000,
                    "Liabilities:UangMuka:2025:UP": -50_000_000,
                    "Assets:Bendahara:2025:TUP": 15_000_000,
                    "Liabilities:UangMuka:2025:TUP": -15_000_000}


def test_a_workbook_with_jenis_spm_and_payment_columns(funded, tmp_path):
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DAFTAR SP2D SATKER 657757"])
    ws.append(["No", "Jenis SPM", "Tanggal SP2D", "Kode Kegiatan", "Akun", "Nilai SP2D",
               "Nomor SP2D", "Jenis Pembayaran", "SP2D TUP", "Tanggal BAST"])
    ws.append([1, "UP", dt.datetime(2025, 1, 6), None, None, 50_000_000, "U1", None, None, None])
    ws.append([2, "SP2D", dt.datetime(2025, 1, 27), "CQ.6639", "521211", 18_000_000, "G1",
               "gup", None, dt.datetime(2025, 1, 20)])
    ws.append([3, "TUP", dt.datetime(2025, 2, 3), "CQ.6639", None, 9_000_000, "T1", None, None,
               None])
    ws.append([4, "PTUP", dt.datetime(2025, 2, 20), "CQ.6639", "521211", 9_000_000, "P1", None,
               "T1", None])
    ws.append(["JUMLAH", None, None, None, None, 86_000_000, None, None, None, None])
    path = tmp_path / "spm.xlsx"
    wb.save(path)
    assert ok(funded("import", path)).stdout.startswith("4 new, 0 already recorded")
    log = json.loads(ok(funded("log", "--format", "json")).stdout)
    gup = next(e for e in log if e["ref"] == "G1")
    assert (gup["kind"], gup["payment"], gup["bast_date"]) == ("sp2d", "gup", "2025-01-20")
    b = book(funded, "2025-03-31")
    assert (b["up"]["outstanding"], b["tup"][0]["status"]) == (50_000_000, "settled")
    # a row whose kind and payment disagree is refused, naming its row
    ws.append([5, "LS", dt.datetime(2025, 3, 1), "CQ.6639", "521211", 1, "X1", "GUP", None, None])
    wb.save(path)
    result = funded("import", path)
    assert result.exit_code == 1
    assert result.stderr == ("Error: row 8: rule 1: kind 'LS' is an SP2D paid by LS, but its "
                             "payment is 'GUP'; give one of them\n")


def test_a_blank_kind_cell_compares_no_kind(month, tmp_path):
    listed = write(tmp_path / "kppn.csv", "ref,date,code,akun,amount,kind\n"
                   "UP-01,2025-01-06,,,50000000,UP\n"
                   "GUP-01,2025-01-27,CQ.6639,521211,18000000,\n")
    assert month("reconcile", "--sp2d", listed, "--as-of", "2025-01-30").exit_code == 0
