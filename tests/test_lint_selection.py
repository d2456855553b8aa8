"""Choosing lint's rules: --select/--extend-select/--ignore, the config file found from the bundle
root upward, and `# bundlegen: ignore[rule-id]` comments."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from lint_support import DATA
from support import bundle_schema

from bundlegen.cli import cli

BUNDLE = """\
bundle:
  name: choose
  engine: terraforms
resources:
  jobs:
    etl:
      name: etl-${var.nope}
      schedule:
        quartz_cron_expression: 0 0 * * * ?
        timezone_id: UTC
        pause_status: SOMETIMES
"""


def run(*args, cwd: Path):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(
            cli, ["lint", "--bundle-schema", str(bundle_schema()), "--format", "json", *args]
        )
    finally:
        os.chdir(old)


def rules_of(result) -> list[str]:
    import json

    return sorted(f["rule"] for f in json.loads(result.stdout)["findings"])


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    root = tmp_path / "project" / "bundle"
    root.mkdir(parents=True)
    (root / "databricks.yml").write_text(BUNDLE)
    return root


def test_by_default_every_rule_that_is_on_by_default_runs(bundle):
    assert rules_of(run(".", cwd=bundle)) == ["invalid-enum", "undefined-variable", "unknown-engine"]


def test_select_runs_only_the_rules_named_and_ignore_drops_rules(bundle):
    assert rules_of(run("--select", "unknown-engine,invalid-enum", cwd=bundle)) == [
        "invalid-enum",
        "unknown-engine",
    ]
    only = run("--select", "unknown-engine", "--select", "invalid-enum", "--ignore", "invalid-enum", cwd=bundle)
    assert rules_of(only) == ["unknown-engine"]
    assert rules_of(run("--ignore", "undefined-variable", cwd=bundle)) == ["invalid-enum", "unknown-engine"]


def test_extend_select_adds_rules_to_the_config_s_select(bundle):
    (bundle / ".bundlegen.toml").write_text('[lint]\nselect = ["unknown-engine"]\n')
    assert rules_of(run(".", cwd=bundle)) == ["unknown-engine"]
    assert rules_of(run("--extend-select", "invalid-enum", cwd=bundle)) == [
        "invalid-enum",
        "unknown-engine",
    ]


@pytest.mark.parametrize(
    "name, text",
    [
        (".bundlegen.toml", '[lint]\nignore = ["undefined-variable"]\n'),
        ("pyproject.toml", '[project]\nname = "x"\n[tool.bundlegen.lint]\nignore = ["undefined-variable"]\n'),
    ],
)
def test_the_config_file_is_found_from_the_bundle_root_upward(bundle, name, text):
    (bundle.parent / name).write_text(text)
    assert rules_of(run(".", cwd=bundle)) == ["invalid-enum", "unknown-engine"]
    # The command line adds to the config's ignore, and its select replaces the config's.
    assert rules_of(run("--ignore", "invalid-enum", cwd=bundle)) == ["unknown-engine"]
    assert rules_of(run("--select", "undefined-variable", cwd=bundle)) == []


def test_a_pyproject_without_our_section_is_passed_over(bundle):
    (bundle / "pyproject.toml").write_text('[tool.ruff]\nline-length = 100\n')
    (bundle.parent / ".bundlegen.toml").write_text('[lint]\nselect = ["unknown-engine"]\n')
    assert rules_of(run(".", cwd=bundle)) == ["unknown-engine"]


def test_an_unknown_rule_is_a_usage_error_naming_where_it_is(bundle):
    result = run("--ignore", "undefined-varaible", cwd=bundle)
    assert result.exit_code == 2
    assert "--ignore: unknown rule 'undefined-varaible'" in result.output
    (bundle.parent / ".bundlegen.toml").write_text('[lint]\nselect = ["unknown-engine", "nope"]\n')
    result = run(".", cwd=bundle)
    assert result.exit_code == 2
    assert ".bundlegen.toml: lint.select: unknown rule 'nope'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "text, message",
    [
        ("[lint]\nselct = []\n", "lint.selct: unknown setting"),
        ('[lint]\nignore = "unknown-engine"\n', "lint.ignore: must be a list of rule ids"),
        ("[lint\n", "not valid TOML"),
    ],
)
def test_a_bad_config_file_is_a_usage_error(bundle, text, message):
    (bundle / ".bundlegen.toml").write_text(text)
    result = run(".", cwd=bundle)
    assert result.exit_code == 2
    assert message in result.output


def test_an_inline_comment_silences_its_line_or_the_next_one(bundle):
    text = BUNDLE.replace(
        "      name: etl-${var.nope}\n",
        "      # bundlegen: ignore[undefined-variable]\n      name: etl-${var.nope}\n",
    ).replace("terraforms\n", "terraforms  # bundlegen: ignore[unknown-engine]\n")
    (bundle / "databricks.yml").write_text(text)
    assert rules_of(run(".", cwd=bundle)) == ["invalid-enum"]


def test_a_comment_that_silences_nothing_is_reported_unless_its_rule_is_off(tmp_path):
    folder = tmp_path / "bundle"
    shutil.copytree(DATA / "unused-ignore" / "bad", folder)
    assert rules_of(run(".", cwd=folder)).count("unused-ignore") == 3
    assert rules_of(run("--ignore", "undefined-variable", cwd=folder)).count("unused-ignore") == 2
    assert "unused-ignore" not in rules_of(run("--ignore", "unused-ignore", cwd=folder))
