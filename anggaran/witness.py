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


def check_target(path, protect=(), new_ledger=False):
    """Refuse, before anything is written, a witness that cannot serve: the ledger itself
    (or its -wal/-shm), a folder, a file in a missing folder or one we may not append to,
    and — for a new ledger — a file that already keeps another ledger's heads (one witness
    file per ledger)."""
    path = os.fspath(path)
    real = os.path.realpath(path)
    if any(real == os.path.realpath(p) for p in protect):
        raise AnggaranError(f"the witness {path} is the ledger itself; keep it in another file, "
                            "ideally on another disk")
    if os.path.isdir(path):
        raise AnggaranError(f"the witness {path} is a folder; give a file name")
    if os.path.exists(path):
        if not os.access(path, os.W_OK):
            raise AnggaranError(f"the witness {path} cannot be written; check its permissions")
        if new_ledger and os.path.getsize(path):
            raise AnggaranError(f"the witness {path} already keeps another ledger's heads; give "
                                "each ledger its own witness file")
    elif not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        raise AnggaranError(f"the folder of the witness {path} does not exist; create it first")


def append(path, seq, head_hash, recorded_at):
    """Append ``seq hash recorded_at`` to the witness file and flush it to disk."""
    path = os.fspath(path)
    line = f"{seq} {head_hash} {recorded_at}"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (line + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as e:
        raise AnggaranError(f"recorded, but the witness {path} could not be written "
                            f"({e.strerror or e}); add this line to it by hand: {line}") from None


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
            raise VerifyError(f"witnessed seq {seq} is different (witness line {number}): "
                              + ("the witness keeps another ledger, or this one was rebuilt "
                                 "from another start (genesis)" if seq == 0
                                 else "the log was rewritten"), seq)
        count += 1
    return count
