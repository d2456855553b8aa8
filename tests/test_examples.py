"""The examples: each examples/<scenario>/ holds a spec and the project generated from it.

They are what people read and copy, so they must never rot: each is regenerated here and
compared file by file with what is committed, and each passes what a generated project must
pass (bundlegen lint --strict, the official bundle schema, the CI linters). The table of
examples/README.md lists every scenario.
"""

from __future__ import annotations

import importlib.util
import re

import pytest
import yaml
from ci_lint import lint_ci
from editsupport import run
from support import ROOT, assert_valid_project, bundle_schema

EXAMPLES = ROOT / "examples"
FIX = "run `python scripts/regenerate_examples.py`, review the diff of examples/ and commit it"


def _script():
    spec = importlib.util.spec_from_file_location("regenerate_examples",
                                                  ROOT / "scripts" / "regenerate_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


regenerate = _script()
SCENARIOS = [s.name for s in regenerate.scenarios()]


def project(name: str):
    """The generated project of a scenario: its one folder."""
    folders = [p for p in (EXAMPLES / name).iterdir() if p.is_dir()]
    assert len(folders) == 1, f"examples/{name}: expected one project folder; {FIX}"
    return folders[0]


def test_the_scenarios_the_docs_promise_are_there():
    assert sorted([
        "quickstart", "multi-region-ab", "canary", "azure-devops", "gcp-gitlab", "batch-only",
        "async-jobs",
    ]) == SCENARIOS


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_committed_example_is_what_bundlegen_new_generates(name):
    found = regenerate.differences(EXAMPLES / name)
    assert not found, f"examples/{name} is out of date ({FIX}):\n  " + "\n  ".join(found)


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_example_passes_lint_strict_the_official_schema_and_the_ci_linters(name):
    folder = project(name)
    bundles = [str(p.parent) for p in sorted(folder.rglob("databricks.yml"))]
    result = run("lint", "--strict", "--bundle-schema", bundle_schema(), *bundles)
    assert result.exit_code == 0, result.output
    assert_valid_project(folder)
    assert lint_ci(folder) == []


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_spec_is_the_one_the_project_records(name):
    """The project's own bundlegen.yml spells out every setting of the scenario's spec."""
    given = yaml.safe_load((EXAMPLES / name / "bundlegen.yml").read_text())
    recorded = yaml.safe_load((project(name) / "bundlegen.yml").read_text())
    assert recorded["project_name"] == given["project_name"]
    assert [r["name"] for r in recorded["regions"]] == [r["name"] for r in given["regions"]]


def test_the_examples_readme_lists_every_scenario_with_its_regeneration():
    text = (EXAMPLES / "README.md").read_text()
    listed = re.findall(r"^\| \[`([a-z0-9-]+)`\]\(([a-z0-9-]+)/\)", text, re.MULTILINE)
    assert [a for a, _ in listed] == [b for _, b in listed]
    assert sorted(a for a, _ in listed) == SCENARIOS
    for name in SCENARIOS:
        assert f"python scripts/regenerate_examples.py {name}" in text


def test_the_script_checks_and_rewrites(tmp_path, monkeypatch, capsys):
    """--check reports an edited example; a run writes it back."""
    copy = tmp_path / "examples" / "quickstart"
    copy.mkdir(parents=True)
    (copy / "bundlegen.yml").write_bytes((EXAMPLES / "quickstart" / "bundlegen.yml").read_bytes())
    monkeypatch.setattr(regenerate, "EXAMPLES", tmp_path / "examples")
    monkeypatch.setattr(regenerate, "ROOT", tmp_path)

    assert regenerate.main(["--check"]) == 1
    assert "quickstart: out of date" in capsys.readouterr().out
    assert regenerate.main([]) == 0
    readme = copy / "churn_quickstart" / "README.md"
    readme.write_text("edited\n")
    (copy / "stale.txt").write_text("left over\n")
    assert regenerate.main(["--check", "quickstart"]) == 1
    out = capsys.readouterr().out
    assert "differs: churn_quickstart/README.md" in out and "not generated any more: stale.txt" in out
    assert regenerate.main(["quickstart"]) == 0
    assert not (copy / "stale.txt").exists() and readme.read_text() != "edited\n"
    assert regenerate.main(["--check"]) == 0
