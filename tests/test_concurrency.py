"""Officers recording at the same moment: the write lock is taken before the rules read
the state, so the last rupiah is spent once, and a busy file is waited for, not failed."""

import subprocess

from anggaran.ledger import Ledger
from conftest import ANGGARAN, NEUTRAL_CWD


def test_processes_race_for_the_last_rupiah(db):
    with Ledger.open(db) as led:
        led.record("pagu", date="2024-01-02", code="CQ.6870", akun="521211", amount=1000, ref="DIPA-01")
    # 24 SP2Ds of 100 from 24 processes started together; the ceiling allows exactly 10.
    procs = [
        subprocess.Popen(
            [*ANGGARAN, "--db", str(db), "record", "sp2d", "--date",
             "2024-03-01", "--code", "CQ.6870", "--akun", "521211", "--amount", "100",
             "--ref", f"S{i:02d}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=NEUTRAL_CWD)
        for i in range(24)
    ]
    outcomes = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    accepted = [o for o in outcomes if o[0] == 0]
    refused = [o for o in outcomes if o[0] != 0]
    assert len(accepted) == 10
    assert len(refused) == 14
    for status, out, err in refused:
        assert status == 1 and out == ""
        assert err.startswith("Error: rule 5: SP2D S") and err.endswith(
            " would overspend CQ.6870/521211 on 2024-03-01: available 0, asked 100\n"), err
    with Ledger.open(db) as led:
        events = led.log()
        assert [e["seq"] for e in events] == list(range(1, 12))
        assert led.verify().events == 11
        assert led.report(as_of="2024-12-31")["rows"][0]["realised"] == 1000
