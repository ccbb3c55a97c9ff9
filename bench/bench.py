#!/usr/bin/env python3
"""Benchmark of anggaran against hledger, ledger-cli, beancount and a raw SQLite floor.

    python bench/bench.py --sizes 10000,100000,1000000 --runs 3 --quick-runs 7 \
        --lines-curve 1000,3000,10000,30000 --out bench/RESULTS.md
    python bench/bench.py --smoke          # 10k events of both shapes, 1 run, cross-tool checks

Two data shapes, each at every size: standard (a satker, ~1,000 lines at 1M events) and
national (a ministry, ~10,000 lines under ~2,700 kegiatan, codes of three and four
segments, code-level and akun-level lines mixed).

Standard library only (plus the project, and the peers when they are installed). See
bench/README.md for what is measured and how to install the peers.

Every measured command runs as its own process; wall time is taken around the process
and peak RSS is the child's own ``ru_maxrss`` from ``os.wait4`` (exact per process, not
a high-water mark over all children). The Python API is measured in-process in a fresh
worker process (``bench.py --worker``) that times only the library call.
"""

import argparse
import bisect
import calendar
import datetime as dt
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
YEAR = 2024
AS_OF_DATES = ("2024-06-30", "2024-12-31")
SATKER, SATKER_NAME = "657757", "KPU KABUPATEN LUMAJANG"
FIELDS3 = ("ceiling", "locked", "realised")

# ---------------------------------------------------------------------------- data


AKUN_POOL = (
    "511111", "511119", "511121", "511122", "511123", "511124", "511125", "511126",
    "511129", "511151", "512211", "512411", "521111", "521113", "521114", "521115",
    "521119", "521211", "521213", "521219", "521252", "521253", "521811", "522111",
    "522112", "522113", "522141", "522151", "523111", "523121", "524111", "524113",
    "524114", "524119", "525112", "525113", "525119", "526111", "526112", "532111",
    "533111", "536111", "537112",
)
HOLIDAYS = {  # 2024 national holidays and cuti bersama that fall on weekdays
    "2024-01-01", "2024-02-08", "2024-02-09", "2024-02-14", "2024-03-11", "2024-03-12",
    "2024-03-29", "2024-04-08", "2024-04-09", "2024-04-10", "2024-04-11", "2024-04-12",
    "2024-04-15", "2024-05-01", "2024-05-09", "2024-05-10", "2024-05-23", "2024-05-24",
    "2024-06-17", "2024-06-18", "2024-07-08", "2024-08-15", "2024-08-16", "2024-09-16",
    "2024-11-27", "2024-12-25", "2024-12-26",
}


def working_days(year=YEAR):
    day, end, out = dt.date(year, 1, 2), dt.date(year, 12, 31), []
    while day <= end:
        if day.weekday() < 5 and day.isoformat() not in HOLIDAYS:
            out.append(day.isoformat())
        day += dt.timedelta(days=1)
    return out


SHAPES = ("standard", "national")
BENDAHARA_SHARE = 0.05  # of the events: the bendahara's UP and TUP traffic (issue 16)
GUP_MAX = 50_000_000    # the largest SP2D that the generator pays by GUP, GUP nihil or PTUP
CASH_KINDS = ("up", "tup", "up_return", "tup_return")  # besides the SP2Ds with a payment
# The plan (RPD, issue 17): the DIPA's plan for the twelve months of every jenis the lines
# use, dated with the pagu, and one mid-year revision that re-plans the months not yet
# ended (rule 11: the months before it are repeated unchanged).
DIPA_REF = "DIPA-076.01.2.657757/2024"
PLAN_REVISION = ("2024-04-16", "REV-DIPA-02/2024")  # the first working day from 10 April
# DIPA revisions (the IKPA's revisi): (date, ref, revision code, the kind of the events it
# takes over). Their events are existing shifts and revisions, re-dated to the revision's
# day under its ref (the other revisions are the KPA's own, POK: no `revision`). 2024's
# pagu-tetap codes count (two in semester I, three in II); 301 is not pagu tetap.
DIPA_REVISIONS = (
    ("2024-02-20", "REV-DIPA-01/2024", "211", "shift"),
    (PLAN_REVISION[0], PLAN_REVISION[1], "212", "shift"),
    ("2024-07-23", "REV-DIPA-03/2024", "301", "revise"),
    ("2024-08-20", "REV-DIPA-04/2024", "225", "shift"),
    ("2024-10-08", "REV-DIPA-05/2024", "239", "revise"),
    ("2024-11-12", "REV-DIPA-06/2024", "221", "shift"),
)
PAGU_TETAP_2024 = {"201", "211", "212", "213", "217", "220", "221", "222", "225", "226", "229",
                   "231", "236", "239"}  # CONTRACT.md "RPD and IKPA", revisi
BAST_SHARE = 0.8  # of the contract payments: those that carry a bast_date


def lines_for(n_events, shape="standard"):
    """Budget lines: standard about 1,000 at 1M events, fewer at smaller sizes (sqrt,
    20..1000); national ten times as many (10,000 at 1M, 200..10,000)."""
    if shape == "national":
        return max(200, min(10_000, round(10 * n_events ** 0.5)))
    return max(20, min(1000, round(n_events ** 0.5)))


def make_lines(rng, n_lines):
    """Budget lines (code, akun): codes like CQ.6639, WA.3355, a fifth of them deeper
    (CQ.6639.QMA.001), each code with 1..8 akun. Every code is akun-level."""
    programs = ("CQ",) * 6 + ("WA",) * 3 + ("DL",)
    lines, seen_codes = [], set()
    while len(lines) < n_lines:
        program = rng.choice(programs)
        code = f"{program}.{rng.randrange(1000, 10000)}"
        if rng.random() < 0.2:
            code += f".{rng.choice(('QMA', 'QDC', 'EBA', 'EBB', 'RAB'))}.{rng.randrange(1, 100):03d}"
        if code in seen_codes:
            continue
        seen_codes.add(code)
        k = min(n_lines - len(lines), rng.randint(1, 8))
        akuns = rng.sample(AKUN_POOL, k)
        lines.extend((code, a) for a in sorted(akuns))
    return lines


NATIONAL_PROGRAMS = ("AG", "AB", "AC", "AD", "AE", "BA", "BB", "CQ", "DL", "DM", "EA", "EB",
                     "FA", "GA", "HA", "KA", "QA", "RA", "WA", "WB")


def make_national_lines(rng, n_lines):
    """Budget lines of a ministry-sized DIPA: about four per kegiatan (~2,700 kegiatan at
    10,000 lines) under 20 programs, on 1-2 codes per kegiatan of three and four segments
    (AG.9529.242, AG.9529.242.654). A quarter of the codes are code-level (one line
    ``CODE/``, akun ""), the rest have 1..5 akun."""
    lines, seen = [], set()
    while len(lines) < n_lines:
        kegiatan = f"{rng.choice(NATIONAL_PROGRAMS)}.{rng.randrange(1000, 10000)}"
        if kegiatan in seen:
            continue
        seen.add(kegiatan)
        for _ in range(rng.randint(1, 2)):
            code = f"{kegiatan}.{rng.randrange(1, 1000):03d}"
            if rng.random() < 0.6:
                code += "." + (f"{rng.randrange(1, 1000):03d}" if rng.random() < 0.7
                               else rng.choice(("A", "QMA", "EBA", "Z1")))
            if code in seen or len(lines) >= n_lines:
                continue
            seen.add(code)
            akuns = [""] if rng.random() < 0.25 else sorted(rng.sample(AKUN_POOL, rng.randint(1, 5)))
            lines.extend((code, a) for a in akuns[:n_lines - len(lines)])
    return lines


def _amount(rng, mu, sigma, lo, hi):
    return int(min(hi, max(lo, rng.lognormvariate(mu, sigma))))


def generate(n_events, n_lines, seed, shape="standard", bendahara_share=BENDAHARA_SHARE):
    """N valid events (contract v2.0) over ``n_lines`` lines of the given shape
    (``make_lines`` or ``make_national_lines``), deterministic for a seed.

    Returns (events, info). Events are dicts with JSON-integer amounts, in date order
    (pagu first). Validity by construction: every line's pagu is its later reductions
    (cuts, negative revisions, shifts out) plus 1.05-1.45 times everything that can ever
    sit on it (all its SP2Ds, corrections in, locks, blokir, and the value and positive
    addenda of its contracts), plus 100 million, so rule 5 holds at every date whatever the
    order; each correction and refund uses its own, earlier-dated SP2D (never a contract
    payment) on the right line and takes at most half of it (rule 7); SP2D numbers are
    unique (rule 6); every event has a distinct ref, so none is a duplicate.

    Contracts: 1 % of the events are SP2Ds paying a contract, 2-10 per contract, each on
    its contract's line, dated on or after its registration and on or before its close;
    a contract is worth 1.0-1.25 times its payments; about 15 % get an addendum (a positive
    one while it is being paid, or a negative one of at most half its unpaid value after
    its last payment) and 40 % are closed on or after their last payment (or addendum).
    Blokir (0.2 %) on some lines, most opened again in part or whole (buka blokir) later.

    The bendahara (``bendahara_share`` of the events, 5 % by default; 0: none): an SP2D UP
    of 500 million on 2 January and a second of 250 million on July's first working day;
    GUPs, GUP nihil and PTUPs are existing SP2Ds of at most 50 million (``GUP_MAX``) given a
    ``payment`` (never one that a correction or refund names, never a contract payment), so
    the lines' exposure is what it was and rule 5 still holds on every line. A GUP leaves
    the UP outstanding as it was and every GUP is at most 50 million, dated before 31
    December: the UP outstanding at its date (at least 500 million until the December
    setoran) covers it (rule 7). In the last six working days, 1-5 SP2Ds become GUP nihil,
    and on 31 December a setoran UP returns the rest, bringing the UP outstanding to 0;
    it is never negative, since nothing but those lowers it. TUPs (about 15 % of the
    bendahara's events, all of them counted) spread over the year, each accounted for by
    1-8 PTUPs (SP2Ds dated on or after it, within three weeks, before its setoran) and
    worth 1.02-1.3 times their sum, the rest returned by a setoran TUP before it is due
    (55 %) or after (15 %); 20 % are accounted for exactly by their PTUPs and 10 % are left
    open, overdue once due. A TUP's outstanding is never negative: its PTUPs and setoran
    sum to at most its amount. SP2D UP and TUP numbers are unique beside the SP2Ds'.
    ``bendahara_book`` replays all of it and asserts rules 5-7 on the advances.

    The plan and the IKPA's inputs (issue 17; their own random stream, ``{seed}/rpd``;
    the plans take the place of as many SP2Ds): for every jenis the lines use (51, 52,
    53), 12 ``plan`` events dated 2 January (the DIPA's Halaman III, each month's
    realisation of that jenis in the generated year times 0.75-1.3) and 12 more on 16
    April (its revision: January to March repeated unchanged, as rule 11 requires, April
    to December re-planned at 0.92-1.08 times the realisation). Six DIPA revisions
    (``DIPA_REVISIONS``) each take over up to 25 of the shifts (or revisions), re-dated to
    the revision's day under its ref and ``revision`` code (never two with the same lines
    under one ref, so every key stays distinct); the rest stay POK. Re-dating a ceiling
    move keeps rule 5, since the pagu covers every reduction at any date. 80 % of contract
    payments carry a ``bast_date``, 0-12 working days before the SP2D (15 % of them 18-40,
    late for the IKPA's tagihan), never before the contract's registration.
    """
    rng = random.Random(seed)
    brng = random.Random(f"{seed}/bendahara")  # the bendahara's choices: their own stream
    prng = random.Random(f"{seed}/rpd")        # the plan, the bast dates: their own stream
    lines = (make_national_lines if shape == "national" else make_lines)(rng, n_lines)
    days = working_days()
    nd = len(days)
    # SP2D days: absorption accelerates through the year, December rush.
    day_w = []
    for d in days:
        m = int(d[5:7])
        day_w.append((1.0 + 3.0 * (m / 12) ** 2) * (2.0 if m == 12 else 1.0))
    day_cum = _cumulative(day_w)
    line_w = [rng.lognormvariate(0, 1) for _ in lines]
    line_cum = _cumulative(line_w)

    def pick_line():
        return rng.choices(range(n_lines), cum_weights=line_cum)[0]

    def other_line(i):
        j = rng.randrange(n_lines - 1)
        return j + 1 if j >= i else j

    def at(i, prefix=""):
        """The event fields naming line i (no akun for a code-level line)."""
        code, akun = lines[i]
        return {prefix + "code": code, prefix + "akun": akun} if akun else {prefix + "code": code}

    kegiatan = sorted({c.split(".")[0] for c, _ in lines} | {".".join(c.split(".")[:2]) for c, _ in lines})
    n_name = min(len(kegiatan), max(0, (n_events - n_lines) // 50))
    rest = n_events - n_lines - n_name
    if rest < 20:
        raise SystemExit(f"{n_events} events is too few for {n_lines} lines")
    n_rev = int(rest * 0.006)
    n_cut = int(rest * 0.003)
    n_grant = int(rest * 0.003)
    n_shift = int(rest * 0.006)
    n_lock = int(rest * 0.006)
    n_unlock = int(n_lock * 0.8)
    n_corr = int(rest * 0.008)
    n_refund = int(rest * 0.008)
    n_block = int(rest * 0.002)
    n_unblock = int(n_block * 0.6)
    # Contracts: the payment count of each (2-10), then their addenda and closes.
    n_pay = int(rest * 0.01)
    payment_counts = []
    while sum(payment_counts) < n_pay:
        payment_counts.append(min(rng.randint(2, 10), n_pay - sum(payment_counts)))
    plans = [(m, rng.random() < 0.15, rng.random() < 0.4) for m in payment_counts]
    n_contract_events = sum(1 + m + changed + closed for m, changed, closed in plans)
    # The bendahara: TUP plans (day, PTUPs, outcome) until the TUPs, their PTUPs and setoran
    # reach 15 % of the bendahara's events; the rest are GUPs and GUP nihil. Only the SP2D
    # UP, TUP and setoran are new events: the payments are SP2Ds converted below.
    n_bend = int(rest * bendahara_share)
    tup_plans = []
    if n_bend:
        n_tup_events = 0
        while n_tup_events < int(n_bend * 0.15):
            m = brng.randint(1, 8)
            outcome = brng.choices(("returned", "exact", "late", "open"), (55, 20, 15, 10))[0]
            tup_plans.append((brng.randrange(nd - 1), m, outcome))
            n_tup_events += 1 + m + (outcome in ("returned", "late"))
    n_cash_events = (2 + 1 + len(tup_plans) + sum(o in ("returned", "late") for *_, o in tup_plans)
                     if n_bend else 0)  # SP2D UP x2, setoran UP, TUPs, setoran TUP
    plan_jenis = sorted({a[:2] for _, a in lines if a})
    n_plan = 2 * 12 * len(plan_jenis)  # the DIPA's plan and its revision, every month
    n_sp2d = (rest - n_rev - n_cut - n_grant - n_shift - n_lock - n_unlock - n_corr - n_refund
              - n_block - n_unblock - n_contract_events - n_cash_events - n_plan)
    if n_sp2d < 20:
        raise SystemExit(f"{n_events} events is too few for {n_lines} lines and {n_plan} plans")

    ev = []  # (date, order, event)
    order = 0

    def add(date, event):
        nonlocal order
        order += 1
        ev.append((date, order, event))

    reduce_ = [0] * n_lines   # cuts, negative revisions, shifts out
    exposure = [0] * n_lines  # SP2Ds, corrections in, locks, blokir, contracts: the most
    #                           that can sit on a line

    pay_no = 0
    for k, (m, changed, closed) in enumerate(plans):
        i = pick_line()
        number = f"KTR-{k + 1:05d}/2024"
        start = rng.randrange(nd - 30)
        pay_days = sorted(rng.randint(start, nd - 1) for _ in range(m))
        amounts = [_amount(rng, 16.5, 1.2, 50_000, 1_000_000_000) for _ in range(m)]
        value = -(-int(sum(amounts) * rng.uniform(1.0, 1.25)) // 1000) * 1000
        exposure[i] += value
        add(days[start], {"kind": "contract", "date": days[start], **at(i), "amount": value,
                          "ref": number, "supplier": f"CV Penyedia {k % 97 + 1:02d}"})
        for di, amt in zip(pay_days, amounts):
            pay_no += 1
            sp2d = {"kind": "sp2d", "date": days[di], **at(i), "amount": amt,
                    "ref": f"2401224{pay_no:08d}", "contract": number}
            if prng.random() < BAST_SHARE:  # the BAST, on or before the SP2D, not before the contract
                lag = prng.randint(0, 12) if prng.random() < 0.85 else prng.randint(18, 40)
                sp2d["bast_date"] = days[max(start, di - lag)]
            add(days[di], sp2d)
        last = pay_days[-1]
        if changed:
            slack = value - sum(amounts)
            if rng.random() < 0.3 and slack >= 2:  # lower it after the last payment
                di, amt = rng.randint(last, nd - 1), -(slack // 2)
            else:  # raise it while it is being paid
                di, amt = rng.randint(start, last), _amount(rng, 15, 1.0, 100_000, 100_000_000)
                exposure[i] += amt
            last = max(last, di)
            add(days[di], {"kind": "contract_change", "date": days[di], "contract": number,
                           "amount": amt, "ref": f"ADD-{k + 1:05d}"})
        if closed:
            di = rng.randint(last, nd - 1)
            add(days[di], {"kind": "contract_close", "date": days[di], "contract": number,
                           "ref": f"BAST-{k + 1:05d}"})
    for k in range(n_block):
        i = pick_line()
        amt = _amount(rng, 18, 1.0, 1_000_000, 5_000_000_000)
        exposure[i] += amt
        di = rng.randrange(nd - 40)
        add(days[di], {"kind": "block", "date": days[di], **at(i), "amount": amt,
                       "ref": f"BLOKIR-24-{k + 1:05d}"})
        if k < n_unblock:
            ui = min(nd - 1, di + rng.randint(5, 60))
            add(days[ui], {"kind": "unblock", "date": days[ui], **at(i),
                           "amount": rng.choice((amt, rng.randint(1, amt))),
                           "ref": f"BUKA-24-{k + 1:05d}"})

    sp2ds = []  # (day index, line, amount, ref)
    for k in range(n_sp2d):
        di = rng.choices(range(nd), cum_weights=day_cum)[0]
        i = pick_line()
        amt = _amount(rng, 16.5, 1.4, 50_000, 2_500_000_000)
        ref = f"2401223{k + 1:08d}"
        sp2ds.append((di, i, amt, ref))
        exposure[i] += amt
    unused = list(range(n_sp2d))
    rng.shuffle(unused)
    for k in range(n_corr):
        di, i, amt, ref = sp2ds[unused.pop()]
        j = other_line(i)
        part = rng.randint(1, max(1, amt // 2))
        cdi = min(nd - 1, di + rng.randint(0, 20))
        exposure[j] += part
        add(days[cdi], {"kind": "correction", "date": days[cdi], **at(i, "from_"), **at(j),
                        "amount": part, "sp2d": ref, "ref": f"KOR-24-{k + 1:06d}"})
    for k in range(n_refund):
        di, i, amt, ref = sp2ds[unused.pop()]
        part = rng.randint(1, max(1, amt // 2))
        rdi = min(nd - 1, di + rng.randint(0, 30))
        add(days[rdi], {"kind": "refund", "date": days[rdi], **at(i), "amount": part, "sp2d": ref,
                        "ref": f"SSPB-24-{k + 1:06d}"})
    paid_by = (bendahara_traffic(brng, days, sp2ds, unused, tup_plans, n_bend, at, add)
               if n_bend else {})
    for k, (di, i, amt, ref) in enumerate(sp2ds):
        add(days[di], {"kind": "sp2d", "date": days[di], **at(i), "amount": amt, "ref": ref,
                       **paid_by.get(k, {})})
    for k in range(n_lock):
        i = pick_line()
        amt = _amount(rng, 18, 1.0, 1_000_000, 5_000_000_000)
        exposure[i] += amt
        di = rng.randrange(nd - 40)
        add(days[di], {"kind": "lock", "date": days[di], **at(i), "amount": amt,
                       "ref": f"LOCK-24-{k + 1:05d}"})
        if k < n_unlock:
            ui = min(nd - 1, di + rng.randint(5, 40))
            add(days[ui], {"kind": "unlock", "date": days[ui], **at(i), "amount": amt,
                           "ref": f"UNLOCK-24-{k + 1:05d}"})
    for k in range(n_cut):
        i, di = pick_line(), rng.randrange(nd)
        amt = _amount(rng, 17, 1.0, 1_000_000, 2_000_000_000)
        reduce_[i] += amt
        add(days[di], {"kind": "cut", "date": days[di], **at(i), "amount": amt,
                       "ref": f"S-{k + 1:05d}/AG/2024", "note": "penghematan"})
    dipa = DipaRevisions(n_rev, n_shift)
    for k in range(n_rev):
        i, di = pick_line(), rng.randrange(nd)
        amt = _amount(rng, 17.5, 1.0, 1_000_000, 5_000_000_000)
        if rng.random() < 0.4:
            reduce_[i] += amt
            amt = -amt
        e = {"kind": "revise", "date": days[di], **at(i), "amount": amt,
             "ref": f"REV-{k + 1:05d}/POK/2024"}
        dipa.take(k, e, lines[i])
        add(e["date"], e)
    for k in range(n_grant):
        i, di = pick_line(), rng.randrange(nd)
        amt = _amount(rng, 19, 1.0, 10_000_000, 20_000_000_000)
        add(days[di], {"kind": "grant", "date": days[di], **at(i), "amount": amt,
                       "ref": f"NPHD-{k + 1:05d}", "grantor": "PEMKAB LUMAJANG"})
    for k in range(n_shift):
        i = pick_line()
        j = other_line(i)
        di = rng.randrange(nd)
        amt = _amount(rng, 17, 1.0, 1_000_000, 2_000_000_000)
        reduce_[i] += amt
        e = {"kind": "shift", "date": days[di], **at(i, "from_"), **at(j), "amount": amt,
             "ref": f"GESER-{k + 1:05d}"}
        dipa.take(k, e, lines[i] + lines[j])
        add(e["date"], e)
    # The plan, from each month's realisation of each jenis (the plans move no line)
    realised = defaultdict(int)  # (month, jenis) -> net realisation
    for date, _o, e in ev:
        for code, akun, dc, dl, dr in sides(e):
            if dr and akun:
                realised[(date[:7], akun[:2])] += dr
    revised = []
    for j in plan_jenis:
        for m in range(1, 13):
            month = f"{YEAR}-{m:02d}"
            base = max(0, realised[(month, j)])
            planned = -(-int(base * prng.uniform(0.75, 1.3)) // 1_000_000) * 1_000_000
            head_plan = {"kind": "plan", "date": f"{YEAR}-01-02", "month": month, "jenis": j,
                         "amount": planned, "ref": DIPA_REF}
            dipa.plans.append(head_plan)
            if month_end_of(month) >= PLAN_REVISION[0]:  # not ended at the revision: re-planned
                planned = -(-int(base * prng.uniform(0.92, 1.08)) // 1_000_000) * 1_000_000
            revised.append({"kind": "plan", "date": PLAN_REVISION[0], "month": month, "jenis": j,
                            "amount": planned, "ref": PLAN_REVISION[1]})
    for e in revised:
        add(e["date"], e)
    head = []
    for i in range(n_lines):
        pagu = reduce_[i] + int(exposure[i] * rng.uniform(1.05, 1.45)) + 100_000_000
        pagu = -(-pagu // 1000) * 1000
        head.append({"kind": "pagu", "date": "2024-01-02", **at(i), "amount": pagu,
                     "ref": DIPA_REF})
    head += dipa.plans
    for code in kegiatan[:n_name]:
        head.append({"kind": "name", "date": "2024-01-02", "code": code,
                     "name": f"Kegiatan sintetis {code}"})
    ev.sort(key=lambda t: (t[0], t[1]))
    events = head + [e for _, _, e in ev]
    assert len(events) == n_events, (len(events), n_events)
    per_line = defaultdict(int)
    for e in events:
        for code, akun, *_ in sides(e):
            per_line[(code, akun)] += 1
    ranked = sorted(per_line.items(), key=lambda kv: (-kv[1], kv[0]))
    info = {
        "shape": shape, "lines": len(lines), "codes": len({c for c, _ in lines}),
        "programs": len({c.split(".")[0] for c, _ in lines}),
        "kegiatan": len({".".join(c.split(".")[:2]) for c, _ in lines}),
        "code_level_lines": sum(1 for _, a in lines if not a),
        "kinds": dict(sorted(_count(e["kind"] + (" " + e["payment"] if "payment" in e else "")
                                    for e in events).items())),
        "bendahara_events": sum(1 for e in events if e["kind"] in CASH_KINDS or "payment" in e),
        "contracts": len(plans), "contract_payments": n_pay,
        "heavy_line": list(ranked[0][0]), "heavy_line_events": ranked[0][1],
        "median_line": list(ranked[len(ranked) // 2][0]),
        "median_line_events": ranked[len(ranked) // 2][1],
        "plan_jenis": plan_jenis, "plans": n_plan,
        "dipa_revisions": {ref: n for ref, n in sorted(dipa.taken.items())},
        "bast_sp2ds": sum(1 for e in events if e.get("bast_date")),
    }
    return events, info


class DipaRevisions:
    """Which shifts and revisions of ``generate`` the DIPA revisions take over: the first
    ``per`` of each kind's events go to each revision of that kind in turn (re-dated, given
    its ref and code), unless that revision already holds an event of the same lines (the
    same key, rule 6), which then stays POK. ``plans``: the DIPA's plan events."""

    def __init__(self, n_rev, n_shift):
        self.per = {"revise": max(1, min(25, n_rev // 40)), "shift": max(1, min(25, n_shift // 40))}
        self.revs = {kind: [r for r in DIPA_REVISIONS if r[3] == kind] for kind in self.per}
        self.seen, self.taken, self.plans = set(), defaultdict(int), []

    def take(self, k, e, lines):
        kind = e["kind"]
        n, revs = k // self.per[kind], self.revs[kind]
        if n >= len(revs):
            return
        date, ref, code, _ = revs[n]
        if (ref, lines) in self.seen:
            return
        self.seen.add((ref, lines))
        self.taken[ref] += 1
        e.update(date=date, ref=ref, revision=code)


def month_end_of(month):
    y, m = int(month[:4]), int(month[5:7])
    return f"{month}-{calendar.monthrange(y, m)[1]:02d}"


def bendahara_traffic(rng, days, sp2ds, unused, tup_plans, n_bend, at, add):
    """The bendahara's events of ``generate`` (see its docstring): adds the SP2D UP, the
    TUPs and the setoran through ``add`` and returns ``{index into sp2ds: payment fields}``
    for the SP2Ds paid by GUP, GUP nihil or PTUP, drawn from ``unused`` (the SP2Ds that no
    correction or refund names) among those of at most ``GUP_MAX``."""
    nd = len(days)
    by_day = defaultdict(list)  # day index -> its convertible SP2Ds, in random order
    for k in unused:
        if sp2ds[k][2] <= GUP_MAX:
            by_day[sp2ds[k][0]].append(k)
    paid_by = {}

    def take(lo, hi):
        """One convertible SP2D dated between days lo and hi (inclusive), or None."""
        for _ in range(12):
            d = rng.randint(lo, hi)
            if by_day[d]:
                return by_day[d].pop()
        return None

    july = next(d for d, day in enumerate(days) if day >= f"{YEAR}-07-01")
    up_total = 0
    for n, (di, amt) in enumerate(((0, 500_000_000), (july, 250_000_000))):
        up_total += amt
        add(days[di], {"kind": "up", "date": days[di], "amount": amt, "ref": f"2401225{n + 1:08d}"})
    n_new = 3  # the two SP2D UP and the setoran UP
    for n, (t, m, outcome) in enumerate(tup_plans):
        ref = f"2401226{n + 1:08d}"
        due = bisect.bisect_right(days, add_month(days[t])) - 1  # its last working day by due
        end = min(nd - 1, t + 15, due if outcome == "returned" else nd - 1)
        picks = [k for k in (take(t, end) for _ in range(m)) if k is not None]
        spent = sum(sp2ds[k][2] for k in picks)
        if picks and outcome == "exact":
            amount = spent
        elif picks:
            amount = max(spent + 1000, -(-int(spent * rng.uniform(1.02, 1.3)) // 1000) * 1000)
        else:
            amount = -(-_amount(rng, 17, 0.8, 5_000_000, 200_000_000) // 1000) * 1000
        tup = {"kind": "tup", "date": days[t], "amount": amount, "ref": ref}
        if picks and n % 3:  # two in three name a line, for reference
            tup.update(at(sp2ds[picks[0]][1]))
        add(days[t], tup)
        n_new += 1
        for k in picks:
            paid_by[k] = {"payment": "ptup", "tup": ref}
        if outcome in ("returned", "late"):
            last = max((sp2ds[k][0] for k in picks), default=t)
            di = (rng.randint(last, due) if outcome == "returned"
                  else max(last, min(nd - 1, rng.randint(due + 1, due + 20))))
            add(days[di], {"kind": "tup_return", "date": days[di], "amount": amount - spent,
                           "tup": ref, "ref": f"NTPN-TUP-24-{n + 1:05d}"})
            n_new += 1
    # December: GUP nihil in the last six working days, the setoran UP of the rest on the last
    nihil = [k for k in (take(nd - 6, nd - 1) for _ in range(max(1, min(5, n_bend // 500))))
             if k is not None]
    for k in nihil:
        paid_by[k] = {"payment": "gup_nihil"}
    add(days[-1], {"kind": "up_return", "date": days[-1],
                   "amount": up_total - sum(sp2ds[k][2] for k in nihil), "ref": "NTPN-UP-24-00001"})
    # GUPs: the rest of the share, on any day before the setoran UP
    pool = [k for d in range(nd - 1) for k in by_day[d]]
    n_gup = max(0, n_bend - n_new - len(paid_by))
    for k in rng.sample(pool, min(n_gup, len(pool))):
        paid_by[k] = {"payment": "gup"}
    return paid_by


def add_month(date):
    """The same day of the next month, or that month's last day (a TUP's due date)."""
    y, m, d = map(int, date.split("-"))
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return dt.date(y, m, min(d, calendar.monthrange(y, m)[1])).isoformat()


def cash_kind(e):
    """What an event does to the bendahara's advances: ``up``, ``gup``, ``gup_nihil``,
    ``up_return``, ``tup``, ``ptup``, ``tup_return``, or None (an LS SP2D, a line event)."""
    if e["kind"] == "sp2d":
        return None if e.get("payment", "ls") == "ls" else e["payment"]
    return e["kind"] if e["kind"] in CASH_KINDS else None


def bendahara_book(events):
    """Replay the bendahara's advances day by day, asserting the rules on them: the UP
    outstanding (up − gup_nihil − up_return) and each TUP's (tup − ptup − tup_return) never
    negative at the end of a day, every GUP within the UP outstanding at the end of its
    date (rules 5, 7); a PTUP or setoran TUP names a TUP dated on or before it (rule 7);
    SP2D numbers unique across sp2d, up and tup (rule 6). Returns the events that move an
    advance, in date order, for ``expected_bendahara``."""
    numbers = set()
    for e in events:
        if e["kind"] in ("sp2d", "up", "tup"):
            if e["ref"] in numbers:
                raise AssertionError(f"generator repeats SP2D number {e['ref']}")
            numbers.add(e["ref"])
    moves = sorted((e for e in events if cash_kind(e)), key=lambda e: e["date"])
    tups = {e["ref"]: [e["date"], 0] for e in moves if e["kind"] == "tup"}  # date, outstanding
    up, i = 0, 0
    while i < len(moves):
        date, need, touched = moves[i]["date"], 0, set()
        while i < len(moves) and moves[i]["date"] == date:
            e, i = moves[i], i + 1
            kind, a = cash_kind(e), e["amount"]
            if kind == "up":
                up += a
            elif kind in ("gup_nihil", "up_return"):
                up -= a
            elif kind == "gup":
                need = max(need, a)
            else:
                ref = e["ref"] if kind == "tup" else e["tup"]
                t = tups.get(ref)
                if t is None or t[0] > date:
                    raise AssertionError(f"generator's {kind} {e['ref']} names no TUP dated by {date}")
                t[1] += a if kind == "tup" else -a
                touched.add(ref)
        if up < need or up < 0:
            raise AssertionError(f"generator broke the UP on {date}: outstanding {up}, GUP {need}")
        for ref in touched:
            if tups[ref][1] < 0:
                raise AssertionError(f"generator overdraws TUP {ref} on {date}")
    return moves


def expected_bendahara(moves, as_of):
    """The generator's own fold of the bendahara's book as of a date (from
    ``bendahara_book``), in the terms of ``bendahara_summary``."""
    out = dict.fromkeys(("advanced", "accounted", "returned", "gups", "gup_amount",
                         "gup_nihil_amount"), 0)
    out.update(last_advance=None, last_replenishment=None)
    tups = {}
    for e in moves:
        if e["date"] > as_of:
            break
        kind, a, date = cash_kind(e), e["amount"], e["date"]
        if kind == "up":
            out["advanced"] += a
            out["last_advance"] = date
        elif kind in ("gup", "gup_nihil"):
            out["accounted"] += a
            out["gups"] += 1
            out["gup_amount" if kind == "gup" else "gup_nihil_amount"] += a
            out["last_replenishment"] = date
        elif kind == "up_return":
            out["returned"] += a
        elif kind == "tup":
            tups[e["ref"]] = {"date": date, "amount": a, "ptup": 0, "returned": 0, "last": date}
        else:
            t = tups[e["tup"]]
            t["ptup" if kind == "ptup" else "returned"] += a
            t["last"] = date
    out["outstanding"] = out["advanced"] - out["gup_nihil_amount"] - out["returned"]
    out.update(tups=len(tups), tup_amount=0, tup_accounted=0, tup_returned=0, tup_outstanding=0,
               settled=0, overdue=0, days_late=0)
    day = dt.date.fromisoformat
    for t in tups.values():
        left, due = t["amount"] - t["ptup"] - t["returned"], add_month(t["date"])
        out["tup_amount"] += t["amount"]
        out["tup_accounted"] += t["ptup"]
        out["tup_returned"] += t["returned"]
        out["tup_outstanding"] += left
        if left == 0:
            out["settled"] += 1
            out["days_late"] += max(0, (day(t["last"]) - day(due)).days)
        else:
            out["overdue"] += as_of > due
            out["days_late"] += max(0, (day(as_of) - day(due)).days)
    since = out["last_replenishment"] or out["last_advance"]
    out["warnings"] = out["overdue"] + (out["outstanding"] > 0 and since is not None
                                        and add_month(since) < as_of)
    return out


def _half_up(x):
    """A Fraction percentage rounded half-up to 2 decimals, as text (None stays None)."""
    if x is None:
        return None
    import math
    from fractions import Fraction
    q = math.floor(Fraction(x) * 100 + Fraction(1, 2))
    sign, q = ("-", -q) if q < 0 else ("", q)
    return f"{sign}{q // 100}.{q % 100:02d}"


def expected_rpd(events, as_of):
    """The generator's own reading of ``anggaran rpd --as-of D`` (CONTRACT.md "RPD and
    IKPA"), from the events alone: per month of the year up to D and per jenis, the plan in
    force at the month's end (the latest plan by date, then file order, dated by the
    month's last day and D), the month's net realisation of the jenis, the deviation; the
    month's deviation weighted by each jenis' ceiling − blokir at the month's end (or D);
    the mean over the full months, January to at most November. Percentages as text,
    rounded half-up to 2 decimals (the IKPA's deviasi scores the average as printed).
    Returns ``{"months": {month: {"jenis": {j: [plan, realised, pct]}, "weighted": pct}},
    "average": pct}``."""
    from fractions import Fraction
    months = [f"{YEAR}-{m:02d}" for m in range(1, 13) if f"{YEAR}-{m:02d}-01" <= as_of]
    delta = defaultdict(lambda: [0, 0, 0])  # (month, jenis) -> ceiling, blocked, realised
    plans = defaultdict(list)               # (month, jenis) -> [(date, order, amount)]
    seen = defaultdict(set)                 # month -> jenis with a posting in or before it
    for n, e in enumerate(events):
        date, k = e["date"], e["kind"]
        if date > as_of or date[:4] != str(YEAR) and k != "plan":
            continue
        if k == "plan":
            if date <= as_of and e["month"][:4] == str(YEAR):
                plans[(e["month"], e["jenis"])].append((date, n, e["amount"]))
            continue
        moves = [(code, akun, dc, 0, dr) for code, akun, dc, dl, dr in sides(e)]
        if k in ("block", "unblock") and e.get("akun"):
            moves.append((e["code"], e["akun"], 0, e["amount"] if k == "block" else -e["amount"], 0))
        for _code, akun, dc, db, dr in moves:
            if akun:
                f = delta[(date[:7], akun[:2])]
                f[0] += dc
                f[1] += db
                f[2] += dr
                seen[date[:7]].add(akun[:2])
    out, weighted_all, cum, present = {}, [], defaultdict(lambda: [0, 0]), set()
    for month in months:
        day = min(month_end_of(month), as_of)
        present |= seen[month]
        jenis = present | {j for (m, j) in plans if m == month}
        rows, num, den = {}, Fraction(0), 0
        for j in sorted(jenis):
            c = cum[j]
            d = delta.get((month, j), (0, 0, 0))
            c[0] += d[0]
            c[1] += d[1]
            plan = max(((dd, o, a) for dd, o, a in plans.get((month, j), ()) if dd <= day),
                       default=(None, None, 0))[2]
            realised = d[2]
            dev = (Fraction(0 if realised == 0 else 100) if plan == 0
                   else min(Fraction(100), Fraction(100 * abs(realised - plan), plan)))
            base = c[0] - c[1]
            if base:
                num += dev * base
                den += base
            rows[j] = [plan, realised, _half_up(dev)]
        weighted = num / den if den else None
        if month_end_of(month) <= as_of and month[5:7] <= "11" and weighted is not None:
            weighted_all.append(weighted)
        out[month] = {"jenis": rows, "weighted": _half_up(weighted)}
    average = sum(weighted_all) / len(weighted_all) if weighted_all else None
    return {"months": out, "average": _half_up(average)}


def rpd_summary(doc):
    """``anggaran rpd --format json`` in the terms of ``expected_rpd`` (without the exact
    average), every percentage as text with 2 decimals."""
    def pct(v):
        return None if v is None else f"{v:.2f}"
    return {"months": {m["month"]: {"jenis": {r["jenis"]: [r["plan"], r["realised"],
                                                           pct(r["deviation_pct"])]
                                              for r in m["jenis"]},
                                    "weighted": pct(m["weighted_deviation_pct"])}
                       for m in doc["months"]},
            "average": pct(doc["average_deviation_pct"])}


def expected_ikpa(events, as_of, rpd_average):
    """What ``anggaran ikpa --as-of D --score capaian_output=90`` must show, from the events
    alone: which indicators the ledger can assess (revisi: a ceiling by D; deviasi: a plan
    and a full month; penyerapan: a quarter ended, on jenis 51-53 that have a target;
    kontraktual: a contract of 50 million or more registered by D, which distribusi then
    scores; tagihan: a contract SP2D with a bast_date by D; up_tup: UP advanced before the
    end of a month ended by D, or a TUP by D; capaian_output: given), revisi's count of
    distinct pagu-tetap refs per half-year begun by D and its score (2024's table: 0-1 →
    110, 2 → 100, 3 or more → 50; the mean, at most 100), deviasi's score (100 at or below
    5 %, else 100 − the average, both as rpd prints it: ``rpd_average``, text with 2
    decimals) and the number of SP2Ds tagihan judges."""
    from fractions import Fraction
    halves = [(f"{YEAR}-01-01", f"{YEAR}-06-30"), (f"{YEAR}-07-01", f"{YEAR}-12-31")]
    refs = [set() for _ in halves if _[0] <= as_of]
    ceiling = contract = bast = up = tup = False
    for e in events:
        date, k = e["date"], e["kind"]
        if date > as_of:
            continue
        ceiling |= k == "pagu"
        contract |= k == "contract" and e["amount"] >= 50_000_000
        bast += bool(k == "sp2d" and e.get("contract") and e.get("bast_date"))
        up |= k == "up" and month_end_of(date[:7]) < as_of
        tup |= k == "tup"
        if k in ("revise", "shift") and e.get("revision") in PAGU_TETAP_2024:
            for h, (start, end) in enumerate(halves[:len(refs)]):
                if start <= date <= end:
                    refs[h].add(e["ref"])
    counts = [len(r) for r in refs]
    scores = [Fraction(110 if c <= 1 else 100 if c == 2 else 50) for c in counts]
    revisi = min(Fraction(100), sum(scores) / len(scores)) if scores else None
    average = None if rpd_average is None else Fraction(rpd_average)  # "6.99" -> 699/100
    deviasi = (None if average is None else
               Fraction(100) if average <= 5 else max(Fraction(0), 100 - average))
    assessed = {"revisi": ceiling, "deviasi": deviasi is not None,
                "penyerapan": as_of >= f"{YEAR}-03-31", "kontraktual": contract,
                "tagihan": bast > 0, "up_tup": up or tup, "capaian_output": True,
                "dispensasi": False}
    return {"assessed": assessed, "revisi_counts": counts, "revisi": _half_up(revisi),
            "deviasi": _half_up(deviasi), "tagihan_sp2ds": bast, "capaian_output": "90.00"}


def ikpa_summary(doc):
    """``anggaran ikpa --format json`` in the terms of ``expected_ikpa``, and the total
    worked out again from the indicators' (rounded) scores and weights: ``(summary,
    problems)``, where problems lists what is inconsistent inside the output itself (a
    total outside 0..100 or not Σ weight × score / Σ weight within 0.01, a band that does
    not fit the total, a deduction without dispensasi)."""
    import re
    ind = {i["key"]: i for i in doc["indicators"]}
    out = {"assessed": {k: i["assessed"] for k, i in ind.items()}}
    counts = []
    for line in ind["revisi"]["trace"]:
        m = re.match(r"semester I+ \(.*?\): (\d+) pagu-tetap", line)
        if m:
            counts.append(int(m.group(1)))
    out["revisi_counts"] = counts
    for key in ("revisi", "deviasi", "capaian_output"):
        s = ind[key]["score"]
        out[key] = None if s is None else f"{s:.2f}"
    judged = [re.match(r"(\d+) of (\d+) paid within", line) for line in ind["tagihan"]["trace"]]
    judged = [m for m in judged if m]
    out["tagihan_sp2ds"] = int(judged[-1].group(2)) if judged else 0
    problems = []
    weighted = [i for i in doc["indicators"] if i["assessed"] and i["weight"] is not None]
    total = doc["total"]
    if weighted:
        again = (sum(i["weight"] * i["score"] for i in weighted) / sum(i["weight"] for i in weighted)
                 - doc["deduction"])
        if total is None or not 0 <= total <= 100 or abs(total - max(0, again)) > 0.01:
            problems.append(f"total {total} is not in 0..100 or not the weighted mean of the "
                            f"scores ({again:.4f})")
        band = ("sangat baik" if total >= 95 else "baik" if total >= 89 else
                "cukup" if total >= 70 else "kurang") if total is not None else None
        if doc["band"] != band:
            problems.append(f"band {doc['band']!r} does not fit the total {total} ({band!r})")
    if doc["deduction"] != 0:
        problems.append(f"deduction {doc['deduction']} without --score dispensasi")
    out["total"], out["band"] = total, doc["band"]
    return out, problems


def bendahara_summary(book):
    """``anggaran bendahara --format json`` in the terms of ``expected_bendahara``."""
    up, tups = book["up"], book["tup"]
    out = {f: up[f] for f in ("advanced", "accounted", "returned", "outstanding",
                              "last_advance", "last_replenishment")}
    out.update({f: sum(m[g] for m in up["by_month"]) for f, g in
                (("gups", "gup_count"), ("gup_amount", "gup_amount"),
                 ("gup_nihil_amount", "gup_nihil_amount"))})
    out.update(tups=len(tups), tup_amount=sum(t["amount"] for t in tups),
               tup_accounted=sum(t["accounted"] for t in tups),
               tup_returned=sum(t["returned"] for t in tups),
               tup_outstanding=sum(t["outstanding"] for t in tups),
               settled=sum(t["status"] == "settled" for t in tups),
               overdue=sum(t["status"] == "overdue" for t in tups),
               days_late=sum(t["days_late"] for t in tups), warnings=len(book["warnings"]))
    return out


def _cumulative(weights):
    out, s = [], 0.0
    for w in weights:
        s += w
        out.append(s)
    return out


def _count(items):
    c = defaultdict(int)
    for x in items:
        c[x] += 1
    return c


_MOVES_C_L_R = ("pagu", "grant", "revise", "cut", "carry_over", "shift", "lock", "unlock", "sp2d",
                "refund", "correction")


def sides(e):
    """(code, akun, d_ceiling, d_locked, d_realised) per line the event moves (akun ""
    for a code-level line: the generator never names an akun on one)."""
    k, a = e["kind"], e.get("amount")
    if k not in _MOVES_C_L_R:  # name, blokir and the contract kinds: none of the three
        return []
    line = (e["code"], e.get("akun", ""))
    if k in ("pagu", "grant", "revise"):
        return [(*line, a, 0, 0)]
    if k in ("cut", "carry_over"):
        return [(*line, -a, 0, 0)]
    if k == "shift":
        return [(e["from_code"], e.get("from_akun", ""), -a, 0, 0), (*line, a, 0, 0)]
    if k == "lock":
        return [(*line, 0, a, 0)]
    if k == "unlock":
        return [(*line, 0, -a, 0)]
    if k == "sp2d":
        return [(*line, 0, 0, a)]
    if k == "refund":
        return [(*line, 0, 0, -a)]
    if k == "correction":
        return [(e["from_code"], e.get("from_akun", ""), 0, 0, -a), (*line, 0, 0, a)]
    return []


def expected_lines(events, as_of):
    """The generator's own fold: line -> [ceiling, locked, realised] as of a date (rule 5
    at every date, with blokir and contracts: ``funds``)."""
    out = defaultdict(lambda: [0, 0, 0])
    for e in events:
        if e["date"] <= as_of:
            for code, akun, dc, dl, dr in sides(e):
                f = out[f"{code}/{akun}"]
                f[0] += dc
                f[1] += dl
                f[2] += dr
    return dict(out)


def funds(events):
    """Fold the events day by day with blocked and committed beside ceiling, locked and
    realised, per line, checking rule 5 (realised + locked + blocked + committed <=
    ceiling, nothing negative, no contract paid beyond its value) at the end of every day;
    return ``{date: (blocked, committed)}``, the satker's totals at the end of each day on
    which an event is dated."""
    per = defaultdict(lambda: [0, 0, 0, 0, 0])  # ceiling, locked, realised, blocked, committed
    contracts = {}  # number -> [line, value, paid, open]
    by_date = defaultdict(list)
    for e in events:
        by_date[e["date"]].append(e)
    blocked = committed = 0
    totals = {}
    for date in sorted(by_date):
        touched = set()
        for e in by_date[date]:
            k = e["kind"]
            for code, akun, dc, dl, dr in sides(e):
                f = per[(code, akun)]
                f[0] += dc
                f[1] += dl
                f[2] += dr
                touched.add((code, akun))
            line = (e.get("code"), e.get("akun", ""))
            if k in ("block", "unblock"):
                d = e["amount"] if k == "block" else -e["amount"]
                per[line][3] += d
                blocked += d
                touched.add(line)
                continue
            number = e["ref"] if k == "contract" else e.get("contract")
            if number is None:
                continue
            if k == "contract":
                contracts[number] = c = [line, 0, 0, True]
                d = e["amount"]
                c[1] += d
            else:
                c = contracts[number]
                if k == "contract_change":
                    c[1] += e["amount"]
                    d = e["amount"] if c[3] else 0
                elif k == "sp2d":
                    c[2] += e["amount"]
                    d = -e["amount"] if c[3] else 0
                else:  # contract_close: what is unpaid is released
                    d, c[3] = -(c[1] - c[2]), False
                if c[2] > c[1]:
                    raise AssertionError(f"generator pays contract {number} beyond its value on {date}")
            per[c[0]][4] += d
            committed += d
            touched.add(c[0])
        for line in touched:
            c, l, r, b, k = per[line]
            if min(c, l, r, b, k) < 0 or r + l + b + k > c:
                raise AssertionError(f"generator broke rule 5 on {line} on {date}: {per[line]}")
        totals[date] = (blocked, committed)
    return totals


def expected_funds(daily, as_of):
    """``{"blocked", "committed"}`` of the whole satker as of a date, from ``funds``."""
    days = [d for d in daily if d <= as_of]
    b, k = daily[max(days)] if days else (0, 0)
    return {"blocked": b, "committed": k}


def totals_of(per_line):
    t = [0, 0, 0]
    for f in per_line.values():
        for i in range(3):
            t[i] += f[i]
    return dict(zip(FIELDS3, t))


# ------------------------------------------------------------------------ writers


def write_jsonl(events, path):
    with open(path, "w", encoding="utf-8") as f:
        for e in events:
            f.write(json.dumps(e, ensure_ascii=False, separators=(",", ":")))
            f.write("\n")


def _postings(e):
    """Ledger-style postings of one event: (account kind, code, akun, amount, contra)."""
    out = []
    for code, akun, dc, dl, dr in sides(e):
        if dc:
            out.append(("Ceiling", code, akun, dc))
        if dl:
            out.append(("Locked", code, akun, dl))
        if dr:
            out.append(("Realised", code, akun, dr))
    return out


NO_AKUN = "Kode"  # the akun component of a code-level line's peer accounts

CONTRA = {"Ceiling": "Source:Dipa", "Locked": "Source:LockOffset", "Realised": "Source:Kppn"}
BEAN_ROOT = {"Ceiling": "Assets:Ceiling", "Locked": "Assets:Locked", "Realised": "Expenses:Realised"}
BEAN_CONTRA = {"Ceiling": "Equity:Dipa", "Locked": "Equity:LockOffset", "Realised": "Liabilities:Kppn"}


def write_ledger_journal(events, path):
    """One transaction per money event, for hledger and ledger-cli (same file).
    Line (code, akun) -> accounts Budget:{Ceiling,Locked,Realised}:CODE:AKUN."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("; anggaran benchmark ledger, generated by bench/bench.py\n\n")
        for e in events:
            posts = _postings(e)
            if not posts:
                continue
            desc = e["kind"] + (" " + e["ref"] if e.get("ref") else "")
            lines = [f"{e['date']} {desc}"]
            net = defaultdict(int)
            for acct, code, akun, amt in posts:
                lines.append(f"    Budget:{acct}:{code}:{akun or NO_AKUN}  IDR {amt}")
                net[acct] += amt
            for acct, amt in net.items():
                if amt:
                    lines.append(f"    {CONTRA[acct]}  IDR {-amt}")
            f.write("\n".join(lines) + "\n\n")


def bean_account(acct, code, akun):
    return f"{BEAN_ROOT[acct]}:{code.replace('.', '-')}:{akun or NO_AKUN}"


def write_beancount(events, path):
    accounts = set()
    for e in events:
        for acct, code, akun, _ in _postings(e):
            accounts.add(bean_account(acct, code, akun))
    with open(path, "w", encoding="utf-8") as f:
        f.write('option "title" "anggaran benchmark"\noption "operating_currency" "IDR"\n\n')
        for a in sorted(accounts) + sorted(BEAN_CONTRA.values()):
            f.write(f"2024-01-01 open {a} IDR\n")
        f.write("\n")
        for e in events:
            posts = _postings(e)
            if not posts:
                continue
            desc = e["kind"] + (" " + e["ref"] if e.get("ref") else "")
            lines = [f'{e["date"]} * "{desc}"']
            net = defaultdict(int)
            for acct, code, akun, amt in posts:
                lines.append(f"  {bean_account(acct, code, akun)}  {amt} IDR")
                net[acct] += amt
            for acct, amt in net.items():
                if amt:
                    lines.append(f"  {BEAN_CONTRA[acct]}  {-amt} IDR")
            f.write("\n".join(lines) + "\n\n")


def build_floor(events, path):
    """The raw-SQLite floor: signed postings in one bare table (no index)."""
    if os.path.exists(path):
        os.remove(path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE postings (date TEXT, code TEXT, akun TEXT, "
                 "ceiling INTEGER, locked INTEGER, realised INTEGER)")
    conn.executemany("INSERT INTO postings VALUES (?, ?, ?, ?, ?, ?)",
                     ((e["date"], *s) for e in events for s in sides(e)))
    conn.commit()
    conn.execute("VACUUM")
    conn.close()


# -------------------------------------------------------------------- processes


RUN_CWD = None  # set by main() to the work dir


class Proc:
    def __init__(self, rc, wall, rss_kb, user, sys_, out, err):
        self.rc, self.wall, self.rss_mb = rc, wall, rss_kb / 1024
        self.user, self.sys, self.out, self.err = user, sys_, out, err


# Peak RSS needs care: Linux folds the RSS of the process that forked a child into the
# child's ru_maxrss (the pre-exec memory counts), so a child forked straight from this
# script (which holds a million events) would report this script's size. Every measured
# command is therefore forked by a tiny launcher (python -S, ~8 MB) that times it and
# reads its own wait4 rusage: exact for any command bigger than the launcher.
LAUNCHER = r"""
import json, os, signal, sys, time
out, timeout, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
if timeout > 0:
    signal.signal(signal.SIGALRM, lambda *a: os.kill(pid, signal.SIGKILL))
    signal.setitimer(signal.ITIMER_REAL, timeout)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
with open(out, "w") as f:
    json.dump({"rc": os.waitstatus_to_exitcode(status), "wall": wall, "rss_kb": ru.ru_maxrss,
               "user": ru.ru_utime, "sys": ru.ru_stime}, f)
"""


def run(cmd, timeout=None, env=None, cwd=None):
    """Run one process through the launcher: its wall time and its own peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".json") as meta:
        # cwd: the work dir, never the project root (where `python -c` would import the
        # working tree's anggaran/ ahead of the snapshot)
        p = subprocess.run([sys.executable, "-S", "-c", LAUNCHER, meta.name, str(timeout or 0),
                            *cmd], stdout=out, stderr=err, env=env, cwd=cwd or RUN_CWD)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        try:
            m = json.loads(open(meta.name).read())
        except ValueError:
            return Proc(p.returncode or 1, 0.0, 0, 0.0, 0.0, stdout, stderr + " (launcher failed)")
        return Proc(m["rc"], m["wall"], m["rss_kb"], m["user"], m["sys"], stdout, stderr)


class Bench:
    def __init__(self, args):
        self.args = args
        self.py = args.python
        self.ang = args.anggaran
        self.work = Path(args.work).resolve()
        self.work.mkdir(parents=True, exist_ok=True)
        self.samples = defaultdict(list)   # (size label, measurement) -> [Proc-like dicts]
        self.notes = []
        self.failures = []
        self.info = {}
        self.tools = detect_tools(self.py) if args.peers else {}
        self.record_counter = 0
        self.expected_plan = {}  # label -> {as-of date: (expected_rpd, expected_ikpa)}

    def log(self, msg):
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)

    def sample(self, size, name, proc=None, **extra):
        rec = {}
        if proc is not None:
            rec.update(wall=proc.wall, rss_mb=proc.rss_mb, cpu=proc.user + proc.sys)
        rec.update(extra)
        self.samples[(size, name)].append(rec)
        return rec

    def must(self, proc, what):
        if proc.rc != 0:
            msg = f"{what} failed (exit {proc.rc}): {proc.err.strip()[-800:]}"
            self.failures.append(msg)
            raise SystemExit("FAIL: " + msg)
        return proc

    def worker(self, spec, timeout=None, env=None):
        return run([self.py, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
                   timeout=timeout, env=env)

    def cli(self, db, *argv, timeout=None):
        return run([self.ang, "--db", str(db), *argv], timeout=timeout)

    # ------------------------------------------------------------- one size

    def prepare(self, n, n_lines, label, shape, imports=None):
        """Generate the events of one size, write the JSONL and import it (``--runs``
        times through the CLI, a fresh ledger each run; the last one stays). Returns
        (events, info, stem, ledger, the generator's line figures per as-of date)."""
        a = self.args
        self.log(f"== {label}: {n:,} events, {n_lines} lines ({shape}): generating")
        t0 = time.perf_counter()
        events, info = generate(n, n_lines, a.seed, shape, a.bendahara_share)
        stem = self.work / f"events_{shape}_{n}_{n_lines}"
        jsonl = stem.with_suffix(".jsonl")
        write_jsonl(events, jsonl)
        info["generate_s"] = round(time.perf_counter() - t0, 1)
        info.update(events=n, jsonl=str(jsonl), jsonl_mb=round(jsonl.stat().st_size / 2**20, 1))
        self.info[label] = info
        expect = {d: expected_lines(events, d) for d in AS_OF_DATES}
        info["expected"] = {d: totals_of(expect[d]) for d in AS_OF_DATES}
        daily = funds(events)  # and rule 5 with blokir and contracts, at every date
        info["expected_funds"] = {d: expected_funds(daily, d) for d in AS_OF_DATES}
        book = bendahara_book(events)  # and rules 5-7 on the advances, at every date
        info["expected_bendahara"] = {d: expected_bendahara(book, d) for d in AS_OF_DATES}
        del book
        plan = {d: expected_rpd(events, d) for d in AS_OF_DATES}  # the plan and the IKPA
        self.expected_plan[label] = {d: (plan[d], expected_ikpa(events, d, plan[d]["average"]))
                                     for d in AS_OF_DATES}
        info["expected_rpd_average"] = {d: plan[d]["average"] for d in AS_OF_DATES}
        self.log(f"   kinds {info['kinds']}; heavy line {'/'.join(info['heavy_line'])} "
                 f"({info['heavy_line_events']} events); {info['kegiatan']} kegiatan")
        db = self.work / f"ledger_{shape}_{n}_{n_lines}.db"
        for r in range(imports or a.runs):
            _rm_db(db)
            self.must(self.cli(db, "init", "--satker", SATKER, "--name", SATKER_NAME), "init")
            p = self.must(self.cli(db, "import", str(jsonl)), f"anggaran import ({label})")
            self.sample(label, "cli import", p, rate=n / p.wall)
            self.log(f"   cli import run {r + 1}: {p.wall:.2f} s ({n / p.wall:,.0f} ev/s), "
                     f"{p.rss_mb:.0f} MB")
        info["db_mb"] = round(db.stat().st_size / 2**20, 1)
        count_daily(self, label, db)
        return events, info, stem, db, expect

    def reports(self, label, db, plan, expect):
        """Time ``report --by BY --as-of D`` through the CLI for each (BY, D) of the plan,
        check its total row against the generator and every line of ``--by akun``.
        Returns {D: the line figures of --by akun}."""
        quick = max(self.args.runs, self.args.quick_runs or 0)
        by_akun = {}
        for by, d in plan:
            name = f"cli report {d}" if by == "kegiatan" else f"cli report --by {by} {d}"
            for r in range(quick):
                p = self.must(self.cli(db, "report", "--as-of", d, "--by", by, "--format", "json"),
                              f"report --by {by}")
                self.sample(label, name, p)
            rows = json.loads(p.out)["rows"]
            self.log(f"   {name} ({len(rows):,} rows): {self._med(label, name):.3f} s")
            self.check_totals(label, f"anggaran report --by {by} (cli)", d, rows,
                              self.info[label]["expected"])
            if by == "akun":
                by_akun[d] = {r["code"]: [r[f] for f in FIELDS3] for r in rows if r["level"] == "akun"}
                self.compare_lines(label, "anggaran report --by akun", d, by_akun[d], expect[d])
        return by_akun

    def api_report(self, label, db, d, by="kegiatan"):
        """Time the report call in fresh worker processes; check and return its total row."""
        quick = max(self.args.runs, self.args.quick_runs or 0)
        name = f"api report {d}" if by == "kegiatan" else f"api report --by {by} {d}"
        for r in range(quick):
            p = self.must(self.worker({"op": "report", "db": str(db), "as_of": d, "by": by}),
                          f"API report --by {by}")
            res = json.loads(p.out)
            self.sample(label, name, p, call=res["call_s"], open=res["open_s"])
        self.check_totals(label, f"anggaran report --by {by} (api)", d,
                          [dict(res["total"], level="total")], self.info[label]["expected"])

    def other_reads(self, label, db, stem):
        """absorption, reconcile (against the ledger's own report --by akun as the
        statement: no differences) and the two exports, through the CLI."""
        a = self.args
        quick = max(a.runs, a.quick_runs or 0)
        end = AS_OF_DATES[-1]
        statement = stem.with_suffix(".statement.csv")
        statement.write_text(self.must(self.cli(db, "report", "--as-of", end, "--by", "akun",
                                                "--format", "csv"), "report csv").out, "utf-8")
        fdp, journal = stem.with_suffix(".fdp"), stem.with_suffix(".export.hledger")
        plan = [("cli absorption", quick, ["absorption", "--year", "2024", "--format", "json"]),
                ("cli reconcile", quick, ["reconcile", str(statement), "--as-of", end, "--format", "json"]),
                ("cli export fiscal-data-package", a.runs,
                 ["export", "--to", "fiscal-data-package", str(fdp), "--as-of", end]),
                ("cli export hledger", a.runs, ["export", "--to", "hledger", str(journal)])]
        for name, n_runs, argv in plan:
            for r in range(n_runs):
                shutil.rmtree(fdp, ignore_errors=True)
                if journal.exists():
                    journal.unlink()
                p = self.must(self.cli(db, *argv), name)
                self.sample(label, name, p)
            self.log(f"   {name}: {self._med(label, name):.3f} s, {self._max(label, name, 'rss_mb'):.0f} MB")
        shutil.rmtree(fdp, ignore_errors=True)
        for f in (journal, statement):
            f.unlink()

    def funds_reads(self, label, db):
        """``report --view funds`` and ``contracts`` as of 31 December through the CLI,
        checked against the generator: the total's blocked and committed, the number of
        contracts and payments, and the outstanding of the open contracts summing to what
        is committed. A command this version does not have (or that fails) is skipped with
        a note, not counted as a mismatch."""
        quick = max(self.args.runs, self.args.quick_runs or 0)
        end = AS_OF_DATES[-1]
        info = self.info[label]
        plan = [("cli report --view funds", ["report", "--view", "funds", "--as-of", end,
                                             "--format", "json"]),
                ("cli contracts", ["contracts", "--as-of", end, "--format", "json"])]
        for name, argv in plan:
            p = self.cli(db, *argv)
            if p.rc != 0:
                why = ((p.err or p.out).strip().splitlines() or ["no output"])[-1][:160]
                note = f"`{name[4:]}` not measured: the command failed with exit {p.rc} ({why})"
                if note not in self.notes:
                    self.notes.append(note)
                self.log(f"   {note}")
                continue
            self.sample(label, name, p)
            for r in range(quick - 1):
                p = self.must(self.cli(db, *argv), name)
                self.sample(label, name, p)
            out = json.loads(p.out)
            want = info["expected_funds"][end]
            if name == "cli contracts":
                rows = out["contracts"]
                got = {"contracts": len(rows), "payments": sum(c["payments"] for c in rows),
                       "committed": sum(c["outstanding"] for c in rows if c["status"] == "open")}
                want = {"contracts": info["contracts"], "payments": info["contract_payments"],
                        "committed": want["committed"]}
            else:
                self.check_totals(label, "anggaran report --view funds (cli)", end, out["rows"],
                                  info["expected"])
                got = {f: out["rows"][0][f] for f in ("blocked", "committed")}
            if got != want:
                self.fail(f"{label} {end}: anggaran {name[4:]} {got} != generator {want}")
            self.log(f"   {name[4:]}: {self._med(label, name):.3f} s, "
                     f"{self._max(label, name, 'rss_mb'):.0f} MB")

    def bendahara_reads(self, label, db):
        """``bendahara --as-of D --format json`` through the CLI at both dates, checked
        against the generator's fold of the advances (``expected_bendahara``): the UP's
        advanced, accounted, returned, outstanding, last advance and replenishment, the
        GUPs by month summed; the number of TUPs, their amounts, accounted, returned and
        outstanding summed, how many are settled and overdue, their days late summed; the
        number of warnings. A version without the command gets a note, not a mismatch."""
        quick = max(self.args.runs, self.args.quick_runs or 0)
        info = self.info[label]
        for d in AS_OF_DATES:
            name = f"cli bendahara {d}"
            argv = ["bendahara", "--as-of", d, "--format", "json"]
            p = self.cli(db, *argv)
            if p.rc != 0:
                why = ((p.err or p.out).strip().splitlines() or ["no output"])[-1][:160]
                note = f"`bendahara` not measured: the command failed with exit {p.rc} ({why})"
                if note not in self.notes:
                    self.notes.append(note)
                self.log(f"   {note}")
                return
            self.sample(label, name, p)
            for r in range(quick - 1):
                p = self.must(self.cli(db, *argv), name)
                self.sample(label, name, p)
            got, want = bendahara_summary(json.loads(p.out)), info["expected_bendahara"][d]
            if got != want:
                diff = {k: (got.get(k), want.get(k)) for k in sorted(set(got) | set(want))
                        if got.get(k) != want.get(k)}
                self.fail(f"{label} {d}: anggaran bendahara differs from the generator "
                          f"(anggaran, generator): {diff}")
            else:
                self.sample(label, f"check anggaran bendahara {d}", ok=True, totals=got)
            self.log(f"   bendahara {d} ({want['tups']} TUPs, {want['overdue']} overdue, UP "
                     f"outstanding {want['outstanding']:,}): {self._med(label, name):.3f} s, "
                     f"{self._max(label, name, 'rss_mb'):.0f} MB")

    def plan_reads(self, label, db):
        """``rpd --as-of D --format json`` and ``ikpa --as-of D --format json --score
        capaian_output=90`` through the CLI at both dates (issue 17), checked against the
        generator: rpd's plan, realised and deviation per month and jenis, each month's
        weighted deviation and the average equal ``expected_rpd``; ikpa assesses every
        indicator the ledger can assess (and not dispensasi), revisi's count of pagu-tetap
        refs per half-year, revisi's and deviasi's scores, tagihan's number of SP2Ds and
        capaian_output equal ``expected_ikpa``, and the total is in 0..100, the weighted mean
        of the scores, with the band that fits it. A version without either command gets a
        note, not a mismatch."""
        quick = max(self.args.runs, self.args.quick_runs or 0)
        info = self.info[label]
        for d in AS_OF_DATES:
            want_rpd, want_ikpa = self.expected_plan[label][d]
            for cmd, argv in (("rpd", ["rpd", "--as-of", d, "--format", "json"]),
                              ("ikpa", ["ikpa", "--as-of", d, "--format", "json", "--score",
                                        "capaian_output=90"])):
                name = f"cli {cmd} {d}"
                p = self.cli(db, *argv)
                if p.rc != 0:
                    why = ((p.err or p.out).strip().splitlines() or ["no output"])[-1][:160]
                    note = f"`{cmd}` not measured: the command failed with exit {p.rc} ({why})"
                    if note not in self.notes:
                        self.notes.append(note)
                    self.log(f"   {note}")
                    continue
                self.sample(label, name, p)
                for r in range(quick - 1):
                    p = self.must(self.cli(db, *argv), name)
                    self.sample(label, name, p)
                doc = json.loads(p.out)
                if cmd == "rpd":
                    got = rpd_summary(doc)
                    want = want_rpd
                    problems = []
                    what = f"average deviation {want['average']} %"
                else:
                    got, problems = ikpa_summary(doc)
                    want = dict(want_ikpa, total=got["total"], band=got["band"])
                    what = (f"total {got['total']} ({got['band']}), revisi {got['revisi_counts']} "
                            f"→ {got['revisi']}, deviasi {got['deviasi']}, tagihan on "
                            f"{got['tagihan_sp2ds']} SP2Ds")
                    info.setdefault("ikpa", {})[d] = {
                        "total": got["total"], "band": got["band"],
                        "scores": {i["key"]: i["score"] for i in doc["indicators"]}}
                if got != want or problems:
                    diff = _diff(got, want)
                    self.fail(f"{label} {d}: anggaran {cmd} differs from the generator "
                              f"(anggaran, generator): {diff[:8]}{'; ' if problems else ''}"
                              + "; ".join(problems))
                else:
                    self.sample(label, f"check anggaran {cmd} {d}", ok=True, summary=what)
                self.log(f"   {cmd} {d} ({what}): {self._med(label, name):.3f} s, "
                         f"{self._max(label, name, 'rss_mb'):.0f} MB")

    def lines_point(self, n, n_lines):
        """One point of the lines curve (national shape): report --by akun through the CLI
        and the API call, against the raw GROUP BY per line, on one fresh ledger."""
        label = f"{human(n)} national, {human(n_lines)} lines"
        events, info, stem, db, expect = self.prepare(n, n_lines, label, "national", imports=1)
        info["curve"] = "lines"
        by_akun = self.reports(label, db, [("akun", d) for d in AS_OF_DATES], expect)
        self.api_report(label, db, AS_OF_DATES[-1], "akun")
        self.floor(label, events, stem, by_akun)
        if not self.args.keep:
            _rm_db(db)

    def size(self, n, n_lines, label, full=True, shape="standard"):
        a = self.args
        runs = a.runs
        quick = max(runs, a.quick_runs or 0)  # sub-second commands: more runs, steadier medians
        events, info, stem, db, expect = self.prepare(n, n_lines, label, shape)
        if full:
            api_db = self.work / f"api_{shape}_{n}_{n_lines}.db"
            for r in range(a.api_import_runs if a.api_import_runs is not None else runs):
                _rm_db(api_db)
                p = self.must(self.worker({"op": "import", "db": str(api_db), "file": info["jsonl"]}),
                              "API import")
                res = json.loads(p.out)
                self.sample(label, "api import", p, call=res["call_s"], rate=n / res["call_s"])
                self.log(f"   api import run {r + 1}: {res['call_s']:.2f} s")
            _rm_db(api_db)

        # ---- reads through the CLI, each report checked against the generator
        plan = [("kegiatan", d) for d in AS_OF_DATES]
        if not full:
            info["curve"] = "events"
            self.reports(label, db, plan, expect)
            if not a.keep:
                _rm_db(db)
            return
        end = AS_OF_DATES[-1]
        by_akun = self.reports(label, db, plan + [("akun", d) for d in AS_OF_DATES]
                               + [("program", end), ("jenis", end)], expect)
        hl, ml = info["heavy_line"], info["median_line"]
        for name, (code, akun) in (("cli history heavy line", hl), ("cli history median line", ml)):
            for r in range(quick):
                p = self.must(self.cli(db, "history", code, *_akun_option(akun), "--as-of",
                                       "2024-12-31", "--format", "json"), "history")
                rows = len(json.loads(p.out)["rows"])
                self.sample(label, name, p, rows=rows)
            self.log(f"   {name} ({rows} rows): {self._med(label, name):.3f} s")
        for r in range(runs):
            p = self.must(self.cli(db, "verify"), "verify")
            self.sample(label, "cli verify", p, rate=n / p.wall)
        self.log(f"   cli verify: {self._med(label, 'cli verify'):.2f} s")
        if n >= 100_000:  # the per-event floors (bench/floors.py), on this ledger and file
            p = self.must(run([self.py, str(HERE / "floors.py"), str(db), info["jsonl"],
                               "--rows", "100000"]), "floors")
            info["floors"] = json.loads(p.out)
            self.log(f"   floors: {info['floors']}")

        # ---- reads through the API (in a fresh worker, timing the call only)
        for d in AS_OF_DATES:
            self.api_report(label, db, d)
        self.api_report(label, db, end, "akun")
        for name, (code, akun) in (("api history heavy line", hl), ("api history median line", ml)):
            for r in range(quick):
                p = self.must(self.worker({"op": "history", "db": str(db), "code": code,
                                           "akun": akun or None, "as_of": "2024-12-31"}), "API history")
                res = json.loads(p.out)
                self.sample(label, name, p, call=res["call_s"], open=res["open_s"])
        for r in range(runs):
            p = self.must(self.worker({"op": "verify", "db": str(db)}), "API verify")
            res = json.loads(p.out)
            self.sample(label, "api verify", p, call=res["call_s"], rate=n / res["call_s"])
        self.log("   api reads done")
        self.other_reads(label, db, stem)
        self.funds_reads(label, db)
        self.bendahara_reads(label, db)
        self.plan_reads(label, db)

        # ---- peers and the raw floor
        self.peers(label, events, stem, by_akun)
        del events

        # ---- record one SP2D into the ledger (last: it changes the ledger)
        code, akun = hl
        for mode in ("cli", "api"):
            for r in range(quick):
                self.record_counter += 1
                ref = f"2412319{self.record_counter:08d}"
                fields = {"date": "2024-12-30", "code": code, "akun": akun or None,
                          "amount": 1_000_000, "ref": ref}
                if mode == "cli":
                    p = self.must(self.cli(db, "record", "sp2d", "--date", fields["date"],
                                           "--code", code, *_akun_option(akun), "--amount",
                                           "1000000", "--ref", ref), "record")
                    self.sample(label, "cli record sp2d", p)
                else:
                    p = self.must(self.worker({"op": "record", "db": str(db), "fields": fields}),
                                  "API record")
                    res = json.loads(p.out)
                    self.sample(label, "api record sp2d", p, call=res["call_s"], open=res["open_s"])
        self.log(f"   cli record: {self._med(label, 'cli record sp2d'):.3f} s")
        if not self.args.keep:
            _rm_db(db)

    def floor(self, label, events, stem, by_akun):
        """The raw SQLite GROUP BY per line, timed and checked line by line."""
        quick = max(self.args.runs, self.args.quick_runs or 0)
        floor = stem.with_suffix(".floor.sqlite")
        build_floor(events, floor)
        for d in by_akun:
            for r in range(quick):
                p = self.must(run([self.py, "-c", FLOOR_SCRIPT, str(floor), d]), "floor")
                res = json.loads(p.out)
                self.sample(label, f"peer floor {d}", p, call=res["call_s"])
            self.compare_lines(label, "raw SQLite floor", d, res["lines"], by_akun[d])
            self.log(f"   floor {d}: {self._med(label, f'peer floor {d}'):.3f} s "
                     f"(query {res['call_s']:.3f} s)")
        if not self.args.keep:
            floor.unlink()

    def peers(self, label, events, stem, by_akun):
        a = self.args
        runs = a.runs
        self.floor(label, events, stem, by_akun)
        journal = stem.with_suffix(".journal")
        bean = stem.with_suffix(".beancount")
        if self.tools.get("hledger") or self.tools.get("ledger"):
            write_ledger_journal(events, journal)
        if self.tools.get("beancount"):
            write_beancount(events, bean)
        plans = []
        if self.tools.get("ledger"):
            plans.append(("ledger", lambda d: ["ledger", "-f", str(journal), "bal", "--flat",
                                               "--no-total", "-e", _next_day(d), "^Budget:"],
                          parse_ledger, None))
        if self.tools.get("hledger"):
            plans.append(("hledger", lambda d: ["hledger", "-f", str(journal), "bal", "--flat",
                                                "-e", _next_day(d), "-O", "csv", "^Budget:"],
                          parse_hledger, None))
        if self.tools.get("beancount"):
            nocache = dict(os.environ, BEANCOUNT_DISABLE_LOAD_CACHE="1")
            plans.append(("beancount", lambda d: [self.py, str(Path(__file__).resolve()), "--worker",
                                                  json.dumps({"op": "bean", "file": str(bean), "as_of": d})],
                          parse_worker_lines, nocache))
            if a.bean_cache:
                plans.append(("beancount+cache", lambda d: [self.py, str(Path(__file__).resolve()),
                                                            "--worker", json.dumps({"op": "bean", "file": str(bean), "as_of": d})],
                              parse_worker_lines, dict(os.environ)))
        for tool, cmd, parse, env in plans:
            if tool == "beancount+cache":
                cache = bean.parent / f".{bean.name}.picklecache"
                if cache.exists():
                    cache.unlink()
                p = run(cmd(AS_OF_DATES[0]), env=env, timeout=a.peer_timeout)  # primes the cache
                self.log(f"   beancount cache primed in {p.wall:.1f} s")
                if not cache.exists():
                    self.notes.append(f"beancount at {label}: no pickle cache written (beancount "
                                      "caches only loads over 1 s); warm-cache row skipped")
                    continue
            for d in AS_OF_DATES:
                got = None
                for r in range(runs):
                    p = run(cmd(d), env=env, timeout=a.peer_timeout)
                    if p.rc != 0:
                        msg = (f"{tool} at {label} as of {d}: exit {p.rc} after {p.wall:.0f} s "
                               f"({'killed at the timeout' if p.rc < 0 else p.err.strip()[-300:]})")
                        self.notes.append(msg)
                        self.log("   " + msg)
                        break
                    self.sample(label, f"peer {tool} {d}", p)
                    got = parse(p.out)
                    if p.wall > a.slow_peer and r + 1 < runs:
                        msg = (f"{tool} at {label} as of {d}: {p.wall:.0f} s per run, measured "
                               f"{r + 1} run(s) instead of {runs}")
                        self.notes.append(msg)
                        self.log("   " + msg)
                        break
                if got is not None:
                    self.compare_lines(label, tool, d, got, by_akun[d])
                    self.log(f"   {tool} {d}: {self._med(label, f'peer {tool} {d}'):.3f} s, "
                             f"{self._max(label, f'peer {tool} {d}', 'rss_mb'):.0f} MB")
        if not a.keep:
            for f in (journal, bean, bean.parent / f".{bean.name}.picklecache"):
                if f.exists():
                    f.unlink()

    # ------------------------------------------------------------- checks

    def check_totals(self, label, who, d, rows, expected):
        total = next(r for r in rows if r["level"] == "total")
        got = {f: total[f] for f in FIELDS3}
        if got != expected[d]:
            self.fail(f"{label} {d}: {who} totals {got} != generator {expected[d]}")

    def compare_lines(self, label, who, as_of, got, ref):
        """Per line (code/akun) ceiling, locked, realised equal; zero figures may be absent."""
        def nz(m):
            return {(k, f): v[i] for k, v in m.items() for i, f in enumerate(FIELDS3) if v[i]}
        g, r = nz(got), nz(ref)
        if g != r:
            diff = sorted(set(g.items()) ^ set(r.items()))[:6]
            self.fail(f"{label} {as_of}: {who} differs from anggaran on {len(set(g.items()) ^ set(r.items()))} "
                      f"line figures, e.g. {diff}")
        tg = {f: sum(v for (k, ff), v in g.items() if ff == f) for f in FIELDS3}
        self.sample(label, f"check {who} {as_of}", ok=True, totals=tg)

    def fail(self, msg):
        self.failures.append(msg)
        print("MISMATCH: " + msg, file=sys.stderr, flush=True)

    # ------------------------------------------------------------- stats

    def _vals(self, label, name, key="wall"):
        return [s[key] for s in self.samples.get((label, name), []) if key in s]

    def _med(self, label, name, key="wall"):
        v = self._vals(label, name, key)
        return statistics.median(v) if v else None

    def _max(self, label, name, key):
        v = self._vals(label, name, key)
        return max(v) if v else None


def _diff(got, want, path=""):
    """[(path, anggaran, generator)] where two nested dicts differ."""
    if isinstance(got, dict) and isinstance(want, dict):
        out = []
        for k in sorted(set(got) | set(want)):
            out += _diff(got.get(k), want.get(k), f"{path}/{k}")
        return out
    return [] if got == want else [(path, got, want)]


def _rm_db(db):
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(str(db) + suffix)
        if p.exists():
            p.unlink()


def _akun_option(akun):
    return ["--akun", akun] if akun else []


def _next_day(d):
    return (dt.date.fromisoformat(d) + dt.timedelta(days=1)).isoformat()


def _key_from_account(parts):
    # [kind, code, akun] -> ("Ceiling", "CQ.6639/521211"); [kind, code, "Kode"] -> (…, "CQ.6639/")
    return parts[0], line_of(parts[1], parts[2])


def line_of(code, akun):
    return f"{code}/{'' if akun == NO_AKUN else akun}"


def _fold(pairs):
    out = defaultdict(lambda: [0, 0, 0])
    for kind, key, amount in pairs:
        out[key][("Ceiling", "Locked", "Realised").index(kind)] += amount
    return dict(out)


def _idr(text):
    t = text.replace("IDR", "").replace(",", "").replace('"', "").strip()
    return int(t) if t not in ("", "0") else 0


def parse_ledger(out):
    pairs = []
    for line in out.splitlines():
        if "Budget:" not in line:
            continue
        amount, _, account = line.partition("Budget:")
        parts = account.strip().split(":")
        kind, key = _key_from_account(parts)
        pairs.append((kind, key, _idr(amount)))
    return _fold(pairs)


def parse_hledger(out):
    import csv
    import io
    pairs = []
    for row in csv.reader(io.StringIO(out)):
        if len(row) < 2 or not row[0].startswith("Budget:"):
            continue
        parts = row[0].split(":")[1:]
        kind, key = _key_from_account(parts)
        pairs.append((kind, key, _idr(row[1])))
    return _fold(pairs)


def parse_worker_lines(out):
    return json.loads(out)["lines"]


# ------------------------------------------------------------------------ workers

# The raw floor is a minimal process: open the prebuilt table, GROUP BY, print.
FLOOR_SCRIPT = """
import json, sqlite3, sys, time
t0 = time.perf_counter()
conn = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
rows = conn.execute("SELECT code, akun, SUM(ceiling), SUM(locked), SUM(realised) FROM postings "
                    "WHERE date <= ? GROUP BY code, akun", (sys.argv[2],)).fetchall()
call = time.perf_counter() - t0
print(json.dumps({"call_s": call, "lines": {c + "/" + a: [x, y, z] for c, a, x, y, z in rows}}))
"""


def worker(spec):
    """Run one operation in this (fresh) process, time only the call, print JSON."""
    op = spec["op"]
    if op == "bean":
        from beancount import loader
        from beancount.core import data
        t0 = time.perf_counter()
        entries, errors, _ = loader.load_file(spec["file"])
        if errors:
            raise SystemExit(f"beancount: {len(errors)} errors, first: {errors[0]}")
        as_of = dt.date.fromisoformat(spec["as_of"])
        bal = defaultdict(int)
        for entry in entries:
            if isinstance(entry, data.Transaction):
                if entry.date > as_of:
                    continue
                for posting in entry.postings:
                    bal[posting.account] += posting.units.number
        call = time.perf_counter() - t0
        pairs = []
        for account, amount in bal.items():
            parts = account.split(":")
            kind = {"Assets:Ceiling": "Ceiling", "Assets:Locked": "Locked",
                    "Expenses:Realised": "Realised"}.get(":".join(parts[:2]))
            if kind and len(parts) == 4:
                pairs.append((kind, line_of(parts[2].replace("-", "."), parts[3]), int(amount)))
        print(json.dumps({"call_s": call, "lines": _fold(pairs)}))
        return

    from anggaran.ledger import Ledger
    t0 = time.perf_counter()
    if op == "import":
        ledger = Ledger.init(spec["db"], SATKER, SATKER_NAME)
        t1 = time.perf_counter()
        res = ledger.import_file(spec["file"])
        out = {"new": res.new}
    else:
        ledger = Ledger.open(spec["db"])
        t1 = time.perf_counter()
        if op == "report":
            rep = ledger.report(as_of=spec["as_of"], by=spec.get("by", "kegiatan"))
            total = rep["rows"][0]
            out = {"total": {f: total[f] for f in FIELDS3}, "rows": len(rep["rows"])}
        elif op == "history":
            h = ledger.history(spec["code"], akun=spec.get("akun"), as_of=spec["as_of"])
            out = {"rows": len(h["rows"])}
        elif op == "verify":
            v = ledger.verify()
            out = {"events": v.events}
        elif op == "record":
            res = ledger.record("sp2d", **spec["fields"])
            out = {"new": res.new}
        else:
            raise SystemExit(f"unknown worker op {op}")
    t2 = time.perf_counter()
    ledger.close_db()
    out.update(open_s=t1 - t0, call_s=t2 - t1)
    print(json.dumps(out))


# ------------------------------------------------------------------ environment


def detect_tools(py):
    tools = {}
    for name in ("hledger", "ledger"):
        path = shutil.which(name)
        if path:
            try:
                v = subprocess.run([name, "--version"], capture_output=True, text=True, timeout=30)
                tools[name] = v.stdout.strip().splitlines()[0]
            except (OSError, subprocess.SubprocessError):
                pass
    try:
        v = subprocess.run([py, "-c", "import beancount; print(beancount.__version__)"],
                           capture_output=True, text=True, timeout=60)
        if v.returncode == 0:
            tools["beancount"] = "beancount " + v.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return tools


def machine(py):
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    v = subprocess.run([py, "-c", "import sys, sqlite3, importlib.metadata as m; "
                        "print(sys.version.split()[0]); print(sqlite3.sqlite_version); "
                        "print(m.version('anggaran'))"], capture_output=True, text=True)
    pyv, sqlv, angv = (v.stdout.split() + ["?", "?", "?"])[:3]
    rev = subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(HERE.parent), "status", "--porcelain", "--",
                            "anggaran", "cli"], capture_output=True, text=True).stdout.strip()
    return {"source": source_digest(), "nproc": os.cpu_count(), "memory": mem, "cpu": cpu, "kernel": platform.release(),
            "python": pyv, "sqlite": sqlv, "anggaran": angv,
            "git": rev + (" (library has uncommitted changes)" if dirty else ""),
            "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")}


def source_digest():
    """SHA-256 (12 hex) over the library's source files: shows edits made during a run."""
    import hashlib
    h = hashlib.sha256()
    for folder in ("anggaran", "cli"):
        for f in sorted((HERE.parent / folder).glob("*.py")):
            h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:12]


def snapshot_library(work):
    """Copy the library as it is now (pyproject's package-dir mapping) into
    ``work/snapshot/<digest>``, so that a whole run measures one version even while the
    library is being edited."""
    import tomllib
    conf = tomllib.loads((HERE.parent / "pyproject.toml").read_text("utf-8"))
    mapping = conf.get("tool", {}).get("setuptools", {}).get("package-dir") or {"anggaran": "anggaran"}
    digest = source_digest()
    root = Path(work) / "snapshot" / digest
    if root.parent.exists():
        shutil.rmtree(root.parent)
    for package, folder in sorted(mapping.items()):
        dest = root.joinpath(*package.split("."))
        shutil.copytree(HERE.parent / folder, dest, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return digest, root


def make_runtime(work, snapshot, python):
    """A deployed-like environment for the snapshot: a venv whose site-packages has a .pth
    naming the snapshot and the project venv's site-packages (for the dependencies and the
    peers), the snapshot byte-compiled as ``pip install .`` would leave it, and an
    ``anggaran`` console script. Unlike the project's editable install, no editable finder
    runs at start-up, and the .pyc files exist even under PYTHONDONTWRITEBYTECODE.
    Returns (python, anggaran)."""
    import compileall
    runtime = Path(work) / "runtime"
    if runtime.exists():
        shutil.rmtree(runtime)
    subprocess.run([python, "-m", "venv", "--without-pip", str(runtime)], check=True)
    rt_python = runtime / "bin" / "python"
    paths = subprocess.run([str(rt_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                           capture_output=True, text=True, check=True).stdout.strip()
    deps = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(paths, "anggaran_bench.pth").write_text(f"{snapshot}\n{deps}\n", encoding="utf-8")
    compileall.compile_dir(str(snapshot), quiet=1)
    script = runtime / "bin" / "anggaran"
    script.write_text(f"#!{rt_python}\nimport sys\nfrom anggaran.cli.main import main\n"
                      "if __name__ == '__main__':\n    sys.exit(main())\n", encoding="utf-8")
    script.chmod(0o755)
    return str(rt_python), str(script)


# ------------------------------------------------------------------------ report


def human(n):
    return f"{n // 1000}k" if n < 1_000_000 else f"{n / 1e6:g}M"


def fmt_s(x):
    if x is None:
        return "—"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


MEASURES = [
    # (name, label, kind): kind "rate" reports events/s; "call" reports the in-process call
    ("cli import", "import (CLI)", "rate"),
    ("api import", "import (API)", "call"),
    ("cli report 2024-06-30", "report --as-of 2024-06-30 (CLI)", "wall"),
    ("cli report 2024-12-31", "report --as-of 2024-12-31 (CLI)", "wall"),
    ("cli report --by program 2024-12-31", "report --by program 2024-12-31 (CLI)", "wall"),
    ("cli report --by akun 2024-06-30", "report --by akun 2024-06-30 (CLI)", "wall"),
    ("cli report --by akun 2024-12-31", "report --by akun 2024-12-31 (CLI)", "wall"),
    ("cli report --by jenis 2024-12-31", "report --by jenis 2024-12-31 (CLI)", "wall"),
    ("api report 2024-06-30", "report 2024-06-30 (API)", "call"),
    ("api report 2024-12-31", "report 2024-12-31 (API)", "call"),
    ("api report --by akun 2024-12-31", "report --by akun 2024-12-31 (API)", "call"),
    ("cli history heavy line", "history, heaviest line (CLI)", "wall"),
    ("cli history median line", "history, median line (CLI)", "wall"),
    ("api history heavy line", "history, heaviest line (API)", "call"),
    ("api history median line", "history, median line (API)", "call"),
    ("cli verify", "verify (CLI)", "rate"),
    ("api verify", "verify (API)", "call"),
    ("cli record sp2d", "record one SP2D (CLI)", "wall"),
    ("api record sp2d", "record one SP2D (API)", "call"),
    ("cli report --view funds", "report --view funds 2024-12-31 (CLI)", "wall"),
    ("cli contracts", "contracts 2024-12-31 (CLI)", "wall"),
    ("cli bendahara 2024-06-30", "bendahara --as-of 2024-06-30 (CLI)", "wall"),
    ("cli bendahara 2024-12-31", "bendahara --as-of 2024-12-31 (CLI)", "wall"),
    ("cli rpd 2024-06-30", "rpd --as-of 2024-06-30 (CLI)", "wall"),
    ("cli rpd 2024-12-31", "rpd --as-of 2024-12-31 (CLI)", "wall"),
    ("cli ikpa 2024-06-30", "ikpa --as-of 2024-06-30 --score capaian_output=90 (CLI)", "wall"),
    ("cli ikpa 2024-12-31", "ikpa --as-of 2024-12-31 --score capaian_output=90 (CLI)", "wall"),
    ("cli absorption", "absorption --year 2024 (CLI)", "wall"),
    ("cli reconcile", "reconcile with the report --by akun CSV (CLI)", "wall"),
    ("cli export fiscal-data-package", "export --to fiscal-data-package (CLI)", "wall"),
    ("cli export hledger", "export --to hledger, the whole log (CLI)", "wall"),
]
OTHER_REPORTS = [("kegiatan", AS_OF_DATES[0]), ("kegiatan", AS_OF_DATES[1]),
                 ("program", AS_OF_DATES[1]), ("jenis", AS_OF_DATES[1])]
PEERS = [("floor", "raw SQLite GROUP BY floor"), ("ledger", "ledger-cli"),
         ("hledger", "hledger"), ("beancount", "beancount (load, no cache)"),
         ("beancount+cache", "beancount (warm pickle cache)")]


def size_label(n, shape):
    return human(n) + ("" if shape == "standard" else " national")


def main_labels(b):
    """The labels of the full sizes (not the curves), standard shape first."""
    return [lab for lab, i in b.info.items() if not i.get("curve")]


def build_tables(b):
    """Markdown tables: measurements, peers and ratios."""
    out = []
    present = main_labels(b)
    head = "| measurement | " + " | ".join(f"{lab} ({b.info[lab]['lines']:,} lines)" for lab in present) + " |"
    out.append("### anggaran: median wall time (s), throughput, peak RSS\n")
    out.append(head)
    out.append("|---|" + "---|" * len(present))
    for name, text, kind in MEASURES:
        cells = []
        for lab in present:
            n = b.info[lab]["events"]
            wall = b._med(lab, name)
            if wall is None:
                cells.append("—")
                continue
            call = b._med(lab, name, "call")
            rss = b._max(lab, name, "rss_mb")
            if kind == "rate":
                cells.append(f"{wall:.2f} s = {n / wall:,.0f} ev/s; {rss:.0f} MB")
            elif kind == "call":
                extra = f" = {n / call:,.0f} ev/s" if name.endswith(("import", "verify")) else ""
                cells.append(f"{fmt_s(call)} in-process{extra} ({fmt_s(wall)} process); {rss:.0f} MB")
            else:
                cells.append(f"{fmt_s(wall)}; {rss:.0f} MB")
        out.append(f"| {text} | " + " | ".join(cells) + " |")
    out.append("")
    quick = max(b.args.runs, b.args.quick_runs or 0)
    out.append(f"Medians of {b.args.runs} runs (import, verify, the exports, the peers) and of "
               f"{quick} runs (report, history, record, absorption, reconcile, the raw floor). "
               "CLI figures are whole processes (interpreter start, imports, open, work, output). "
               "API figures time only the library call in a fresh process (the process wall "
               "time and its peak RSS in brackets/after). RSS is the maximum over the runs.\n")

    out.append("### balance of every line as of a date: anggaran `report --by akun` vs the peers "
               "(median wall s, peak RSS, ratio)\n")
    out.append("Ratio = peer time / anggaran CLI `report --by akun` time (> 1: anggaran is faster); "
               "the peers answer the same per-line question.\n")
    out.append("| tool | as of | " + " | ".join(present) + " |")
    out.append("|---|---|" + "---|" * len(present))
    for d in AS_OF_DATES:
        for name, text in ((f"cli report --by akun {d}", "anggaran report --by akun (CLI)"),
                           (f"cli report {d}", "anggaran report, by kegiatan (CLI)")):
            cells = [f"{fmt_s(b._med(lab, name))}; {b._max(lab, name, 'rss_mb'):.0f} MB"
                     if b._med(lab, name) else "—" for lab in present]
            out.append(f"| {text} | {d} | " + " | ".join(cells) + " |")
        for tool, text in PEERS:
            cells = []
            for lab in present:
                w = b._med(lab, f"peer {tool} {d}")
                base = b._med(lab, f"cli report --by akun {d}")
                if w is None:
                    cells.append("—")
                    continue
                runs = len(b._vals(lab, f"peer {tool} {d}"))
                ratio = f"; **{w / base:.1f}x**" if base else ""
                cells.append(f"{fmt_s(w)}; {b._max(lab, f'peer {tool} {d}', 'rss_mb'):.0f} MB"
                             + ratio + (f" ({runs} run)" if runs < b.args.runs else ""))
            out.append(f"| {text} | {d} | " + " | ".join(cells) + " |")
    out.append("")
    missing = [t for t in ("hledger", "ledger", "beancount") if t not in b.tools]
    if missing:
        out.append(("Not installed, skipped: " if b.args.peers else "Not run (--no-peers): ")
                   + ", ".join(missing) + ".\n")
    return out


def curve_table(b):
    out = ["### report time against events (CLI, median wall s)\n",
           "| shape | events | lines | daily rows* | report 2024-06-30 | report 2024-12-31 |",
           "|---|---|---|---|---|---|"]
    for lab, info in sorted(b.info.items(), key=lambda kv: (kv[1]["shape"] != "standard", kv[1]["lines"],
                                                            kv[1]["events"])):
        if info.get("curve") != "lines":
            out.append(f"| {info['shape']} | {info['events']:,} | {info['lines']:,} | "
                       f"{info.get('daily_rows', '?')} | {fmt_s(b._med(lab, 'cli report 2024-06-30'))} | "
                       f"{fmt_s(b._med(lab, 'cli report 2024-12-31'))} |")
    out.append("\n*rows of the `daily` projection (line and jenis buckets × active days), "
               "counted after import.\n")
    points = lines_curve(b)
    if len(points) < 2:
        return out
    end = AS_OF_DATES[-1]
    out += [f"### report --by akun time against lines (national shape, {b.info[points[0]]['events']:,} events)\n",
            "| lines | kegiatan | rows | report --by akun 2024-06-30 (CLI) | report --by akun 2024-12-31 (CLI) "
            "| report --by akun 2024-12-31 (API call) | raw GROUP BY floor 2024-06-30 | floor 2024-12-31 |",
            "|---|---|---|---|---|---|---|---|"]
    for lab in points:
        i = b.info[lab]
        cells = [fmt_s(b._med(lab, f"cli report --by akun {d}")) for d in AS_OF_DATES]
        cells.append(f"{b._med(lab, f'api report --by akun {end}', 'call'):.4f}")
        cells += [fmt_s(b._med(lab, f"peer floor {d}")) for d in AS_OF_DATES]
        out.append(f"| {i['lines']:,} | {i['kegiatan']:,} | {i['lines'] + i['kegiatan'] + i['programs'] + 1:,} | "
                   + " | ".join(cells) + " |")
    out.append("")
    for name, key, what in ((f"cli report --by akun {end}", "wall", "CLI process"),
                            (f"api report --by akun {end}", "call", "in-process report call")):
        slope, lo, hi = curve_slope(b, points, name, key)
        out.append(f"- slope of log(time) against log(lines), {what}: **{slope:.2f}** overall, "
                   f"{lo:.2f} over the first two points, {hi:.2f} over the last two "
                   "(1 = linear, 2 = quadratic).")
    out.append("")
    return out


def lines_curve(b):
    """The labels of the lines-curve points, by lines (a full size of the same shape,
    events and lines counts as a point)."""
    want = set(b.args.lines_curve or ())
    n = b.args.curve_events
    return sorted((lab for lab, i in b.info.items() if i["shape"] == "national" and i["events"] == n
                   and i["lines"] in want and i.get("curve") != "events"),
                  key=lambda lab: b.info[lab]["lines"])


def curve_slope(b, points, name, key):
    """Least-squares slope of log(time) on log(lines), and the first and last two-point slopes."""
    import math
    xs = [math.log(b.info[lab]["lines"]) for lab in points]
    ys = [math.log(b._med(lab, name, key)) for lab in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return slope, (ys[1] - ys[0]) / (xs[1] - xs[0]), (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])


def targets(b, lab):
    """[(target, met? (None: not measured), evidence)] at the size ``lab`` (the largest
    of its shape)."""
    info = b.info[lab]
    res = []

    def target(text, fn):
        try:
            ok, evidence = fn()
        except (TypeError, ValueError, KeyError, ZeroDivisionError):
            ok, evidence = None, "not measured"
        res.append((text, ok, evidence))

    def by_akun():
        rep = [b._med(lab, f"cli report --by akun {d}") for d in AS_OF_DATES]
        return max(rep) <= 0.5, f"{rep[0]:.3f} s (06-30), {rep[1]:.3f} s (12-31)"
    target(f"`report --by akun` <= 0.5 s wall (CLI) at {lab} events / {info['lines']:,} lines", by_akun)

    def other_reports():
        rep = {f"--by {by} {d[5:]}": b._med(lab, f"cli report {d}" if by == "kegiatan" else
                                            f"cli report --by {by} {d}") for by, d in OTHER_REPORTS}
        return max(rep.values()) <= 0.3, ", ".join(f"{k} {v:.3f} s" for k, v in rep.items())
    target("every other `report` (program, kegiatan, jenis) <= 0.3 s wall (CLI)", other_reports)

    def growth():
        fixed = sorted((i["events"], l) for l, i in b.info.items()
                       if i["lines"] == info["lines"] and i["shape"] == info["shape"]
                       and i.get("curve") != "lines")
        lo = fixed[0][1]
        if lo == lab:
            raise ValueError
        t_lo = max(b._med(lo, f"cli report {d}") for d in AS_OF_DATES)
        t_hi = max(b._med(lab, f"cli report {d}") for d in AS_OF_DATES)
        g = t_hi / t_lo
        return g < 2.0, (f"{b.info[lo]['events']:,} → {info['events']:,} events at {info['lines']} "
                         f"lines: {t_lo:.3f} s → {t_hi:.3f} s = {g:.1f}x for "
                         f"{info['events'] / b.info[lo]['events']:.0f}x the events (met if < 2x)")
    target("report grows with lines, not events", growth)

    for lab2 in main_labels(b):
        if b.info[lab2]["events"] >= 100_000 and b.info[lab2]["shape"] == info["shape"]:
            def floor(lab2=lab2):
                parts, ok = [], True
                for d in AS_OF_DATES:
                    a, f = b._med(lab2, f"cli report --by akun {d}"), b._med(lab2, f"peer floor {d}")
                    fi = b._med(lab2, f"peer floor {d}", "call")
                    ok &= a < f
                    parts.append(f"{d}: {a:.3f} s vs floor {f:.3f} s (query alone {fi:.3f} s)")
                ai = b._med(lab2, f"api report --by akun {AS_OF_DATES[-1]}", "call")
                return ok, "; ".join(parts) + f"; in-process report --by akun call {ai:.4f} s (12-31)"
            target(f"`report --by akun` faster than the raw GROUP BY per line at {lab2} "
                   "(CLI vs floor process)", floor)

    points = lines_curve(b) if info["shape"] == "national" else []
    if len(points) > 1:
        def slope():
            end = AS_OF_DATES[-1]
            s_api, *_ = curve_slope(b, points, f"api report --by akun {end}", "call")
            s_cli, *_ = curve_slope(b, points, f"cli report --by akun {end}", "wall")
            lines = [b.info[p]["lines"] for p in points]
            return s_api < 1.3, (f"{lines[0]:,} → {lines[-1]:,} lines: slope {s_api:.2f} in-process, "
                                 f"{s_cli:.2f} CLI (met if < 1.3; quadratic would be 2)")
        target("`report --by akun` grows as lines · log lines, not lines² (log-log slope)", slope)

    for tool, need in (("ledger", 20), ("hledger", 100)):
        def peer(tool=tool, need=need):
            parts, ok = [], True
            for d in AS_OF_DATES:
                a, p = b._med(lab, f"cli report --by akun {d}"), b._med(lab, f"peer {tool} {d}")
                ok &= p / a >= need
                parts.append(f"{d}: {p:.2f} s / {a:.3f} s = {p / a:.1f}x")
            return ok, "; ".join(parts)
        target(f">= {need}x faster than {'ledger-cli' if tool == 'ledger' else tool} at {lab}", peer)

    for name, what in (("cli report --view funds", "`report --view funds`"),
                       ("cli contracts", "`contracts`")):
        def funds_read(name=name):
            t, rss = b._med(lab, name), b._max(lab, name, "rss_mb")
            return t < 0.3 and rss < 200, (f"{t:.3f} s, {rss:.0f} MB ({info['contracts']:,} "
                                           f"contracts, {info['contract_payments']:,} payments)")
        target(f"{what} < 0.3 s wall and RSS < 200 MB (CLI) at {lab}", funds_read)

    def bendahara_read():
        t = {d: b._med(lab, f"cli bendahara {d}") for d in AS_OF_DATES}
        rss = max(b._max(lab, f"cli bendahara {d}", "rss_mb") for d in AS_OF_DATES)
        e = info["expected_bendahara"][AS_OF_DATES[-1]]
        return max(t.values()) < 0.3 and rss < 200, (
            f"{t[AS_OF_DATES[0]]:.3f} s (06-30), {t[AS_OF_DATES[-1]]:.3f} s (12-31), {rss:.0f} MB "
            f"({info['bendahara_events']:,} bendahara events: {e['gups']:,} GUP and GUP nihil, "
            f"{e['tups']:,} TUPs)")
    target(f"`bendahara` < 0.3 s wall and RSS < 200 MB (CLI) at {lab}", bendahara_read)

    def plan_read():
        t = {(c, d): b._med(lab, f"cli {c} {d}") for c in ("rpd", "ikpa") for d in AS_OF_DATES}
        rss = max(b._max(lab, f"cli {c} {d}", "rss_mb") for c, d in t)
        return max(t.values()) < 0.5, (", ".join(f"{c} {d[5:]} {v:.3f} s" for (c, d), v in t.items())
                                       + f"; {rss:.0f} MB ({info['plans']} plans)")
    target(f"`rpd` and `ikpa` < 0.5 s wall (CLI) at {lab} (issue 17)", plan_read)

    def history():
        h, hm = b._med(lab, "cli history heavy line"), b._med(lab, "cli history median line")
        return max(h, hm) < 0.2, (f"heaviest line ({info['heavy_line_events']} events) {h:.3f} s; "
                                  f"median line ({info['median_line_events']} events) {hm:.3f} s")
    target("`history` of one line < 0.2 s (CLI)", history)

    fl = info.get("floors")

    def imp():
        t = b._med(lab, "cli import")
        why = ""
        if fl and info["events"] / t < 50_000:
            writer = fl["insert"] + fl["postings_insert"]
            per = 1e6 * t / info["events"]
            why = (f"; the writing process (the bottleneck: parsing runs in the other) spends "
                   f"{per:.1f} µs per event, of which the SQLite writes alone are {writer:.1f} "
                   f"(events row with its indexes and triggers {fl['insert']:.1f}, postings "
                   f"{fl['postings_insert']:.1f}; at most {1e6 / writer:,.0f} ev/s by themselves) "
                   f"and its Python work (look-ups, chain, rules 3-9, projections) the other "
                   f"{per - writer:.1f} (see Floors)")
        return info["events"] / t >= 50_000, (f"{info['events'] / t:,.0f} ev/s ({t:.1f} s for "
                                              f"{info['events']:,}){why}")
    target("`import` >= 50,000 events/s (CLI)", imp)

    def rec():
        t = b._med(lab, "cli record sp2d")
        return t < 0.3, f"{t:.3f} s"
    target(f"`record` of one SP2D into the {lab} ledger < 0.3 s (CLI)", rec)

    def ver():
        t = b._med(lab, "cli verify")
        why = ""
        if fl and info["events"] / t < 200_000:
            per = fl["fetch"] + fl["canonical"] + fl["hash"]
            why = (f"; floor: reading an event row ({fl['fetch']:.1f} µs), its canonical JSON "
                   f"({fl['canonical']:.1f}) and two SHA-256 ({fl['hash']:.1f}) take {per:.1f} µs "
                   f"per event, {1e6 / per:,.0f} ev/s per process, x{fl['parallel_speedup']} for "
                   f"two processes = {fl['parallel_speedup'] * 1e6 / per:,.0f} ev/s before the "
                   "postings and daily figures are compared (see Floors)")
        return info["events"] / t >= 200_000, f"{info['events'] / t:,.0f} ev/s ({t:.1f} s){why}"
    target("`verify` >= 200,000 events/s (CLI)", ver)

    def mem():
        peaks = {name: b._max(lab, name, "rss_mb") for name, _, _ in MEASURES
                 if name.startswith("cli") and b._max(lab, name, "rss_mb") is not None}
        worst = max(peaks, key=peaks.get)
        return peaks[worst] < 200, (f"worst: {worst[4:]} {peaks[worst]:.0f} MB; all: " +
                                    ", ".join(f"{k[4:]} {v:.0f}" for k, v in peaks.items()))
    target(f"peak memory < 200 MB for any command at {lab} (CLI RSS)", mem)
    return res


def largest(b):
    """The largest full size of each shape measured: [(shape, label)]."""
    out = {}
    for lab in main_labels(b):
        i = b.info[lab]
        if i["shape"] not in out or i["events"] > b.info[out[i["shape"]]]["events"]:
            out[i["shape"]] = lab
    return list(out.items())


def write_results(b, path, argv, env):
    lines = ["# anggaran benchmark results", "",
             f"Generated by `{' '.join(argv)}` on {env['date']}. "
             "Medians of the runs; see `bench/README.md` for the method.", "",
             "## Machine and versions", "",
             f"- machine: {env['nproc']} CPUs ({env['cpu']}), {env['memory']} memory, Linux {env['kernel']}",
             f"- Python {env['python']}, SQLite {env['sqlite']}, anggaran {env['anggaran']} "
             f"(git {env['git']}; source digest {env['source']}; {env['library']})"]
    for t in ("hledger", "ledger", "beancount"):
        lines.append(f"- {t}: {b.tools.get(t, 'not installed (skipped)' if b.args.peers else 'not run (--no-peers)')}")
    lines += ["", "## Data", "",
              "| size | events | lines (code-level) | codes | kegiatan | kinds | heaviest line | JSONL | ledger file |",
              "|---|---|---|---|---|---|---|---|---|"]
    for lab, info in b.info.items():
        kinds = ", ".join(f"{k} {v:,}" for k, v in info["kinds"].items())
        lines.append(f"| {lab} | {info['events']:,} | {info['lines']:,} ({info['code_level_lines']:,}) | "
                     f"{info['codes']:,} | {info['kegiatan']:,} | {kinds} | "
                     f"{'/'.join(info['heavy_line'])} ({info['heavy_line_events']} events) | "
                     f"{info['jsonl_mb']} MB | {info.get('db_mb', '?')} MB |")
    lines += ["", "## Results", ""]
    lines += build_tables(b)
    lines += curve_table(b)
    lines += ["## Targets", ""]
    for shape, lab in largest(b):
        lines += [f"### {shape} shape, at {lab} ({b.info[lab]['events']:,} events, "
                  f"{b.info[lab]['lines']:,} lines)", "", "| target | status | measured |", "|---|---|---|"]
        for text, ok, ev in targets(b, lab):
            status = "not measured" if ok is None else ("**met**" if ok else "**not met**")
            lines.append(f"| {text} | {status} | {ev} |")
        lines.append("")
    floors = [(lab, i["floors"]) for lab, i in b.info.items() if i.get("floors")]
    if floors:
        lines += ["", "## Floors: what one event costs at the least", "",
                  "Measured by `bench/floors.py` on the first 100,000 events of each ledger "
                  "(best of 3, µs per event; each step alone, in one process). They bound "
                  "the two throughput targets: `verify` must at least read every row, "
                  "re-encode and hash it; `import` must at least decode, parse, encode, hash "
                  "and write it. `parallel speedup` is the work two CPU-bound processes get "
                  "done against one (2.0 on two free cores); import and verify each use two "
                  "processes on a big input.", "",
                  "| ledger | decode | parse | fetch | canonical | hash | insert (indexes, "
                  "triggers) | insert (bare table) | postings insert | parallel speedup | verify "
                  "ceiling, 1 process | import ceiling, 1 process |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for lab, f in floors:
            lines.append(f"| {lab} | {f['decode']} | {f['parse']} | {f['fetch']} | {f['canonical']} | "
                         f"{f['hash']} | {f['insert']} | {f['insert_bare']} | "
                         f"{f['postings_insert']} | {f['parallel_speedup']} | "
                         f"{f['verify_ceiling']:,} ev/s | {f['import_ceiling']:,} ev/s |")
    lines += ["", "## Cross-tool check", ""]
    if b.failures:
        lines += ["**FAILED**:", ""] + [f"- {f}" for f in b.failures]
    else:
        checks = sorted({k[1] for k in b.samples if k[1].startswith("check ")})
        lines.append("Every tool's per-line ceiling, locked and realised as of each date equal "
                     "`anggaran report --by akun`, and anggaran's total row equals the "
                     "generator's own fold (" + str(len(checks)) + " checks per size).")
        for lab, info in b.info.items():
            for d in AS_OF_DATES:
                e = info["expected"][d]
                lines.append(f"- {lab} as of {d}: ceiling {e['ceiling']:,}, locked {e['locked']:,}, "
                             f"realised {e['realised']:,}")
        checked = [(lab, d) for lab in b.info for d in AS_OF_DATES
                   if (lab, f"check anggaran bendahara {d}") in b.samples]
        if checked:
            lines += ["", ("`anggaran bendahara --format json` equals the generator's fold of the "
                           "advances (UP advanced, accounted, returned, outstanding, last advance and "
                           "replenishment, GUPs by month; TUPs, their sums, settled, overdue, days "
                           "late; warnings):")]
            for lab, d in checked:
                e = b.info[lab]["expected_bendahara"][d]
                lines.append(f"- {lab} as of {d}: UP advanced {e['advanced']:,}, accounted "
                             f"{e['accounted']:,} ({e['gups']:,} GUP and GUP nihil), returned "
                             f"{e['returned']:,}, outstanding {e['outstanding']:,}; {e['tups']:,} "
                             f"TUPs, outstanding {e['tup_outstanding']:,}, {e['settled']:,} settled, "
                             f"{e['overdue']:,} overdue")
        checked = [(lab, f"`{name[15:]}`: {s['summary']}") for (lab, name), v in b.samples.items()
                   if name.startswith(("check anggaran rpd", "check anggaran ikpa")) for s in v]
        if checked:
            lines += ["", ("`anggaran rpd --format json` equals the generator's reading of its plans "
                           "and realisation (plan, realised and deviation per month and jenis, the "
                           "weighted deviations, the average), and `anggaran ikpa --format json` "
                           "assesses what the ledger can assess, with revisi's counts and score, "
                           "deviasi's score, tagihan's SP2Ds and a total that is the weighted "
                           "mean of the scores (issue 17):")]
            lines += [f"- {lab}: {what}" for lab, what in checked]
    if b.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in b.notes]
    lines.append("")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("\n".join(lines), encoding="utf-8")


def count_daily(b, label, db):
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        b.info[label]["daily_rows"] = f"{conn.execute('SELECT count(*) FROM daily').fetchone()[0]:,}"
        b.info[label]["cash_rows"] = conn.execute("SELECT count(*) FROM cash").fetchone()[0]
        conn.close()
    except sqlite3.Error:
        pass


# -------------------------------------------------------------------------- main


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000",
                    help="comma-separated event counts (default 10000,100000,1000000)")
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement; medians (default 5)")
    ap.add_argument("--quick-runs", type=int, default=None,
                    help="runs of the sub-second measurements (report, history, record, the "
                    "raw floor) when more than --runs (default: --runs)")
    ap.add_argument("--api-import-runs", type=int, default=None,
                    help="runs of the in-process import (default: --runs)")
    ap.add_argument("--out", default=None, help="results file (default bench/RESULTS.md; "
                    "bench/out/SMOKE.md with --smoke)")
    ap.add_argument("--work", default=str(HERE / "out"), help="work dir for data and ledgers")
    ap.add_argument("--seed", type=int, default=20240102)
    ap.add_argument("--bendahara-share", type=float, default=BENDAHARA_SHARE,
                    help="share of the events that are the bendahara's UP/TUP traffic "
                    f"(default {BENDAHARA_SHARE}; 0: none, e.g. to compare the import)")
    ap.add_argument("--lines", type=int, default=None, help="budget lines at every size "
                    "(default: sqrt(events), 20..1000)")
    ap.add_argument("--no-curve", action="store_true", help="skip the extra ledgers at the "
                    "largest size's line count (report time against events at fixed lines)")
    ap.add_argument("--shape", choices=("standard", "national", "both"), default="both",
                    help="data shape(s) measured at every size (default both): standard (~1,000 "
                    "lines at 1M) and national (~10,000 lines under ~2,700 kegiatan, deeper codes)")
    ap.add_argument("--lines-curve", default=None, metavar="L1,L2,...",
                    help="also time report --by akun on national ledgers of --curve-events events "
                    "with these line counts (e.g. 1000,3000,10000,30000)")
    ap.add_argument("--curve-events", type=int, default=None,
                    help="events of the --lines-curve ledgers (default: the largest size)")
    ap.add_argument("--smoke", action="store_true",
                    help="10k events, 1 run, assert cross-tool totals agree")
    ap.add_argument("--peer-timeout", type=float, default=1800, help="kill a peer run after this (s)")
    ap.add_argument("--slow-peer", type=float, default=300,
                    help="after a peer run slower than this (s), stop its runs at that date")
    ap.add_argument("--no-bean-cache", dest="bean_cache", action="store_false",
                    help="do not also time beancount with its pickle cache warm")
    ap.add_argument("--no-peers", dest="peers", action="store_false",
                    help="do not run hledger, ledger-cli and beancount (the raw SQLite floor "
                    "still runs): for a quick look at anggaran alone")
    ap.add_argument("--keep", action="store_true", help="keep ledgers and peer files in the work dir")
    ap.add_argument("--python", default=sys.executable, help="Python with anggaran installed")
    ap.add_argument("--anggaran", default=None, help="the anggaran executable")
    ap.add_argument("--no-snapshot", dest="snapshot", action="store_false",
                    help="run the installed library (--python, --anggaran) as it is on disk "
                    "instead of a byte-compiled copy taken at the start, run from a plain "
                    "environment (edits during the run then mix versions)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(json.loads(args.worker))
        return 0
    if args.smoke:
        # (beancount writes no load cache at 10k: the warm-cache runs would repeat the others)
        args.sizes, args.runs, args.no_curve, args.lines_curve, args.bean_cache = "10000", 1, True, None, False
        args.out = args.out or str(HERE / "out" / "SMOKE.md")
    args.out = args.out or str(HERE / "RESULTS.md")
    if args.anggaran is None:
        cand = Path(args.python).parent / "anggaran"
        args.anggaran = str(cand) if cand.exists() else (shutil.which("anggaran") or "anggaran")
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    args.lines_curve = sorted(int(x) for x in args.lines_curve.split(",")) if args.lines_curve else None
    args.curve_events = args.curve_events or max(sizes)

    global RUN_CWD
    Path(args.work).mkdir(parents=True, exist_ok=True)
    args.work = str(Path(args.work).resolve())
    RUN_CWD = args.work
    snap = None
    if args.snapshot:
        digest, snap = snapshot_library(args.work)
        args.python, args.anggaran = make_runtime(args.work, snap, args.python)
    b = Bench(args)
    env = machine(args.python)
    where = subprocess.run([args.anggaran, "--version"], capture_output=True, text=True)
    probe = subprocess.run([args.python, "-c", "import anggaran.cli.main as m; print(m.__file__)"],
                           capture_output=True, text=True, cwd=args.work)
    if where.returncode != 0 or probe.returncode != 0 or (snap and str(snap) not in probe.stdout):
        raise SystemExit(f"the library does not load ({where.stderr.strip()[-300:]} "
                         f"{probe.stderr.strip()[-300:]} {probe.stdout.strip()})")
    env["library"] = (f"snapshot {snap.relative_to(HERE.parent)} copied at the start, "
                      "byte-compiled, run from a plain (non-editable) environment" if snap
                      else f"installed ({Path(probe.stdout.strip()).parent.parent})")
    b.log(f"machine {env}; peers {b.tools}")
    for t in ("hledger", "ledger", "beancount"):
        if t not in b.tools:
            b.notes.append(f"{t} is not installed: skipped (see bench/README.md to install it)"
                           if args.peers else f"{t}: not run (--no-peers)")
    started = time.perf_counter()
    try:
        for shape in SHAPES if args.shape == "both" else (args.shape,):
            for n in sizes:
                b.size(n, args.lines or lines_for(n, shape), size_label(n, shape), shape=shape)
            big_lines = args.lines or lines_for(max(sizes), shape)
            for n in sizes[:-1] if not args.no_curve else ():
                if (args.lines or lines_for(n, shape)) != big_lines and n >= 5 * big_lines:
                    b.size(n, big_lines, size_label(n, shape) + " curve", full=False, shape=shape)
        done = {b.info[lab]["lines"] for lab in lines_curve(b)}
        for n_lines in [x for x in args.lines_curve or () if x not in done]:
            b.lines_point(args.curve_events, n_lines)
    finally:
        elapsed = time.perf_counter() - started
        end_digest = source_digest()
        if end_digest != env["source"]:
            b.notes.append(f"the library source in the working tree changed during the run "
                           f"({env['source']} -> {end_digest}); "
                           + ("the run used the snapshot taken at the start" if snap else
                              "the run mixed versions (--no-snapshot); re-run to be sure"))
        b.notes.append(f"whole benchmark took {elapsed / 60:.1f} min")
        raw = Path(args.work) / (Path(args.out).stem.lower() + ".json")  # RESULTS.md -> results.json
        raw.write_text(json.dumps({"env": env, "tools": b.tools, "info": b.info, "notes": b.notes,
                                   "failures": b.failures,
                                   "samples": {f"{k[0]} | {k[1]}": v for k, v in b.samples.items()}},
                                  indent=1, default=str))
        write_results(b, args.out, ["python bench/bench.py"]
                      + (argv if argv is not None else sys.argv[1:]), env)
        print("\n".join(build_tables(b) + curve_table(b)))
        for shape, lab in largest(b):
            for text, ok, ev in targets(b, lab):
                print(f"{'MET    ' if ok else ('n/a    ' if ok is None else 'NOT MET')} {lab}: {text}: {ev}")
        b.log(f"wrote {args.out} and {raw}")
    if b.failures:
        print("FAILED cross-tool checks:\n  " + "\n  ".join(b.failures), file=sys.stderr)
        return 1
    if args.smoke:
        print("smoke OK: anggaran, the raw floor and "
              + (", ".join(sorted(b.tools)) or "no peers") + " agree on every line and total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
