"""A plain `pip install .` is enough: the wheel carries the template and the schemas."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from support import ROOT, assert_valid_project


@pytest.mark.slow
def test_the_installed_wheel_generates_and_lints_a_project(tmp_path):
    # Only bundlegen itself is installed anew, from a wheel built as a user's `pip install .`
    # builds it (pip byte-compiles the template's Python files too); its dependencies are this
    # environment's. PYTHONPATH puts the installed copy ahead of the checkout.
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                    str(site), str(ROOT)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(site)}

    def bundlegen(*args, cwd):
        return subprocess.run([sys.executable, "-m", "bundlegen", *args], cwd=cwd, env=env,
                              capture_output=True, text=True)

    where = subprocess.run([sys.executable, "-c", "import bundlegen; print(bundlegen.__file__)"],
                           env=env, capture_output=True, text=True, cwd=tmp_path, check=True)
    assert where.stdout.startswith(str(site))  # the installed copy, not the checkout
    assert (site / "bundlegen" / "template" / "cookiecutter.json").is_file()
    assert (site / "bundlegen" / "schemas" / "spec.schema.json").is_file()

    new = bundlegen("new", "--no-input", cwd=tmp_path)
    assert new.returncode == 0, new.stderr
    project = tmp_path / "fraud_detection"
    assert not list(project.rglob("__pycache__")) and not list(project.rglob("*.pyc"))
    assert_valid_project(project)

    lint = bundlegen("lint", "--strict", ".", "serving", cwd=project)
    assert lint.returncode == 0, lint.stdout + lint.stderr
