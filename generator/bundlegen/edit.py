"""An edit of a project, computed in full before anything is written, then written at once."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from bundlegen import fsio
from bundlegen.errors import BundlegenError, InputError, Location


@dataclass
class FileChange:
    rel: str  # path from the project folder, with '/'
    before: str | None  # None: the file is created
    after: str | None  # None: the file is deleted


@dataclass
class Edit:
    """Changes to the files of a project or bundle, computed before anything is written, with
    what to tell the user: warnings (before) and a summary (after it is written). Every command
    that edits returns one (add-region, remove-region, traffic); the CLI shows them one way."""

    root: Path
    kind: str = "bundle"  # projectfolder.PROJECT or BUNDLE
    changes: list[FileChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    def change(self, rel: str, before: str | None, after: str | None) -> None:
        if before != after:
            self.changes.append(FileChange(rel, before, after))

    def diff(self) -> str:
        """A unified diff of every change, a/ and b/ paths as git writes them."""
        out = []
        for change in self.changes:
            a = f"a/{change.rel}" if change.before is not None else "/dev/null"
            b = f"b/{change.rel}" if change.after is not None else "/dev/null"
            lines = difflib.unified_diff(
                (change.before or "").splitlines(keepends=True),
                (change.after or "").splitlines(keepends=True),
                a,
                b,
            )
            for line in lines:
                out.append(
                    line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                )
        return "".join(out)


def read_text(path: Path, display: str) -> str:
    """A file's text exactly as stored (no newline translation), for byte-exact edits."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError("no such file", Location(display)) from None
    except UnicodeDecodeError as err:
        raise InputError(f"not UTF-8 text: {err.reason}", Location(display)) from None
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", Location(display)) from None


def region_edit(root: Path, kind: str, action: str, region: str, target: str,
                source: str | None = None) -> Edit:
    """The edit of add-region (action "add") or remove-region ("remove"), still empty; source
    is the target or region the new one copies."""
    verb = {"add": "Added", "remove": "Removed"}[action]
    copied = f", copied from {source}" if source else ""
    return Edit(root=root, kind=kind,
                summary=[f"{verb} region {region} (target {target}{copied}) in {root}"])


def commit(changes: Edit) -> None:
    """Write every file of the change set together: all of them, or none (fsio.commit_all).
    A file that changed since the edit read it is refused."""
    paths = {c.rel: changes.root / c.rel for c in changes.changes}
    try:
        fsio.commit_all({paths[c.rel]: c.after for c in changes.changes},
                        expected={paths[c.rel]: c.before for c in changes.changes})
    except OSError as err:
        undone = "" if "could not put back" in str(err.strerror) else "; no file was changed"
        raise BundlegenError(
            f"cannot write {err.filename or changes.root}: {err.strerror or err}{undone}"
        ) from None
