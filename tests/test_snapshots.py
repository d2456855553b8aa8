"""What the template generates, file by file, for a few representative specs.

A change to the template shows up here as a diff of generated files. Review it, then run
`pytest tests/test_snapshots.py --snapshot-update` and commit the snapshots with the change.
"""

from __future__ import annotations

import pytest
from support import bake, make_spec

SPECS = {
    "aws_two_regions_github": make_spec("aws", 2, (90, 10), "github"),
    "azure_three_regions_azure_devops": make_spec(
        "azure", 3, (70, 20, 10), "azure-devops", notifications={"emails": ["ml-team@example.com"]}
    ),
    "gcp_one_region_gitlab_batch_and_async": make_spec(
        "gcp", 1, (100,), "gitlab", serving={
            "endpoint_name": "churn-scoring",
            "variants": [{"name": "champion", "traffic": 100}],
            "architectures": ["batch", "async"],
        }, project_name="Churn Model",
    ),
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_generated_tree(snapshot, tmp_path, name):
    project = bake(SPECS[name], tmp_path)
    files = {
        str(p.relative_to(project)).replace("/", "__"): p.read_text(encoding="utf-8")
        for p in sorted(project.rglob("*"))
        if p.is_file()
    }
    snapshot.assert_match_dir(files, "tree")
