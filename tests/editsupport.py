"""Helpers for the tests of commands that edit files in place (add-region, remove-region)."""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml
from click.testing import CliRunner
from lint_support import lint
from support import assert_valid_project, bake, tree

from bundlegen.cli import cli


def run(*args: str):
    """The CLI as a user runs it (stdout and stderr apart), without raising."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root, byte for byte."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


def removed_lines(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """Every line a change took away or altered, as 'file: -line' (none when it only added).

    Lines are compared without their line break: a file that ended without one gets it when
    lines are added after its last line, which changes no line's text.
    """
    problems = [f"{name}: file removed" for name in before if name not in after]
    for name, old in before.items():
        if name not in after or after[name] == old:
            continue
        a, b = old.decode().splitlines(), after[name].decode().splitlines()
        for line in difflib.unified_diff(a, b, lineterm="", n=0):
            if line.startswith("-") and not line.startswith("---"):
                problems.append(f"{name}: {line}")
    return problems


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    return sorted(n for n in set(before) | set(after) if before.get(n) != after.get(n))



def regenerated(project: Path, tmp_path: Path) -> dict[str, str]:
    """What `bundlegen new --spec <project>/bundlegen.yml` makes."""
    spec = yaml.safe_load((project / "bundlegen.yml").read_text())
    return tree(bake(spec, tmp_path))


def assert_healthy(project: Path, tmp_path: Path) -> None:
    """Regenerating from the spec gives every file; the bundles lint clean and validate."""
    assert tree(project) == regenerated(project, tmp_path)
    result = lint(project, project / "serving")
    assert result.errors == 0, [str(f) for f in result.findings]
    assert_valid_project(project)
