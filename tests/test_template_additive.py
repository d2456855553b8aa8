"""The template's promise that add-region and remove-region rely on: one more region only adds.

Rendering a spec with N regions and with N+1 regions, every file of the second either is new
or is the first with lines added (never a line changed or removed), and in YAML files what is
added is whole entries (a target, a list item) in block style. Anyone changing the template
(CI files, README, resources) is held to it here: a `region: [a, b]` flow list or a sentence
listing the regions would fail this test, and `bundlegen add-region` would refuse the project.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from support import make_spec

from bundlegen.project.template import build_answers, render
from bundlegen.project.yamldiff import add_runs, remove_runs, yaml_runs
from bundlegen.yaml.doc import Doc

SPECS = [
    # (cloud, regions before, variants, ci, architectures[, other settings])
    ("aws", 1, (100,), "github", ["real-time", "batch"]),
    ("aws", 1, (100,), "github", ["real-time"]),
    ("aws", 2, (90, 10), "github", ["real-time", "batch", "async"]),
    ("azure", 1, (80, 20), "azure-devops", ["real-time"]),
    ("azure", 3, (50, 30, 20), ["github", "gitlab", "azure-devops"], ["real-time", "batch"]),
    ("azure", 3, (70, 20, 10), "azure-devops", ["real-time", "batch", "async"],
     {"project_name": "Churn Model", "endpoint_name": "churn-scoring", "alias": "candidate"}),
    ("gcp", 2, (100,), "gitlab", ["batch", "async"]),
    ("gcp", 6, (95, 5), "github", ["real-time", "batch"]),
]


def _render(spec: dict, folder: Path) -> dict[str, str]:
    project = render(build_answers(spec), folder)
    return {
        p.relative_to(project).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(project.rglob("*"))
        if p.is_file()
    }


def _spec(cloud, regions, variants, ci, architectures, other=None) -> dict:
    """A spec; other may rename the project and the endpoint and give the challenger an alias."""
    other = other or {}
    spec = make_spec(cloud, regions, variants, ci if isinstance(ci, str) else ci[0],
                     project_name=other.get("project_name", "Fraud Detection"))
    spec["ci"] = ci
    spec["serving"]["architectures"] = architectures
    spec["serving"]["endpoint_name"] = other.get("endpoint_name", "fraud-scoring")
    if "alias" in other:
        spec["serving"]["variants"][1]["alias"] = other["alias"]
    return spec


def _id(case) -> str:
    return f"{case[0]}-{case[1]}-regions-{'-'.join(case[4])}" + ("-renamed" if len(case) > 5 else "")


@pytest.mark.parametrize("case", SPECS, ids=_id)
def test_one_more_region_only_adds_lines_and_whole_entries(tmp_path, case):
    cloud, regions, *rest = case
    before = _render(_spec(cloud, regions, *rest), tmp_path / "n")
    after = _render(_spec(cloud, regions + 1, *rest), tmp_path / "n1")

    assert set(before) <= set(after), f"files disappear: {set(before) - set(after)}"
    for name, old in before.items():
        new = after[name]
        removed = [
            line
            for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="")
            if line.startswith("-") and not line.startswith("---")
        ]
        assert not removed, f"{name}: one more region changes or removes lines:\n" + "\n".join(removed)
        if name.endswith((".yml", ".yaml")) and old != new:
            small, big = Doc(old, name), Doc(new, name)
            runs = yaml_runs(small, big)  # raises if anything but whole entries is added
            assert add_runs(small, runs) == new
            assert remove_runs(big, runs)[0] == old
