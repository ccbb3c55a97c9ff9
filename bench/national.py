#!/usr/bin/env python3
"""The national shape on both backends: many satker in one PostgreSQL database against one
SQLite file per satker, side by side.

    python bench/national.py                      # 550 satker x 2,000 events, the full run
    python bench/national.py --satker 50          # a smaller national shape
    python bench/national.py --smoke              # tiny, < 60 s; fails if the backends disagree

It starts (and stops) its own throwaway PostgreSQL server (``tests/pg_server.py``), with
durability switched back on (fsync, synchronous_commit, full_page_writes: the test
server's defaults turn them off), and measures:

1. the build: every satker's events (``bench.generate``, one seed per satker: other codes,
   lines and amounts each) written as JSONL and put in through the library, as a user's
   script would (``Ledger.init(store, satker, name)`` then ``ledger.import_file(path)``:
   the real append path with every rule), into one database and into one file per satker;
   ``--workers`` processes share the satker (import throughput per backend);
2. the reads, through the CLI (each a process: wall time and peak RSS, median and max of
   ``--runs``): ``consolidate --as-of 2024-06-30 --format json`` (and ``--by jenis``) over
   the database and over the files, and one satker's ``report --as-of 2024-06-30``;
   the consolidated JSON must be the same from both backends and its total must be the
   generator's own sum;
3. concurrency: ``--writers`` processes over ``--conc-satker`` satker, each recording
   ``--records`` SP2Ds one by one through the CLI (``record sp2d``): (a) one PostgreSQL
   database, (b) one SQLite file per satker, (c) one shared SQLite file — which holds one
   satker, so there the writers all write into that satker, on as many different lines;
   every record must be accepted, the counts must add up and ``verify`` must pass;
4. isolation: the latency of one writer on satker B alone, while 8 writers record into
   satker A, and (the control) while 8 writers record into B itself; the time each record
   waited for the write lock is measured inside the process (the advisory lock's
   ``BEGIN IMMEDIATE`` on PostgreSQL, SQLite's ``BEGIN IMMEDIATE``).

Standard library plus the project (and psycopg, its PostgreSQL extra). As ``bench.py``, it
measures a byte-compiled snapshot of the library taken at the start (``--no-snapshot``:
the installed one); at the end, if the library's source changed during the run, the
consolidate timings are taken again with a new snapshot. See bench/README.md.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench  # noqa: E402  (the generator, the launcher, the snapshot)

AS_OF = "2024-06-30"
RECORD_DATE = "2024-12-30"
RECORD_AMOUNT = 10_000  # rupiah per recorded SP2D: every generated line has >= 100 million
#                         of headroom at any date (bench.generate), far above what is recorded
FIELDS = ("ceiling", "locked", "realised", "blocked", "committed")
PG_LOCK_CLASS = 0x414E4747  # anggaran.pg.LOCK_CLASS: the advisory lock's first key
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}

# A CLI process that also measures how long its write waited for the lock: the CLI's own
# entry point (as the console script runs it), with the BEGIN IMMEDIATE of either backend
# timed; the wait is written to stderr at exit.
WRAPPER = r"""
import atexit, sys, time
wait = [0.0]
argv = sys.argv[1:]
db = argv[argv.index("--db") + 1] if "--db" in argv else ""
if db.startswith("postgres"):
    from anggaran import pg
    _special = pg.Connection._special
    def _timed(self, sql):
        if sql.split()[:2] == ["BEGIN", "IMMEDIATE"]:
            t = time.perf_counter()
            try:
                return _special(self, sql)
            finally:
                wait[0] += time.perf_counter() - t
        return _special(self, sql)
    pg.Connection._special = _timed
else:
    import sqlite3
    _connect = sqlite3.connect
    class _Timed(sqlite3.Connection):
        def execute(self, sql, *args):
            if sql == "BEGIN IMMEDIATE":
                t = time.perf_counter()
                try:
                    return super().execute(sql, *args)
                finally:
                    wait[0] += time.perf_counter() - t
            return super().execute(sql, *args)
    def _connect_timed(*a, **k):
        k.setdefault("factory", _Timed)
        return _connect(*a, **k)
    sqlite3.connect = _connect_timed
atexit.register(lambda: sys.stderr.write(f"\nLOCKWAIT {wait[0]:.6f}\n"))
from anggaran.cli.main import main
sys.argv = ["anggaran"] + argv
sys.exit(main())
"""


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def pct(values, p):
    """The p-th percentile (nearest rank) of ``values``."""
    s = sorted(values)
    if not s:
        return None
    return s[min(len(s) - 1, max(0, -(-len(s) * p // 100) - 1))]


def fmt(x, digits=3):
    return "—" if x is None else (f"{x:.{digits}f}" if x < 10 else f"{x:.1f}")


# ------------------------------------------------------------------------- the data

def satker_codes(n, seed):
    """``n`` distinct six-digit satker codes, in order, and their names."""
    rng = random.Random(f"{seed}/satker")
    codes = sorted(str(c) for c in rng.sample(range(100000, 1000000), n))
    return [(c, f"SATKER SINTETIS {i + 1:03d}") for i, c in enumerate(codes)]


def generate_all(satker, n_events, seed, folder):
    """One JSONL per satker (``bench.generate``, standard shape, its own seed), and the
    generator's own totals as of AS_OF (ceiling, locked, realised) per satker, and every
    satker's lines with a pagu (for the writers)."""
    folder.mkdir(parents=True, exist_ok=True)
    n_lines = bench.lines_for(n_events)
    out = {}
    for code, _name in satker:
        events, info = bench.generate(n_events, n_lines, f"{seed}/{code}", "standard")
        dipa = bench.DIPA_REF.replace("657757", code)
        for e in events:
            if e.get("ref") == bench.DIPA_REF:
                e["ref"] = dipa
        path = folder / f"{code}.jsonl"
        bench.write_jsonl(events, path)
        lines = [(e["code"], e.get("akun", "")) for e in events if e["kind"] == "pagu"]
        out[code] = {"jsonl": str(path), "events": len(events), "lines": lines,
                     "expected": bench.totals_of(bench.expected_lines(events, AS_OF)),
                     "kinds": info["kinds"]}
    return out


# ------------------------------------------------------------------------- workers

def worker_build(spec):
    """In the measured Python: init + import each satker's file; prints JSON rows
    ``[code, init_s, import_s, new]``."""
    from anggaran.ledger import Ledger

    rows = []
    for code, name, jsonl in spec["items"]:
        store = spec["url"] if spec["backend"] == "pg" else os.path.join(spec["folder"], f"{code}.db")
        t0 = time.perf_counter()
        ledger = Ledger.init(store, code, name)
        t1 = time.perf_counter()
        try:
            result = ledger.import_file(jsonl)
        finally:
            ledger.close()
        rows.append([code, t1 - t0, time.perf_counter() - t1, result.new])
    import anggaran

    print(json.dumps({"rows": rows, "library": anggaran.__file__}))


def worker_writer(spec):
    """One writer: ``records`` CLI ``record sp2d`` one after the other (from ``start_at``,
    a wall-clock time shared by all the writers of a run); prints JSON of the latencies,
    the lock waits, the exit codes and the start and end."""
    while time.time() < spec["start_at"]:
        time.sleep(0.002)
    lat, waits, rcs, errors = [], [], [], []
    begin = time.time()
    for i in range(spec["records"]):
        ref = f"{spec['ref_prefix']}{i:05d}"
        akun = ["--akun", spec["akun"]] if spec["akun"] else []
        cmd = [spec["python"], "-c", WRAPPER, *spec["db_args"], "record", "sp2d", "--date",
               RECORD_DATE, "--code", spec["code"], *akun, "--amount", str(RECORD_AMOUNT),
               "--ref", ref]
        t = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=spec["cwd"])
        lat.append(time.perf_counter() - t)
        rcs.append(p.returncode)
        wait = None
        for line in p.stderr.splitlines():
            if line.startswith("LOCKWAIT "):
                wait = float(line.split()[1])
        waits.append(wait)
        if p.returncode != 0:
            errors.append(p.stderr.strip()[-300:])
    print(json.dumps({"lat": lat, "wait": waits, "rc": rcs, "errors": errors[:3],
                      "begin": begin, "end": time.time()}))


# ------------------------------------------------------------------------- the bench

class National:
    def __init__(self, args):
        self.args = args
        self.work = Path(args.work).resolve()
        self.results = {"build": {}, "reads": {}, "checks": [], "concurrency": [],
                        "isolation": [], "held": [], "notes": [], "failures": [], "recheck": None}
        self.server = None

    # ---------------------------------------------------------------- plumbing

    def fail(self, msg):
        self.results["failures"].append(msg)
        log("FAIL: " + msg)

    def cli(self, *argv, ang=None):
        return bench.run([ang or self.args.anggaran, *argv])

    def must(self, proc, what):
        if proc.rc != 0:
            raise SystemExit(f"{what} failed (exit {proc.rc}): {proc.err.strip()[-800:]}")
        return proc

    def pg_exec(self, sql, params=None, dbname="national"):
        return self.server.execute(sql, dbname, params)

    def start_server(self):
        sys.path.insert(0, str(HERE.parent / "tests"))
        from pg_server import Server, find_bin

        if find_bin() is None:
            raise SystemExit("no PostgreSQL server binaries (initdb, pg_ctl): install the "
                             "'postgresql' package (tests/pg_server.py --bin)")
        self.server = Server.start()
        if self.args.pg_durable:
            for name, value in DURABLE.items():
                self.server.execute(f"ALTER SYSTEM SET {name} = {value}")
            self.server.execute("SELECT pg_reload_conf()")
        shown = self.server.execute("SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
                                    "('fsync', 'synchronous_commit', 'full_page_writes', "
                                    "'shared_buffers', 'max_connections') ORDER BY name")
        self.results["server"] = {"version": self.server.execute("SHOW server_version")[0][0],
                                  "settings": dict(shown)}
        log(f"PostgreSQL {self.results['server']['version']} at {self.server.socket_dir}: "
            f"{self.results['server']['settings']}")

    # ---------------------------------------------------------------- 1. build

    def solo(self, satker, data):
        """One process imports ``--solo`` satker, one after the other, into each backend
        (fresh stores): the import throughput of one writer with the machine to itself.
        Then one consolidate over each, compared: a check that the library as measured
        works end to end before the long build."""
        log(f"== one process, {len(satker)} satker, each backend")
        url = self.server.create_database("solo")
        folder = self.work / "solo"
        saved, self.args.workers = self.args.workers, 1
        try:
            self.results["solo"] = {
                "sqlite": self.build("sqlite", satker, data, "one process, SQLite", folder=folder),
                "pg": self.build("pg", satker, data, "one process, PostgreSQL", url=url)}
        finally:
            self.args.workers = saved
        files = [str(folder / f"{c}.db") for c, _ in satker]
        outputs = {}
        for by in ("satker", "jenis"):
            base = ["consolidate", "--as-of", AS_OF, "--format", "json", "--by", by]
            outputs[("pg", by)] = self.must(self.cli("--db", url, *base), "consolidate (solo)").out
            outputs[("sqlite", by)] = self.must(self.cli(base[0], *files, *base[1:]),
                                                "consolidate (solo)").out
        self.check_consolidated(outputs, satker, data, tag="one process: ")
        self.server.drop_database("solo")
        shutil.rmtree(folder, ignore_errors=True)

    def build(self, backend, satker, data, label, url=None, folder=None):
        """Every satker into one database (``url``) or one file each (``folder``), by
        ``--workers`` processes; the per-satker init and import times."""
        a = self.args
        items = [[code, name, data[code]["jsonl"]] for code, name in satker]
        chunks = [items[i::a.workers] for i in range(a.workers)]
        spec = {"backend": backend, "url": url, "folder": str(folder) if folder else None}
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        t0 = time.perf_counter()
        procs = [subprocess.Popen([a.python, str(Path(__file__).resolve()), "--worker",
                                   json.dumps({"op": "build", **spec, "items": chunk})],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  cwd=str(self.work))
                 for chunk in chunks if chunk]
        rows = []
        for p in procs:
            out, err = p.communicate()
            if p.returncode != 0:
                raise SystemExit(f"build {label} failed: {err.strip()[-1500:]}")
            got = json.loads(out)
            rows += got["rows"]
            self.library = got["library"]
        wall = time.perf_counter() - t0
        events = sum(r[3] for r in rows)
        expected = sum(data[c]["events"] for c, _ in satker)
        if events != expected:
            self.fail(f"build {label}: {events} events imported, {expected} generated")
        imp = [r[2] for r in rows]
        ini = [r[1] for r in rows]
        if backend == "pg":
            size = self.pg_exec("SELECT pg_database_size(current_database())", dbname=url_db(url))[0][0]
        else:
            size = sum(f.stat().st_size for f in Path(folder).iterdir())
        res = {"stores": len(rows), "events": events, "wall": wall, "workers": len(procs),
               "ev_s_wall": events / wall, "import_sum": sum(imp), "init_sum": sum(ini),
               "import_median": statistics.median(imp), "import_max": max(imp),
               "init_median": statistics.median(ini),
               "ev_s_process": events / sum(imp), "size_mb": size / 2**20,
               "per_satker": {r[0]: r[1:3] for r in rows}}
        log(f"   {label}: {len(rows)} satker, {events:,} events in {wall:.1f} s "
            f"({res['ev_s_wall']:,.0f} ev/s on {len(procs)} processes; one import "
            f"{res['import_median']:.3f} s median = {res['ev_s_process']:,.0f} ev/s per process)")
        return res

    # ---------------------------------------------------------------- 2. reads

    def timed(self, name, argv, runs, ang=None, keep_out=False):
        """``runs`` runs of one CLI command: median, max wall, max RSS; the first output."""
        walls, rss, first = [], [], None
        for _ in range(runs):
            p = self.must(self.cli(*argv, ang=ang), name)
            walls.append(p.wall)
            rss.append(p.rss_mb)
            if first is None:
                first = p.out
        res = {"median": statistics.median(walls), "max": max(walls), "min": min(walls),
               "rss_mb": max(rss), "runs": runs, "walls": walls}
        log(f"   {name}: median {res['median']:.3f} s, max {res['max']:.3f} s, "
            f"RSS {res['rss_mb']:.0f} MB")
        return res, first

    def reads(self, url, files, satker, data, ang=None, tag=""):
        a = self.args
        out = {}
        outputs = {}
        for by in ("satker", "jenis"):
            extra = ["--by", "jenis"] if by == "jenis" else []
            base = ["consolidate", "--as-of", AS_OF, "--format", "json", *extra]
            out[f"consolidate {by} pg"], outputs[("pg", by)] = self.timed(
                f"{tag}consolidate --by {by} (PostgreSQL, {len(satker)} satker)",
                ["--db", url, *base], a.runs, ang)
            out[f"consolidate {by} sqlite"], outputs[("sqlite", by)] = self.timed(
                f"{tag}consolidate --by {by} ({len(files)} SQLite files)",
                [*base[:1], *files, *base[1:]], a.runs, ang)
        self.check_consolidated(outputs, satker, data, tag)
        if not tag:  # one satker's report: only in the main run
            code = satker[len(satker) // 2][0]
            out["report pg"], rep_pg = self.timed(
                f"report, one satker (PostgreSQL, satker {code})",
                ["--db", url, "--satker", code, "report", "--as-of", AS_OF], a.quick_runs, ang)
            out["report sqlite"], rep_sq = self.timed(
                f"report, one satker (SQLite file {code}.db)",
                ["--db", str(self.work / "sqlite" / f"{code}.db"), "report", "--as-of", AS_OF],
                a.quick_runs, ang)
            out["report satker"] = code
            if rep_pg.splitlines()[1:] != rep_sq.splitlines()[1:]:
                self.fail(f"report of satker {code}: PostgreSQL and SQLite print different "
                          "figures")
            else:
                self.results["checks"].append(f"{tag}`report --as-of {AS_OF}` of satker {code}: "
                                              "the same lines from both backends")
        return out

    def check_consolidated(self, outputs, satker, data, tag=""):
        for by in ("satker", "jenis"):
            pg_json, sq_json = (json.loads(outputs[(b, by)]) for b in ("pg", "sqlite"))
            if pg_json != sq_json:
                diff = [k for k in pg_json if pg_json.get(k) != sq_json.get(k)]
                self.fail(f"{tag}consolidate --by {by}: PostgreSQL and the SQLite files differ "
                          f"(keys {diff})")
                continue
            total = pg_json["rows"][0]
            expect = {f: sum(data[c]["expected"][f] for c, _ in satker)
                      for f in ("ceiling", "locked", "realised")}
            got = {f: total[f] for f in expect}
            n_satker = sum(1 for r in pg_json["rows"] if r["level"] == "satker")
            if got != expect:
                self.fail(f"{tag}consolidate --by {by}: total {got}, the generator's sum {expect}")
            elif by == "satker" and n_satker != len(satker):
                self.fail(f"{tag}consolidate: {n_satker} satker rows, {len(satker)} satker")
            else:
                self.results["checks"].append(
                    f"{tag}`consolidate --by {by}` JSON identical from PostgreSQL and the SQLite "
                    f"files ({len(pg_json['rows'])} rows); total = the generator's sum: ceiling "
                    f"{expect['ceiling']:,}, locked {expect['locked']:,}, realised "
                    f"{expect['realised']:,}")

    def profile_consolidate(self, url):
        """cProfile of one ``consolidate`` over the database (the measured library)."""
        prof = self.work / "consolidate.prof"
        cmd = [self.args.python, "-m", "cProfile", "-o", str(prof), "-m", "anggaran", "--db", url,
               "consolidate", "--as-of", AS_OF, "--format", "json"]
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=str(self.work))
        if p.returncode != 0:
            return f"(cProfile failed: {p.stderr.strip()[-300:]})"
        code = ("import pstats, sys, io; s = io.StringIO(); "
                "st = pstats.Stats(sys.argv[1], stream=s); st.sort_stats('cumulative').print_stats(28); "
                "st.sort_stats('tottime').print_stats(12); print(s.getvalue())")
        q = subprocess.run([self.args.python, "-c", code, str(prof)], capture_output=True,
                           text=True, cwd=str(self.work))
        text = q.stdout
        (self.work / "consolidate_profile.txt").write_text(text)
        return text

    # ---------------------------------------------------------------- 3. concurrency

    def writers_run(self, label, plans, on_start=None):
        """Run writers (``plans``: dicts with db_args, code, akun, ref_prefix, records,
        group) together; per group: latencies, lock waits, accepted. ``on_start(start_at)``
        is called before they are started."""
        start_at = time.time() + 1.0 + 0.08 * len(plans)
        if on_start is not None:
            on_start(start_at)
        procs = []
        for plan in plans:
            spec = {"op": "writer", "python": self.args.python, "cwd": str(self.work),
                    "start_at": start_at, **plan}
            procs.append(subprocess.Popen([sys.executable, str(Path(__file__).resolve()),
                                           "--worker", json.dumps(spec)],
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True))
        outs = []
        for p, plan in zip(procs, plans):
            o, e = p.communicate()
            if p.returncode != 0:
                raise SystemExit(f"{label}: writer failed: {e.strip()[-800:]}")
            outs.append((plan, json.loads(o)))
        end = max(o["end"] for _, o in outs)
        groups = {}
        for plan, o in outs:
            g = groups.setdefault(plan.get("group", "all"), {"lat": [], "wait": [], "rc": [],
                                                            "errors": [], "writers": 0})
            g["lat"] += o["lat"]
            g["wait"] += [w for w in o["wait"] if w is not None]
            g["rc"] += o["rc"]
            g["errors"] += o["errors"]
            g["writers"] += 1
        res = {"label": label, "wall": end - start_at, "groups": {}}
        for name, g in groups.items():
            ok = sum(1 for rc in g["rc"] if rc == 0)
            res["groups"][name] = {
                "writers": g["writers"], "records": len(g["rc"]), "accepted": ok,
                "p50": pct(g["lat"], 50), "p95": pct(g["lat"], 95), "max": max(g["lat"]),
                "wait_p50": pct(g["wait"], 50), "wait_p95": pct(g["wait"], 95),
                "wait_max": max(g["wait"]) if g["wait"] else None,
                "errors": g["errors"][:3]}
            if ok != len(g["rc"]):
                self.fail(f"{label} ({name}): {len(g['rc']) - ok} of {len(g['rc'])} records "
                          f"refused: {g['errors'][:2]}")
        total = sum(g["accepted"] for g in res["groups"].values())
        res["accepted"] = total
        res["ev_s"] = total / res["wall"]
        for name, g in res["groups"].items():
            log(f"   {label} [{name}]: {g['writers']} writers, {g['accepted']}/{g['records']} "
                f"accepted; latency p50 {fmt(g['p50'])} p95 {fmt(g['p95'])} max {fmt(g['max'])} s; "
                f"lock wait p50 {fmt(g['wait_p50'])} p95 {fmt(g['wait_p95'])} s")
        log(f"   {label}: {total} records in {res['wall']:.1f} s = {res['ev_s']:.1f} records/s")
        return res

    def count_events(self, store, code=None):
        if store.startswith("postgres"):
            return self.pg_exec(f"SELECT count(*) FROM satker_{code}.events", dbname=url_db(store))[0][0]
        import sqlite3

        conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT count(*) FROM events").fetchone()[0]
        finally:
            conn.close()

    def verify(self, store, code=None):
        argv = ["--db", store] + (["--satker", code] if code and store.startswith("postgres") else [])
        p = self.cli(*argv, "verify")
        return p.rc == 0, p.err.strip()[-300:] or p.out.strip()[-300:]

    def scenario(self, label, stores, plans, ref_base, on_start=None):
        """A writers' run with its checks: events counted before and after in every store
        (all accepted), then ``verify`` of every store."""
        before = {s: self.count_events(*s) for s in stores}
        for n, plan in enumerate(plans):
            plan["ref_prefix"] = f"{ref_base}{n:03d}"  # 7 + 3 + 5 digits: a 15-digit SP2D number
        res = self.writers_run(label, plans, on_start)
        after = {s: self.count_events(*s) for s in stores}
        added = sum(after[s] - before[s] for s in stores)
        res["added"] = added
        if added != res["accepted"]:
            self.fail(f"{label}: {res['accepted']} records accepted but {added} events added")
        bad = []
        for s in stores:
            ok, msg = self.verify(*s)
            if not ok:
                bad.append(f"{s[1] or s[0]}: {msg}")
        res["verified"] = len(stores) - len(bad)
        res["stores"] = len(stores)
        if bad:
            self.fail(f"{label}: verify failed on {bad[:3]}")
        log(f"   {label}: {added} events added; verify passed on {res['verified']}/{len(stores)} stores")
        return res

    def concurrency(self, satker, data):
        a = self.args
        conc = satker[:a.conc_satker]
        log(f"== concurrency: {a.writers} writers over {len(conc)} satker, {a.records} records each")
        url = self.server.create_database("conc")
        folder = self.work / "conc"
        self.build("pg", conc, data, "concurrency stores, PostgreSQL", url=url)
        self.build("sqlite", conc, data, "concurrency stores, SQLite", folder=folder)
        shared_code, shared_name = conc[0]
        shared_dir = self.work / "shared"
        self.build("sqlite", [(shared_code, shared_name)], data, "the shared SQLite file",
                   folder=shared_dir)
        shared = str(shared_dir / f"{shared_code}.db")
        per = a.writers // len(conc)

        def line(code, k=0):
            c, akun = data[code]["lines"][k]
            return {"code": c, "akun": akun}

        runs = []
        plans = [{"db_args": ["--db", url, "--satker", code], **line(code), "records": a.records}
                 for code, _ in conc for _ in range(per)]
        runs.append(("a", "PostgreSQL, one database", f"{len(conc)} satker, {per} writers each",
                     self.scenario("(a) PostgreSQL", [(url, c) for c, _ in conc], plans, "2412301")))
        plans = [{"db_args": ["--db", str(folder / f"{code}.db")], **line(code), "records": a.records}
                 for code, _ in conc for _ in range(per)]
        runs.append(("b", "SQLite, one file per satker", f"{len(conc)} files, {per} writers each",
                     self.scenario("(b) SQLite files", [(str(folder / f"{c}.db"), None) for c, _ in conc],
                                   plans, "2412302")))
        lines = data[shared_code]["lines"]
        n_lines = min(len(conc), len(lines))
        plans = [{"db_args": ["--db", shared], **line(shared_code, k), "records": a.records}
                 for k in range(n_lines) for _ in range(a.writers // n_lines)]
        runs.append(("c", "SQLite, one shared file",
                     f"one satker, {n_lines} lines, {a.writers // n_lines} writers each",
                     self.scenario("(c) one shared SQLite file", [(shared, None)], plans, "2412303")))
        self.results["concurrency"] = [{"key": k, "what": w, "how": h, **r} for k, w, h, r in runs]

        # 4. isolation: one writer on B, alone / with A busy / with B busy (the control)
        A, B = conc[0][0], conc[1][0]
        log(f"== isolation: one writer on satker {B}; {a.iso_writers} writers on {A}, or on {B}")
        for backend, stores in (("PostgreSQL", {A: ["--db", url, "--satker", A],
                                                B: ["--db", url, "--satker", B]}),
                                ("SQLite", {A: ["--db", str(folder / f"{A}.db")],
                                            B: ["--db", str(folder / f"{B}.db")]})):
            store_of = {A: (url, A), B: (url, B)} if backend == "PostgreSQL" else \
                {A: (str(folder / f"{A}.db"), None), B: (str(folder / f"{B}.db"), None)}
            probe = {"db_args": stores[B], **line(B, 1), "records": a.iso_records, "group": "B"}
            cases = [("B alone", [dict(probe)]),
                     (f"B, {a.iso_writers} writers on A", [dict(probe)] + [
                         {"db_args": stores[A], **line(A, 1), "records": a.iso_records, "group": "A"}
                         for _ in range(a.iso_writers)]),
                     (f"B, {a.iso_writers} more writers on B (control)", [dict(probe)] + [
                         {"db_args": stores[B], **line(B, 2), "records": a.iso_records,
                          "group": "B, others"} for _ in range(a.iso_writers)])]
            for n, (case, plans) in enumerate(cases):
                base = f"24123{1 if backend == 'PostgreSQL' else 2}{n + 4}"
                res = self.scenario(f"isolation {backend}: {case}",
                                    sorted({store_of[A], store_of[B]}), plans, base)
                self.results["isolation"].append({"backend": backend, "case": case, **res})
        if a.hold:
            self.held_lock(url, folder, A, B, line)

    def held_lock(self, url, folder, A, B, line):
        """Another session holds satker A's write lock for ``--hold`` seconds (on
        PostgreSQL the library's advisory lock of A, in a transaction; on SQLite a
        ``BEGIN IMMEDIATE`` on A's file) while one writer records into B and one into A:
        B's records must not wait, A's must (which also shows the lock taken is the
        library's)."""
        import threading

        a = self.args
        hold = a.hold
        for backend in ("PostgreSQL", "SQLite"):
            if backend == "PostgreSQL":
                import psycopg

                conn = psycopg.connect(url)  # a transaction from the first statement on
                conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (PG_LOCK_CLASS, int(A)))
                release = conn.rollback
                args = {A: ["--db", url, "--satker", A], B: ["--db", url, "--satker", B]}
                stores = [(url, A), (url, B)]
            else:
                import sqlite3

                conn = sqlite3.connect(str(folder / f"{A}.db"), isolation_level=None,
                                       check_same_thread=False)
                conn.execute("BEGIN IMMEDIATE")
                release = lambda conn=conn: conn.execute("ROLLBACK")  # noqa: E731
                args = {A: ["--db", str(folder / f"{A}.db")], B: ["--db", str(folder / f"{B}.db")]}
                stores = [(str(folder / f"{A}.db"), None), (str(folder / f"{B}.db"), None)]
            timers = []

            def on_start(start_at):
                t = threading.Timer(start_at + hold - time.time(), release)
                t.start()
                timers.append(t)

            plans = [{"db_args": args[B], **line(B, 3), "records": 3, "group": "B"},
                     {"db_args": args[A], **line(A, 3), "records": 1, "group": "A"}]
            base = f"24123{1 if backend == 'PostgreSQL' else 2}9"
            try:
                res = self.scenario(f"lock held {backend}: A's lock held {hold:g} s", stores,
                                    plans, base, on_start)
            finally:
                for t in timers:
                    t.join()
                conn.close()
            b, w = res["groups"]["B"], res["groups"]["A"]
            if w["wait_max"] is None or w["wait_max"] < 0.5 * hold:
                self.fail(f"lock held {backend}: the writer on A waited {w['wait_max']} s, not "
                          f"the {hold} s the lock was held (is it the library's lock?)")
            if b["wait_max"] is None or b["wait_max"] > 0.25 * hold:
                self.fail(f"lock held {backend}: the writer on B waited {b['wait_max']} s "
                          f"for A's lock")
            self.results["held"].append({"backend": backend, "hold": hold, **res})

    # ---------------------------------------------------------------- report

    def markdown(self, satker, env, elapsed):
        a, r = self.args, self.results
        n = len(satker)
        L = [f"Generated by `python bench/national.py {' '.join(a.argv)}` on {env['date']} "
             f"(whole run {elapsed / 60:.1f} min). Machine: {env['nproc']} CPUs ({env['cpu']}), "
             f"{env['memory']}; Python {env['python']}, SQLite {env['sqlite']}, PostgreSQL "
             f"{r['server']['version']} (throwaway cluster on a Unix socket, settings "
             + ", ".join(f"{k} {v}" for k, v in sorted(r["server"]["settings"].items()))
             + f"); anggaran git {env['git']}, source digest {env['source']}; {env['library']}. "
             f"Load average (1, 5, 15 min) {' '.join(env['load_start'])} at the start, "
             f"{' '.join(env.get('load_end', ['?']))} at the end.", ""]
        ev = r["build"]["pg"]["events"]
        L += [f"**Data.** {n} satker × {a.events:,} events = {ev:,} events (`bench.generate`, "
              f"standard shape, {bench.lines_for(a.events)} lines per satker, one seed per satker: "
              f"own codes, lines and amounts; pagu, sp2d with contracts and the bendahara's "
              f"UP/TUP traffic, revisions, blokir, plans), one JSONL per satker; the same files "
              f"for both backends.", ""]
        L += ["### 1. Build: `Ledger.init` + `ledger.import_file` per satker", "",
              "| backend | stores | events | wall (processes) | events/s (wall) | one import: median / max s | "
              "import events/s per process | init median s | size on disk |",
              "|---|---|---|---|---|---|---|---|---|"]
        for key, name in (("pg", "PostgreSQL, one database"), ("sqlite", "SQLite, one file per satker")):
            b = r["build"][key]
            L.append(f"| {name} | {b['stores']} | {b['events']:,} | {b['wall']:.1f} s ({b['workers']}) | "
                     f"{b['ev_s_wall']:,.0f} | {b['import_median']:.3f} / {b['import_max']:.3f} | "
                     f"{b['ev_s_process']:,.0f} | {b['init_median']:.3f} | {b['size_mb']:,.0f} MB |")
        for key, name in (("pg", "PostgreSQL"), ("sqlite", "SQLite")):
            b = r.get("solo", {}).get(key)
            if b:
                L.append(f"| {name}, one process, fresh store | {b['stores']} | {b['events']:,} | "
                         f"{b['wall']:.1f} s (1) | {b['ev_s_wall']:,.0f} | {b['import_median']:.3f} / "
                         f"{b['import_max']:.3f} | {b['ev_s_process']:,.0f} | {b['init_median']:.3f} | "
                         f"{b['size_mb']:,.0f} MB |")
        bp, bs = r["build"]["pg"], r["build"]["sqlite"]
        L += ["", f"PostgreSQL / SQLite: build wall ×{bp['wall'] / bs['wall']:.2f}, import "
              f"throughput per process ×{bp['ev_s_process'] / bs['ev_s_process']:.2f}"
              + (f"; one process alone ×{r['solo']['pg']['ev_s_process'] / r['solo']['sqlite']['ev_s_process']:.2f}"
                 if r.get("solo") else "") + ".", ""]
        L += [f"### 2. Reads through the CLI ({a.runs} runs each for consolidate, {a.quick_runs} "
              "for report; wall s)", "",
              "| command | PostgreSQL median / max | RSS | SQLite files median / max | RSS | "
              "PostgreSQL / SQLite | target |", "|---|---|---|---|---|---|---|"]
        rd = r["reads"]
        rows = [("`consolidate --as-of 2024-06-30 --format json`", "consolidate satker", "< 1 s on PostgreSQL", 1.0),
                ("`consolidate … --by jenis`", "consolidate jenis", "", None),
                (f"`report --as-of 2024-06-30`, one satker ({rd.get('report satker')})", "report", "< 0.3 s", 0.3)]
        if not rd:
            L.append("| (the reads failed: see below) | | | | | | |")
        for text, key, target, limit in rows if rd else ():
            pgk, sqk = (f"{key} pg", f"{key} sqlite")
            p, s = rd[pgk], rd[sqk]
            status = ""
            if limit is not None:
                status = f"{target}: **{'met' if p['median'] < limit else 'not met'}**"
            L.append(f"| {text} | {fmt(p['median'])} / {fmt(p['max'])} | {p['rss_mb']:.0f} MB | "
                     f"{fmt(s['median'])} / {fmt(s['max'])} | {s['rss_mb']:.0f} MB | "
                     f"×{p['median'] / s['median']:.2f} | {status} |")
        if r.get("recheck"):
            rc = r["recheck"]
            L += ["", f"Consolidate timed again at the end with the library as it was then "
                  f"(source digest {rc['source']}: {rc['why']}):", "",
                  "| command | PostgreSQL median / max | RSS | SQLite files median / max | RSS | "
                  "PostgreSQL / SQLite |", "|---|---|---|---|---|---|"]
            for by in ("satker", "jenis"):
                p, s = rc["reads"][f"consolidate {by} pg"], rc["reads"][f"consolidate {by} sqlite"]
                L.append(f"| `consolidate --by {by}` | {fmt(p['median'])} / {fmt(p['max'])} | "
                         f"{p['rss_mb']:.0f} MB | {fmt(s['median'])} / {fmt(s['max'])} | "
                         f"{s['rss_mb']:.0f} MB | ×{p['median'] / s['median']:.2f} |")
        if r["concurrency"]:
            L += ["", f"### 3. Concurrent writers: `record sp2d` through the CLI, {a.records} each", "",
                  "| store | writers | records accepted | wall s | records/s | latency p50 / p95 / max s | "
                  "lock wait p50 / p95 / max s | verify |", "|---|---|---|---|---|---|---|---|"]
            for c in r["concurrency"]:
                g = c["groups"]["all"]
                L.append(f"| ({c['key']}) {c['what']} ({c['how']}) | {g['writers']} | "
                         f"{c['accepted']}/{g['records']} (+{c['added']} events) | {c['wall']:.1f} | "
                         f"{c['ev_s']:.1f} | {fmt(g['p50'])} / {fmt(g['p95'])} / {fmt(g['max'])} | "
                         f"{fmt(g['wait_p50'])} / {fmt(g['wait_p95'])} / {fmt(g['wait_max'])} | "
                         f"{c['verified']}/{c['stores']} pass |")
            ca = {c["key"]: c for c in r["concurrency"]}
            L += ["", "Ratios (PostgreSQL / SQLite): records/s ×"
                  f"{ca['a']['ev_s'] / ca['b']['ev_s']:.2f} against one file per satker, ×"
                  f"{ca['a']['ev_s'] / ca['c']['ev_s']:.2f} against one shared file; p95 latency ×"
                  f"{ca['a']['groups']['all']['p95'] / ca['b']['groups']['all']['p95']:.2f} and ×"
                  f"{ca['a']['groups']['all']['p95'] / ca['c']['groups']['all']['p95']:.2f}."]
        if r["isolation"]:
            L += ["", f"### 4. Writers to different satker: one writer on satker B, {a.iso_records} "
                  "records", "",
                  "| backend | case | B: latency p50 / p95 s | B: lock wait p50 / p95 / max s | "
                  "others: latency p50 / p95 s | others: lock wait p50 / p95 s | accepted | verify |",
                  "|---|---|---|---|---|---|---|---|"]
            for c in r["isolation"]:
                b = c["groups"]["B"]
                o = next((g for k, g in c["groups"].items() if k != "B"), None)
                other = (f"{fmt(o['p50'])} / {fmt(o['p95'])} | {fmt(o['wait_p50'])} / {fmt(o['wait_p95'])}"
                         if o else "— | —")
                L.append(f"| {c['backend']} | {c['case']} | {fmt(b['p50'])} / {fmt(b['p95'])} | "
                         f"{fmt(b['wait_p50'])} / {fmt(b['wait_p95'])} / {fmt(b['wait_max'])} | {other} | "
                         f"{c['accepted']} | {c['verified']}/{c['stores']} |")
        if r["held"]:
            L += ["", f"Another session holds satker A's write lock ({r['held'][0]['hold']:g} s: on "
                  "PostgreSQL the library's advisory lock of A in an open transaction, on SQLite "
                  "`BEGIN IMMEDIATE` on A's file) while one writer records 3 SP2Ds into B and one "
                  "records 1 into A:", "",
                  "| backend | B: latency p50 / max s | B: lock wait max s | A: latency s | "
                  "A: lock wait s | accepted | verify |", "|---|---|---|---|---|---|---|"]
            for c in r["held"]:
                b, w = c["groups"]["B"], c["groups"]["A"]
                L.append(f"| {c['backend']} | {fmt(b['p50'])} / {fmt(b['max'])} | {fmt(b['wait_max'])} | "
                         f"{fmt(w['max'])} | {fmt(w['wait_max'])} | {c['accepted']} | "
                         f"{c['verified']}/{c['stores']} |")
        L += ["", "### Checks", ""]
        L += [f"- {c}" for c in r["checks"]]
        if r["failures"]:
            L += ["", "**FAILED:**", ""] + [f"- {f}" for f in r["failures"]]
        if r["notes"]:
            L += ["", "### Notes", ""] + [f"- {n}" for n in r["notes"]]
        if r.get("profile"):
            L += ["", "### cProfile of `consolidate` over the database", "", "```",
                  r["profile"].strip(), "```"]
        return "\n".join(L) + "\n"


def url_db(url):
    """The database name of a libpq URL (postgresql://user@/NAME?host=...)."""
    import urllib.parse

    return urllib.parse.unquote(urllib.parse.urlsplit(url).path.lstrip("/"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--satker", type=int, default=550, help="satker in the national shape (default 550)")
    ap.add_argument("--events", type=int, default=2000, help="events per satker (default 2,000)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                    help="processes that build the stores (default: the CPUs)")
    ap.add_argument("--runs", type=int, default=5, help="runs of each consolidate (default 5)")
    ap.add_argument("--quick-runs", type=int, default=7, help="runs of the one-satker report (default 7)")
    ap.add_argument("--writers", type=int, default=16, help="concurrent writers (default 16)")
    ap.add_argument("--conc-satker", type=int, default=8, help="satker they write to (default 8)")
    ap.add_argument("--records", type=int, default=50, help="SP2Ds each writer records (default 50)")
    ap.add_argument("--iso-writers", type=int, default=8, help="writers on satker A (default 8)")
    ap.add_argument("--iso-records", type=int, default=30, help="records per writer in the "
                    "isolation runs (default 30)")
    ap.add_argument("--solo", type=int, default=10, help="satker imported by one process "
                    "into each backend first, for the one-writer throughput (default 10; 0: none)")
    ap.add_argument("--hold", type=float, default=3.0, help="seconds another session holds "
                    "satker A's write lock while writers record into B and A (default 3; 0: skip)")
    ap.add_argument("--no-concurrency", dest="concurrency", action="store_false",
                    help="skip the writers (3 and 4)")
    ap.add_argument("--no-profile", dest="profile", action="store_false",
                    help="do not cProfile consolidate when it misses its target")
    ap.add_argument("--pg-fast", dest="pg_durable", action="store_false",
                    help="keep the test server's fsync/synchronous_commit/full_page_writes off")
    ap.add_argument("--seed", type=int, default=20240102)
    ap.add_argument("--smoke", action="store_true", help="tiny sizes (< 60 s); fails if the "
                    "backends disagree")
    ap.add_argument("--out", default=None, help="results (default bench/out/NATIONAL.md; "
                    "bench/out/NATIONAL_SMOKE.md with --smoke)")
    ap.add_argument("--work", default=str(HERE / "out" / "national"))
    ap.add_argument("--keep", action="store_true", help="keep the data and SQLite files")
    ap.add_argument("--python", default=sys.executable, help="Python with anggaran installed")
    ap.add_argument("--anggaran", default=None, help="the anggaran executable")
    ap.add_argument("--no-snapshot", dest="snapshot", action="store_false",
                    help="run the installed library rather than a snapshot taken at the start")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        spec = json.loads(args.worker)
        {"build": worker_build, "writer": worker_writer}[spec.pop("op")](spec)
        return 0
    args.argv = list(argv if argv is not None else sys.argv[1:])
    if args.smoke:
        args.satker, args.events, args.runs, args.quick_runs = 6, 1000, 1, 1
        args.writers, args.conc_satker, args.records = 4, 2, 3
        args.iso_writers, args.iso_records, args.profile, args.solo = 2, 2, False, 2
        args.hold = 1.0
        args.out = args.out or str(HERE / "out" / "NATIONAL_SMOKE.md")
        args.work = str(Path(args.work).with_name("national_smoke"))
    args.out = args.out or str(HERE / "out" / "NATIONAL.md")
    if args.conc_satker < 2 or args.writers < args.conc_satker:
        raise SystemExit("--conc-satker must be at least 2 and --writers at least --conc-satker")
    if args.anggaran is None:
        cand = Path(args.python).parent / "anggaran"
        args.anggaran = str(cand) if cand.exists() else (shutil.which("anggaran") or "anggaran")

    work = Path(args.work).resolve()
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    args.work = str(work)
    bench.RUN_CWD = str(work)  # never the project root (its anggaran/ would shadow the snapshot)
    snap = None
    args.project_python = args.python
    if args.snapshot:
        digest, snap = bench.snapshot_library(str(work))
        args.python, args.anggaran = bench.make_runtime(str(work), snap, args.python)
    env = bench.machine(args.python)
    probe = subprocess.run([args.python, "-c", "import anggaran.cli.main as m, psycopg; print(m.__file__)"],
                           capture_output=True, text=True, cwd=str(work))
    if probe.returncode != 0 or (snap and str(snap) not in probe.stdout):
        raise SystemExit(f"the library (with psycopg) does not load: {probe.stderr.strip()[-400:]} "
                         f"{probe.stdout.strip()}")
    env["library"] = (f"snapshot {snap.relative_to(HERE.parent)} copied at the start, byte-compiled, "
                      "run from a plain (non-editable) environment" if snap
                      else f"installed ({Path(probe.stdout.strip()).parent.parent})")
    nb = National(args)
    env["load_start"] = open("/proc/loadavg").read().split()[:3]
    started = time.perf_counter()
    satker = satker_codes(args.satker, args.seed)
    try:
        log(f"== generating {args.satker} satker x {args.events:,} events")
        t = time.perf_counter()
        data = generate_all(satker, args.events, args.seed, work / "data")
        log(f"   generated in {time.perf_counter() - t:.1f} s")
        nb.start_server()
        url = nb.server.create_database("national")
        if args.solo:
            nb.solo(satker[:args.solo], data)
        log("== build")
        nb.results["build"]["sqlite"] = nb.build("sqlite", satker, data, "SQLite files",
                                                 folder=work / "sqlite")
        if snap and str(snap) not in nb.library:
            raise SystemExit(f"the build ran {nb.library}, not the snapshot {snap}")
        nb.results["build"]["pg"] = nb.build("pg", satker, data, "PostgreSQL", url=url)
        files = [str(work / "sqlite" / f"{c}.db") for c, _ in satker]
        log("== reads")
        try:
            nb.results["reads"] = nb.reads(url, files, satker, data)
        except SystemExit as e:  # go on to the writers: their figures stand on their own
            nb.fail(f"the reads failed: {e}")
        if args.profile and nb.results["reads"] and \
                nb.results["reads"]["consolidate satker pg"]["median"] >= 1.0:
            log("== consolidate over the database misses 1 s: cProfile of one run")
            nb.results["profile"] = nb.profile_consolidate(url)
        if args.concurrency:
            nb.concurrency(satker, data)
        end_digest = bench.source_digest()
        if end_digest != env["source"]:
            why = f"changed during the run from {env['source']}"
            log(f"== the library changed ({env['source']} -> {end_digest}): consolidate again")
            ang = None
            if args.snapshot:
                _, snap2 = bench.snapshot_library(str(work))
                _, ang = bench.make_runtime(str(work), snap2, args.project_python)
            try:
                nb.results["recheck"] = {"source": end_digest, "why": why,
                                         "reads": nb.reads(url, files, satker, data, ang=ang,
                                                           tag="recheck: ")}
            except SystemExit as e:  # the library mid-edit: say so, keep the run's results
                nb.results["notes"].append(f"the library changed during the run ({env['source']} "
                                           f"-> {end_digest}) and consolidate could not be timed "
                                           f"again with it: {e}")
    finally:
        if nb.server is not None:
            nb.server.stop()
        elapsed = time.perf_counter() - started
        if not args.keep:
            for sub in ("data", "sqlite", "conc", "shared", "solo"):
                shutil.rmtree(work / sub, ignore_errors=True)
    nb.results["elapsed_s"] = elapsed
    env["load_end"] = open("/proc/loadavg").read().split()[:3]
    raw = Path(args.out).with_suffix(".json")
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text(json.dumps({"env": env, "args": vars(args), **nb.results}, indent=1, default=str))
    if nb.results["build"].get("pg"):
        Path(args.out).write_text(nb.markdown(satker, env, elapsed), encoding="utf-8")
        log(f"wrote {args.out} and {raw} ({elapsed / 60:.1f} min)")
    if nb.results["failures"]:
        print("FAILED:\n  " + "\n  ".join(nb.results["failures"]), file=sys.stderr)
        return 1
    if args.smoke:
        print(f"smoke OK: PostgreSQL and {args.satker} SQLite files agree (consolidate --by "
              f"satker and --by jenis, report); every record accepted and verified "
              f"({elapsed:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
