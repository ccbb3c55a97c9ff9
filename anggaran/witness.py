"""The witness: the ledger's chain heads, kept in a file outside it.

The hash chain shows any edit inside the log, but not a *whole* rewrite: a new file built
from the old events with one amount changed has a chain of its own that verifies. A
witness file defeats that. With ``--witness FILE`` (or ``$ANGGARAN_WITNESS``) every
successful write appends one line ``seq hash recorded_at`` — the new chain head — to FILE
(opened for appending only, flushed to disk); ``init`` writes seq 0, the genesis. Later
``verify --witness FILE`` checks every line against the chain: a rewritten or truncated
log fails, naming the first witnessed seq that is missing or different.

Keep the file where the ledger's writer cannot rewrite it unseen (another disk, a
write-once share, an auditor's mailbox). A person who controls both the ledger file and the
witness can rewrite both; the witness only moves the anchor outside the file.
"""

import os
import re

from .errors import AnggaranError, VerifyError

LINE = re.compile(r"^(0|[1-9][0-9]*) ([0-9a-f]{64}) (\S+)$")


def append(path, seq, head_hash, recorded_at, protect=()):
    """Append ``seq hash recorded_at`` to the witness file and flush it to disk."""
    path = os.fspath(path)
    real = os.path.realpath(path)
    if any(real == os.path.realpath(p) for p in protect):
        raise AnggaranError(f"the witness {path} is the ledger itself; keep it in another file, "
                            "ideally on another disk")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, f"{seq} {head_hash} {recorded_at}\n".encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as e:
        raise AnggaranError(f"the witness {path} could not be written ({e.strerror or e}); the "
                            f"ledger holds seq {seq} {head_hash}: add that line to the witness "
                            "by hand") from None


def check(conn, path, meta):
    """Every line of the witness against the chain; VerifyError naming the first witnessed
    seq that is missing or different (a line that cannot be read is named by its number)."""
    path = os.fspath(path)
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise AnggaranError(f"cannot read the witness {path}: {e.strerror or e}") from None
    count = 0
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        m = LINE.match(text.strip())
        if not m:
            raise VerifyError(f"line {number} of the witness {path} is not 'seq hash "
                              "recorded_at': the witness was edited")
        seq, witnessed = int(m[1]), (m[2], m[3])
        if seq == 0:  # the genesis: the satker, its name and the creation time
            found = (meta.get("genesis"), meta.get("created_at"))
        else:
            row = conn.execute("SELECT hash, recorded_at FROM events WHERE seq = ?", (seq,)).fetchone()
            found = tuple(row) if row else None
        if found is None:
            raise VerifyError(f"witnessed seq {seq} is missing (witness line {number}): the log "
                              "was truncated or rewritten", seq)
        if found != witnessed:
            raise VerifyError(f"witnessed seq {seq} is different (witness line {number}): the "
                              + ("ledger was rebuilt from another start (genesis)" if seq == 0
                                 else "log was rewritten"), seq)
        count += 1
    return count
