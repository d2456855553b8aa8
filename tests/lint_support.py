"""Helpers of the lint tests: linting in-process, and the expectations written in the data."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from support import ROOT, bundle_schema

DATA = ROOT / "tests" / "data" / "lint"
_EXPECT = re.compile(r"# expect: ([a-z-]+)")
# The schemas a lint gate holds for: the official one (only with ../shared: without it,
# "official" falls back to the shipped one, which the second case checks already), and the one
# bundlegen ships for users without a Databricks CLI.
SCHEMAS = [pytest.param("official", marks=pytest.mark.shared), "shipped"]


@functools.cache
def schema(which: str = "official"):
    from bundlegen.lint import load_schema

    return load_schema(bundle_schema() if which == "official" else None, databricks_cli="")


def lint(*paths: Path, target: str | None = None, which: str = "official", selection=None,
         values=None):
    from bundlegen.lint import lint_paths

    return lint_paths(list(paths), schema(which), target, selection, values)


def expected(folder: Path) -> set[tuple[str, int, str]]:
    """(file, line, rule) of every `# expect: <rule>` comment under a folder."""
    out = set()
    for file in sorted(folder.rglob("*")):
        if file.is_file():
            text = file.read_bytes().decode("utf-8", errors="replace")
            for number, line in enumerate(text.splitlines(), 1):
                for rule in _EXPECT.findall(line):
                    out.add((file.relative_to(folder).as_posix(), number, rule))
    return out
