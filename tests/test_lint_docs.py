"""docs/lint.md and the pre-commit hook say what the code does."""

from __future__ import annotations

import yaml
from support import ROOT

from bundlegen.cli import LINT_FORMATS
from bundlegen.lint import RULES
from bundlegen.lint.docs import REFERENCE, reference, rules_table, with_table
from bundlegen.lint.rationale import WHY
from bundlegen.lint.reporters import REPORTERS

DOC = ROOT / "docs" / "lint.md"


def test_the_rules_table_in_the_docs_is_the_registry():
    text = DOC.read_text(encoding="utf-8")
    assert rules_table() in text
    assert with_table(text) == text, "run: python -m bundlegen.lint.docs docs/lint.md"
    for rule in RULES.values():
        assert rule.docs.endswith(".") and rule.severity in ("error", "warning")


def test_every_rule_says_why_with_a_failing_example_and_its_fix():
    assert sorted(WHY) == sorted(RULES)
    text = (ROOT / "docs" / REFERENCE).read_text(encoding="utf-8")
    assert text == reference(), "run: python -m bundlegen.lint.docs docs/lint.md"
    for rule in RULES:
        section = text.split(f"\n## {rule}\n", 1)[1].split("\n## ", 1)[0]
        assert "**Why:**" in section and "**Example" in section, rule
        assert "**Fix:**" in section or "Fix:" in section, rule


def test_every_format_is_documented_and_offered():
    text = DOC.read_text(encoding="utf-8")
    assert tuple(REPORTERS) == LINT_FORMATS
    for name in REPORTERS:
        assert f"| `{name}`" in text


def test_the_pre_commit_hook_runs_lint_on_bundle_files():
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "bundlegen-lint"
    assert hook["entry"] == "bundlegen lint"
    import re

    files = re.compile(hook["files"])
    for name in ("databricks.yml", "serving/databricks.yml", "resources/job.yml", "a/resources/b/c.yaml"):
        assert files.search(name), name
    for name in (".github/workflows/ci.yml", "bundlegen.yml"):
        assert not files.search(name), name
