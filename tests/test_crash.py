"""Crash safety: an import killed with SIGKILL at chosen points (``ANGGARAN_FAULT``, see
anggaran/faults.py: never a sleep before a kill) leaves none of its events and a ledger
that opens and verifies; the same import then completes."""

import json
import os
import signal
import subprocess

from anggaran.ledger import Ledger
from conftest import ANGGARAN, NEUTRAL_CWD, log_rows

ROWS = 6000


def make_file(path):
    lines = [json.dumps({"kind": "pagu", "date": "2024-01-02", "code": f"CQ.{6000 + i}",
                         "akun": "521211", "amount": 10**12, "ref": "DIPA-01"}) for i in range(20)]
    for n in range(ROWS):
        lines.append(json.dumps({"kind": "sp2d", "date": f"2024-{1 + n % 12:02d}-15",
                                 "code": f"CQ.{6000 + n % 20}", "akun": "521211",
                                 "amount": 1000 + n, "ref": f"24{n:013d}"}))
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


def run(cmd, fault=None):
    env = {k: v for k, v in os.environ.items() if k != "ANGGARAN_FAULT"}
    if fault:
        env["ANGGARAN_FAULT"] = fault
    return subprocess.run(cmd, capture_output=True, text=True, cwd=NEUTRAL_CWD, env=env)


# The first chunk, a middle one, the last rows, after the projections, just before COMMIT.
POINTS = ["insert:1", "insert:4000", f"insert:{ROWS + 20}", "project", "commit"]


def test_sigkill_during_import_is_all_or_nothing(db, tmp_path):
    total = make_file(tmp_path / "year.jsonl")
    cmd = [*ANGGARAN, "--db", str(db), "import", str(tmp_path / "year.jsonl")]
    before = log_rows(db)
    for point in POINTS:
        killed = run(cmd, point)
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
        assert log_rows(db) == before
        with Ledger.open(db) as led:
            assert led.verify().events == 0
    done = run(cmd)
    assert done.returncode == 0, done.stderr
    with Ledger.open(db) as led:
        assert led.verify().events == total
        assert led.report(as_of="2024-12-31")["rows"][0]["realised"] == sum(1000 + n for n in range(ROWS))
