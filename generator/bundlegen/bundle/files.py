"""Which files make a bundle: the root file and what its `include` patterns match.

As the Databricks CLI v1.13.0 resolves them (bundle/config/loader/process_root_includes.go):
each pattern is a Go `filepath.Glob` relative to the bundle root, where `**` matches one folder
level like `*` (not any depth) and `*` matches hidden files too; a pattern without glob
characters that matches nothing is an error, a glob that matches nothing is empty; matches are
sorted, read once in the order of the patterns, and only YAML or JSON files may be included.
"""

from __future__ import annotations

import glob
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from bundlegen.errors import InputError, Location

ROOT_FILES = ("databricks.yml", "databricks.yaml", "bundle.yml", "bundle.yaml")


def root_in(folder: Path) -> Path | None:
    """The bundle root file in this very folder, if there is one."""
    for name in ROOT_FILES:
        if (folder / name).is_file():
            return folder / name
    return None


def require_root(folder: Path) -> Path:
    """The root file of the bundle in this folder; none is bad input for a command that edits
    or reads this folder's bundle."""
    found = root_in(folder)
    if found is None:
        raise InputError("no databricks.yml here; give the bundle's folder with --project-dir",
                         Location(str(folder)))
    return found


def find_root(path: Path) -> Path | None:
    """The bundle root file for a path: the file itself, or the nearest one in it or above it
    (as the CLI finds the bundle of the folder it runs in)."""
    if path.is_file() and path.name in ROOT_FILES:
        return path
    folder = path if path.is_dir() else path.parent
    for candidate in (folder, *folder.parents):
        found = root_in(candidate)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class IncludeProblem:
    index: int  # of the pattern in the include list
    message: str


def included_files(root: Path, patterns: list) -> tuple[list[Path], list[IncludeProblem]]:
    """The files the include patterns of a root file add to the bundle, in load order, and
    the problems the CLI refuses the bundle for. Entries that are not strings are skipped (the
    schema check reports them)."""
    base = root.parent
    seen = {os.path.abspath(root)} | {os.path.abspath(base / n) for n in ROOT_FILES}
    out: list[Path] = []
    problems: list[IncludeProblem] = []
    for i, pattern in enumerate(patterns):
        if not isinstance(pattern, str) or not pattern:
            continue
        if os.path.isabs(pattern):
            problems.append(IncludeProblem(i, f"{pattern}: includes must be relative paths"))
            continue
        matches = sorted(go_glob(str(base / pattern)))
        if not matches and not any(c in pattern for c in "*?["):
            problems.append(
                IncludeProblem(i, f"{pattern} in the include section does not match any file")
            )
            continue
        for match in matches:
            path = Path(match)
            key = os.path.abspath(match)
            if key in seen or path.is_dir():
                continue
            seen.add(key)
            if path.suffix not in (".yml", ".yaml", ".json"):
                problems.append(IncludeProblem(
                    i,
                    f"{display_path(path)} is matched by include but is not a YAML or JSON file "
                    "(files to upload belong in sync.include)",
                ))
                continue
            out.append(path)
    return out, problems


def go_glob(pattern: str) -> list[str]:
    """Go's filepath.Glob: `**` is no deeper than `*`, hidden files match."""
    if sys.version_info >= (3, 11):
        return glob.glob(pattern, recursive=False, include_hidden=True)
    return glob.glob(pattern, recursive=False)  # pragma: no cover - Python 3.10 skips dotfiles


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the current folder when it is below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


# Folders no bundle configuration lives in: tool caches, environments, dependencies.
_NOT_CONFIG = frozenset({"node_modules", "__pycache__", "venv", "site-packages", "dist", "build"})


def stray_yaml(root: Path, included: set[Path]) -> list[Path]:
    """YAML files under a bundle's folder that are not among `included` (resolved paths): not
    in hidden folders, tool folders, virtual environments, or folders of another bundle."""
    found = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(
            d for d in dirs
            if not d.startswith(".") and d not in _NOT_CONFIG
            and root_in(here / d) is None and not (here / d / "pyvenv.cfg").is_file()
        )
        for name in sorted(files):
            path = here / name
            # Regular files only: reading a named pipe called x.yml would never end.
            if name.endswith((".yml", ".yaml")) and path.is_file() and (
                path.resolve() not in included
            ):
                found.append(path)
    return found
