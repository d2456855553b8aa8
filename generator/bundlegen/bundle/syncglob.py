"""`sync.include` and `sync.exclude` patterns, matched as the Databricks CLI matches them.

The CLI (v1.13.0, libs/fileset/glob.go) compiles each pattern with github.com/sabhiram/go-gitignore
at 525f6e181f06 (MIT), which turns a gitignore line into one regular expression; `pattern`
below makes the same expression, step by step, so a pattern matches here what it matches there
(including that `?` is a literal and that other regex characters pass through).
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path

_MAGIC_STAR = "#$~"  # stands for a `*` that must survive the single-star rule


def _sub(pattern: str, replacement: str, text: str) -> str:
    return re.sub(pattern, lambda _: replacement, text)  # the replacement taken literally


def pattern(line: str) -> re.Pattern | None:
    """The expression go-gitignore compiles a line to (None for a comment, a blank line or an
    expression Go cannot compile); a leading `!` (negation) is dropped."""
    line = line.rstrip("\r")
    if line.startswith("#"):
        return None
    line = line.strip(" ")
    if not line:
        return None
    if line[0] == "!":
        line = line[1:]
    if re.match(r"^(\#|\!)", line):
        line = line[1:]
    if re.search(r"([^\/+])/.*\*\.", line) and line[0] != "/":
        line = "/" + line
    line = line.replace(".", r"\.")
    if line.startswith("/**/"):
        line = line[1:]
    line = _sub(r"/\*\*/", "(/|/.+/)", line)
    line = _sub(r"\*\*/", "(|." + _MAGIC_STAR + "/)", line)
    line = _sub(r"/\*\*", "(|/." + _MAGIC_STAR + ")", line)
    line = _sub(r"\\\*", "\\" + _MAGIC_STAR, line)
    line = _sub(r"\*", "([^/]*)", line)
    line = line.replace("?", r"\?").replace(_MAGIC_STAR, "*")
    expr = line + ("(|.*)$" if line.endswith("/") else "(|/.*)$")
    expr = "^(|/)" + expr[1:] if expr.startswith("/") else "^(|.*/)" + expr
    try:
        return re.compile(expr)
    except re.error:
        return None


def clean(path: str) -> str:
    """Go's path.Clean: no `.` or `..` steps, no doubled or trailing slash; `.` for nothing."""
    if not path:
        return "."
    cleaned = posixpath.normpath(path)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def from_root(value: str, folder: Path, root: Path) -> str:
    """A pattern as the CLI checks it: joined to the folder of the file that sets it, relative
    to the bundle root (rewrite_sync_paths.go), without its `!`, cleaned (fileset.NewGlobSet)."""
    rel = os.path.relpath(folder, root).replace(os.sep, "/")
    joined = clean(f"{rel}/{value}")  # Go's filepath.Join: an absolute value is joined too
    return clean(joined.removeprefix("!"))


def files_under(root: Path, limit: int) -> list[str] | None:
    """Every regular file under root as a '/' path relative to it, hidden folders included
    (the CLI walks them all); None past `limit` files, where the check is not worth its time."""
    found: list[str] = []
    stack = [""]
    while stack:
        rel = stack.pop()
        try:
            entries = list(os.scandir(root / rel if rel else root))
        except OSError:
            continue
        for entry in entries:
            name = f"{rel}/{entry.name}" if rel else entry.name
            if entry.is_dir(follow_symlinks=False):
                stack.append(name)
            elif entry.is_file(follow_symlinks=False):
                found.append(name)
                if len(found) > limit:
                    return None
    return found
