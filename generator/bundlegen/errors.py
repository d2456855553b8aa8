"""The one exception root of bundlegen.

Core code raises these; only `bundlegen.cli` turns them into a message and an exit code.
Exit codes: 0 clean, 1 findings (lint), 2 bad usage or bad input.
"""

from __future__ import annotations

from dataclasses import dataclass


class BundlegenError(Exception):
    """Something the user can fix: bad input, bad usage, a refused edit. Exit code 2."""

    exit_code = 2


@dataclass(frozen=True)
class Location:
    """Where in a file a problem is: 1-based line and column, as editors count."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class InputError(BundlegenError):
    """A file or value that bundlegen cannot accept, with where it is."""

    def __init__(self, message: str, location: Location | None = None, field: str | None = None):
        self.message = message
        self.location = location
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        field = f"{self.field}: " if self.field else ""
        return f"{prefix}{field}{self.message}"


class InputErrors(BundlegenError):
    """Several input problems found at once; each is reported on its own line."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class RefusedEdit(BundlegenError):
    """An edit bundlegen will not make; every file is left as it was."""
