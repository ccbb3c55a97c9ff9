"""Does each piece of speed machinery earn its place? Each is switched off in turn and the
command it serves is timed against the shipped code on the same ledger.

    python bench/machinery.py EVENTS.jsonl [--runs 1] [--out FILE.json]

EVENTS.jsonl is a ledger's source file (bench.py writes them under bench/out/). The
pieces, and the command whose wall time each one is judged by:

- ``reader process``: an import of a file of 1 MB or more parsed in a second process
  (``pipeline.py``) — ``import`` with ``ANGGARAN_PARSE_PROCESS=0`` against the default;
- ``verify processes``: the second half of ``verify`` replayed in a second process —
  ``ANGGARAN_VERIFY_PROCESSES=1`` against the default;
- ``canonical by hand``: ``events.canonical_of`` instead of ``json.dumps`` — both
  ``import`` (in one process, so that the patch reaches the parsing) and ``verify``;
- ``fast parse``: the fast path of ``Event.parse`` — ``import`` in one process;
- ``plain Figures``: the report's start-up without attrs — ``report`` against ``report``
  with attrs imported first.

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
    "canonical_json": (
        "import json, anggaran.events as e, anggaran.verify as v\n"
        "def slow(values):\n"
        "    return json.dumps({f: x for f, x in zip(e.FIELDS, values) if x is not None},\n"
        "                      sort_keys=True, separators=(',', ':'), ensure_ascii=False)\n"
        "e.canonical_of = v.canonical_of = slow\n"),
    "no_fast_parse": "import anggaran.events as e\ne._fast_fields = lambda raw: None\n",
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
    one = {"ANGGARAN_PARSE_PROCESS": "0"}
    result = {"events": a.events, "import": {
        "shipped": fresh_import(a.events, runs=a.runs),
        "one process": fresh_import(a.events, env=one, runs=a.runs),
        "one process, json.dumps canonical": fresh_import(a.events, "canonical_json", one, a.runs),
        "one process, no fast parse": fresh_import(a.events, "no_fast_parse", one, a.runs),
    }}
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "l.db")
        run(["--db", db, "init", "--satker", "657757", "--name", "BENCH"])
        run(["--db", db, "import", a.events])
        result["verify"] = {
            "shipped": run(["--db", db, "verify"], runs=a.runs),
            "one process": run(["--db", db, "verify"], env={"ANGGARAN_VERIFY_PROCESSES": "1"},
                               runs=a.runs),
            "json.dumps canonical": run(["--db", db, "verify"], "canonical_json", runs=a.runs),
        }
        result["verify"]["of which SQLite's integrity_check"] = integrity_seconds(db)
        report = ["--db", db, "report", "--as-of", "2024-06-30"]
        result["report"] = {"shipped": run(report, runs=max(a.runs, 5)),
                            "attrs imported": run(report, "attrs_first", runs=max(a.runs, 5))}
    gains = {
        "reader process": ("import", "one process", "shipped"),
        "verify processes": ("verify", "one process", "shipped"),
        "canonical by hand (import)": ("import", "one process, json.dumps canonical", "one process"),
        "canonical by hand (verify)": ("verify", "json.dumps canonical", "shipped"),
        "fast parse (import)": ("import", "one process, no fast parse", "one process"),
        "plain Figures (report)": ("report", "attrs imported", "shipped"),
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
