"""What one event costs at the least, on this machine: the floors under import and verify.

    python bench/floors.py LEDGER.db EVENTS.jsonl [--rows 100000]   # prints JSON

Measured on the first ``--rows`` events of an existing ledger and its source file, each
step alone (best of 3 runs, in microseconds per event):

- ``decode``: ``json.loads`` of one JSONL line (the least an importer does per row);
- ``parse``: ``Event.parse`` of the decoded row (rules 1 and 2, the fast path);
- ``fetch``: reading one full ``events`` row (all 20 columns) from SQLite into Python;
- ``canonical``: the event's canonical JSON (``events.canonical_of``);
- ``hash``: the two SHA-256 of the chain (chain hash and identity);
- ``insert``: inserting the same rows, as they are, into a fresh copy of the ledger's own
  schema with its indexes and triggers (SQLite's own work plus the binding);
- ``insert_bare``: the same into a table with no index and no trigger;
- ``postings_insert``: inserting the matching postings rows with their index.

It also runs one CPU-bound Python loop alone and then two at once in two processes:
``parallel_speedup`` is how much more work two processes get done than one (2.0 on two
free cores). ``bench.py`` runs this on its largest ledger and explains the unmet targets
with it: verify cannot beat fetch + canonical + hash, import cannot beat
decode + parse + canonical + hash + insert + postings_insert, per event, on one core.
"""

import argparse
import hashlib
import json
import os
import sqlite3
import sys
import tempfile
import time


def best(fn, runs=3):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def spin(n=6_000_000):
    s = 0
    for i in range(n):
        s += i
    return s


def parallel_speedup():
    one = best(spin, 2)
    t = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        spin()
        os._exit(0)
    spin()
    os.waitpid(pid, 0)
    two = time.perf_counter() - t
    return round(2 * one / two, 2), one, two


def schema_of(src, with_triggers=True):
    """The ledger's own schema (tables, then indexes, then triggers), as its version laid
    it down: a fresh ledger's SCHEMA_V1 plus every migration, so that the inserts meet the
    same columns, indexes and triggers as the ledger measured."""
    order = "CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END"
    kinds = "('table', 'index', 'trigger')" if with_triggers else "('table', 'index')"
    return ";\n".join(sql for (sql,) in src.execute(
        f"SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND type IN {kinds} "
        f"AND name NOT LIKE 'sqlite_%' ORDER BY {order}, rowid")) + ";"


def measure(db, jsonl, rows):
    from anggaran.events import FIELDS, Event, canonical_of

    src = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    cols = [r[1] for r in src.execute("PRAGMA table_info(events)")]
    select = f"SELECT {', '.join(cols)} FROM events WHERE seq <= {rows} ORDER BY seq"
    events = src.execute(select).fetchall()
    postings = src.execute(f"SELECT * FROM postings WHERE seq <= {rows} ORDER BY rowid").fetchall()
    n = len(events)
    with open(jsonl, encoding="utf-8") as f:
        lines = [line for _, line in zip(range(n), f)]
    decoded = [json.loads(line) for line in lines]
    at = {c: i for i, c in enumerate(cols)}
    field_idx = [at[f] for f in FIELDS]
    values = [tuple(e[i] for i in field_idx) for e in events]
    canon = [canonical_of(v) for v in values]
    i_prev, i_rec, i_seq = at["prev_hash"], at["recorded_at"], at["seq"]

    def fetch():
        cur = src.cursor()
        cur.execute(select)
        while cur.fetchmany(5000):
            pass

    def hashing():
        sha = hashlib.sha256
        for e, c in zip(events, canon):
            sha(f"{e[i_prev]}\n{c}\n{e[i_seq]}\n{e[i_rec]}".encode()).hexdigest()
            sha(c.encode()).digest()

    def insert_into(schema, table_rows, sql):
        def run():
            with tempfile.TemporaryDirectory() as tmp:
                conn = sqlite3.connect(os.path.join(tmp, "f.db"), isolation_level=None)
                conn.execute("PRAGMA journal_mode = WAL")
                conn.executescript(schema)
                conn.executemany("INSERT INTO meta VALUES (?, ?)",
                                 src.execute("SELECT key, value FROM meta").fetchall())
                conn.execute("PRAGMA cache_size = -65536")
                conn.execute("BEGIN IMMEDIATE")
                for i in range(0, len(table_rows), 2000):
                    conn.executemany(sql, table_rows[i:i + 2000])
                conn.execute("COMMIT")
                conn.close()
        return run

    marks = ", ".join("?" * len(cols))
    insert_events = f"INSERT INTO events ({', '.join(cols)}) VALUES ({marks})"
    bare = ("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            f"CREATE TABLE events ({', '.join(cols)});")
    steps = {
        "decode": lambda: [json.loads(line) for line in lines],
        "parse": lambda: [Event.parse(d) for d in decoded],
        "fetch": fetch,
        "canonical": lambda: [canonical_of(v) for v in values],
        "hash": hashing,
        "insert": insert_into(schema_of(src), events, insert_events),
        "insert_bare": insert_into(bare, events, insert_events),
        "postings_insert": insert_into(schema_of(src, with_triggers=False), postings,
                                       f"INSERT INTO postings VALUES ({', '.join('?' * len(postings[0]))})"),
    }
    out = {"rows": n}
    for name, fn in steps.items():
        out[name] = round(best(fn) / n * 1e6, 2)
        if name == "postings_insert":
            out[name] = round(out[name] * len(postings) / n, 2)  # per event, not per posting
    speedup, one, two = parallel_speedup()
    out.update(parallel_speedup=speedup, spin_one_s=round(one, 3), spin_two_s=round(two, 3))
    out["verify_ceiling"] = round(1e6 / (out["fetch"] + out["canonical"] + out["hash"]))
    out["import_ceiling"] = round(1e6 / (out["decode"] + out["parse"] + out["canonical"] + out["hash"]
                                         + out["insert"] + out["postings_insert"]))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("db")
    ap.add_argument("jsonl")
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args(argv)
    print(json.dumps(measure(args.db, args.jsonl, args.rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
