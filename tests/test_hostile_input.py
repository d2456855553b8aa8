"""Hostile YAML is refused, quickly and with its place, wherever bundlegen reads YAML.

Each file of tests/data/hostile/ says on its second line where it must be refused and why
(`# expect: LINE:COLUMN message`). It is given as a spec (`new`), as a project's bundlegen.yml
(`regions`, `add-region`, `traffic`), as a bundle's databricks.yml and as an included file
(`lint`): the editing commands exit 2 with `file:line:column: message` and change nothing;
lint reports a yaml-syntax error there and exits 1.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from editsupport import run, snapshot
from support import DEFAULT_SPEC, make_spec

from bundlegen.yaml import tree as yamltree

HOSTILE = Path(__file__).parent / "data" / "hostile"
CASES = sorted(p.stem for p in HOSTILE.glob("*.yml"))
HOST = "https://dbc-1111111111111111.cloud.databricks.com"


def expectation(case: str) -> tuple[str, str]:
    """('LINE:COLUMN', message) from the file's `# expect:` line."""
    line = (HOSTILE / f"{case}.yml").read_text().splitlines()[1]
    where, message = re.fullmatch(r"# expect: (\d+:\d+) (.*)", line).groups()
    return where, message


def refused(result, path: Path, case: str) -> None:
    where, message = expectation(case)
    assert result.exit_code == 2, result.output
    assert f"error: {path}:{where}: {message}" in result.stderr, result.stderr
    assert "Traceback" not in result.output and "internal error" not in result.stderr


def test_every_case_names_where_it_is_refused():
    assert len(CASES) >= 6
    for case in CASES:
        expectation(case)


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_spec_is_refused_by_new(tmp_path, case):
    spec = HOSTILE / f"{case}.yml"
    result = run("new", "--spec", spec, "--no-input", "-o", tmp_path / "out")
    refused(result, spec, case)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def refused_by_every_command(folder: Path, hostile: Path, case: str, commands) -> None:
    """Each command on a folder whose file `hostile` is the case: refused, nothing written."""
    shutil.copy(HOSTILE / f"{case}.yml", hostile)
    before = snapshot(folder)
    for args in commands:
        refused(run(*args, "--project-dir", folder), hostile, case)
    assert snapshot(folder) == before


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_bundle_is_refused_by_every_command(tmp_path, case):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    refused_by_every_command(bundle, bundle / "databricks.yml", case, (
        ["regions"],
        ["add-region", "eu-west-1", "--host", HOST],
        ["remove-region", "eu-west-1"],
        ["traffic", "show"],
        ["traffic", "set", "a=100"],
    ))


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_bundlegen_yml_is_refused_in_a_project(project_of, tmp_path, case):
    project = project_of(DEFAULT_SPEC, tmp_path)
    refused_by_every_command(project, project / "bundlegen.yml", case, (
        ["regions"],
        ["add-region", "ap-southeast-2", "--host", HOST],
        ["remove-region", "eu-west-1"],
        ["traffic", "show"],
        ["traffic", "set", "champion=80", "challenger=20"],
    ))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("where", ["databricks.yml", "an included file"])
def test_lint_reports_a_hostile_file_as_an_error(tmp_path, monkeypatch, case, where):
    monkeypatch.chdir(tmp_path)
    if where == "databricks.yml":
        shutil.copy(HOSTILE / f"{case}.yml", tmp_path / "databricks.yml")
        name = "databricks.yml"
    else:
        (tmp_path / "databricks.yml").write_text("bundle:\n  name: ok\ninclude:\n  - hostile.yml\n")
        shutil.copy(HOSTILE / f"{case}.yml", tmp_path / "hostile.yml")
        name = "hostile.yml"
    line, column = map(int, expectation(case)[0].split(":"))

    result = run("lint", ".", "--format", "json")

    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)["findings"]
    hit = [f for f in findings if f["rule"] == "yaml-syntax" and f["file"] == name]
    assert [(f["line"], f["column"], f["severity"]) for f in hit] == [(line, column, "error")], findings
    assert expectation(case)[1] in hit[0]["message"]


def test_a_29_mb_spec_is_refused_at_once_without_reading_it_all(tmp_path):
    spec = tmp_path / "big.yml"
    spec.write_text("project_name: Big\nnotes: |\n" + "  " + "x" * 120 + "\n" * 1 + ("  " + "y" * 120 + "\n") * 240_000)
    assert spec.stat().st_size > 29_000_000
    start = time.monotonic()
    result = run("new", "--spec", spec, "--no-input", "-o", tmp_path / "out")
    assert time.monotonic() - start < 5
    assert result.exit_code == 2
    assert f"error: {spec}: the file is 29.5 MB; bundlegen reads YAML files of at most 10 MiB" in result.stderr


def test_lint_refuses_a_bundle_file_past_the_size_limit(tmp_path):
    (tmp_path / "databricks.yml").write_text("bundle:\n  name: big\n" + "# padding\n" * 1_100_000)
    result = run("lint", tmp_path, "--format", "json")
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "yaml-syntax" and "at most 10 MiB" in finding["message"]


def test_the_limits_leave_room_for_real_bundles():
    at_limit = "x: " + "[" * (yamltree.MAX_DEPTH - 1) + "]" * (yamltree.MAX_DEPTH - 1)
    assert yamltree.load(at_limit, "deep.yml")
    anchors = "base: &b {a: 1, b: 2, c: 3}\n" + "".join(f"k{i}: {{<<: *b, n: {i}}}\n" for i in range(20_000))
    assert len(yamltree.load(anchors, "anchors.yml")) == 20_001


def test_a_tag_on_a_mapping_or_a_sequence_is_ignored_as_the_cli_ignores_it():
    """PyYAML would call os.system here; bundlegen reads a plain list, and runs nothing."""
    text = "x: !!python/object/apply:os.system [echo hi]\ny: !circle {r: 7}\nz: !!str 12\n"
    assert yamltree.load(text, "t.yml") == {"x": ["echo hi"], "y": {"r": 7}, "z": "12"}


def test_an_alias_inside_the_value_it_names_is_refused_as_the_cli_refuses_it(tmp_path):
    """A loop: endless to a recursive reader. (Lint reports it at the anchor: yaml-syntax.)"""
    spec = tmp_path / "loop.yml"
    spec.write_text("project_name: Loop\nregions: &r\n  - name: *r\n")
    result = run("new", "--spec", spec, "--no-input", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr == (f"error: {spec}:3:11: alias *r refers to the value that contains "
                             "it (a loop); the Databricks CLI refuses it\n")
    assert yamltree.load("a: &x [1]\nb: *x\n", "fine.yml") == {"a": [1], "b": [1]}


def test_a_spec_that_is_too_deep_for_python_is_refused_not_crashed(tmp_path):
    spec = tmp_path / "deep.yml"
    spec.write_text("project_name: " + "[" * 900 + "]" * 900 + "\n")
    result = run("new", "--spec", spec, "--no-input", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert f"error: {spec}:1:114: YAML nested deeper than 100 levels" in result.stderr


def test_a_long_or_non_ascii_project_name_gets_the_rule_not_all_of_it(tmp_path):
    for name in ("x" * 5000, "Détection de fraude"):
        spec = tmp_path / "spec.yml"
        spec.write_text(json.dumps(make_spec(project_name=name)))
        result = run("new", "--spec", spec, "--no-input", "-o", tmp_path / "out")
        assert result.exit_code == 2
        assert "at most 64 ASCII characters" in result.stderr, result.stderr
        assert len(result.stderr) < 400, result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "junit"])
def test_lint_fails_closed_on_a_bundle_it_could_not_check(tmp_path, monkeypatch, fmt):
    """A bundle lint could not check has not passed: exit 1, and every format says which
    file and why."""
    import bundlegen.lint as lint_api

    def crash(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(lint_api, "lint_bundle", crash)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "databricks.yml").write_text("bundle:\n  name: fine\n")

    result = run("lint", ".", "--format", fmt)

    assert result.exit_code == 1
    assert "databricks.yml" in result.stdout
    assert "could not check this bundle: RecursionError: maximum recursion depth exceeded" in result.stdout
    if fmt == "text":
        assert result.stdout.startswith("databricks.yml:1:1: error: ")


@pytest.mark.parametrize("text", [
    # A principal of the top-level permissions, and of a resource's, that is a list.
    "permissions:\n  - level: CAN_VIEW\n    user_name: [a, b]\nresources:\n  jobs:\n    j:\n"
    "      name: j\n      permissions:\n        - level: CAN_VIEW\n          user_name: [a, b]\n",
    # A run_as identity that is a list, beside an endpoint.
    "run_as:\n  user_name: [a, b]\nresources:\n  model_serving_endpoints:\n    e:\n      name: e\n",
    # A served entity's name that is a list.
    "resources:\n  model_serving_endpoints:\n    e:\n      name: e\n      config:\n"
    "        served_entities:\n          - name: [a]\n            entity_name: m\n"
    "          - name: [a]\n            entity_name: m\n",
])
def test_lint_takes_a_list_where_a_name_belongs_without_a_crash(tmp_path, monkeypatch, text):
    """Found by replacing each value of the rules' test bundles with a list or a mapping."""
    monkeypatch.setenv("BUNDLEGEN_DEBUG", "1")  # re-raise instead of an internal-error finding
    (tmp_path / "databricks.yml").write_text("bundle:\n  name: odd\n" + text)
    result = run("lint", str(tmp_path), "--format", "json")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert "internal-error" not in rules and "wrong-type" in rules


def test_lint_does_not_read_a_named_pipe_that_looks_like_configuration(tmp_path):
    """not-included reads the YAML files no include matches: a FIFO among them would block."""
    (tmp_path / "databricks.yml").write_text("bundle:\n  name: piped\n")
    os.mkfifo(tmp_path / "jobs.yml")
    # In a process of its own, so that a regression fails here instead of hanging the suite.
    done = subprocess.run([sys.executable, "-m", "bundlegen", "lint", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
