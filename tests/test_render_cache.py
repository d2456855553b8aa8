"""The template's compiled files are kept in the user's cache folder between runs (every
command renders the template, add-region and traffic twice), and a folder that cannot be
written costs only speed: the output is the same either way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from editsupport import snapshot
from support import assert_valid_project


def new(tmp_path: Path, name: str, cache_home: str) -> dict[str, bytes]:
    out = tmp_path / name
    env = {**os.environ, "XDG_CACHE_HOME": cache_home}
    done = subprocess.run([sys.executable, "-m", "bundlegen", "new", "--no-input", "-o", str(out)],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert_valid_project(out / "fraud_detection")
    return snapshot(out)


def test_a_second_run_reads_the_compiled_template_and_makes_the_same_project(tmp_path):
    cache = tmp_path / "cache"
    first = new(tmp_path, "first", str(cache))
    entries = sorted((cache / "bundlegen").glob("jinja-*/__jinja2_*.cache"))
    assert len(entries) > 50  # one per template file
    stamps = [p.stat().st_mtime_ns for p in entries]

    assert new(tmp_path, "second", str(cache)) == first
    assert [p.stat().st_mtime_ns for p in entries] == stamps  # read, not written again


def test_a_cache_folder_that_cannot_be_made_costs_only_speed(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder\n")
    assert new(tmp_path, "blocked", str(blocked / "cache")) == new(tmp_path, "free",
                                                                     str(tmp_path / "cache"))


def test_a_render_leaves_nothing_in_the_temporary_folder(tmp_path):
    # Cookiecutter writes each rendered hook script to a temporary file it never deletes.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    for args in (["new", "--no-input", "-o", str(tmp_path)],
                 ["add-region", "ap-northeast-1", "--host", "https://tokyo.cloud.databricks.com",
                  "--project-dir", str(tmp_path / "fraud_detection")]):
        done = subprocess.run([sys.executable, "-m", "bundlegen", *args], env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    assert_valid_project(tmp_path / "fraud_detection")
    assert list(scratch.iterdir()) == []
