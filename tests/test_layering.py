"""The layering the code promises: only the command line (the cli/ package, and terminal.py
for the questions of interactive `new`) imports Click or prints; the core returns data and
raises bundlegen.errors, so every message and exit code is decided in one place."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from support import ROOT

PACKAGE = ROOT / "generator" / "bundlegen"
TALKS = {"terminal.py", "__main__.py"}
# The command line: every module under cli/ (one per family of commands).
CLI = "cli"
# Tools run by hand, not by the CLI: they may print their own report.
SCRIPTS = {"lint/docs.py"}
CORE = sorted(p for p in PACKAGE.rglob("*.py")
              if p.relative_to(PACKAGE).as_posix() not in TALKS | SCRIPTS
              and p.relative_to(PACKAGE).parts[0] != CLI)


@pytest.mark.parametrize("module", CORE, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_core_modules_neither_import_click_nor_print(module: Path):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not any(a.name.split(".")[0] == "click" for a in node.names), node.lineno
        if isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "click", node.lineno
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "print", f"print() at line {node.lineno}"


def test_the_scripts_left_out_exist():
    for rel in TALKS | SCRIPTS | {f"{CLI}/__init__.py"}:
        assert (PACKAGE / rel).is_file(), rel
