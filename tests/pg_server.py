"""A throwaway PostgreSQL server for the tests, started from the installed server binaries.

Standard library only (psycopg, an optional extra, is imported inside the methods that
talk SQL). ``Server.start(base_dir)`` makes a new cluster in ``base_dir`` with ``initdb``
(trust authentication, UTF8, superuser ``postgres``) and starts it with ``pg_ctl -w``,
listening only on a Unix socket in ``base_dir`` (no TCP at all), without fsync; ``stop()``
stops it at once and removes ``base_dir``::

    with Server.start(tempfile.mkdtemp(dir="/tmp")) as server:
        server.create_database("t1")
        psycopg.connect(server.url("t1"))

initdb and postgres refuse to run as root. As root, they run as the ``postgres`` system
user (the Debian package makes it); where there is none, a system user ``anggaran-pg`` is
made once with ``useradd --system``. That user must reach ``base_dir``: every parent must
be traversable by others (a folder straight under /tmp is; pytest's own tmp_path, under a
0700 folder, is not) and the socket's path must be short (under 92 characters).

A server never outlives the process that started it: ``stop`` runs at exit (atexit), and a
small watchdog process stops the server and removes ``base_dir`` if that process dies
without stopping it (killed, crashed). Anything that goes wrong raises ``ServerError`` with
the command's output and the tail of the server's log; ``NoServerBinaries`` (a
``ServerError``) when no initdb/pg_ctl exists here at all.

``python tests/pg_server.py --bin`` prints the binaries' folder (exit 1: none);
``--check`` starts and stops a server (exit 1 with the reason when it cannot).
"""

import atexit
import glob
import os
import random
import re
import shutil
import subprocess
import sys
import urllib.parse

ENV_BIN = "ANGGARAN_PG_BIN"
FALLBACK_USER = "anggaran-pg"
SOCKET_DIR_MAX = 92  # sun_path holds 107 characters; the socket adds "/.s.PGSQL.NNNNN"
PORTS = range(41000, 49000)  # a private range; the socket lives in base_dir, so no clash

SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}


class ServerError(RuntimeError):
    """The server could not be made, started or stopped; the message says why."""


class NoServerBinaries(ServerError):
    """No PostgreSQL server binaries (initdb, pg_ctl) on this machine."""


# --------------------------------------------------------------------- finding the binaries

def _has_server(folder):
    return bool(folder) and all(os.access(os.path.join(folder, name), os.X_OK)
                                for name in ("initdb", "pg_ctl"))


def _version_key(folder):
    """/usr/lib/postgresql/15/bin -> (15,); 9.6 -> (9, 6)."""
    name = os.path.basename(os.path.dirname(folder))
    return tuple(int(n) for n in re.findall(r"\d+", name)) or (0,)


def find_bin():
    """The folder holding ``initdb`` and ``pg_ctl``, or None.

    Looks, in order: ``$ANGGARAN_PG_BIN`` (when set, it alone decides: a folder without
    the two gives None rather than some other version), ``pg_config --bindir`` (Debian's
    libpq-dev ships a pg_config whose bindir may hold no server: it is checked),
    ``/usr/lib/postgresql/*/bin`` newest version first, then PATH."""
    if os.environ.get(ENV_BIN):
        folder = os.environ[ENV_BIN]
        return folder if _has_server(folder) else None
    pg_config = _which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 timeout=30)
            folder = out.stdout.strip()
            if out.returncode == 0 and _has_server(folder):
                return folder
        except (OSError, subprocess.SubprocessError):
            pass
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key,
                         reverse=True):
        if _has_server(folder):
            return folder
    initdb = shutil.which("initdb")
    if initdb:
        folder = os.path.dirname(os.path.realpath(initdb))
        if _has_server(folder):
            return folder
        folder = os.path.dirname(initdb)
        if _has_server(folder):
            return folder
    return None


# --------------------------------------------------------------------- running as a user

def _server_user():
    """As root: the (name, uid, gid) that initdb and postgres run as; else None."""
    if os.geteuid() != 0:
        return None
    import pwd

    for name in ("postgres", FALLBACK_USER):
        try:
            entry = pwd.getpwnam(name)
            return name, entry.pw_uid, entry.pw_gid
        except KeyError:
            pass
    useradd = _which("useradd") or "useradd"
    cmd = [useradd, "--system", "--user-group", "--no-create-home",
           "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", FALLBACK_USER]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except OSError as e:
        raise ServerError(f"running as root, with no 'postgres' user, and cannot make "
                          f"one ({' '.join(cmd)}): {e}") from None
    if out.returncode != 0:
        raise ServerError(f"running as root, with no 'postgres' user, and cannot make one "
                          f"({' '.join(cmd)}): {out.stdout}{out.stderr}")
    entry = pwd.getpwnam(FALLBACK_USER)
    return FALLBACK_USER, entry.pw_uid, entry.pw_gid


def _which(name):
    """``name`` on PATH, or in the system folders (a root shell's PATH may lack sbin)."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")


def _as_user(user, cmd):
    """``cmd`` run as ``user`` (a _server_user triple), or as is (None)."""
    if user is None:
        return list(cmd)
    name, uid, gid = user
    if _which("runuser"):
        return [_which("runuser"), "-u", name, "--", *cmd]
    if _which("setpriv"):
        return [_which("setpriv"), f"--reuid={uid}", f"--regid={gid}", "--init-groups", "--",
                *cmd]
    if _which("su"):
        import shlex

        return [_which("su"), "-s", "/bin/sh", name, "-c", shlex.join(cmd)]
    raise ServerError("running as root, and none of runuser, setpriv or su is here to "
                      f"run initdb/postgres as {name!r} (they refuse to run as root)")


def _locale():
    """C.UTF-8 where this machine has it, else C."""
    try:
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "C"
    names = {line.strip().lower().replace("-", "") for line in out.stdout.splitlines()}
    return "C.UTF-8" if "c.utf8" in names else "C"


def _tail(path, lines=40):
    try:
        with open(path, errors="replace") as f:
            text = f.read().splitlines()[-lines:]
    except OSError as e:
        return f"(no log: {e})"
    return "\n".join(text) if text else "(the log is empty)"


# The watchdog: its stdin is a pipe from the process that started the server. "stopped"
# on it: that process stopped the server itself. End of file without it: that process is
# gone (killed, crashed): stop the server now (SIGQUIT is pg_ctl's immediate mode) and
# remove base_dir.
_WATCHDOG = r"""# tests/pg_server.py watchdog
import os, shutil, signal, sys, time
pid, data, base = int(sys.argv[1]), sys.argv[2], sys.argv[3]
if sys.stdin.buffer.read() == b"stopped":
    sys.exit()
def ours():
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return data.encode() in f.read()
    except OSError:
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
for sig, wait in ((signal.SIGQUIT, 10), (signal.SIGKILL, 5)):
    if not ours():
        break
    try:
        os.kill(pid, sig)
    except OSError:
        break
    end = time.monotonic() + wait
    while ours() and time.monotonic() < end:
        time.sleep(0.05)
shutil.rmtree(base, ignore_errors=True)
"""


# --------------------------------------------------------------------- the server

class Server:
    """A running throwaway cluster; make one with ``Server.start(base_dir)``."""

    def __init__(self, bindir, base_dir, port, user, version):
        self.bindir = bindir
        self.base_dir = base_dir
        self.data_dir = os.path.join(base_dir, "data")
        self.log_file = os.path.join(base_dir, "postgres.log")
        self.socket_dir = base_dir
        self.port = port
        self.user = user  # (name, uid, gid) of the OS user it runs as, None: ours
        self.version = version  # the major version, an int (15)
        self.pid = None
        self._owner = os.getpid()
        self._watchdog = None
        self._stopped = False

    # ------------------------------------------------------------ starting

    @classmethod
    def start(cls, base_dir=None, bindir=None, port=None):
        """initdb a new cluster in ``base_dir`` (made if missing; default: a new folder
        under /tmp) and start it. Raises ServerError, with the log's tail, if it fails."""
        bindir = bindir or find_bin()
        if bindir is None:
            raise NoServerBinaries(
                "no PostgreSQL server binaries (initdb, pg_ctl) were found "
                f"(${ENV_BIN}, pg_config --bindir, /usr/lib/postgresql/*/bin, PATH); "
                "install the 'postgresql' package")
        user = _server_user()
        version = cls._major(bindir)
        if base_dir is None:
            import tempfile

            base_dir = tempfile.mkdtemp(prefix="anggaran-pg-", dir="/tmp")
        base_dir = os.path.abspath(os.fspath(base_dir))
        if len(base_dir) > SOCKET_DIR_MAX:
            raise ServerError(f"{base_dir!r} is too long for a Unix socket's path "
                              f"(at most {SOCKET_DIR_MAX} characters): use a folder under /tmp")
        os.makedirs(base_dir, exist_ok=True)
        if user is not None:
            try:
                cls._hand_over(base_dir, user)
            except BaseException:
                shutil.rmtree(base_dir, ignore_errors=True)
                raise
        server = cls(bindir, base_dir, port or random.choice(PORTS), user, version)
        try:
            server._initdb()
            server._configure()
            server._start()
        except BaseException:
            server.stop()  # a half-started server (pg_ctl's wait timed out) goes too
            raise
        return server

    @staticmethod
    def _hand_over(base_dir, user):
        """base_dir, owned by the server's OS user, who must be able to reach it."""
        os.chmod(base_dir, 0o755)
        os.chown(base_dir, user[1], user[2])
        probe = subprocess.run(
            _as_user(user, [_which("test") or "test", "-w", base_dir, "-a", "-x", base_dir]),
            capture_output=True, text=True, cwd="/")
        if probe.returncode != 0:
            raise ServerError(
                f"the OS user {user[0]!r} that runs the server cannot reach {base_dir!r}: "
                "each folder above it must be traversable by others (o+x); use a folder "
                f"made straight under /tmp {probe.stderr.strip()}".rstrip())

    @staticmethod
    def _major(bindir):
        try:
            out = subprocess.run([os.path.join(bindir, "initdb"), "--version"],
                                 capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError) as e:
            raise ServerError(f"cannot run {bindir}/initdb: {e}") from None
        found = re.search(r"(\d+)(?:\.\d+)?", out)
        if not found:
            raise ServerError(f"{bindir}/initdb --version said {out!r}")
        return int(found.group(1))

    def _run(self, args, what, timeout=120):
        cmd = _as_user(self.user, args)
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                 cwd=self.base_dir, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError) as e:
            raise ServerError(f"{what} failed: {' '.join(cmd)}: {e}\n"
                              f"--- {self.log_file} (tail) ---\n{_tail(self.log_file)}") from None
        if out.returncode != 0:
            raise ServerError(
                f"{what} failed (exit {out.returncode}): {' '.join(cmd)}\n"
                f"{out.stdout}{out.stderr}".rstrip()
                + f"\n--- {self.log_file} (tail) ---\n{_tail(self.log_file)}")
        return out

    def _initdb(self):
        self._run([os.path.join(self.bindir, "initdb"), "-D", self.data_dir,
                   "-U", "postgres", "-A", "trust", "-E", "UTF8", f"--locale={_locale()}",
                   "--no-sync"], "initdb")

    def _configure(self):
        """The settings go in postgresql.conf rather than on pg_ctl's command line (which
        a shell parses): the same as ``-c name=value``, with no quoting to get wrong."""
        settings = dict(SETTINGS, port=str(self.port),
                        unix_socket_directories="'" + self.socket_dir.replace("'", "''") + "'")
        with open(os.path.join(self.data_dir, "postgresql.conf"), "a") as f:
            f.write("\n# tests/pg_server.py\n")
            for name, value in settings.items():
                f.write(f"{name} = {value}\n")

    def _start(self):
        self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.data_dir,
                   "-l", self.log_file, "-w", "-t", "60", "start"], "pg_ctl start")
        try:
            with open(os.path.join(self.data_dir, "postmaster.pid")) as f:
                self.pid = int(f.readline())
        except (OSError, ValueError) as e:
            raise ServerError(f"the server started but left no postmaster.pid: {e}") from None
        atexit.register(self._at_exit)
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(self.pid), self.data_dir, self.base_dir],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, cwd="/")

    # ------------------------------------------------------------ stopping

    def stop(self):
        """Stop the server at once (``pg_ctl -m immediate``) and remove base_dir. Safe to
        call twice."""
        if self._stopped:
            return
        self._stopped = True
        atexit.unregister(self._at_exit)
        try:
            subprocess.run(_as_user(self.user, [os.path.join(self.bindir, "pg_ctl"), "-D",
                                                self.data_dir, "-m", "immediate", "-w",
                                                "stop"]),
                           capture_output=True, timeout=60, cwd="/", stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            pass
        if self.pid is not None and _alive(self.pid):
            try:
                os.kill(self.pid, 9)
            except OSError:
                pass
        shutil.rmtree(self.base_dir, ignore_errors=True)
        if self._watchdog is not None:
            try:
                self._watchdog.stdin.write(b"stopped")
                self._watchdog.stdin.close()
                self._watchdog.wait(timeout=10)
            except (OSError, subprocess.SubprocessError):
                pass

    def _at_exit(self):
        if os.getpid() == self._owner:  # not in a forked child
            self.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self):
        state = "stopped" if self._stopped else f"pid {self.pid}"
        return f"<Server PostgreSQL {self.version} at {self.socket_dir} port {self.port}, {state}>"

    # ------------------------------------------------------------ using

    def url(self, dbname="postgres", user="postgres"):
        """A libpq URL for the Unix socket: postgresql://postgres@/DB?host=DIR&port=N."""
        query = urllib.parse.urlencode({"host": self.socket_dir, "port": self.port},
                                       safe="/", quote_via=urllib.parse.quote)  # libpq: no "+"
        return (f"postgresql://{urllib.parse.quote(user, safe='')}@/"
                f"{urllib.parse.quote(dbname, safe='')}?{query}")

    def execute(self, sql, dbname="postgres", params=None):
        """Run one statement (autocommit) as the superuser; its rows, or None."""
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True) as conn:
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description is not None else None

    def create_database(self, name):
        """A new, empty database (a file copy of template0: fast); its URL."""
        from psycopg import sql

        strategy = sql.SQL(" STRATEGY FILE_COPY" if self.version >= 15 else "")
        self.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(
            sql.Identifier(name)) + strategy)
        return self.url(name)

    def drop_database(self, name):
        """Drop the database, its open connections ended (WITH (FORCE)); missing: fine."""
        from psycopg import sql

        self.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


if __name__ == "__main__":
    if sys.argv[1:] == ["--bin"]:
        folder = find_bin()
        print(folder or "no PostgreSQL server binaries (initdb, pg_ctl) found")
        sys.exit(0 if folder else 1)
    if sys.argv[1:] == ["--check"]:
        try:
            with Server.start() as s:
                print(f"PostgreSQL {s.version} ({s.bindir}): a throwaway server starts and stops")
        except ServerError as e:
            print(f"PostgreSQL: a throwaway server cannot start:\n{e}", file=sys.stderr)
            sys.exit(1)
        sys.exit(0)
    print("usage: python tests/pg_server.py --bin | --check", file=sys.stderr)
    sys.exit(2)
