"""Older bundlegens for the upgrade tests: this repository at a past commit, or a copy of
this checkout changed as a later release might change its template."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from click.testing import CliRunner
from support import ROOT

from bundlegen.cli import cli

SLUG = "{{cookiecutter.project_slug}}"


def archive(commit: str, dest: Path) -> Path | None:
    """This repository's code, template and schemas at `commit` (None without git history)."""
    if shutil.which("git") is None:
        return None
    known = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{commit}^{{commit}}"],
                           capture_output=True)
    if known.returncode != 0:
        return None
    dest.mkdir(parents=True)
    tar = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "generator", "template",
                          "schemas"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=tar, check=True)
    return dest


def copy_checkout(dest: Path, version: str) -> Path:
    """This checkout's code, template and schemas, calling itself `version`."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("generator", "template", "schemas"):
        shutil.copytree(ROOT / part, dest / part, ignore=ignore)
    init = dest / "generator" / "bundlegen" / "__init__.py"
    init.write_text(re.sub(r'__version__ = "[^"]+"', f'__version__ = "{version}"',
                           init.read_text()))
    return dest


def template_file(tree: Path, rel: str) -> Path:
    return tree / "template" / SLUG / rel


def insert_first_line(path: Path, line: str) -> None:
    """Put a plain line before the file's first line that is not a Jinja tag."""
    lines = path.read_text().splitlines(keepends=True)
    at = next(i for i, text in enumerate(lines) if not text.startswith("{%"))
    path.write_text("".join(lines[:at] + [line + "\n"] + lines[at:]))


def old_bundlegen(tree: Path, *args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the bundlegen of `tree`, in its own process."""
    # its own domain package too (template/bundlegen_model), where the tree has one; and a
    # temporary folder of its own, where an older bundlegen leaves Cookiecutter's hook files
    scratch = tree / ".tmp"
    scratch.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(scratch),
           "PYTHONPATH": os.pathsep.join([str(tree / "template"), str(tree / "generator")])}
    run = subprocess.run([sys.executable, "-m", "bundlegen", *map(str, args)], env=env,
                         capture_output=True, text=True, cwd=cwd)
    assert run.returncode == 0, run.stderr
    return run


def upgrade(project: Path, *args):
    return CliRunner().invoke(cli, ["upgrade", "--project-dir", str(project), *map(str, args)])


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".git" not in p.parts}


def wheel_of(tree: Path, dest: Path) -> Path:
    """A wheel laid out as pyproject.toml builds it: the package, its template and schemas."""
    with zipfile.ZipFile(dest, "w") as wheel:
        for part, inside in (("generator/bundlegen", "bundlegen"),
                             ("template/bundlegen_model", "bundlegen_model"),
                             ("template", "bundlegen/template"),
                             ("schemas", "bundlegen/schemas")):
            for path in sorted((tree / part).rglob("*")):
                if path.is_file():
                    wheel.write(path, f"{inside}/{path.relative_to(tree / part).as_posix()}")
    return dest
