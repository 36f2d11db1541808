"""Atomic writes: a reader never sees a half-written file or index directory, even after a crash.

Files are written to a temporary sibling, flushed to disk and renamed over the target; a directory is
built in a temporary sibling and swapped in place of the old one.  Temporary names carry the id of the
process that made them (``.<name>.tmp-<pid>-<random>``), so that what a killed process left behind is
recognised and removed by :func:`remove_stale_temporaries` without touching a live writer's work.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

# Leftovers of a write: ".<name>.tmp-<pid>-<random>" (file or directory being built) and
# ".<name>.old-<pid>" (an old directory moved aside while the new one takes its place).
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?:tmp-(?P<tmp_pid>\d+)-[^.]*|old-(?P<old_pid>\d+))$")

_RENAME_EXCHANGE = 2  # linux/fs.h: swap two paths in one step
_AT_FDCWD = -100


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same directory and an atomic rename.

    The file is flushed to disk before the rename and the directory after it, so that after a crash
    `path` holds either the old bytes or the new ones.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_temporary_prefix(path), dir=path.parent)
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes 0600; indexes and reports are for other readers too
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


def write_text(path: Path, text: str) -> None:
    """UTF-8 text version of :func:`write_bytes`."""
    write_bytes(path, text.encode("utf-8"))


@contextmanager
def replace_directory(path: Path) -> Iterator[Path]:
    """Build a directory in a temporary sibling, then swap it in place of `path`.

    If the body raises, `path` is left exactly as it was.  Otherwise every file written under the
    temporary directory is flushed to disk, and the new directory takes the old one's place in one
    atomic exchange (Linux ``renameat2``); where the system cannot exchange, the old directory is
    renamed aside first, and :func:`recover_directory` puts it back if the process dies between the
    two renames.

    >>> # with replace_directory(index_dir) as tmp: write files under tmp
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=_temporary_prefix(path), dir=path.parent))
    try:
        yield tmp
        fsync_tree(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        _swap(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # after an exchange it holds the old directory


def _swap(tmp: Path, path: Path) -> None:
    """Put the directory `tmp` in place of `path`; on failure `path` is as it was."""
    if path.exists() and exchange_paths(tmp, path):
        fsync_directory(path.parent)
        return
    old = None
    if path.exists():
        old = path.with_name(f".{path.name}.old-{os.getpid()}")
        os.replace(path, old)
    try:
        os.replace(tmp, path)
    except BaseException:
        if old is not None:
            os.replace(old, path)
        raise
    fsync_directory(path.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def exchange_paths(first: Path, second: Path) -> bool:
    """Swap two existing paths in one atomic step; False where the system or file system cannot."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, f"cannot exchange {first} and {second}: {os.strerror(code)}")


def recover_directory(path: Path) -> list[str]:
    """Make `path` whole again after a writer died, and remove what dead writers left beside it.

    A directory moved aside by :func:`replace_directory` (``.<name>.old-<pid>``) whose writer died
    before the new one took its place is put back.  Returns one line per thing done, for the user.
    """
    done: list[str] = []
    if not path.exists():
        for old in sorted(path.parent.glob(f".{path.name}.old-*")):
            if _owner_alive(old):
                continue
            os.replace(old, path)
            fsync_directory(path.parent)
            done.append(f"restored {path.name} from {old.name}, left by an interrupted write")
            break
    done.extend(remove_stale_temporaries(path.parent, name=path.name))
    return done


def remove_stale_temporaries(directory: Path, *, name: str | None = None) -> list[str]:
    """Remove the temporary files and directories in `directory` whose writing process is gone.

    With `name`, only those of that target.  Returns one line per removal, for the user.
    """
    removed: list[str] = []
    if not directory.is_dir():
        return removed
    for entry in sorted(directory.iterdir()):
        match = _TEMPORARY.match(entry.name)
        if match is None or (name is not None and match["name"] != name) or _owner_alive(entry):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(f"removed {entry.name}, left by an interrupted write")
    return removed


def fsync_tree(root: Path) -> None:
    """Flush every file under `root`, then every directory, to disk."""
    directories = [root]
    for entry in sorted(root.rglob("*")):
        if entry.is_dir():
            directories.append(entry)
        elif entry.is_file():
            fd = os.open(entry, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    for directory in reversed(directories):
        fsync_directory(directory)


def fsync_directory(directory: Path) -> None:
    """Flush a directory's entries (names created, renamed or removed) to disk, where supported."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # e.g. Windows, which cannot open a directory; its renames are durable anyway
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a directory; the rename itself stays atomic
    finally:
        os.close(fd)


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}.tmp-{os.getpid()}-"


def _owner_alive(entry: Path) -> bool:
    """Whether the process that made a temporary entry is still running (then it is not stale)."""
    match = _TEMPORARY.match(entry.name)
    if match is None:
        return False
    pid = int(match["tmp_pid"] or match["old_pid"])
    # This process's own entries count as live: another of its threads may be writing them now.
    return pid == os.getpid() or psutil.pid_exists(pid)


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
