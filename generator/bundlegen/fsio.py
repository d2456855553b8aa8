"""Writing files so that a reader never sees half of one: temporary file, then rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None and path.exists():
        mode = path.stat().st_mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def commit_all(changes: dict[Path, str | None]) -> None:
    """Apply several file changes together: every new content is written to a temporary file
    first, and only when all are written are they renamed into place (None deletes).
    """
    staged: list[tuple[Path, str | None]] = []
    try:
        for path, text in changes.items():
            if text is None:
                staged.append((path, None))
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(text.encode("utf-8"))
            if path.exists():
                os.chmod(tmp, path.stat().st_mode & 0o7777)
            staged.append((path, tmp))
    except BaseException:
        for _, tmp in staged:
            if tmp:
                Path(tmp).unlink(missing_ok=True)
        raise
    for path, tmp in staged:
        if tmp is None:
            path.unlink(missing_ok=True)
        else:
            os.replace(tmp, path)
