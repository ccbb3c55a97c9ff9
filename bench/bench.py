#!/usr/bin/env python3
"""Benchmark of anggaran against hledger, ledger-cli, beancount and a raw SQLite floor.

    python bench/bench.py --sizes 10000,100000,1000000 --runs 5 --out bench/RESULTS.md
    python bench/bench.py --smoke          # 10k events, 1 run, cross-tool totals asserted

Standard library only (plus the project, and the peers when they are installed). See
bench/README.md for what is measured and how to install the peers.

Every measured command runs as its own process; wall time is taken around the process
and peak RSS is the child's own ``ru_maxrss`` from ``os.wait4`` (exact per process, not
a high-water mark over all children). The Python API is measured in-process in a fresh
worker process (``bench.py --worker``) that times only the library call.
"""

import argparse
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


def lines_for(n_events):
    """About 1,000 budget lines at 1M events, fewer at smaller sizes (sqrt, 20..1000)."""
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


def _amount(rng, mu, sigma, lo, hi):
    return int(min(hi, max(lo, rng.lognormvariate(mu, sigma))))


def generate(n_events, n_lines, seed):
    """N valid events (contract v1.1) over ``n_lines`` lines, deterministic for a seed.

    Returns (events, info). Events are dicts with JSON-integer amounts, in date order
    (pagu first). Validity by construction: every line's pagu is its later reductions
    (cuts, negative revisions, shifts out) plus 1.05-1.45 times everything that can ever
    sit on it (all its SP2Ds, corrections in and locks), plus 100 million, so rule 5
    holds at every date whatever the order; each correction and refund uses its own,
    earlier-dated SP2D on the right line and takes at most half of it (rule 7); SP2D
    numbers are unique (rule 6); every event has a distinct ref, so none is a duplicate.
    """
    rng = random.Random(seed)
    lines = make_lines(rng, n_lines)
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
    n_sp2d = rest - n_rev - n_cut - n_grant - n_shift - n_lock - n_unlock - n_corr - n_refund

    ev = []  # (date, order, event)
    order = 0

    def add(date, event):
        nonlocal order
        order += 1
        ev.append((date, order, event))

    reduce_ = [0] * n_lines   # cuts, negative revisions, shifts out
    exposure = [0] * n_lines  # SP2Ds, corrections in, locks: the most that can sit on a line

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
        add(days[cdi], {"kind": "correction", "date": days[cdi], "from_code": lines[i][0],
                        "from_akun": lines[i][1], "code": lines[j][0], "akun": lines[j][1],
                        "amount": part, "sp2d": ref, "ref": f"KOR-24-{k + 1:06d}"})
    for k in range(n_refund):
        di, i, amt, ref = sp2ds[unused.pop()]
        part = rng.randint(1, max(1, amt // 2))
        rdi = min(nd - 1, di + rng.randint(0, 30))
        add(days[rdi], {"kind": "refund", "date": days[rdi], "code": lines[i][0],
                        "akun": lines[i][1], "amount": part, "sp2d": ref,
                        "ref": f"SSPB-24-{k + 1:06d}"})
    for di, i, amt, ref in sp2ds:
        add(days[di], {"kind": "sp2d", "date": days[di], "code": lines[i][0], "akun": lines[i][1],
                       "amount": amt, "ref": ref})
    for k in range(n_lock):
        i = pick_line()
        amt = _amount(rng, 18, 1.0, 1_000_000, 5_000_000_000)
        exposure[i] += amt
        di = rng.randrange(nd - 40)
        add(days[di], {"kind": "lock", "date": days[di], "code": lines[i][0], "akun": lines[i][1],
                       "amount": amt, "ref": f"LOCK-24-{k + 1:05d}"})
        if k < n_unlock:
            ui = min(nd - 1, di + rng.randint(5, 40))
            add(days[ui], {"kind": "unlock", "date": days[ui], "code": lines[i][0],
                           "akun": lines[i][1], "amount": amt, "ref": f"UNLOCK-24-{k + 1:05d}"})
    for k in range(n_cut):
        i, di = pick_line(), rng.randrange(nd)
        amt = _amount(rng, 17, 1.0, 1_000_000, 2_000_000_000)
        reduce_[i] += amt
        add(days[di], {"kind": "cut", "date": days[di], "code": lines[i][0], "akun": lines[i][1],
                       "amount": amt, "ref": f"S-{k + 1:05d}/AG/2024", "note": "penghematan"})
    for k in range(n_rev):
        i, di = pick_line(), rng.randrange(nd)
        amt = _amount(rng, 17.5, 1.0, 1_000_000, 5_000_000_000)
        if rng.random() < 0.4:
            reduce_[i] += amt
            amt = -amt
        add(days[di], {"kind": "revise", "date": days[di], "code": lines[i][0], "akun": lines[i][1],
                       "amount": amt, "ref": f"REV-{k + 1:05d}/POK/2024"})
    for k in range(n_grant):
        i, di = pick_line(), rng.randrange(nd)
        amt = _amount(rng, 19, 1.0, 10_000_000, 20_000_000_000)
        add(days[di], {"kind": "grant", "date": days[di], "code": lines[i][0], "akun": lines[i][1],
                       "amount": amt, "ref": f"NPHD-{k + 1:05d}", "grantor": "PEMKAB LUMAJANG"})
    for k in range(n_shift):
        i = pick_line()
        j = other_line(i)
        di = rng.randrange(nd)
        amt = _amount(rng, 17, 1.0, 1_000_000, 2_000_000_000)
        reduce_[i] += amt
        add(days[di], {"kind": "shift", "date": days[di], "from_code": lines[i][0],
                       "from_akun": lines[i][1], "code": lines[j][0], "akun": lines[j][1],
                       "amount": amt, "ref": f"GESER-{k + 1:05d}"})
    head = []
    for i, (code, akun) in enumerate(lines):
        pagu = reduce_[i] + int(exposure[i] * rng.uniform(1.05, 1.45)) + 100_000_000
        pagu = -(-pagu // 1000) * 1000
        head.append({"kind": "pagu", "date": "2024-01-02", "code": code, "akun": akun,
                     "amount": pagu, "ref": "DIPA-076.01.2.657757/2024"})
    for code in kegiatan[:n_name]:
        head.append({"kind": "name", "date": "2024-01-02", "code": code,
                     "name": f"Kegiatan sintetis {code}"})
    ev.sort(key=lambda t: (t[0], t[1]))
    events = head + [e for _, _, e in ev]
    assert len(events) == n_events, (len(events), n_events)
    per_line = defaultdict(int)
    for e in events:
        if e["kind"] != "name":
            per_line[(e["code"], e["akun"])] += 1
            if "from_code" in e:
                per_line[(e["from_code"], e["from_akun"])] += 1
    ranked = sorted(per_line.items(), key=lambda kv: (-kv[1], kv[0]))
    info = {
        "lines": len(lines), "codes": len({c for c, _ in lines}),
        "kinds": dict(sorted(_count(e["kind"] for e in events).items())),
        "heavy_line": list(ranked[0][0]), "heavy_line_events": ranked[0][1],
        "median_line": list(ranked[len(ranked) // 2][0]),
        "median_line_events": ranked[len(ranked) // 2][1],
    }
    return events, info


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


def sides(e):
    """(code, akun, d_ceiling, d_locked, d_realised) per line the event moves."""
    k, a = e["kind"], e.get("amount")
    if k in ("pagu", "grant", "revise"):
        return [(e["code"], e["akun"], a, 0, 0)]
    if k in ("cut", "carry_over"):
        return [(e["code"], e["akun"], -a, 0, 0)]
    if k == "shift":
        return [(e["from_code"], e["from_akun"], -a, 0, 0), (e["code"], e["akun"], a, 0, 0)]
    if k == "lock":
        return [(e["code"], e["akun"], 0, a, 0)]
    if k == "unlock":
        return [(e["code"], e["akun"], 0, -a, 0)]
    if k == "sp2d":
        return [(e["code"], e["akun"], 0, 0, a)]
    if k == "refund":
        return [(e["code"], e["akun"], 0, 0, -a)]
    if k == "correction":
        return [(e["from_code"], e["from_akun"], 0, 0, -a), (e["code"], e["akun"], 0, 0, a)]
    return []


def expected_lines(events, as_of):
    """The generator's own fold: line -> [ceiling, locked, realised] as of a date, and
    a check that rule 5 holds at every date on every line."""
    per = defaultdict(lambda: [0, 0, 0])
    by_date = defaultdict(list)
    for e in events:
        for s in sides(e):
            by_date[e["date"]].append(s)
    for date in sorted(by_date):
        touched = set()
        for code, akun, dc, dl, dr in by_date[date]:
            f = per[(code, akun)]
            f[0] += dc
            f[1] += dl
            f[2] += dr
            touched.add((code, akun))
        for key in touched:
            c, l, r = per[key]
            if c < 0 or l < 0 or r < 0 or r + l > c:
                raise AssertionError(f"generator broke rule 5 on {key} on {date}: {per[key]}")
    out = defaultdict(lambda: [0, 0, 0])
    for e in events:
        if e["date"] <= as_of:
            for code, akun, dc, dl, dr in sides(e):
                f = out[f"{code}/{akun}"]
                f[0] += dc
                f[1] += dl
                f[2] += dr
    return dict(out)


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
                lines.append(f"    Budget:{acct}:{code}:{akun}  IDR {amt}")
                net[acct] += amt
            for acct, amt in net.items():
                if amt:
                    lines.append(f"    {CONTRA[acct]}  IDR {-amt}")
            f.write("\n".join(lines) + "\n\n")


def bean_account(acct, code, akun):
    return f"{BEAN_ROOT[acct]}:{code.replace('.', '-')}:{akun}"


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
        self.tools = detect_tools(self.py)
        self.record_counter = 0

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

    def size(self, n, n_lines, label, full=True):
        a = self.args
        runs = a.runs
        quick = max(runs, a.quick_runs or 0)  # sub-second commands: more runs, steadier medians
        self.log(f"== {label}: {n:,} events, {n_lines} lines: generating")
        t0 = time.perf_counter()
        events, info = generate(n, n_lines, a.seed)
        stem = self.work / f"events_{n}_{n_lines}"
        jsonl = stem.with_suffix(".jsonl")
        write_jsonl(events, jsonl)
        info["generate_s"] = round(time.perf_counter() - t0, 1)
        info.update(events=n, jsonl=str(jsonl), jsonl_mb=round(jsonl.stat().st_size / 2**20, 1))
        self.info[label] = info
        expect = {d: expected_lines(events, d) for d in AS_OF_DATES}
        info["expected"] = {d: totals_of(expect[d]) for d in AS_OF_DATES}
        self.log(f"   kinds {info['kinds']}; heavy line {'/'.join(info['heavy_line'])} "
                 f"({info['heavy_line_events']} events)")

        # ---- import (CLI), fresh ledger each run; the last one stays for the reads
        db = self.work / f"ledger_{n}_{n_lines}.db"
        for r in range(runs):
            _rm_db(db)
            self.must(self.cli(db, "init", "--satker", SATKER, "--name", SATKER_NAME), "init")
            p = self.must(self.cli(db, "import", str(jsonl)), f"anggaran import ({label})")
            self.sample(label, "cli import", p, rate=n / p.wall)
            self.log(f"   cli import run {r + 1}: {p.wall:.2f} s ({n / p.wall:,.0f} ev/s), "
                     f"{p.rss_mb:.0f} MB")
        info["db_mb"] = round(db.stat().st_size / 2**20, 1)
        count_daily(self, label, db)
        if full:
            api_db = self.work / f"api_{n}_{n_lines}.db"
            for r in range(a.api_import_runs if a.api_import_runs is not None else runs):
                _rm_db(api_db)
                p = self.must(self.worker({"op": "import", "db": str(api_db), "file": str(jsonl)}),
                              "API import")
                res = json.loads(p.out)
                self.sample(label, "api import", p, call=res["call_s"], rate=n / res["call_s"])
                self.log(f"   api import run {r + 1}: {res['call_s']:.2f} s")
            _rm_db(api_db)

        # ---- reads through the CLI
        reports = {}
        for d in AS_OF_DATES:
            for r in range(quick):
                p = self.must(self.cli(db, "report", "--as-of", d, "--format", "json"), "report")
                self.sample(label, f"cli report {d}", p)
                reports[d] = json.loads(p.out)
            self.log(f"   cli report {d}: {self._med(label, f'cli report {d}'):.3f} s")
        if not full:
            self.check_totals(label, "anggaran report (cli)", reports, info["expected"])
            if not self.args.keep:
                _rm_db(db)
            return
        hl, ml = info["heavy_line"], info["median_line"]
        for name, (code, akun) in (("cli history heavy line", hl), ("cli history median line", ml)):
            for r in range(quick):
                p = self.must(self.cli(db, "history", code, "--akun", akun, "--as-of", "2024-12-31",
                                       "--format", "json"), "history")
                rows = len(json.loads(p.out)["rows"])
                self.sample(label, name, p, rows=rows)
            self.log(f"   {name} ({rows} rows): {self._med(label, name):.3f} s")
        for r in range(runs):
            p = self.must(self.cli(db, "verify"), "verify")
            self.sample(label, "cli verify", p, rate=n / p.wall)
        self.log(f"   cli verify: {self._med(label, 'cli verify'):.2f} s")
        if n >= 100_000:  # the per-event floors (bench/floors.py), on this ledger and file
            p = self.must(run([self.py, str(HERE / "floors.py"), str(db), str(jsonl),
                               "--rows", "100000"]), "floors")
            info["floors"] = json.loads(p.out)
            self.log(f"   floors: {info['floors']}")

        # ---- reads through the API (in a fresh worker, timing the call only)
        api_reports = {}
        for d in AS_OF_DATES:
            for r in range(quick):
                p = self.must(self.worker({"op": "report", "db": str(db), "as_of": d}), "API report")
                res = json.loads(p.out)
                self.sample(label, f"api report {d}", p, call=res["call_s"], open=res["open_s"])
                api_reports[d] = res["total"]
        for name, (code, akun) in (("api history heavy line", hl), ("api history median line", ml)):
            for r in range(quick):
                p = self.must(self.worker({"op": "history", "db": str(db), "code": code, "akun": akun,
                                           "as_of": "2024-12-31"}), "API history")
                res = json.loads(p.out)
                self.sample(label, name, p, call=res["call_s"], open=res["open_s"])
        for r in range(runs):
            p = self.must(self.worker({"op": "verify", "db": str(db)}), "API verify")
            res = json.loads(p.out)
            self.sample(label, "api verify", p, call=res["call_s"], rate=n / res["call_s"])
        self.log("   api reads done")

        # ---- cross-check anggaran against the generator (totals and every line)
        self.check_totals(label, "anggaran report (cli)", reports, info["expected"])
        self.check_totals(label, "anggaran report (api)",
                          {d: {"rows": [dict(api_reports[d], level="total")]} for d in AS_OF_DATES},
                          info["expected"])
        by_akun = {}
        for d in AS_OF_DATES:
            p = self.must(self.cli(db, "report", "--as-of", d, "--by", "akun", "--format", "json"),
                          "report --by akun")
            by_akun[d] = {row["code"]: [row[f] for f in FIELDS3]
                          for row in json.loads(p.out)["rows"] if row["level"] == "akun"}
            self.compare_lines(label, "anggaran report --by akun", d, by_akun[d], expect[d])

        # ---- peers and the raw floor
        self.peers(label, n, events, stem, by_akun, reports)
        del events

        # ---- record one SP2D into the ledger (last: it changes the ledger)
        code, akun = hl
        for mode in ("cli", "api"):
            for r in range(quick):
                self.record_counter += 1
                ref = f"2412319{self.record_counter:08d}"
                fields = {"date": "2024-12-30", "code": code, "akun": akun,
                          "amount": 1_000_000, "ref": ref}
                if mode == "cli":
                    p = self.must(self.cli(db, "record", "sp2d", "--date", fields["date"],
                                           "--code", code, "--akun", akun, "--amount", "1000000",
                                           "--ref", ref), "record")
                    self.sample(label, "cli record sp2d", p)
                else:
                    p = self.must(self.worker({"op": "record", "db": str(db), "fields": fields}),
                                  "API record")
                    res = json.loads(p.out)
                    self.sample(label, "api record sp2d", p, call=res["call_s"], open=res["open_s"])
        self.log(f"   cli record: {self._med(label, 'cli record sp2d'):.3f} s")
        if not self.args.keep:
            _rm_db(db)

    def peers(self, label, n, events, stem, by_akun, reports):
        a = self.args
        runs = a.runs
        quick = max(runs, a.quick_runs or 0)
        # raw SQLite floor
        floor = stem.with_suffix(".floor.sqlite")
        build_floor(events, floor)
        for d in AS_OF_DATES:
            for r in range(quick):
                p = self.must(run([self.py, "-c", FLOOR_SCRIPT, str(floor), d]), "floor")
                res = json.loads(p.out)
                self.sample(label, f"peer floor {d}", p, call=res["call_s"])
            self.compare_lines(label, "raw SQLite floor", d, res["lines"], by_akun[d])
            self.log(f"   floor {d}: {self._med(label, f'peer floor {d}'):.3f} s "
                     f"(query {res['call_s']:.3f} s)")
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
            for f in (journal, bean, floor, bean.parent / f".{bean.name}.picklecache"):
                if f.exists():
                    f.unlink()

    # ------------------------------------------------------------- checks

    def check_totals(self, label, who, reports, expected):
        for d in AS_OF_DATES:
            total = next(r for r in reports[d]["rows"] if r["level"] == "total")
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


def _rm_db(db):
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(str(db) + suffix)
        if p.exists():
            p.unlink()


def _next_day(d):
    return (dt.date.fromisoformat(d) + dt.timedelta(days=1)).isoformat()


def _key_from_account(parts):
    # [kind, code, akun] -> ("Ceiling", "CQ.6639/521211")
    return parts[0], f"{parts[1]}/{parts[2]}"


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
                pairs.append((kind, f"{parts[2].replace('-', '.')}/{parts[3]}", int(amount)))
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
    ("api report 2024-06-30", "report 2024-06-30 (API)", "call"),
    ("api report 2024-12-31", "report 2024-12-31 (API)", "call"),
    ("cli history heavy line", "history, heaviest line (CLI)", "wall"),
    ("cli history median line", "history, median line (CLI)", "wall"),
    ("api history heavy line", "history, heaviest line (API)", "call"),
    ("api history median line", "history, median line (API)", "call"),
    ("cli verify", "verify (CLI)", "rate"),
    ("api verify", "verify (API)", "call"),
    ("cli record sp2d", "record one SP2D (CLI)", "wall"),
    ("api record sp2d", "record one SP2D (API)", "call"),
]
PEERS = [("floor", "raw SQLite GROUP BY floor"), ("ledger", "ledger-cli"),
         ("hledger", "hledger"), ("beancount", "beancount (load, no cache)"),
         ("beancount+cache", "beancount (warm pickle cache)")]


def build_tables(b, sizes):
    """Markdown tables: measurements, peers and ratios, curve."""
    out = []
    head = "| measurement | " + " | ".join(f"{human(n)} ({b.info[human(n)]['lines']} lines)"
                                            for n in sizes if human(n) in b.info) + " |"
    present = [n for n in sizes if human(n) in b.info]
    out.append("### anggaran: median wall time (s), throughput, peak RSS\n")
    out.append(head)
    out.append("|---|" + "---|" * len(present))
    for name, text, kind in MEASURES:
        cells = []
        for n in present:
            lab = human(n)
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
    out.append(f"Medians of {b.args.runs} runs (import, verify, the peers) and of {quick} runs "
               "(report, history, record, the raw floor). "
               "CLI figures are whole processes (interpreter start, imports, open, work, output). "
               "API figures time only the library call in a fresh process (the process wall "
               "time and its peak RSS in brackets/after). RSS is the maximum over the runs.\n")

    out.append("### balance as of a date: anggaran `report` vs the peers (median wall s, peak RSS, ratio)\n")
    out.append("Ratio = peer time / anggaran CLI report time (> 1: anggaran is faster).\n")
    out.append("| tool | as of | " + " | ".join(human(n) for n in present) + " |")
    out.append("|---|---|" + "---|" * len(present))
    for d in AS_OF_DATES:
        cells = []
        for n in present:
            w = b._med(human(n), f"cli report {d}")
            cells.append(f"{fmt_s(w)}; {b._max(human(n), f'cli report {d}', 'rss_mb'):.0f} MB" if w else "—")
        out.append(f"| anggaran report (CLI) | {d} | " + " | ".join(cells) + " |")
        for tool, text in PEERS:
            cells = []
            for n in present:
                lab = human(n)
                w = b._med(lab, f"peer {tool} {d}")
                base = b._med(lab, f"cli report {d}")
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
        out.append("Not installed, skipped: " + ", ".join(missing) + ".\n")
    return out


def curve_table(b):
    out = ["### report time against events (CLI, median wall s)\n",
           "| events | lines | daily rows* | report 2024-06-30 | report 2024-12-31 |",
           "|---|---|---|---|---|"]
    for lab, info in sorted(b.info.items(), key=lambda kv: (kv[1]["lines"], kv[1]["events"])):
        out.append(f"| {info['events']:,} | {info['lines']} | {info.get('daily_rows', '?')} | "
                   f"{fmt_s(b._med(lab, 'cli report 2024-06-30'))} | "
                   f"{fmt_s(b._med(lab, 'cli report 2024-12-31'))} |")
    out.append("\n*rows of the `daily` projection (line and jenis buckets × active days), "
               "counted after import.\n")
    return out


def targets(b, big):
    """[(target, met? (None: not measured), evidence)] at the largest size."""
    lab = human(big)
    info = b.info.get(lab, {"lines": "?", "events": big})
    res = []

    def target(text, fn):
        try:
            ok, evidence = fn()
        except (TypeError, ValueError, KeyError, ZeroDivisionError):
            ok, evidence = None, "not measured"
        res.append((text, ok, evidence))

    def report():
        rep = [b._med(lab, f"cli report {d}") for d in AS_OF_DATES]
        return max(rep) < 0.3, f"{rep[0]:.3f} s (06-30), {rep[1]:.3f} s (12-31)"
    target(f"`report --as-of` any date < 0.3 s wall (CLI) at {lab} events / {info['lines']} lines",
           report)

    def growth():
        fixed = sorted((i["events"], l) for l, i in b.info.items() if i["lines"] == info["lines"])
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

    for lab2, i2 in b.info.items():
        if i2["events"] >= 100_000 and "curve" not in lab2:
            def floor(lab2=lab2):
                parts, ok = [], True
                for d in AS_OF_DATES:
                    a, f = b._med(lab2, f"cli report {d}"), b._med(lab2, f"peer floor {d}")
                    ai = b._med(lab2, f"api report {d}", "call")
                    fi = b._med(lab2, f"peer floor {d}", "call")
                    ok &= a < f
                    parts.append(f"{d}: {a:.3f} s vs floor {f:.3f} s (in-process: report call "
                                 f"{ai:.4f} s vs query {fi:.4f} s)")
                return ok, "; ".join(parts)
            target(f"report faster than the raw GROUP BY floor at {lab2} (CLI vs floor process)", floor)

    for tool, need in (("ledger", 20), ("hledger", 100)):
        def peer(tool=tool, need=need):
            parts, ok = [], True
            for d in AS_OF_DATES:
                a, p = b._med(lab, f"cli report {d}"), b._med(lab, f"peer {tool} {d}")
                ok &= p / a >= need
                parts.append(f"{d}: {p:.2f} s / {a:.3f} s = {p / a:.1f}x")
            return ok, "; ".join(parts)
        target(f">= {need}x faster than {'ledger-cli' if tool == 'ledger' else tool} at {lab}", peer)

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


def write_results(b, sizes, path, argv, env):
    lines = ["# anggaran benchmark results", "",
             f"Generated by `{' '.join(argv)}` on {env['date']}. "
             "Medians of the runs; see `bench/README.md` for the method.", "",
             "## Machine and versions", "",
             f"- machine: {env['nproc']} CPUs ({env['cpu']}), {env['memory']} memory, Linux {env['kernel']}",
             f"- Python {env['python']}, SQLite {env['sqlite']}, anggaran {env['anggaran']} "
             f"(git {env['git']}; source digest {env['source']}; {env['library']})"]
    for t in ("hledger", "ledger", "beancount"):
        lines.append(f"- {t}: {b.tools.get(t, 'not installed (skipped)')}")
    lines += ["", "## Data", "",
              "| size | events | lines | codes | kinds | heaviest line | JSONL | ledger file |",
              "|---|---|---|---|---|---|---|---|"]
    for lab, info in b.info.items():
        kinds = ", ".join(f"{k} {v:,}" for k, v in info["kinds"].items())
        lines.append(f"| {lab} | {info['events']:,} | {info['lines']} | {info['codes']} | {kinds} | "
                     f"{'/'.join(info['heavy_line'])} ({info['heavy_line_events']} events) | "
                     f"{info['jsonl_mb']} MB | {info.get('db_mb', '?')} MB |")
    lines += ["", "## Results", ""]
    lines += build_tables(b, sizes)
    lines += curve_table(b)
    big = max(sizes)
    lines += ["## Targets", "", f"At {human(big)} events ({b.info.get(human(big), {}).get('lines', '?')} lines).", "",
              "| target | status | measured |", "|---|---|---|"]
    for text, ok, ev in targets(b, big):
        status = "not measured" if ok is None else ("**met**" if ok else "**not met**")
        lines.append(f"| {text} | {status} | {ev} |")
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
    if b.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in b.notes]
    lines.append("")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("\n".join(lines), encoding="utf-8")


def count_daily(b, label, db):
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        b.info[label]["daily_rows"] = f"{conn.execute('SELECT count(*) FROM daily').fetchone()[0]:,}"
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
    ap.add_argument("--lines", type=int, default=None, help="budget lines at every size "
                    "(default: sqrt(events), 20..1000)")
    ap.add_argument("--no-curve", action="store_true", help="skip the extra ledgers at the "
                    "largest size's line count (report time against events at fixed lines)")
    ap.add_argument("--smoke", action="store_true",
                    help="10k events, 1 run, assert cross-tool totals agree")
    ap.add_argument("--peer-timeout", type=float, default=1800, help="kill a peer run after this (s)")
    ap.add_argument("--slow-peer", type=float, default=300,
                    help="after a peer run slower than this (s), stop its runs at that date")
    ap.add_argument("--no-bean-cache", dest="bean_cache", action="store_false",
                    help="do not also time beancount with its pickle cache warm")
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
        args.sizes, args.runs, args.no_curve = "10000", 1, True
        args.out = args.out or str(HERE / "out" / "SMOKE.md")
    args.out = args.out or str(HERE / "RESULTS.md")
    if args.anggaran is None:
        cand = Path(args.python).parent / "anggaran"
        args.anggaran = str(cand) if cand.exists() else (shutil.which("anggaran") or "anggaran")
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))

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
            b.notes.append(f"{t} is not installed: skipped (see bench/README.md to install it)")
    started = time.perf_counter()
    try:
        for n in sizes:
            n_lines = args.lines or lines_for(n)
            label = human(n)
            b.size(n, n_lines, label)
        big_lines = args.lines or lines_for(max(sizes))
        if not args.no_curve:
            for n in sizes[:-1]:
                if (args.lines or lines_for(n)) != big_lines:
                    label = human(n) + " curve"
                    b.size(n, big_lines, label, full=False)
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
        write_results(b, sizes, args.out, ["python bench/bench.py"]
                      + (argv if argv is not None else sys.argv[1:]), env)
        print("\n".join(build_tables(b, sizes) + curve_table(b)))
        for text, ok, ev in targets(b, max(sizes)):
            print(f"{'MET    ' if ok else ('n/a    ' if ok is None else 'NOT MET')} {text}: {ev}")
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
