"""The IKPA self-assessment (``anggaran ikpa``) on tiny ledgers whose scores are worked out
by hand: each test's docstring is its ledger (one JSON event a line, imported as it
stands), and the comments show the arithmetic."""

import json
import textwrap

import pytest

from anggaran import workdays


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def load(run, tmp_path, test):
    """Import the test's docstring (or a text like it: JSON lines after its first paragraph)
    into the ledger."""
    doc = test if isinstance(test, str) else test.__doc__
    text = textwrap.dedent(doc.split("\n\n", 1)[1]).strip()
    path = tmp_path / "events.jsonl"
    path.write_text(text + "\n", encoding="utf-8")
    ok(run("import", path))
    return run


def ikpa(run, *args):
    """``ikpa --format json`` with the indicators by key."""
    result = json.loads(ok(run("ikpa", "--format", "json", *args)).stdout)
    result["by"] = {i["key"]: i for i in result["indicators"]}
    return result


def score(run, key, *args):
    return ikpa(run, *args)["by"][key]["score"]


def usage(run, args, message, status=2):
    result = run("ikpa", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (status, "", f"Error: {message}\n")


# ------------------------------------------------------------------ revisi

def test_revisi_a_half_year_with_two_and_one_with_three_revisions(run, tmp_path):
    """Two pagu-tetap revisions in semester I (REV-01 moves two lines under one number), a
    POK revision and one with a code that is not pagu tetap; three in semester II.

    {"kind": "pagu", "date": "2025-01-02", "code": "CQ.6639", "akun": "521211", "amount": 300000000, "ref": "DIPA-1"}
    {"kind": "pagu", "date": "2025-01-02", "code": "CQ.6639", "akun": "511111", "amount": 100000000, "ref": "DIPA-1"}
    {"kind": "revise", "date": "2025-02-10", "code": "CQ.6639", "akun": "521211", "amount": 10000000, "ref": "REV-01", "revision": "211"}
    {"kind": "revise", "date": "2025-02-10", "code": "CQ.6639", "akun": "511111", "amount": -5000000, "ref": "REV-01", "revision": "211"}
    {"kind": "revise", "date": "2025-03-01", "code": "CQ.6639", "akun": "521211", "amount": 1000000, "ref": "POK-01"}
    {"kind": "revise", "date": "2025-03-02", "code": "CQ.6639", "akun": "521211", "amount": 1000000, "ref": "REV-X", "revision": "301"}
    {"kind": "shift", "date": "2025-05-20", "from_code": "CQ.6639", "from_akun": "521211", "code": "CQ.6639", "akun": "511111", "amount": 1000000, "ref": "REV-02", "revision": "201"}
    {"kind": "revise", "date": "2025-07-15", "code": "CQ.6639", "akun": "521211", "amount": 1000000, "ref": "REV-03", "revision": "212"}
    {"kind": "revise", "date": "2025-08-15", "code": "CQ.6639", "akun": "521211", "amount": 1000000, "ref": "REV-04", "revision": "213"}
    {"kind": "revise", "date": "2025-09-15", "code": "CQ.6639", "akun": "521211", "amount": 1000000, "ref": "REV-05", "revision": "217"}
    """
    run = load(run, tmp_path, test_revisi_a_half_year_with_two_and_one_with_three_revisions)
    # Semester I: REV-01 and REV-02 → 2 → 100. The mean of one semester: 100.
    r = ikpa(run, "--as-of", "2025-06-30")["by"]["revisi"]
    assert r == {
        "key": "revisi", "name": "Revisi DIPA", "weight": 10, "assessed": True, "score": 100.0,
        "unconfirmed": True, "trace": [
            "semester I (2025-01-01 to 2025-06-30): 2 pagu-tetap revisions (REV-01 [211], "
            "REV-02 [201]) → 100",
            "not counted: 1 POK revision event, 1 event with code 301 (not pagu tetap)",
            "mean of 1 semester: 100,00 → 100,00",
            "* rests on parameters the rule set marks unconfirmed: formula, scores"]}
    # 1 July: semester II has begun with none → 110; (100 + 110) / 2 = 105, at most 100.
    assert ikpa(run, "--as-of", "2025-07-01")["by"]["revisi"]["trace"][-2:] == [
        "mean of 2 semesters: 105,00, at most 100 → 100,00",
        "* rests on parameters the rule set marks unconfirmed: formula, scores, cap"]
    # 31 August: REV-03 and REV-04 → 100; (100 + 100) / 2 = 100.
    assert score(run, "revisi", "--as-of", "2025-08-31") == 100.0
    # 30 September: three → 50; (100 + 50) / 2 = 75.
    assert score(run, "revisi", "--as-of", "2025-09-30") == 75.0
    # REV-05 (seq 10) recorded in error and voided: two again.
    ok(run("record", "void", "--date", "2025-10-01", "--voids", "10", "--note", "salah"))
    assert score(run, "revisi", "--as-of", "2025-09-30") == 100.0


# ------------------------------------------------------------------ deviasi

def test_deviasi_exactly_on_the_tolerance_and_a_plan_of_zero(run, tmp_path):
    """One jenis (52), planned 20.000.000 in January and 0 in February.

    {"kind": "pagu", "date": "2025-01-02", "code": "CQ.6639", "akun": "521211", "amount": 100000000, "ref": "DIPA-1"}
    {"kind": "rpd", "date": "2024-12-02", "month": "2025-01", "jenis": "52", "amount": 20000000, "ref": "DIPA-1"}
    {"kind": "rpd", "date": "2024-12-02", "month": "2025-02", "jenis": "52", "amount": 0, "ref": "DIPA-1"}
    {"kind": "sp2d", "date": "2025-01-20", "code": "CQ.6639", "akun": "521211", "amount": 21000000, "ref": "S1"}
    {"kind": "sp2d", "date": "2025-02-10", "code": "CQ.6639", "akun": "521211", "amount": 1000000, "ref": "S2"}
    """
    run = load(run, tmp_path, test_deviasi_exactly_on_the_tolerance_and_a_plan_of_zero)
    # January: |21 − 20| / 20 = 5,00 % exactly, at most the tolerance → 100.
    d = ikpa(run, "--as-of", "2025-01-31")["by"]["deviasi"]
    assert (d["assessed"], d["score"], d["unconfirmed"]) == (True, 100.0, True)
    assert d["trace"] == [
        "2025-01: weighted deviation 5,00 %",
        "mean of 1 full month (2025-01 to 2025-01, at most month 11): 5,00 %",
        "5,00 % is at most the tolerance of 5 % → 100,00",
        "* rests on parameters the rule set marks unconfirmed: formula, last_month"]
    # What if 1.000.000 more had been realised on 31 January: 22 of 20 → 10 % → 90.
    d = ikpa(run, "--as-of", "2025-01-31", "--what-if", "52=1.000.000@2025-01-31")
    d = d["by"]["deviasi"]
    assert d["score"] == 90.0
    assert d["trace"][:2] == ["what-if: 1.000.000 more realised on jenis 52 on 2025-01-31 (not "
                              "in the ledger)", "2025-01: weighted deviation 10,00 %"]
    # February is not full on the 27th: January alone.
    assert score(run, "deviasi", "--as-of", "2025-02-27") == 100.0
    # Full: planned 0, realised 1.000.000 → 100 %; the mean (5 + 100) / 2 = 52,5 → 47,50.
    assert score(run, "deviasi", "--as-of", "2025-02-28") == 47.5
    # Before January is full nothing is measured; before any plan neither.
    d = ikpa(run, "--as-of", "2025-01-30")["by"]["deviasi"]
    assert (d["assessed"], d["score"], d["trace"]) == (False, None, [
        "no full month of 2025 up to 2025-01-30 with a base (ceiling − blokir) yet: nothing to "
        "measure"])


def test_deviasi_scores_the_average_rpd_prints(run, tmp_path):
    """21.000.001 realised of 20.000.000 planned: 5,000005 %, which rpd prints as 5,00.

    {"kind": "pagu", "date": "2025-01-02", "code": "CQ.6639", "akun": "521211", "amount": 100000000, "ref": "DIPA-1"}
    {"kind": "rpd", "date": "2024-12-02", "month": "2025-01", "jenis": "52", "amount": 20000000, "ref": "DIPA-1"}
    {"kind": "sp2d", "date": "2025-01-20", "code": "CQ.6639", "akun": "521211", "amount": 21000001, "ref": "S1"}
    """
    run = load(run, tmp_path, test_deviasi_scores_the_average_rpd_prints)
    assert json.loads(run("rpd", "--as-of", "2025-01-31", "--format",
                          "json").stdout)["average_deviation_pct"] == 5.0
    d = ikpa(run, "--as-of", "2025-01-31")["by"]["deviasi"]
    # the contract scores rpd's average_deviation_pct: 5,00 is at most the tolerance → 100
    assert d["score"] == 100.0
    assert d["trace"][2] == "5,00 % is at most the tolerance of 5 % → 100,00"


# ------------------------------------------------------------------ penyerapan

def test_penyerapan_on_target_capped_at_100_and_the_mean_of_quarters(run, tmp_path):
    """51: 100.000.000; 52: 300.000.000 of which 60.000.000 blocked (base 240.000.000).

    {"kind": "pagu", "date": "2025-01-02", "code": "CQ.6639", "akun": "511111", "amount": 100000000, "ref": "DIPA-1"}
    {"kind": "pagu", "date": "2025-01-02", "code": "CQ.6639", "akun": "521211", "amount": 300000000, "ref": "DIPA-1"}
    {"kind": "blokir", "date": "2025-01-02", "code": "CQ.6639", "akun": "521211", "amount": 60000000, "ref": "BLOKIR-1"}
    {"kind": "sp2d", "date": "2025-02-10", "code": "CQ.6639", "akun": "511111", "amount": 20000000, "ref": "S1"}
    {"kind": "sp2d", "date": "2025-03-10", "code": "CQ.6639", "akun": "521211", "amount": 24000000, "ref": "S2"}
    {"kind": "sp2d", "date": "2025-04-15", "code": "CQ.6639", "akun": "521211", "amount": 156000000, "ref": "S3"}
    """
    run = load(run, tmp_path, test_penyerapan_on_target_capped_at_100_and_the_mean_of_quarters)
    p = ikpa(run, "--as-of", "2025-03-30")["by"]["penyerapan"]
    assert (p["assessed"], p["score"], p["trace"]) == (False, None, [
        "no quarter of 2025 has ended by 2025-03-30 (the first ends on 2025-03-31): not "
        "assessed yet"])
    # Q1: 51 20/100 = 20 % of target 20 % → exactly 100; 52 24/240 = 10 % of target 15 %
    # → 66,67. Shares 100/340 and 240/340: (100 × 100 + 66,67 × 240) / 340 = 26000/340
    # = 76,4705… → 76,47.
    p = ikpa(run, "--as-of", "2025-03-31")["by"]["penyerapan"]
    assert p["score"] == 76.47
    assert p["trace"][:4] == [
        "absorption = realised / (ceiling − blokir) at the quarter's end, per jenis",
        "Q1 jenis 51: realised 20.000.000 of 100.000.000 = 20,00 %, target 20 % → 100,00; "
        "share 29,41 %",
        "Q1 jenis 52: realised 24.000.000 of 240.000.000 = 10,00 %, target 15 % → 66,67; "
        "share 70,59 %",
        "Q1 (to 2025-03-31): Σ score × share = 76,47"]
    # Q2: 51 still 20 % of 50 % → 40; 52 180/240 = 75 % of 50 % → 150, at most 100:
    # (40 × 100 + 100 × 240) / 340 = 28000/340. The mean of the unrounded quarters:
    # (26000 + 28000) / 340 / 2 = 79,4117… → 79,41.
    p = ikpa(run, "--as-of", "2025-06-30")["by"]["penyerapan"]
    assert p["score"] == 79.41
    assert ("Q2 jenis 52: realised 180.000.000 of 240.000.000 = 75,00 %, target 50 % → 150,00, "
            "at most 100 → 100,00; share 70,59 %") in p["trace"]
    assert p["trace"][-1] == ("* rests on parameters the rule set marks unconfirmed: "
                              "targets.51.Q1, targets.52.Q1, targets.51.Q2, targets.52.Q2, cap")


def test_what_if_more_is_realised_by_the_quarters_end(run, tmp_path):
    """The same budget: 52 realised 24.000.000 of 240.000.000 by 31 March.

    {"kind": "pagu", "date": "2025-01-02", "code": "CQ.6639", "akun": "511111", "amount": 100000000, "ref": "DIPA-1"}
    {"kind": "pagu", "date": "2025-01-02", "code": "CQ.6639", "akun": "521211", "amount": 300000000, "ref": "DIPA-1"}
    {"kind": "blokir", "date": "2025-01-02", "code": "CQ.6639", "akun": "521211", "amount": 60000000, "ref": "BLOKIR-1"}
    {"kind": "sp2d", "date": "2025-02-10", "code": "CQ.6639", "akun": "511111", "amount": 20000000, "ref": "S1"}
    {"kind": "sp2d", "date": "2025-03-10", "code": "CQ.6639", "akun": "521211", "amount": 24000000, "ref": "S2"}
    """
    run = load(run, tmp_path, test_what_if_more_is_realised_by_the_quarters_end)
    # 12.000.000 more on 52 by 31 March: 36/240 = 15 % = its target → 100; Q1 = 100.
    r = ikpa(run, "--as-of", "2025-03-31", "--what-if", "52=12.000.000@2025-03-31")
    assert r["by"]["penyerapan"]["score"] == 100.0
    assert r["what_if"] == [{"jenis": "52", "amount": 12_000_000, "date": "2025-03-31"}]
    assert r["by"]["penyerapan"]["trace"][1] == ("what-if: 12.000.000 more realised on jenis 52 "
                                                 "on 2025-03-31 (not in the ledger)")
    assert "what_if" not in ikpa(run, "--as-of", "2025-03-31")  # and nothing was written
    assert score(run, "penyerapan", "--as-of", "2025-03-31") == 76.47
    usage(run, ["--as-of", "2025-03-31", "--what-if", "52=12.000.000@2025-09-30"],
          "--what-if date 2025-09-30 is after --as-of 2025-03-31; give --as-of 2025-09-30 (or "
          "later) to see what it changes")
    usage(run, ["--as-of", "2025-03-31", "--what-if", "52=1@2024-12-31"],
          "--what-if date 2024-12-31 is not in 2025, the year of --as-of 2025-03-31")
    usage(run, ["--as-of", "2025-03-31", "--what-if", "52=12.000.000"],
          "--what-if '52=12.000.000' is not JENIS=AMOUNT@DATE (e.g. --what-if "
          "52=1.000.000.000@2025-09-30)")
    usage(run, ["--as-of", "2025-03-31", "--what-if", "5=1@2025-03-31"],
          "--what-if jenis '5' is not a jenis belanja like 52")
    usage(run, ["--as-of", "2025-03-31", "--what-if", "52=satu@2025-03-31"],
          "--what-if 52=…: the amount is not whole rupiah above 0, like 1.000.000.000")


def test_known_at_the_ikpa_as_the_ledger_stood_that_day(run, tmp_path):
    """The March SP2D on 52 was recorded on 5 April; the February one was voided on 10 April.

    {"kind": "pagu", "date": "2025-01-02", "code": "CQ.6639", "akun": "511111", "amount": 100000000, "ref": "DIPA-1", "recorded_at": "2025-01-02T08:00:00Z"}
    {"kind": "pagu", "date": "2025-01-02", "code": "CQ.6639", "akun": "521211", "amount": 300000000, "ref": "DIPA-1", "recorded_at": "2025-01-02T08:00:00Z"}
    {"kind": "blokir", "date": "2025-01-02", "code": "CQ.6639", "akun": "521211", "amount": 60000000, "ref": "BLOKIR-1", "recorded_at": "2025-01-02T08:00:00Z"}
    {"kind": "sp2d", "date": "2025-02-10", "code": "CQ.6639", "akun": "511111", "amount": 20000000, "ref": "S1", "recorded_at": "2025-02-10T08:00:00Z"}
    {"kind": "sp2d", "date": "2025-03-10", "code": "CQ.6639", "akun": "521211", "amount": 24000000, "ref": "S2", "recorded_at": "2025-04-05T08:00:00Z"}
    {"kind": "void", "date": "2025-04-10", "voids": 4, "note": "salah", "recorded_at": "2025-04-10T08:00:00Z"}
    """
    run = load(run, tmp_path, test_known_at_the_ikpa_as_the_ledger_stood_that_day)
    # On 1 April only 51's SP2D was known: 51 → 100, 52 → 0: 100 × 100/340 = 29,41.
    early = ikpa(run, "--as-of", "2025-03-31", "--known-at", "2025-04-01")
    assert early["known_at"] == "2025-04-01T23:59:59Z"
    assert early["by"]["penyerapan"]["score"] == 29.41
    # On 6 April both: 76,47 (the test above); from 10 April the void: 52 alone, 66,67 × 240/340.
    assert score(run, "penyerapan", "--as-of", "2025-03-31", "--known-at", "2025-04-06") == 76.47
    assert score(run, "penyerapan", "--as-of", "2025-03-31") == 47.06


# ------------------------------------------------------------------ kontraktual, tagihan

CONTRACTS = """Contracts around 31 March; K-02 and K-06 (jenis 53) paid with a BAST date.

    {"kind": "pagu", "date": "2025-01-02", "code": "CQ.6639", "akun": "521211", "amount": 400000000, "ref": "DIPA-1"}
    {"kind": "pagu", "date": "2025-01-02", "code": "CQ.6639", "akun": "532111", "amount": 400000000, "ref": "DIPA-1"}
    {"kind": "kontrak", "date": "2025-01-06", "code": "CQ.6639", "akun": "521211", "amount": 60000000, "ref": "K-01", "signed": "2024-12-20"}
    {"kind": "kontrak", "date": "2025-03-05", "code": "CQ.6639", "akun": "532111", "amount": 150000000, "ref": "K-02", "signed": "2025-03-03"}
    {"kind": "kontrak", "date": "2025-04-03", "code": "CQ.6639", "akun": "521211", "amount": 80000000, "ref": "K-03", "signed": "2025-03-31"}
    {"kind": "kontrak", "date": "2025-04-01", "code": "CQ.6639", "akun": "521211", "amount": 90000000, "ref": "K-04"}
    {"kind": "kontrak", "date": "2025-02-03", "code": "CQ.6639", "akun": "521211", "amount": 50000000, "ref": "K-05"}
    {"kind": "kontrak", "date": "2025-07-01", "code": "CQ.6639", "akun": "532111", "amount": 100000000, "ref": "K-06"}
    {"kind": "kontrak", "date": "2025-08-01", "code": "CQ.6639", "akun": "532111", "amount": 40000000, "ref": "K-07"}
    {"kind": "sp2d", "date": "2025-04-24", "code": "CQ.6639", "akun": "532111", "amount": 150000000, "ref": "S-02", "contract": "K-02", "bast_date": "2025-03-27"}
    {"kind": "sp2d", "date": "2025-08-20", "code": "CQ.6639", "akun": "532111", "amount": 50000000, "ref": "S-06a", "contract": "K-06", "bast_date": "2025-07-25"}
    {"kind": "sp2d", "date": "2025-09-10", "code": "CQ.6639", "akun": "532111", "amount": 50000000, "ref": "S-06b", "contract": "K-06"}
"""


def test_kontraktual_contracts_straddling_31_march(run, tmp_path):
    load(run, tmp_path, CONTRACTS)
    k = ikpa(run, "--as-of", "2025-12-31")["by"]["kontraktual"]
    # Kontrak dini (52/53/57 above 50.000.000, signed by 31 March): K-01 signed in December
    # → 120, K-02 → 110, K-03 signed on 31 March (registered on 3 April) → 110; K-04 signed
    # 1 April and K-06 are not early; K-05 is not above 50.000.000. Mean 340/3 = 113,33.
    # Akselerasi belanja modal (53 from 50 to 200 juta): K-02 paid whole by one SP2D in Q2
    # → 90; K-06 paid in two instalments: not counted. Mean 90.
    # Distribusi (50.000.000 or more, signed by 30 June): K-01 … K-05 of K-01 … K-06 = 83,33 %
    # → 100. (40 × 340/3 + 40 × 90 + 20 × 100) / 100 = 101,33: no cap in the shipped rules
    # (the contract gives none).
    assert (k["assessed"], k["score"], k["unconfirmed"]) == (True, 101.33, True)
    assert k["trace"] == [
        "kontrak dini: K-01 (52, 60.000.000) signed 2024-12-20, before 1 January → 120",
        "kontrak dini: K-02 (53, 150.000.000) signed 2025-03-03, by 2025-03-31 → 110",
        "kontrak dini: K-03 (52, 80.000.000) signed 2025-03-31, by 2025-03-31 → 110",
        "kontrak dini: K-04 (52, 90.000.000) signed 2025-04-01, after 2025-03-31: not early",
        "kontrak dini: K-06 (53, 100.000.000) signed 2025-07-01, after 2025-03-31: not early",
        "kontrak dini: 3 of 5 eligible contracts signed by 2025-03-31, mean 113,33",
        "akselerasi belanja modal: K-02 (150.000.000) paid by one SP2D on 2025-04-24 (Q2) → 90",
        "akselerasi belanja modal: K-06 (100.000.000) paid by 2 SP2Ds (instalments): not counted",
        "akselerasi belanja modal: mean of 1 → 90,00",
        "distribusi: 5 of 6 contracts of 50.000.000 or more signed by 2025-06-30 = 83,33 % → 100",
        "(40 × 113,33 + 40 × 90,00 + 20 × 100,00) / 100 = 101,33",
        "no cap: the score may exceed 100",
        "* rests on parameters the rule set marks unconfirmed: distribusi.from, "
        "distribusi.signed_by, distribusi.buckets, cap"]
    # As of 31 March: K-01 and K-02 registered; K-02 not paid yet, so no akselerasi part:
    # (40 × (120 + 110) / 2 + 20 × 100) / 60 = 6600 / 60 = 110.
    k = ikpa(run, "--as-of", "2025-03-31")["by"]["kontraktual"]
    assert k["score"] == 110.0
    assert "akselerasi belanja modal: K-02 (150.000.000) not paid yet: not counted" in k["trace"]
    assert "konversi_bobot" in k["trace"][-1]
    # With a rule set that caps the indicator at 100 (SIM's reading):
    rules = shipped_rules()
    rules["indicators"]["kontraktual"]["cap"]["value"] = 100
    path = tmp_path / "capped.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    k = ikpa(run, "--as-of", "2025-12-31", "--rules", path)["by"]["kontraktual"]
    assert (k["score"], k["trace"][-2]) == (100.0, "at most 100 → 100,00")


def test_tagihan_17_working_days_across_idul_fitri(run, tmp_path):
    load(run, tmp_path, CONTRACTS)
    # S-02: BAST Thursday 27 March 2025. Working days after it: 28 March (cuti bersama is a
    # working day), then 31 March and 1 April are Idul Fitri; 2, 3, 4, 7, 8, 9, 10, 11, 14,
    # 15, 16, 17 April; 18 April is Good Friday; 21, 22, 23, 24 April: the 24th is the 17th.
    assert workdays.working_days_after("2025-03-27", "2025-04-24") == 17
    assert workdays.add_working_days("2025-03-27", 17) == "2025-04-24"
    # S-06a: BAST Friday 25 July; 28 July … 15 August are 15, 18 August (cuti bersama) 16,
    # 19 August 17: the SP2D of 20 August is the 18th, a day late. S-06b has no BAST date.
    t = ikpa(run, "--as-of", "2025-12-31")["by"]["tagihan"]
    assert (t["score"], t["unconfirmed"]) == (50.0, True)
    assert t["trace"] == [
        "SP2D S-02 (contract K-02): BAST 2025-03-27, paid 2025-04-24: 17 working days → on time",
        "SP2D S-06a (contract K-06): BAST 2025-07-25, paid 2025-08-20: 18 working days → late "
        "(due by 2025-08-19)",
        "1 of 2 paid within 17 working days of the BAST = 50,00",
        "* rests on parameters the rule set marks unconfirmed: formula, working_days"]
    t = ikpa(run, "--as-of", "2025-04-23")["by"]["tagihan"]
    assert (t["assessed"], t["trace"]) == (False, [
        "no SP2D of 2025 up to 2025-04-23 names a contract and carries a bast_date: nothing "
        "to measure"])


def test_working_days_are_monday_to_friday_less_national_holidays():
    assert workdays.covered(2024) and not workdays.covered(1900)
    assert workdays.holidays_of(2024)["2024-02-14"] == "General Election Day"
    assert not workdays.is_working_day("2024-02-14")  # the Pemilu, a Wednesday
    assert workdays.is_working_day("2025-12-26")  # cuti bersama after Christmas
    assert workdays.working_days_after("2024-12-31", "2025-01-06") == 3  # 1 January, a weekend
    assert workdays.working_days_after("2025-01-06", "2025-01-06") == 0
    assert workdays.working_days_after("1900-01-05", "1900-01-08") == 1  # no calendar: Mon-Fri


# ------------------------------------------------------------------ up_tup

def test_up_tup_revolving_a_tup_settled_on_its_due_date_and_one_late(run, tmp_path):
    """UP advanced on 6 January; GUP in February, none in March, GUP nihil in April. TUP T-1
    (due 3 March) settled on 3 March; TUP T-2 (due 10 April) accounted on 11 April.

    {"kind": "pagu", "date": "2025-01-02", "code": "CQ.6639", "akun": "521211", "amount": 500000000, "ref": "DIPA-1"}
    {"kind": "up", "date": "2025-01-06", "amount": 50000000, "ref": "UP-1"}
    {"kind": "tup", "date": "2025-02-03", "amount": 20000000, "ref": "T-1"}
    {"kind": "sp2d", "date": "2025-02-10", "code": "CQ.6639", "akun": "521211", "amount": 10000000, "ref": "G-1", "payment": "gup"}
    {"kind": "sp2d", "date": "2025-02-25", "code": "CQ.6639", "akun": "521211", "amount": 18000000, "ref": "P-1", "payment": "ptup", "tup": "T-1"}
    {"kind": "tup_return", "date": "2025-03-03", "amount": 2000000, "ref": "NTPN-1", "tup": "T-1"}
    {"kind": "tup", "date": "2025-03-10", "amount": 10000000, "ref": "T-2"}
    {"kind": "sp2d", "date": "2025-04-11", "code": "CQ.6639", "akun": "521211", "amount": 10000000, "ref": "P-2", "payment": "ptup", "tup": "T-2"}
    {"kind": "sp2d", "date": "2025-04-20", "code": "CQ.6639", "akun": "521211", "amount": 10000000, "ref": "GN-1", "payment": "gup_nihil"}
    """
    run = load(run, tmp_path, test_up_tup_revolving_a_tup_settled_on_its_due_date_and_one_late)
    u = ikpa(run, "--as-of", "2025-04-30")["by"]["up_tup"]
    # UP revolving: February, March and April began with UP outstanding (January did not);
    # February and April had a GUP (nihil) → 2 of 3 = 66,67. TUP on time: T-1 yes, T-2 a
    # day late → 50. TUP returned: 2 of 30 juta = 6,67 % → 93,33.
    # (50 × 200/3 + 25 × 50 + 25 × 280/3) / 100 = 20750/300 = 69,1666… → 69,17.
    assert (u["score"], u["unconfirmed"]) == (69.17, True)
    assert u["trace"] == [
        "UP revolving: 3 months ended by 2025-04-30 began with UP outstanding (2025-02, 2025-03,"
        " 2025-04); with a GUP or GUP nihil: 2025-02, 2025-04 → 2 of 3 = 66,67",
        "TUP T-1 of 2025-02-03, due 2025-03-03: settled 2025-03-03 → on time",
        "TUP T-2 of 2025-03-10, due 2025-04-10: settled 2025-04-11 → late",
        "TUP on time: 1 of 2 due by 2025-04-30 = 50,00",
        "TUP returned: 2.000.000 of 30.000.000 (6,67 %) → 93,33",
        "(50 × 66,67 + 25 × 50,00 + 25 × 93,33) / 100 = 69,17",
        "* rests on parameters the rule set marks unconfirmed: formula, parts.up_revolving, "
        "parts.tup_on_time, parts.tup_returned"]
    # 28 February: February revolved (1 of 1 → 100); no TUP due yet, so that part drops out;
    # nothing returned → 100. (50 × 100 + 25 × 100) / 75 = 100.
    u = ikpa(run, "--as-of", "2025-02-28")["by"]["up_tup"]
    assert u["score"] == 100.0
    assert "TUP on time: no TUP due by 2025-02-28: part left out" in u["trace"]
    assert u["trace"][-1].endswith("konversi_bobot")
    # 31 January: no month has begun with UP outstanding, and no TUP yet: not assessed.
    u = ikpa(run, "--as-of", "2025-01-31")["by"]["up_tup"]
    assert (u["assessed"], u["score"], u["trace"]) == (False, None, [
        "no UP outstanding at the start of a month ended by 2025-01-31 and no TUP of 2025: "
        "nothing to measure"])


# ------------------------------------------------------------------ total, --score, rules

@pytest.mark.parametrize("given, total, band", [
    (["capaian_output=95.25", "dispensasi=0.25"], 95.0, "sangat baik"),
    (["capaian_output=94.995"], 95.0, "sangat baik"),  # the band reads the rounded total
    (["capaian_output=94.994"], 94.99, "baik"),
    (["capaian_output=89"], 89.0, "baik"),
    (["capaian_output=88,995"], 89.0, "baik"),
    (["capaian_output=88.994"], 88.99, "cukup"),
    (["capaian_output=70"], 70.0, "cukup"),
    (["capaian_output=69,99"], 69.99, "kurang"),
    (["capaian_output=0.5", "dispensasi=1"], 0.0, "kurang"),  # floored at 0
])
def test_the_band_from_the_rounded_total_after_the_deduction(run, given, total, band):
    # An empty ledger: only capaian output is assessed, so the total is its score less
    # the dispensasi deduction (konversi bobot over its weight alone).
    r = ikpa(run, "--as-of", "2025-06-30", *[x for g in given for x in ("--score", g)])
    assert (r["total"], r["band"]) == (total, band)
    assert [i["key"] for i in r["indicators"] if i["assessed"]] == (
        ["capaian_output", "dispensasi"] if len(given) == 2 else ["capaian_output"])


def test_nothing_assessed_no_total_and_every_reason(run):
    r = ikpa(run, "--as-of", "2025-06-30")
    assert (r["total"], r["band"], r["deduction"]) == (None, None, 0.0)
    assert {i["key"]: i["trace"][-1] for i in r["indicators"]} == {
        "revisi": "no ceiling (DIPA) of 2025 recorded by 2025-06-30: nothing to measure",
        "deviasi": "no RPD (plan, Halaman III DIPA) of 2025 recorded by 2025-06-30: nothing to "
                   "measure (record it with 'record rpd' or import the RPD sheet)",
        "penyerapan": "no quarter could be scored: nothing to measure",
        "kontraktual": "no contract of 2025 registered by 2025-06-30: nothing to measure",
        "tagihan": "no SP2D of 2025 up to 2025-06-30 names a contract and carries a bast_date: "
                   "nothing to measure",
        "up_tup": "no UP outstanding at the start of a month ended by 2025-06-30 and no TUP of "
                  "2025: nothing to measure",
        "capaian_output": "not in the ledger: give it with --score capaian_output=N (0 to 100)",
        "dispensasi": "not in the ledger: give it with --score dispensasi=N; none given, so "
                      "nothing is deducted"}
    assert "Nilai IKPA: - (no indicator is assessed)" in ok(run("ikpa", "--as-of",
                                                                "2025-06-30")).stdout


@pytest.mark.parametrize("score, message", [
    ("tagihan=100", "--score tagihan: the ledger computes the other indicators; give only "
                    "capaian_output or dispensasi (e.g. --score capaian_output=90)"),
    ("capaian_output", "--score 'capaian_output' is not KEY=VALUE (e.g. --score "
                       "capaian_output=90 or --score dispensasi=0.25)"),
    ("capaian_output=101", "--score capaian_output=101: '101' is not the Capaian Output score, "
                           "0 to 100 (write 90, 90.5 or 90,5)"),
    ("dispensasi=-1", "--score dispensasi=-1: '-1' is not the dispensasi SPM deduction, 0 to "
                      "100 (write 90, 90.5 or 90,5)"),
    ("capaian_output=nan", "--score capaian_output=nan: 'nan' is not the Capaian Output score, "
                           "0 to 100 (write 90, 90.5 or 90,5)"),
])
def test_a_bad_score_is_one_usage_line(run, score, message):
    usage(run, ["--as-of", "2025-06-30", "--score", score], message)


def test_a_score_given_twice(run):
    usage(run, ["--score", "capaian_output=90", "--score", "capaian_output=80"],
          "--score capaian_output is given twice; give it once")


def test_a_year_without_its_rule_set_uses_the_latest_earlier_one(run):
    r = ikpa(run, "--as-of", "2025-06-30")
    assert r["rules"] == {"name": "IKPA 2024 (PER-5/PB/2024), used for 2025: no rule set is "
                                  "shipped for 2025, so the latest earlier one applies",
                          "file": "ledger_data/ikpa_rules/2024.json"}
    assert ikpa(run, "--as-of", "2024-06-30")["rules"]["name"] == "IKPA 2024 (PER-5/PB/2024)"
    usage(run, ["--as-of", "2023-06-30"], "no IKPA rule set is shipped for 2023 or an earlier "
                                         "year; give one with --rules FILE")


def shipped_rules():
    from anggaran.names import shipped
    return json.loads(shipped("ikpa_rules/2024.json"))


def test_rules_from_a_file(run, tmp_path):
    """A budget whose January deviation is 8 %.

    {"kind": "pagu", "date": "2025-01-02", "code": "CQ.6639", "akun": "521211", "amount": 100000000, "ref": "DIPA-1"}
    {"kind": "rpd", "date": "2024-12-02", "month": "2025-01", "jenis": "52", "amount": 25000000, "ref": "DIPA-1"}
    {"kind": "sp2d", "date": "2025-01-20", "code": "CQ.6639", "akun": "521211", "amount": 27000000, "ref": "S1"}
    """
    load(run, tmp_path, test_rules_from_a_file)
    assert score(run, "deviasi", "--as-of", "2025-01-31") == 92.0  # 100 − 8
    rules = shipped_rules()
    rules.update(name="IKPA 2025 (uji)", year=2025)
    deviasi = rules["indicators"]["deviasi"]
    deviasi["tolerance_pct"] = {"value": 10, "source": "a test", "confirmed": True}
    for key in ("formula", "last_month"):
        deviasi[key]["confirmed"] = True
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    r = ikpa(run, "--as-of", "2025-01-31", "--rules", path)
    assert r["rules"] == {"name": "IKPA 2025 (uji)", "file": str(path)}
    d = r["by"]["deviasi"]
    assert (d["score"], d["unconfirmed"]) == (100.0, False)  # 8 % within a 10 % tolerance


def _set(path, value):
    def change(rules):
        node = rules
        for key in path[:-1]:
            node = node[key]
        if value is KeyError:
            del node[path[-1]]
        else:
            node[path[-1]] = value
    return change


@pytest.mark.parametrize("change, message", [
    (_set(["indicators", "deviasi", "tolerance_pct"], KeyError),
     "indicators.deviasi.tolerance_pct: is missing"),
    (_set(["indicators", "deviasi", "tolerance_pct", "value"], "5%"),
     'indicators.deviasi.tolerance_pct.value: must be a number from 0 to 100, not "5%"'),
    (_set(["indicators", "penyerapan", "targets", "52"], []),
     "indicators.penyerapan.targets.52: must be a list of 4 parameters (quarters 1 to 4)"),
    (_set(["indicators", "penyerapan", "targets", "52", 0, "value"], 0),
     "indicators.penyerapan.targets.52[0].value: must be a number above 0 to 100, not 0"),
    (_set(["indicators", "revisi", "weight", "confirmed"], "yes"),
     "indicators.revisi.weight.confirmed: must be true or false"),
    (_set(["indicators", "deviasi", "tolerence_pct"], {"value": 5}),
     "indicators.deviasi.tolerence_pct: is not a key here (expected name, weight, formula, "
     "tolerance_pct, last_month)"),
    (_set(["indicators", "revisi", "scores", "value"], [{"at_most": 1, "score": 110}]),
     'indicators.revisi.scores.value: must be a list of {"at_most": number, "score": number} '
     'with at_most rising and null on the last row only, not [{"at_most": 1, "score": 110}]'),
    (_set(["bands", "value"], [{"from": 95, "band": "sangat baik"}]),
     'bands.value: must be a list of {"from": number, "band": text}, from falling, the last '
     'from 0, not [{"from": 95, "band": "sangat baik"}]'),
    (_set(["year"], "2025"), "year: must be a whole number from 1900 to 2999"),
])
def test_a_rules_file_that_is_wrong_is_refused_naming_what(run, tmp_path, change, message):
    rules = shipped_rules()
    change(rules)
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    usage(run, ["--as-of", "2025-06-30", "--rules", path], f"rules file {path}: {message}", 1)


def test_a_rules_file_that_is_not_json_or_not_there(run, tmp_path):
    path = tmp_path / "rules.json"
    path.write_text("{\n  'name': 1}", encoding="utf-8")
    usage(run, ["--as-of", "2025-06-30", "--rules", path], f"rules file {path} is not JSON: "
          "line 2 column 3: Expecting property name enclosed in double quotes", 1)
    usage(run, ["--as-of", "2025-06-30", "--rules", tmp_path / "none.json"],
          f"cannot read the rules file {tmp_path / 'none.json'}: No such file or directory", 1)


# ------------------------------------------------------------------ the shipped ledger

def test_lumajang_2024_what_its_data_allows(run_lj):
    r = ikpa(run_lj, "--as-of", "2024-12-31")
    assert [k for k in r if k != "by"] == ["satker", "year", "as_of", "known_at", "rules",
                                           "indicators", "deduction", "total", "band"]
    assert list(r["indicators"][0]) == ["key", "name", "weight", "assessed", "score",
                                        "unconfirmed", "trace"]
    assessed = {i["key"]: (i["weight"], i["score"], i["unconfirmed"])
                for i in r["indicators"] if i["assessed"]}
    # Revisi: its one revise and one shift are POK revisions: 0 in each semester → 110,
    # at most 100. Penyerapan: Q1 100, Q2 99,86, Q3 70,36 (the hibah of July lifted the
    # 52 base), Q4 100: 92,56. Nothing else is in its data.
    assert assessed == {"revisi": (10, 100.0, True), "penyerapan": (20, 92.56, True)}
    # (10 × 100 + 20 × 92,555…) / 30 = 95,04
    assert (r["total"], r["band"], r["deduction"]) == (95.04, "sangat baik", 0.0)
    table = ok(run_lj("ikpa", "--as-of", "2024-12-31")).stdout
    assert "Penyerapan Anggaran              20   92,56*" in table
    assert "Belanja Kontraktual              10       -" in table
    assert "    no contract of 2024 registered by 2024-12-31: nothing to measure" in table
    assert "Nilai IKPA: 95,04 (sangat baik)" in table


def test_every_format(run_lj, tmp_path):
    args = ("ikpa", "--as-of", "2024-12-31", "--score", "capaian_output=90")
    lines = ok(run_lj(*args, "--format", "csv")).stdout.splitlines()
    assert lines[0] == "key,name,weight,assessed,score,unconfirmed,band,trace"
    assert lines[1].startswith('revisi,Revisi DIPA,10,true,100.00,true,,"semester I (2024-01-01')
    assert lines[-1] == "total,Nilai IKPA,,true,92.75,,baik,dispensasi deducted: 0.00"
    markdown = ok(run_lj(*args, "--format", "markdown")).stdout
    assert "| Revisi DIPA              |        10 | 100,00* |" in markdown
    assert ("- \\* rests on parameters the rule set marks unconfirmed: formula, scores, cap"
            in markdown)
    out = tmp_path / "ikpa.xlsx"
    ok(run_lj(*args, "--format", "xlsx", "--output", out))
    import openpyxl
    cells = [[c.value for c in row] for row in openpyxl.load_workbook(out)["IKPA"].iter_rows()]
    assert ["Revisi DIPA", 10, 100, "*"] in cells
    assert ["Nilai IKPA (baik)", None, 92.75, None] in cells
