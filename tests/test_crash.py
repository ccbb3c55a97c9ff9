"""Crash safety: an import killed with SIGKILL at random moments leaves none or all of
its events and a ledger that opens and verifies; the same import then completes."""

import json
import random
import signal
import subprocess
import time

from anggaran.ledger import Ledger
from conftest import ANGGARAN, NEUTRAL_CWD

ROWS = 6000


def make_file(path):
    lines = [json.dumps({"kind": "pagu", "date": "2024-01-02", "code": f"CQ.{6000 + i}",
                         "akun": "521211", "amount": 10**12}) for i in range(20)]
    for n in range(ROWS):
        lines.append(json.dumps({"kind": "sp2d", "date": f"2024-{1 + n % 12:02d}-15",
                                 "code": f"CQ.{6000 + n % 20}", "akun": "521211",
                                 "amount": 1000 + n, "ref": f"24{n:013d}"}))
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


def test_sigkill_during_import_is_all_or_nothing(db, tmp_path):
    total = make_file(tmp_path / "year.jsonl")
    rng = random.Random(20241231)
    cmd = [*ANGGARAN, "--db", str(db), "import", str(tmp_path / "year.jsonl")]
    # How long a full import takes here, so that kills land across its whole run.
    start = time.monotonic()
    probe_db = tmp_path / "probe.db"
    Ledger.init(probe_db, "657757", "X").close_db()
    subprocess.run([*cmd[:4], str(probe_db), *cmd[5:]], check=True, capture_output=True, cwd=NEUTRAL_CWD)
    duration = time.monotonic() - start
    outcomes = []
    for _ in range(8):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=NEUTRAL_CWD)
        time.sleep(rng.uniform(0.05, duration * 0.9))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with Ledger.open(db) as led:
            count = led.verify().events
        assert count in (0, total)
        outcomes.append(count)
        if count:
            break
    assert 0 in outcomes  # at least one kill landed mid-import and left nothing
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=NEUTRAL_CWD)
    assert done.returncode == 0, done.stderr
    with Ledger.open(db) as led:
        assert led.verify().events == total
        assert led.report(as_of="2024-12-31")["rows"][0]["realised"] == sum(1000 + n for n in range(ROWS))
