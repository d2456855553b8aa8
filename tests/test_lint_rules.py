"""Each lint rule, on a bundle that breaks it and one that keeps it (tests/data/lint/<rule>/).

A `# expect: <rule>` comment marks each line where a finding of that rule must be reported;
the bad folder must produce exactly those, and the good folder no error and no warning.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lint_support import DATA, SCHEMAS, expected, lint

import bundlegen.lint as lint_api
from bundlegen.lint import RULES, rules

TARGETED = {"unknown-target": "prod"}  # rules that need --target
IN_FOLDER = {"root-path-glob": "[eu]"}  # bad bundles in a folder of their own, named so
# Rules that read lint's environment, as the CLI reads its own: set for both of their bundles.
ENVIRONMENT = {"restricted-code-execution": {"DATABRICKS_BUNDLE_RESTRICTED_CODE_EXECUTION": "1"}}


def _found(result, folder: Path, rule: str) -> set[tuple[str, int, str]]:
    out = set()
    for f in result.findings:
        if f.rule == rule:
            path = Path(f.file).resolve()
            name = path.relative_to(folder.resolve()).as_posix() if path != folder.resolve() else "README.md"
            out.add((name, f.line, f.rule))
    return out


def test_every_rule_has_a_bad_and_a_good_bundle():
    assert sorted(p.name for p in DATA.iterdir()) == sorted(RULES)
    for rule in RULES:
        assert (DATA / rule / "bad").is_dir() and (DATA / rule / "good").is_dir(), rule


def _crash(ctx):
    raise RuntimeError("a bug")
    yield


@pytest.mark.parametrize("rule", sorted(RULES))
def test_the_bad_bundle_is_reported_where_the_comments_say(rule, monkeypatch):
    folder = DATA / rule / "bad"
    if rule == "internal-error":  # a rule with a bug: reported, not a crash
        monkeypatch.setattr(rules, "target_checks", lambda: [rules.Rule("x", "error", "x", _crash)])
        monkeypatch.setattr(lint_api, "target_checks", rules.target_checks)
    for name, value in ENVIRONMENT.get(rule, {}).items():
        monkeypatch.setenv(name, value)
    want = {e for e in expected(folder) if e[2] == rule}
    assert want, f"{folder} marks no line with '# expect: {rule}'"
    result = lint(folder / IN_FOLDER.get(rule, ""), target=TARGETED.get(rule))
    assert _found(result, folder, rule) == want, "\n".join(map(str, result.findings))
    # The rule's severity is its findings' (a rule whose docs name a milder case may show both).
    severities = {f.severity for f in result.findings if f.rule == rule}
    assert RULES[rule].severity in severities <= {"error", "warning"}


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("which", SCHEMAS)
def test_the_good_bundle_is_clean(rule, which, monkeypatch):
    for name, value in ENVIRONMENT.get(rule, {}).items():
        monkeypatch.setenv(name, value)
    folder = DATA / rule / "good"
    paths = [folder / "src" / "main.py"] if rule == "bundle-not-found" else [folder]
    result = lint(*paths, target=TARGETED.get(rule), which=which)
    assert result.findings == [], "\n".join(map(str, result.findings))
    assert result.bundles


def test_a_variable_given_in_the_environment_is_not_required(monkeypatch):
    """The CLI takes BUNDLE_VAR_<name> for a plain variable, and refuses it for a complex one."""
    folder = DATA / "required-variable" / "bad"
    assert _found(lint(folder), folder, "required-variable")
    monkeypatch.setenv("BUNDLE_VAR_catalog", "dev")
    assert not _found(lint(folder), folder, "required-variable")
    good = DATA / "variable-overrides-file" / "good"
    monkeypatch.setenv("BUNDLE_VAR_cluster", "i3.xlarge")
    messages = [f.message for f in lint(good).findings if f.rule == "variable-overrides-file"]
    assert messages == [
        "BUNDLE_VAR_cluster sets 'cluster', but it is a complex variable, which the CLI takes "
        "neither from --var nor from the environment"
    ]


def test_a_variable_given_with_var_is_not_required_and_var_must_name_a_defined_one():
    """`bundlegen lint --var NAME=VALUE`, as `databricks bundle validate --var` (root.go)."""
    folder = DATA / "required-variable" / "bad"
    assert not _found(lint(folder, values={"catalog": "dev"}), folder, "required-variable")
    [finding] = [f for f in lint(folder, values={"catalog": "dev", "catalgo": "x"}).findings
                 if f.severity == "error"]
    assert (finding.rule, finding.line) == ("undefined-variable", 1)
    assert finding.message == "--var sets 'catalgo', which is not defined under variables"
    good = DATA / "variable-overrides-file" / "good"
    [complex_] = [f for f in lint(good, values={"cluster": "i3"}).findings
                  if f.rule == "variable-overrides-file"]
    assert complex_.message.startswith("--var sets 'cluster', but it is a complex variable")


def test_old_runtimes_take_local_libraries_with_the_wheel_wrapper(tmp_path):
    text = (DATA / "wheel-old-runtime" / "bad" / "databricks.yml").read_text()
    (tmp_path / "databricks.yml").write_text(text + "experimental:\n  python_wheel_wrapper: true\n")
    assert [f for f in lint(tmp_path).findings if f.rule == "wheel-old-runtime"] == []


def test_an_unknown_engine_in_the_environment_is_refused_when_the_bundle_sets_none(
    monkeypatch, tmp_path
):
    (tmp_path / "databricks.yml").write_text("bundle:\n  name: engine\n")
    monkeypatch.setenv("DATABRICKS_BUNDLE_ENGINE", "abc")
    found = [f.message for f in lint(tmp_path).findings if f.rule == "unknown-engine"]
    assert found == [
        "DATABRICKS_BUNDLE_ENGINE='abc' is neither terraform nor direct, and bundle.engine is "
        "not set: the CLI refuses to deploy"
    ]
    # bundle.engine wins over the environment, as in the CLI.
    assert not lint(DATA / "unknown-engine" / "good").findings


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "---\n"])
def test_an_empty_root_file_is_a_bundle_without_a_name(tmp_path, text):
    """The CLI reads an empty file as an empty mapping, then refuses the nameless bundle."""
    (tmp_path / "databricks.yml").write_text(text)
    found = [(f.rule, f.line) for f in lint(tmp_path).findings]
    assert found == [("missing-setting", 1)]


def test_run_as_beside_an_endpoint_passes_when_the_run_as_identity_deploys(monkeypatch):
    """run_as.go accepts every resource when the deploying identity is the run_as one: lint
    takes it from DATABRICKS_CLIENT_ID (OAuth machine-to-machine), as a CI job sets it."""
    folder = DATA / "run-as-unsupported" / "bad"
    assert _found(lint(folder), folder, "run-as-unsupported")
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", "6f2b1c8e-0000-4000-8000-000000000002")
    assert _found(lint(folder), folder, "run-as-unsupported")  # another principal deploys
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", "6f2b1c8e-0000-4000-8000-000000000001")
    assert not _found(lint(folder), folder, "run-as-unsupported")


def test_python_and_script_hooks_are_refused_only_in_restricted_mode():
    folder = DATA / "restricted-code-execution" / "bad"
    assert not _found(lint(folder), folder, "restricted-code-execution")
