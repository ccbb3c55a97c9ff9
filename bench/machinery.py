"""Does each piece of speed machinery earn its place? Each is switched off in turn and the
command it serves is timed against the shipped code on the same ledger.

    python bench/machinery.py EVENTS.jsonl [--runs 1] [--out FILE.json]

EVENTS.jsonl is a ledger's source file (bench.py writes them under bench/out/). The
pieces, and the command whose wall time each one is judged by:

- ``verify processes``: the second part of ``verify`` replayed in a second process —
  ``ANGGARAN_VERIFY_PROCESSES=1`` against the default;
- ``no attrs on the report path``: ``report`` against ``report`` with attrs imported first.

The pieces measured at the end of session 3 and removed for buying less (an import reader
process 17.5 %, a hand-written canonical JSON 5-7 %, a fast path in the row parser 7 %)
are in bench/RESULTS.md.

It also times SQLite's ``integrity_check`` alone, the part of ``verify`` that is not the
replay.

A piece is kept where it buys at least 25 % of its command's time (the rule in
docs/architecture.md); the JSON printed gives each command's seconds with and without.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

PATCHES = {
    "none": "",
    "attrs_first": "import attrs\n",
}


def run(args, patch="none", env=None, runs=1):
    """Median wall seconds of ``anggaran ARGS`` with a patch applied first."""
    code = PATCHES[patch] + "import sys\nfrom anggaran.cli.main import main\nsys.argv = ['anggaran'] + sys.argv[1:]\nmain()\n"
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                              env={**os.environ, **(env or {})})
        times.append(time.perf_counter() - t)
        if done.returncode != 0:
            raise SystemExit(f"anggaran {' '.join(args)} failed: {done.stderr.strip()}")
    return statistics.median(times)


def integrity_seconds(db):
    """``PRAGMA integrity_check`` alone on the ledger: the part of ``verify`` that is
    SQLite's own check of the file (the contract has it measured apart from the replay)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    t = time.perf_counter()
    conn.execute("PRAGMA integrity_check(1)").fetchall()
    seconds = time.perf_counter() - t
    conn.close()
    return seconds


def fresh_import(events, patch="none", env=None, runs=1):
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "l.db")
            run(["--db", db, "init", "--satker", "657757", "--name", "BENCH"])
            times.append(run(["--db", db, "import", events], patch, env))
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("events")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--out")
    a = parser.parse_args()
    result = {"events": a.events, "import": {"shipped": fresh_import(a.events, runs=a.runs)}}
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "l.db")
        run(["--db", db, "init", "--satker", "657757", "--name", "BENCH"])
        run(["--db", db, "import", a.events])
        result["verify"] = {
            "shipped": run(["--db", db, "verify"], runs=a.runs),
            "one process": run(["--db", db, "verify"], env={"ANGGARAN_VERIFY_PROCESSES": "1"},
                               runs=a.runs),
        }
        result["verify"]["of which SQLite's integrity_check"] = integrity_seconds(db)
        report = ["--db", db, "report", "--as-of", "2024-06-30"]
        result["report"] = {"shipped": run(report, runs=max(a.runs, 5)),
                            "attrs imported": run(report, "attrs_first", runs=max(a.runs, 5))}
    gains = {
        "verify processes": ("verify", "one process", "shipped"),
        "no attrs on the report path": ("report", "attrs imported", "shipped"),
    }
    result["saves_pct"] = {name: round(100 * (result[c][without] - result[c][with_]) / result[c][without], 1)
                           for name, (c, without, with_) in gains.items()}
    text = json.dumps(result, indent=2)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
