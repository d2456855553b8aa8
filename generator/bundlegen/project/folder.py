"""What folder a command works on: a bundlegen project, or any other bundle.

One answer for regions and traffic alike (docs/decisions/code-layout.md): a folder is a
bundlegen project when it holds bundlegen.yml (the spec the project was generated from) next
to databricks.yml; the project's serving/ folder counts as the project too, so
`--project-dir <project>/serving` edits the whole project (spec, jobs bundle and serving
bundle) rather than the serving bundle alone. Any other folder with a bundle root file is a
bundle; a folder without one is bad input.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bundlegen.bundle.files import require_root

SPEC_FILE = "bundlegen.yml"
SERVING = "serving"  # the project's serving bundle, beside its jobs bundle
PROJECT = "bundlegen project"
BUNDLE = "bundle"


@dataclass(frozen=True)
class Folder:
    kind: str  # PROJECT or BUNDLE
    root: Path  # the project's folder, or the bundle's


def is_project(folder: Path) -> bool:
    return (folder / SPEC_FILE).is_file()


def locate(folder: Path) -> Folder:
    """The project or bundle a --project-dir names."""
    if is_project(folder):
        return Folder(PROJECT, folder)
    resolved = folder.resolve()
    if resolved.name == SERVING and is_project(resolved.parent):
        return Folder(PROJECT, folder.parent if folder.name == SERVING else resolved.parent)
    require_root(folder)
    return Folder(BUNDLE, folder)
