"""A second Python process, for the two jobs that can use the machine's other core: the
second half of ``verify`` (the import reader of earlier versions bought 17.5 % of an import
at 1M events, short of the 25 % speed machinery must buy, and was removed).

A fresh interpreter, not a fork: a forked child would inherit this process's SQLite lock
bookkeeping for the ledger file, which SQLite forbids relying on. It runs isolated
(``-I``: no module in the current folder can shadow one of ours) with this process's
``sys.path``, ignores Ctrl+C (the first process handles it and ends the second), and
answers with pickled messages on its stdout. Its stderr goes to a temporary file, never a
pipe, so a chatty child can never block on it.
"""

import pickle
import subprocess
import sys
import tempfile

_BOOT = ("import importlib, pickle, signal, sys; job = pickle.load(sys.stdin.buffer); "
         "sys.path[:0] = job.pop('path'); signal.signal(signal.SIGINT, signal.SIG_IGN); "
         "module, function = job.pop('entry').split(':'); "
         "getattr(importlib.import_module(module), function)(job)")


class Worker:
    """``entry`` ("module:function") called with ``job`` (a dict) in a second process."""

    def __init__(self, entry, job):
        self._errors = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, "-I", "-c", _BOOT], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self._errors)
        try:
            pickle.dump({**job, "entry": entry, "path": list(sys.path)}, self.proc.stdin,
                        protocol=pickle.HIGHEST_PROTOCOL)
            self.proc.stdin.close()
        except OSError:
            pass  # it did not start; receive() returns None and stderr_tail() says why

    def receive(self):
        """The next message, or None when the process ended without one."""
        try:
            return pickle.load(self.proc.stdout)
        except (EOFError, pickle.UnpicklingError):
            self.proc.wait()
            return None

    def stderr_tail(self):
        """The last 500 characters the process wrote to its stderr."""
        self._errors.seek(0)
        return self._errors.read().decode("utf-8", "replace")[-500:]

    def close(self, kill=True):
        """Wait for the process to end (ending it first with ``kill``), free its files."""
        if kill and self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self._errors.close()


def send(message):
    """In the second process: write one message for ``Worker.receive``."""
    pickle.dump(message, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
