"""Reading a big import file in a second process while this one writes the ledger.

An import spends its time in two halves of similar weight: turning rows into events
(decode, rules 1 and 2, canonical JSON, identity hash) and writing them (SQLite inserts,
chain, rules 3-9, projections). One Python process does one at a time; for a big file a
second Python process (``worker.py``; it never opens the ledger) does the first
half and streams the ready events, in file order, through a pipe, so both cores work.
The writer sees exactly the items the in-process path gives it: same rows, same
refusal at the same row.

Used for files of 1 MB or more (about 8,000 rows), where starting a second interpreter
(~0.1 s) pays; ``ANGGARAN_PARSE_PROCESS=0`` keeps every import in one process.
"""

import os
import sys

from .errors import LedgerError, RuleError, UsageError
from .worker import Worker, send

MIN_BYTES = 1 << 20
# Measured by bench/machinery.py at 1M events (RESULTS.md): the reader process buys 17.5 %
# of an import's wall time, short of the 25 % a piece of speed machinery must buy to stay
# (issue 13; decision pending).
CHUNK = 2000


def wanted(path):
    """Whether to read ``path`` in a second process."""
    if not sys.executable or os.environ.get("ANGGARAN_PARSE_PROCESS", "1") == "0":
        return False
    try:
        return os.path.getsize(path) >= MIN_BYTES
    except OSError:
        return False  # the in-process path reports a missing file in its own words


def prepared(items):
    """``(row, Event, recorded_at)`` -> ``(row, Event, recorded_at, canonical, identity)``,
    the per-event work of an append that needs nothing from the ledger; a refused row
    passes through as it is."""
    from .chain import identity

    for row, event, recorded_at in items:
        if isinstance(event, RuleError):
            yield row, event, recorded_at
            return
        canonical = event.canonical()
        yield row, event, recorded_at, canonical, identity(canonical)


def in_background(path, sheet=None):
    """Yield what ``prepared(parsed_rows(path, sheet))`` yields, computed in a second
    process."""
    from .events import Event

    reader = Worker("anggaran.pipeline:_child_main", {"file": path, "sheet": sheet})
    try:
        while True:
            message = reader.receive()
            if message is None:
                why = reader.stderr_tail().strip().splitlines()
                raise LedgerError("the import reader stopped unexpectedly"
                                  + (f" ({why[-1][:200]})" if why else "")
                                  + "; run the import again with ANGGARAN_PARSE_PROCESS=0")
            tag = message[0]
            if tag == "rows":
                for row, fields, recorded_at, canonical, ident in message[1]:
                    yield row, Event(*fields), recorded_at, canonical, ident
            elif tag == "refused":  # the row's own refusal, yielded as the in-process path does
                yield message[3], RuleError(message[1], message[2], message[3]), None
                return
            elif tag == "error":
                raise _rebuild(message[1], message[2])
            else:  # "end"
                return
    finally:
        reader.close()


def _child_main(job):
    """The second process: parse ``job['file']`` and stream pickled chunks to stdout."""
    from .events import FIELDS
    from .importers import parsed_rows

    chunk = []
    try:
        for item in prepared(parsed_rows(job["file"], job["sheet"])):
            row, event = item[0], item[1]
            if isinstance(event, RuleError):
                send(("rows", chunk))
                send(("refused", event.rule, event.what, event.row))
                break
            chunk.append((row, tuple(getattr(event, f) for f in FIELDS), item[2], item[3], item[4]))
            if len(chunk) == CHUNK:
                send(("rows", chunk))
                chunk = []
        else:
            send(("rows", chunk))
            send(("end",))
    except RuleError as e:  # the file itself failed at a row (not UTF-8, bad CSV)
        send(("rows", chunk))
        send(("error", "RuleError", (e.rule, e.what, e.row)))
    except (LedgerError, UsageError) as e:
        send(("rows", chunk))
        send(("error", type(e).__name__, (str(e),)))
    except Exception as e:  # noqa: BLE001 - a bug: report it in the parent, not lose it
        send(("rows", chunk))
        send(("error", "crash", (f"{type(e).__name__}: {e}",)))
    sys.stdout.buffer.flush()


def _rebuild(name, args):
    if name == "RuleError":
        return RuleError(*args)
    if name == "crash":
        return RuntimeError(f"the import reader failed: {args[0]}")
    return {"LedgerError": LedgerError, "UsageError": UsageError}[name](*args)

