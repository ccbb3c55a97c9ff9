"""Writing the files a command produces (``--output``, ``export``, ``backup``, ``--plot``)
without ever losing what the user has.

One rule, in one place:
- an existing target is refused unless ``force``; so is a symbolic link (a link is never
  written through: with ``force`` the link itself is replaced by the new file);
- the ledger being read — its file, ``-wal``, ``-shm`` and ``-journal`` — is never a
  target, ``force`` or not (also through a link or a second hard link);
- the content is written to a temporary file in the target's folder, flushed to disk,
  and renamed onto the target, so a crash leaves either the old file or the whole new
  one, never half of it.
"""

import contextlib
import os
import tempfile

from .errors import AnggaranError

LEDGER_SUFFIXES = ("", "-wal", "-shm", "-journal")


def ledger_files(path):
    """The files that make up the SQLite ledger at ``path`` (those that exist or may)."""
    if not path:
        return []
    path = os.fspath(path)
    # SQLite follows a link to the ledger and keeps -wal and -shm beside the real file.
    return [p + s for p in {os.path.abspath(path), os.path.realpath(path)} for s in LEDGER_SUFFIXES]


def _same(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_target(target, force=False, protect=(), folder=False):
    """Refuse a target we may not write: an existing file or folder (unless ``force``), a
    symbolic link (unless ``force``), one of the ``protect``ed ledger files (always), or a
    missing parent folder. ``folder``: the target is a folder the command creates."""
    target = os.fspath(target)
    what = "folder" if folder else "file"
    real = os.path.realpath(target)
    for path in protect:
        if (os.path.abspath(target) == path or real == os.path.realpath(path)
                or (os.path.exists(path) and os.path.exists(target) and _same(path, target))):
            raise AnggaranError(f"{target} is the ledger being read (or one of its -wal/-shm "
                                "files); anggaran never writes over it, --force or not: choose "
                                "another file name")
    if os.path.islink(target) and not force:
        raise AnggaranError(f"{target} is a symbolic link; anggaran does not write through "
                            "links: give a plain file name, or --force to replace the link itself")
    if os.path.lexists(target) and not os.path.islink(target):
        if not (os.path.isfile(target) or os.path.isdir(target)):
            raise AnggaranError(f"{target} is not a regular file (a device, a pipe or a socket); "
                                "anggaran writes only files: give a file name")
        if folder and not os.path.isdir(target):
            raise AnggaranError(f"{target} is a file; give the name of a new folder")
        if not folder and os.path.isdir(target):
            raise AnggaranError(f"{target} is a folder; give a file name")
        if not force:
            raise AnggaranError(f"{target} already exists; choose a new {what} name, or add "
                                "--force to replace it")
    parent = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(parent):
        raise AnggaranError(f"folder {parent} does not exist; create it first")


@contextlib.contextmanager
def new_file(target, force=False, protect=(), suffix=""):
    """Yield a temporary path beside ``target``; when the block ends without an error,
    the file written there is synced and renamed onto ``target``; on any error it is
    removed and ``target`` is untouched. ``check_target`` rules apply (checked before
    and again just before the rename)."""
    target = os.fspath(target)
    check_target(target, force, protect)
    parent = os.path.dirname(os.path.abspath(target))
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(target)[:80] + ".",
                                   suffix=".part" + suffix, dir=parent)
    except OSError as e:
        raise AnggaranError(f"cannot write {target}: {e.strerror or e}") from None
    os.close(fd)
    try:
        os.chmod(tmp, 0o666 & ~umask())  # as an ordinary new file (mkstemp makes it 0600)
        yield tmp
        _sync(tmp)
        publish(tmp, target, force, protect)
    except BaseException:
        remove(tmp)
        raise


def umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def publish(tmp, target, force=False, protect=()):
    """Move the finished ``tmp`` onto ``target``. Without ``force`` this never replaces a
    file that appeared meanwhile (a hard link is made, which fails if the name is taken)."""
    check_target(target, force, protect)
    try:
        if force:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise AnggaranError(f"{target} already exists; choose a new file name, or add "
                                    "--force to replace it") from None
            except OSError:  # a file system without hard links: a plain rename
                if os.path.lexists(target):
                    raise AnggaranError(f"{target} already exists; choose a new file name, or "
                                        "add --force to replace it") from None
                os.replace(tmp, target)
            else:
                remove(tmp)
        _sync(os.path.dirname(os.path.abspath(target)))  # the rename itself
    except OSError as e:
        raise AnggaranError(f"cannot write {target}: {e.strerror or e}") from None


def write_text(target, text, force=False, protect=()):
    """Write ``text`` (UTF-8) to ``target`` through a temporary file and a rename."""
    with new_file(target, force, protect) as tmp:
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        except OSError as e:
            raise AnggaranError(f"cannot write {target}: {e.strerror or e}") from None


def _sync(path):
    """fsync a file or a folder (best effort: some file systems refuse)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove(path):
    try:
        os.remove(path)
    except OSError:
        pass
