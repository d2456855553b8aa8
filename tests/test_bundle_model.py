"""The one model of a bundle that every command reads through (bundlegen.bundle), as the
Databricks CLI v1.13.0 reads one: bundle/config/loader/process_root_includes.go for the
includes, libs/dyn/merge and bundle/config/mutator/merge_*.go for the merge."""

from __future__ import annotations

import pytest
from support import REAL_BUNDLES

from bundlegen.bundle.files import included_files
from bundlegen.bundle.merge import merge, target_view
from bundlegen.bundle.model import read_bundle
from bundlegen.lint.loader import load_bundle
from bundlegen.lint.schema import load_schema
from bundlegen.yaml import tree
from bundlegen.yaml.doc import Doc


def test_a_null_on_either_side_leaves_the_other():
    assert merge({"a": 1}, None) == {"a": 1}
    assert merge(None, {"a": 1}) == {"a": 1}
    assert merge({"a": {"b": 1}}, {"a": None}) == {"a": {"b": 1}}


def test_mappings_merge_by_key_lists_append_and_values_are_replaced():
    assert merge({"a": {"b": 1, "c": [1]}, "d": "x"}, {"a": {"c": [2], "e": 3}, "d": "y"}) == {
        "a": {"b": 1, "c": [1, 2], "e": 3}, "d": "y"}


def test_a_target_view_merges_job_tasks_by_task_key():
    merged = {
        "resources": {"jobs": {"j": {"tasks": [{"task_key": "main", "timeout_seconds": 60}]}}},
        "targets": {"prod": {"resources": {"jobs": {"j": {"tasks": [
            {"task_key": "main", "timeout_seconds": 600}, {"task_key": "extra"}]}}}}},
    }
    tasks = target_view(merged, "prod")["resources"]["jobs"]["j"]["tasks"]
    assert tasks == [{"task_key": "main", "timeout_seconds": 600}, {"task_key": "extra"}]
    assert target_view(merged, None)["resources"]["jobs"]["j"]["tasks"] == [
        {"task_key": "main", "timeout_seconds": 60}]


def test_includes_are_go_globs(tmp_path):
    root = tmp_path / "databricks.yml"
    root.write_text("bundle: {name: b}\n")
    for rel in ("a/one.yml", "a/b/two.yml", "a/.hidden.yml", "a/notes.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}\n")

    found, problems = included_files(root, ["a/**/*.yml", "a/*.yml", "nothing/*.yml"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a/b/two.yml", "a/.hidden.yml", "a/one.yml"]  # ** is one level; each file once
    assert problems == []

    _, problems = included_files(root, ["missing.yml", "a/*"])
    assert [p.index for p in problems] == [0, 1]
    assert problems[0].message == "missing.yml in the include section does not match any file"
    assert problems[1].message.endswith(
        "notes.txt is matched by include but is not a YAML or JSON file "
        "(files to upload belong in sync.include)")


def test_a_doc_reads_as_the_cli_reads_from_its_one_parse():
    text = "a: &x {p: 1, q: 2}\nb: &y\n  <<: *x\n  q: 3\nc:\n  <<: [*y, {r: 5}]\n  s: *x\n"
    doc = Doc(text, "t.yml")
    assert doc.data() == tree.load(text, "t.yml")
    assert doc.data() == tree.load(text, "t.yml")  # the nodes edits are made on stay as parsed
    assert [k.value for k, _ in doc.root.value[1][1].value] == ["<<", "q"]


@pytest.mark.parametrize("bundle", sorted(p.parent.relative_to(REAL_BUNDLES).as_posix()
                                          for p in REAL_BUNDLES.rglob("databricks.yml")))
def test_lint_and_regions_see_the_same_files_and_targets(bundle):
    folder = REAL_BUNDLES / bundle
    linted = load_bundle(folder / "databricks.yml", load_schema(None).top_level)
    if linted.findings and any(f.rule == "include-invalid" for f in linted.findings):
        pytest.skip("the CLI refuses this bundle's includes")
    edited = read_bundle(folder)
    assert [f.path.resolve() for f in linted.files] == [
        (folder / rel).resolve() for rel in edited.docs]
    assert linted.target_names == list(edited.targets)
