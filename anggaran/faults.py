"""Fault injection for the crash tests: ``ANGGARAN_FAULT`` names a point at which the
process kills itself with SIGKILL, as a power cut would — at a chosen place, never at a
moment that depends on the machine's speed.

Points: ``insert:N`` once N new events of an append are in the table (uncommitted);
``project`` after the projections are written; ``commit`` just before COMMIT;
``copy:N`` once N rows of a ``copy`` are written to DEST (uncommitted). Unset (the
normal case) it costs one comparison per chunk.
"""

import os
import signal

POINT = os.environ.get("ANGGARAN_FAULT", "")


def at(point, count=0):
    """Die here if ``ANGGARAN_FAULT`` names this point (for ``insert:N``, once ``count``
    has reached N)."""
    if not POINT:
        return
    name, _, n = POINT.partition(":")
    if name == point and count >= int(n or 0):
        os.kill(os.getpid(), signal.SIGKILL)
