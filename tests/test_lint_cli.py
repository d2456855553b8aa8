"""`bundlegen lint` on the command line: formats, exit codes, schema selection, many paths."""

from __future__ import annotations

import json
import os
import stat
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner
from lint_support import DATA
from support import bundle_schema

from bundlegen.cli import cli
from bundlegen.lint import RULES

ENGINE = DATA / "unknown-engine" / "bad"  # one error
ENUM = DATA / "invalid-enum" / "bad"  # one warning
GOOD = DATA / "unknown-engine" / "good"


def run(*args, cwd=None):
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(cwd or DATA)
    try:
        return runner.invoke(cli, ["lint", "--bundle-schema", str(bundle_schema()), *map(str, args)])
    finally:
        os.chdir(old)


def test_text_is_one_line_per_finding_relative_to_the_current_folder():
    result = run("unknown-engine/bad", "invalid-enum/bad")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "invalid-enum/bad/databricks.yml:10:23: warning: resources.jobs.nightly.schedule.pause_status: "
        "'SOMETIMES' is not one of: UNPAUSED, PAUSED [invalid-enum]",
        "unknown-engine/bad/databricks.yml:3:11: error: unknown deployment engine 'terraforms': "
        "use terraform or direct [unknown-engine]",
    ]
    assert "2 bundle(s), 2 file(s): 1 error(s), 1 warning(s)" in result.stderr


def test_exit_code_is_0_with_warnings_only_and_1_with_strict():
    assert run("invalid-enum/bad").exit_code == 0
    strict = run("invalid-enum/bad", "--strict")
    assert strict.exit_code == 1
    assert ": error: " in strict.stdout


def test_a_clean_bundle_prints_nothing_and_exits_0():
    result = run("unknown-engine/good")
    assert (result.exit_code, result.stdout) == (0, "")


def test_json_has_a_findings_list_with_every_field():
    result = run("unknown-engine/bad", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"findings": [{
        "severity": "error", "file": "unknown-engine/bad/databricks.yml", "line": 3, "column": 11,
        "path": "bundle.engine", "rule": "unknown-engine",
        "message": "unknown deployment engine 'terraforms': use terraform or direct",
    }]}


def test_github_prints_workflow_annotations():
    result = run("unknown-engine/bad", "invalid-enum/bad", "--format", "github")
    assert result.stdout.splitlines() == [
        "::warning file=invalid-enum/bad/databricks.yml,line=10,col=23,title=invalid-enum::"
        "resources.jobs.nightly.schedule.pause_status: 'SOMETIMES' is not one of: UNPAUSED, PAUSED",
        "::error file=unknown-engine/bad/databricks.yml,line=3,col=11,title=unknown-engine::"
        "unknown deployment engine 'terraforms': use terraform or direct",
    ]


def test_sarif_is_a_2_1_0_log_with_the_rules_and_located_results():
    result = run("unknown-engine/bad", "--format", "sarif")
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    assert all(r["shortDescription"]["text"] for r in driver["rules"])
    [res] = log["runs"][0]["results"]
    assert res["ruleId"] == "unknown-engine" and res["level"] == "error"
    assert driver["rules"][res["ruleIndex"]]["id"] == "unknown-engine"
    loc = res["locations"][0]["physicalLocation"]
    assert loc == {"artifactLocation": {"uri": "unknown-engine/bad/databricks.yml"},
                   "region": {"startLine": 3, "startColumn": 11}}


def test_sarif_validates_against_the_sarif_schema_shape():
    log = json.loads(run("wrong-type/bad", "--format", "sarif").stdout)
    for res in log["runs"][0]["results"]:
        assert set(res) >= {"ruleId", "level", "message", "locations"}
        assert res["level"] in ("error", "warning", "note", "none")


def test_junit_has_a_failure_per_error_and_a_passing_case_per_clean_file():
    result = run("unknown-engine/bad", "unknown-engine/good", "invalid-enum/bad", "--format", "junit")
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"unknown-engine/bad/databricks.yml", "unknown-engine/good/databricks.yml",
                           "invalid-enum/bad/databricks.yml"}
    [failure] = suites["unknown-engine/bad/databricks.yml"].iter("failure")
    assert failure.get("type") == "unknown-engine" and "terraforms" in failure.get("message")
    assert suites["unknown-engine/good/databricks.yml"].get("failures") == "0"
    assert list(suites["invalid-enum/bad/databricks.yml"].iter("failure")) == []
    assert root.get("failures") == "1"


def test_a_broken_bundle_is_reported_and_the_others_still_linted():
    result = run("yaml-syntax/bad", "unknown-engine/bad", "unreadable-file/bad")
    files_and_rules = [(line.split(":")[0], line.rsplit("[", 1)[1]) for line in result.stdout.splitlines()]
    assert files_and_rules == [
        ("unknown-engine/bad/databricks.yml", "unknown-engine]"),
        ("unreadable-file/bad/databricks.yml", "unreadable-file]"),
        ("yaml-syntax/bad/broken.yml", "yaml-syntax]"),  # the bundle's other files are still linted
        ("yaml-syntax/bad/merges.yml", "yaml-syntax]"),
        ("yaml-syntax/bad/recursive.yml", "yaml-syntax]"),
    ]
    assert result.exit_code == 1


def test_a_path_is_a_folder_its_databricks_yml_or_any_file_in_the_bundle():
    inside = run("include-invalid/good/resources/more/pipeline.yml")
    root_file = run("include-invalid/good/databricks.yml")
    folder = run("include-invalid/good")
    assert inside.exit_code == root_file.exit_code == folder.exit_code == 0
    assert "1 bundle(s), 3 file(s)" in inside.stderr
    assert "1 bundle(s), 3 file(s)" in folder.stderr
    twice = run("include-invalid/good", "include-invalid/good/resources/job.yml")
    assert "1 bundle(s)" in twice.stderr  # the same bundle is linted once


def test_target_limits_the_check_to_one_target():
    path = "serving-traffic-sum/bad"
    assert run(path, "--target", "prod").exit_code == 0
    assert run(path, "--target", "dev").exit_code == 1
    unknown = run(path, "--target", "nope")
    assert "no target 'nope' in this bundle (targets: dev, prod)" in unknown.stdout


@pytest.mark.parametrize("args", [["no/such/folder"], ["--bundle-schema", "no-such.json", "."]])
def test_bad_usage_exits_2(args):
    result = CliRunner().invoke(cli, ["lint", *args])
    assert result.exit_code == 2


def test_var_gives_a_variable_its_value_and_one_without_a_value_is_bad_usage():
    path = "required-variable/bad"
    assert "[required-variable]" in run(path).stdout
    assert "[required-variable]" not in run(path, "--var", "catalog=dev").stdout
    bad = run(path, "--var", "catalog")
    assert bad.exit_code == 2
    assert bad.stderr == "error: --var: expected NAME=VALUE, got 'catalog'\n"
    twice = run(path, "--var", "catalog=dev", "--var", "catalog=prod")
    assert (twice.exit_code, twice.stderr) == (2, "error: --var: 'catalog' is given twice\n")


def test_a_schema_file_that_is_not_json_is_bad_usage(tmp_path):
    bad = tmp_path / "schema.json"
    bad.write_text("{not json")
    result = CliRunner().invoke(cli, ["lint", "--bundle-schema", str(bad), str(GOOD)])
    assert result.exit_code == 2
    assert "not JSON" in result.stderr


def _fake_databricks(tmp_path, body: str):
    exe = tmp_path / "bin" / "databricks"
    exe.parent.mkdir()
    exe.write_text("#!/bin/sh\n" + body)
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return exe.parent


def test_without_an_option_the_databricks_cli_schema_is_used(tmp_path, monkeypatch):
    # This CLI's schema allows nothing but `bundle`, so the engine field is unknown to it.
    bundle = {"type": "object", "properties": {"name": {}}, "additionalProperties": False}
    schema = {"type": "object", "properties": {"bundle": bundle}}
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    bin_dir = _fake_databricks(tmp_path, f'[ "$1 $2" = "bundle schema" ] && cat {tmp_path / "schema.json"}\n')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    result = CliRunner().invoke(cli, ["lint", str(GOOD)])
    assert "unknown field 'engine' in bundle [unknown-field]" in result.stdout


def test_a_failing_databricks_cli_falls_back_to_the_shipped_schema_with_a_note(tmp_path, monkeypatch):
    bin_dir = _fake_databricks(tmp_path, "echo 'not logged in' >&2; exit 1\n")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    result = CliRunner().invoke(cli, ["lint", str(GOOD)])
    assert result.exit_code == 0
    assert "note: " in result.stderr and "shipped with bundlegen" in result.stderr


def test_the_shipped_schema_knows_the_resources_bundlegen_generates(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    result = CliRunner().invoke(cli, ["lint", str(DATA / "unknown-field" / "bad")])
    assert result.stdout.count("[unknown-field]") == 2


def test_github_escapes_what_would_end_a_workflow_command():
    from bundlegen.lint import Finding, LintResult
    from bundlegen.lint.reporters import REPORTERS

    finding = Finding("error", "a,b:c.yml", 1, 2, "x", "yaml-syntax", "50% bad\nnext line")
    out = REPORTERS["github"](LintResult([finding], ["a,b:c.yml"], []))
    assert out == "::error file=a%2Cb%3Ac.yml,line=1,col=2,title=yaml-syntax::50%25 bad%0Anext line\n"
