"""bundlegen's own code passes ruff with the configuration in pyproject.toml.

The template's folder is excluded there (its files are Jinja), so template/bundlegen_ext.py
and template/bundlegen_model, plain Python, are named explicitly.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from support import ROOT


def _ruff() -> str:
    beside = Path(sys.executable).parent / "ruff"
    found = str(beside) if beside.is_file() else shutil.which("ruff")
    assert found, "ruff is not installed (it is in bundlegen's test extras)"
    return found


def test_bundlegen_passes_ruff():
    result = subprocess.run(
        [_ruff(), "check", "--no-cache", ".", "template/bundlegen_ext.py",
         "template/bundlegen_model"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
