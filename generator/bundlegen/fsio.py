"""Writing files so that a reader never sees half of one and an edit never half-happens.

- `write_bytes_atomic`: one file, through a temporary file and a rename.
- `commit_all`: several files, all or none (docs/decisions/atomic-edits.md): every new content
  is written to a temporary file first; then each file is replaced, its old content kept as a
  hard link (a copy where links are not allowed) until every file is in place. A failure or an
  interruption at any file puts back what was replaced and removes every temporary file.
- `project_lock`: one edit of a project at a time (a `.bundlegen.lock` file, locked with flock).

A symbolic link is written through: its target gets the new content, the link stays a link.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from bundlegen.errors import BundlegenError, InputError, Location, RefusedEdit

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: edits run unlocked
    fcntl = None

LOCK_FILE = ".bundlegen.lock"
LOCK_WAIT_SECONDS = 10.0  # BUNDLEGEN_LOCK_WAIT overrides it


def _real(path: Path) -> Path:
    """Where a write to path lands: a symbolic link's target (followed to the end)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _stage(path: Path, data: bytes, mode: int | None) -> str:
    """A temporary file beside path holding data, flushed to disk, with path's mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        mode = path.stat().st_mode if path.exists() else _new_file_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode & 0o7777)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_bytes_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    real = _real(path)
    tmp = _stage(real, data, mode)
    try:
        os.replace(tmp, real)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def _failed(path: Path, err: OSError) -> OSError:
    """The error, naming the project's file rather than a temporary one."""
    return OSError(err.errno, err.strerror or str(err), str(path))


def _keep(real: Path, backup: Path) -> None:
    """A second name for real's current content, to put it back if the edit fails."""
    try:
        os.link(real, backup, follow_symlinks=False)
    except OSError:  # no hard links here (some file systems, an immutable file): copy
        shutil.copy2(real, backup, follow_symlinks=False)


def commit_all(
    changes: dict[Path, str | bytes | None],
    expected: dict[Path, str | bytes | None] | None = None,
    modes: dict[Path, int] | None = None,
) -> None:
    """Apply several file changes as one: every file gets its new content (None deletes it),
    or, when anything fails or is interrupted, every file keeps what it had.

    `expected`: what each file holds now (None: absent), as the edit read it; a file that
    changed since is refused, nothing written. `modes`: permission bits to give files (by
    default a replaced file keeps its own, a new file gets the usual, after the umask).
    """
    if expected is not None:
        for path, before in expected.items():
            now = _current(path, isinstance(before, str))
            if now != before:
                raise RefusedEdit(f"{path} changed while bundlegen was editing it (another "
                                  "program wrote it); nothing was written, run the command again")
    staged: list[tuple[Path, Path, str | None]] = []  # (path, where it is written, temp file)
    try:
        for path, content in changes.items():
            if content is None:
                staged.append((path, path, None))
                continue
            real = _real(path)
            data = content.encode("utf-8") if isinstance(content, str) else content
            try:
                staged.append((path, real, _stage(real, data, (modes or {}).get(path))))
            except OSError as err:
                raise _failed(path, err) from None
        _replace(staged)
    finally:
        for _, _, tmp in staged:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)


def _current(path: Path, text: bool) -> str | bytes | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    if not text:
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def _replace(staged: list[tuple[Path, Path, str | None]]) -> None:
    # Each step is recorded before it is made, so an interruption at any instruction (Ctrl-C
    # raises where the signal lands) is undone too: (file, its old content's second name or
    # None for a new file).
    done: list[tuple[Path, Path | None]] = []
    try:
        for path, real, tmp in staged:
            target = path if tmp is None else real  # a deletion removes the link itself
            if tmp is None and not os.path.lexists(target):
                continue
            backup = None
            if os.path.lexists(target):
                backup = target.with_name(f".{target.name}.{secrets.token_hex(4)}.bak")
            done.append((target, backup))
            try:
                if tmp is None:
                    os.replace(target, backup)  # the old file (or link) moves aside
                else:
                    if backup is not None:
                        _keep(target, backup)
                    os.replace(tmp, target)
            except OSError as err:
                raise _failed(path, err) from None
    except BaseException as failure:
        stuck = _put_back(done)
        if stuck and isinstance(failure, OSError):
            raise OSError(failure.errno, f"{failure.strerror}; and could not put back "
                          f"{', '.join(stuck)}", failure.filename) from None
        raise
    for _, backup in done:
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()


def _put_back(done: list[tuple[Path, Path | None]]) -> list[str]:
    """Undo the steps made so far, last first; names what could not be undone (its old
    content stays in the .bak file beside it)."""
    stuck = []
    for target, backup in reversed(done):
        try:
            if backup is None:  # a new file
                target.unlink(missing_ok=True)
            elif _same(backup, target):  # never replaced (and rename would do nothing)
                backup.unlink()
            elif os.path.lexists(backup):
                os.replace(backup, target)
            # else the step was interrupted before it changed anything
        except OSError:
            stuck.append(f"{target} (from {backup})" if backup else str(target))
    return stuck


def _same(backup: Path, target: Path) -> bool:
    """Whether target still holds the content kept in backup: the step did not happen."""
    try:
        x, y = os.lstat(backup), os.lstat(target)
        if (x.st_dev, x.st_ino) == (y.st_dev, y.st_ino):
            return True
        return x.st_size == y.st_size and backup.read_bytes() == target.read_bytes()
    except OSError:
        return False


# ------------------------------------------------------------------------------------ the lock


class Locked(BundlegenError):
    """Another bundlegen edit holds the project's lock."""


def _wait_seconds() -> float:
    try:
        return float(os.environ.get("BUNDLEGEN_LOCK_WAIT", LOCK_WAIT_SECONDS))
    except ValueError:
        return LOCK_WAIT_SECONDS


@contextlib.contextmanager
def project_lock(folder: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the lock of a project (or bundle) folder while an edit reads, plans and writes.

    Another holder is waited for up to `wait` seconds, then refused with who holds it. The
    kernel releases the lock of a process that dies, so a lock is never left stale.
    """
    if fcntl is None:  # pragma: no cover
        yield
        return
    path = folder / LOCK_FILE
    deadline = time.monotonic() + (_wait_seconds() if wait is None else wait)
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise InputError(f"cannot lock the folder for the edit: {err.strerror or err}",
                             Location(str(folder))) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            if time.monotonic() >= deadline:
                raise Locked(f"{path}: another bundlegen edit of this project is running "
                             f"({holder}); nothing was changed, run the command again when it "
                             "has finished") from None
            time.sleep(0.05)
            continue
        if _same_file(fd, path):  # not a lock file its last holder removed meanwhile
            break
        os.close(fd)
    try:
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()} since {stamp}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()  # before unlocking: a waiter that opened it sees it is gone
        os.close(fd)


def _holder(fd: int) -> str:
    with contextlib.suppress(OSError):
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
        if text:
            return text
    return "a process that is just starting"


def _same_file(fd: int, path: Path) -> bool:
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)
