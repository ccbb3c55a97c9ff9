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


def last_lines(path):
    """The first and the last line of the witness file (None when it is empty or absent),
    read without reading the whole file."""
    try:
        with open(path, "rb") as f:
            first = f.readline().decode("ascii", "replace").strip() or None
            f.seek(max(0, os.fstat(f.fileno()).st_size - 4096))
            tail = f.read().decode("ascii", "replace").strip().splitlines()
    except OSError:
        return None, None
    return first, (tail[-1].strip() if tail else None)


def check_before_write(conn, path, meta):
    """Before a write with a witness: the witness must belong to this ledger (its line 0 is
    this ledger's genesis) and its last head must still be in the chain — else the ledger
    was truncated or rewritten (or the witness is another ledger's), and writing on would
    only bury that. One cheap look at two lines and one indexed row."""
    first, last = last_lines(path)
    if first is None:
        return
    m = LINE.match(first)
    if m and m[1] == "0" and m[2] != meta.get("genesis"):
        raise AnggaranError(f"the witness {path} keeps another ledger's heads (its first line is "
                            "another genesis); give each ledger its own witness file")
    m = LINE.match(last or "")
    if m and m[1] != "0":
        row = conn.execute("SELECT hash, recorded_at FROM events WHERE seq = ?", (int(m[1]),)).fetchone()
        if row is None or tuple(row) != (m[2], m[3]):
            raise AnggaranError(f"the ledger no longer holds the last head in the witness {path} "
                                f"(seq {m[1]}): it was truncated or rewritten. Nothing was "
                                "recorded; run 'anggaran verify --witness' and restore from a backup")


def append(path, seq, head_hash, recorded_at):
    """Append ``seq hash recorded_at`` to the witness file (on a line of its own, also when
    someone left the file without a final newline) and flush it to disk."""
    path = os.fspath(path)
    line = f"{seq} {head_hash} {recorded_at}"
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = "\n" + line
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
