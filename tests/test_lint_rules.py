"""Each lint rule, on a bundle that breaks it and one that keeps it (tests/data/lint/<rule>/).

A `# expect: <rule>` comment marks each line where a finding of that rule must be reported;
the bad folder must produce exactly those, and the good folder no error and no warning.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lint_support import DATA, SCHEMAS, expected, lint

import bundlegen.lint as lint_api
from bundlegen.lint import RULES, Selection, rules

TARGETED = {"unknown-target": "prod"}  # rules that need --target
IN_FOLDER = {"root-path-glob": "[eu]"}  # bad bundles in a folder of their own, named so


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
    want = {e for e in expected(folder) if e[2] == rule}
    assert want, f"{folder} marks no line with '# expect: {rule}'"
    # A rule that is off by default is selected for its own bad bundle.
    result = lint(
        folder / IN_FOLDER.get(rule, ""),
        target=TARGETED.get(rule),
        selection=Selection(extend=frozenset({rule})),
    )
    assert _found(result, folder, rule) == want, "\n".join(map(str, result.findings))
    severities = {f.severity for f in result.findings if f.rule == rule}
    assert severities == {RULES[rule].severity}


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("which", SCHEMAS)
def test_the_good_bundle_is_clean(rule, which):
    folder = DATA / rule / "good"
    paths = [folder / "src" / "main.py"] if rule == "bundle-not-found" else [folder]
    every = Selection(extend=frozenset(RULES))  # rules that are off by default too
    result = lint(*paths, target=TARGETED.get(rule), which=which, selection=every)
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
        "BUNDLE_VAR_cluster is set, but 'cluster' is a complex variable, which the CLI does not "
        "take from the environment"
    ]


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
