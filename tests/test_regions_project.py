"""add-region / remove-region / regions on projects bundlegen generated.

What a region is comes from the template alone: after add-region a project is exactly what
`bundlegen new` makes with the region in the spec, and whatever people wrote into the files
since (comments, keys, another indentation, CRLF) is still there, untouched.
"""

from __future__ import annotations

import copy
import json
import re

import pytest
import yaml
from editsupport import changed, removed_lines, run, snapshot
from support import REGIONS, assert_valid_project, bake, host, make_spec, tree

SPECS = {
    "aws-1-region": make_spec("aws", 1, (100,)),
    "aws-2-regions": make_spec("aws", 2, (90, 10)),
    "azure-3-regions-azure-devops": make_spec("azure", 3, (70, 20, 10), "azure-devops"),
    "gcp-2-regions-gitlab-batch-async": make_spec(
        "gcp", 2, (60, 40), "gitlab",
        serving={"endpoint_name": "churn-scoring",
                 "variants": [{"name": "champion", "traffic": 60}, {"name": "challenger", "traffic": 40}],
                 "architectures": ["batch", "async"]},
    ),
}


def next_region(spec: dict) -> tuple[str, str]:
    n = len(spec["regions"])
    return REGIONS[spec["cloud"]][n], host(spec["cloud"], n)


def with_region(spec: dict, name: str, url: str, **settings) -> dict:
    bigger = copy.deepcopy(spec)
    bigger["regions"].append({"name": name, "host": url, **settings})
    return bigger


@pytest.mark.parametrize("key", sorted(SPECS))
def test_add_region_gives_what_new_gives_with_the_region_and_remove_region_every_byte_back(
        project_of, tmp_path, key):
    spec = SPECS[key]
    project = project_of(spec, tmp_path)
    before = snapshot(project)
    name, url = next_region(spec)

    result = run("add-region", name, "--host", url, "--project-dir", project)

    assert result.exit_code == 0, result.output
    assert f"Added region {name} (target prod-{name}" in result.output
    assert tree(project) == tree(bake(with_region(spec, name, url), tmp_path / "expected"))
    assert_valid_project(project)
    added = snapshot(project)
    assert removed_lines(before, added) == []  # it only adds lines
    assert "bundlegen.yml" in changed(before, added)

    result = run("remove-region", name, "--project-dir", project)
    assert result.exit_code == 0, result.output
    assert snapshot(project) == before


def test_removing_a_replica_gives_what_new_gives_without_it(tmp_path):
    spec = make_spec("azure", 4, (80, 20), "github")
    project = bake(spec, tmp_path / "project")
    middle = spec["regions"][1]["name"]

    assert run("remove-region", middle, "--project-dir", project).exit_code == 0

    smaller = copy.deepcopy(spec)
    del smaller["regions"][1]
    assert tree(project) == tree(bake(smaller, tmp_path / "expected"))


def test_removing_the_last_replica_deletes_the_sharing_job(project_of, tmp_path):
    project = project_of(make_spec("aws", 2), tmp_path)
    assert (project / "resources" / "sharing.job.yml").exists()
    result = run("remove-region", "eu-west-1", "--project-dir", project)
    assert result.exit_code == 0, result.output
    assert "deleted  resources/sharing.job.yml" in result.output
    assert not (project / "resources" / "sharing.job.yml").exists()
    assert tree(project) == tree(bake(make_spec("aws", 1), tmp_path / "one"))


def test_the_new_region_copies_the_settings_of_the_reference_region_but_not_its_identity(tmp_path):
    spec = make_spec("aws", 2)
    spec["regions"][0].update(catalog="ml_us", workload_size="Medium", latency_budget_ms=300,
                              metastore_id="aws:us-east-1:01234567-89ab-cdef-0123-456789abcdef",
                              service_principal="us-deployer")
    spec["regions"][1].update(workload_size="Large", scale_to_zero=True)
    project = bake(spec, tmp_path / "p")

    result = run("add-region", "ap-southeast-2", "--host", host("aws", 2), "--project-dir", project)
    assert result.exit_code == 0, result.output
    copied = {"catalog": "ml_us", "workload_size": "Medium", "latency_budget_ms": 300}
    assert tree(project) == tree(bake(with_region(spec, "ap-southeast-2", host("aws", 2), **copied),
                                      tmp_path / "from-primary"))

    result = run("add-region", "sa-east-1", "--host", host("aws", 3), "--project-dir", project,
                 "--from", "prod-eu-west-1", "--metastore-id",
                 "aws:sa-east-1:fedcba98-7654-3210-fedc-ba9876543210")
    assert result.exit_code == 0, result.output
    spec = with_region(spec, "ap-southeast-2", host("aws", 2), **copied)
    spec = with_region(spec, "sa-east-1", host("aws", 3), workload_size="Large", scale_to_zero=True,
                       metastore_id="aws:sa-east-1:fedcba98-7654-3210-fedc-ba9876543210")
    assert tree(project) == tree(bake(spec, tmp_path / "from-replica"))
    sharing = (project / "resources" / "sharing.job.yml").read_text()
    assert '"--metastore-id", "aws:sa-east-1:fedcba98-7654-3210-fedc-ba9876543210"' in sharing


HAND_EDITS = [
    # (file, text to find, text to put instead): comments and keys people add by hand
    ("databricks.yml", "  prod-eu-west-1:\n",
     "  # EMEA: owned by the Paris team.\n  prod-eu-west-1:\n"),
    ("databricks.yml", "          share_name: fraud_detection_models\n",
     ("          share_name: fraud_detection_models   # agreed with the data team\n"
      "    presets:\n      tags:\n        team: emea\n    # TODO: move to a dedicated catalog\n")),
    ("serving/databricks.yml", "            - key: region\n              value: eu-west-1\n",
     ("            - key: region\n              value: eu-west-1\n"
      "            - key: cost_center   # finance asked\n              value: \"4711\"\n")),
    ("serving/databricks.yml", "          route_optimized: false\n",
     "          route_optimized: false  # keep: changing it recreates the endpoint\n"),
    ("resources/sharing.job.yml", "          tasks:\n",
     "          # One task per replica.\n          tasks:\n"),
    ("bundlegen.yml", "regions:  # the first is the primary region\n",
     "regions:  # the first is the primary region\n  # us-east-1 first: it trains.\n"),
    ("README.md", "## Layout\n", "## On call\n\nPage #ml-oncall.\n\n## Layout\n"),
]


def _edit(project, edits):
    for name, old, new in edits:
        path = project / name
        text = path.read_text()
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1))


def test_hand_edits_survive_add_and_remove_byte_for_byte(project_of, tmp_path):
    project = project_of(make_spec("aws", 2), tmp_path)
    _edit(project, HAND_EDITS)
    edited = snapshot(project)

    result = run("add-region", "ap-southeast-2", "--host", host("aws", 2), "--project-dir", project)
    assert result.exit_code == 0, result.output + result.stderr
    added = snapshot(project)
    assert removed_lines(edited, added) == []
    assert_valid_project(project)
    targets = yaml.safe_load((project / "databricks.yml").read_text())["targets"]
    assert list(targets)[-1] == "prod-ap-southeast-2"
    assert targets["prod-eu-west-1"]["presets"] == {"tags": {"team": "emea"}}
    # The new target goes after the edited one, after its trailing comment.
    text = (project / "databricks.yml").read_text()
    assert text.index("# TODO: move to a dedicated catalog") < text.index("prod-ap-southeast-2:")

    assert run("remove-region", "ap-southeast-2", "--project-dir", project).exit_code == 0
    assert snapshot(project) == edited


def _indent_more(text: str) -> str:
    """Every indented line two columns further: top-level children at 4, valid YAML still."""
    return re.sub(r"(?m)^( +)(?=\S)", r"  \1", text)


def test_a_project_indented_by_four_gets_the_region_at_its_indentation(tmp_path):
    project = bake(make_spec("gcp", 2), tmp_path / "p")
    for name in ("databricks.yml", "serving/databricks.yml", "resources/sharing.job.yml", "bundlegen.yml"):
        path = project / name
        path.write_text(_indent_more(path.read_text()))
    before = snapshot(project)

    result = run("add-region", "asia-southeast1", "--host", host("gcp", 2), "--project-dir", project)
    assert result.exit_code == 0, result.output
    text = (project / "databricks.yml").read_text()
    assert "\n    prod-asia-southeast1:\n" in text  # at the column of its siblings
    expected = bake(make_spec("gcp", 3), tmp_path / "expected")
    for name in ("databricks.yml", "serving/databricks.yml", "resources/sharing.job.yml", "bundlegen.yml"):
        assert yaml.safe_load((project / name).read_text()) == yaml.safe_load((expected / name).read_text())
    assert removed_lines(before, snapshot(project)) == []

    assert run("remove-region", "asia-southeast1", "--project-dir", project).exit_code == 0
    assert snapshot(project) == before


def test_crlf_files_stay_crlf(project_of, tmp_path):
    project = project_of(make_spec("aws", 2), tmp_path)
    for path in project.rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    before = snapshot(project)

    assert run("add-region", "ap-southeast-2", "--host", host("aws", 2), "--project-dir", project).exit_code == 0
    for name, data in snapshot(project).items():
        assert b"\n" not in data.replace(b"\r\n", b""), f"{name} has a bare line feed"
    assert b"prod-ap-southeast-2" in (project / "README.md").read_bytes()

    assert run("remove-region", "ap-southeast-2", "--project-dir", project).exit_code == 0
    assert snapshot(project) == before


def test_a_readme_rewritten_by_hand_is_left_alone_with_a_warning(project_of, tmp_path):
    project = project_of(make_spec("aws", 2), tmp_path)
    (project / "README.md").write_text("# Fraud\n\nOur own words.\n")

    result = run("add-region", "ap-southeast-2", "--host", host("aws", 2), "--project-dir", project)

    assert result.exit_code == 0
    assert "warning: " in result.stderr and "README.md: could not find where to add" in result.stderr
    assert (project / "README.md").read_text() == "# Fraud\n\nOur own words.\n"
    assert "prod-ap-southeast-2" in (project / "databricks.yml").read_text()


def test_the_serving_folder_is_the_project_for_regions_and_traffic_alike(project_of, tmp_path):
    """One project locator: --project-dir <project>/serving names the project (its spec, the
    jobs bundle and the serving bundle), for add-region as for traffic."""
    project = project_of(make_spec("aws", 1, (100,)), tmp_path)
    serving = project / "serving"

    added = run("add-region", "eu-west-1", "--host", host("aws", 1), "--project-dir", serving,
                "--dry-run")
    listing = json.loads(run("regions", "--project-dir", serving, "--format", "json").stdout)
    traffic = json.loads(run("traffic", "show", "--project-dir", serving, "--format", "json").stdout)

    assert added.exit_code == 0, added.output
    assert "+++ b/bundlegen.yml\n" in added.stdout and "+++ b/databricks.yml\n" in added.stdout
    assert "+++ b/serving/databricks.yml\n" in added.stdout
    assert listing["kind"] == traffic["kind"] == "bundlegen project"
    assert listing["project"] == traffic["project"] == str(project)


def test_regions_lists_targets_hosts_roles_and_endpoints(project_of, tmp_path):
    spec = make_spec("azure", 3)
    project = project_of(spec, tmp_path)

    result = run("regions", "--project-dir", project)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["REGION", "TARGET", "ROLE", "HOST", "ENDPOINT"]
    assert lines[1].split() == ["eastus2", "prod-eastus2", "primary", host("azure", 0), "fraud-scoring"]
    assert lines[3].split() == ["uksouth", "prod-uksouth", "replica", host("azure", 2), "fraud-scoring"]

    result = run("regions", "--project-dir", project, "--format", "json")
    listing = json.loads(result.output)
    assert listing["kind"] == "bundlegen project"
    assert [(r["region"], r["role"], r["endpoints"]) for r in listing["regions"]] == [
        ("eastus2", "primary", ["fraud-scoring"]),
        ("westeurope", "replica", ["fraud-scoring"]),
        ("uksouth", "replica", ["fraud-scoring"]),
    ]


# ---------------------------------------------------------------- refusals: exit 2, nothing changed


def _break(project, name, old, new):
    path = project / name
    path.write_text(path.read_text().replace(old, new, 1))


ERRORS = [
    # (what, setup, arguments, the message)
    ("the region exists", None,
     ["add-region", "eu-west-1", "--host", host("aws", 5)],
     "region 'eu-west-1' already exists in"),
    ("an invalid region name", None,
     ["add-region", "westeurope", "--host", host("aws", 5)],
     "region 'westeurope': 'westeurope' is not an AWS region name (like us-east-1)"),
    ("a name that is no region name at all", None,
     ["add-region", "Eu_West", "--host", host("aws", 5)],
     "region 'Eu_West': 'Eu_West' must be a cloud region name"),
    ("a host that is not https", None,
     ["add-region", "ap-southeast-2", "--host", "http://dbc-1.cloud.databricks.com"],
     "--host: 'http://dbc-1.cloud.databricks.com' must be the workspace URL, https://<workspace host>"),
    ("a host of another cloud", None,
     ["add-region", "ap-southeast-2", "--host", "https://adb-1.2.azuredatabricks.net"],
     "--host: https://adb-1.2.azuredatabricks.net is an Azure workspace, but cloud is aws"),
    ("a host another region has", None,
     ["add-region", "ap-southeast-2", "--host", host("aws", 1)],
     "is already the host of region 'eu-west-1'"),
    ("a bad metastore id", None,
     ["add-region", "ap-southeast-2", "--host", host("aws", 2), "--metastore-id", "aws:eu-west-1:nope"],
     "--metastore-id: 'aws:eu-west-1:nope' must be a global metastore ID"),
    ("--from an unknown region", None,
     ["add-region", "ap-southeast-2", "--host", host("aws", 2), "--from", "mars-1"],
     "--from: unknown region 'mars-1'; the project's regions: us-east-1, eu-west-1"),
    ("--target-name in a project", None,
     ["add-region", "ap-southeast-2", "--host", host("aws", 2), "--target-name", "x"],
     "--target-name: a bundlegen project names its targets prod-<region>"),
    ("an unknown region", None,
     ["remove-region", "ap-southeast-2"],
     "unknown region 'ap-southeast-2'; the project's regions: us-east-1, eu-west-1"),
    ("the primary region", None,
     ["remove-region", "us-east-1"],
     "'us-east-1' is the primary region"),
    ("the primary region by its target", None,
     ["remove-region", "prod-us-east-1"],
     "'us-east-1' is the primary region"),
    ("a file that does not parse", ("serving/databricks.yml", "    mode: production\n", "    mode: [production\n"),
     ["add-region", "ap-southeast-2", "--host", host("aws", 2)],
     "serving/databricks.yml:75:14: invalid YAML: "),
    ("a spec that does not parse", ("bundlegen.yml", "cloud: aws", "cloud: [aws"),
     ["add-region", "ap-southeast-2", "--host", host("aws", 2)],
     "bundlegen.yml:7:"),
    ("the region's target already there by hand",
     ("serving/databricks.yml", "  prod-eu-west-1:\n", "  prod-ap-southeast-2: {}\n  prod-eu-west-1:\n"),
     ["add-region", "ap-southeast-2", "--host", host("aws", 2)],
     "targets.prod-ap-southeast-2 is there already"),
    ("an edited file only the region has",
     ("resources/sharing.job.yml", "max_concurrent_runs: 1", "max_concurrent_runs: 2"),
     ["remove-region", "eu-west-1"],
     "sharing.job.yml exists only for this region and was edited by hand"),
]


@pytest.mark.parametrize("what,setup,args,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_refusals_exit_2_with_one_line_and_change_nothing(project_of, tmp_path, what, setup, args, message):
    project = project_of(make_spec("aws", 2), tmp_path)
    if setup:
        _break(project, *setup)
    before = snapshot(project)

    result = run(*args, "--project-dir", project)

    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: ")
    if message:
        assert message in result.stderr
    assert snapshot(project) == before


def test_a_flow_style_collection_is_refused_with_where_it_is(project_of, tmp_path):
    project = project_of(make_spec("aws", 2), tmp_path)
    text = (project / "bundlegen.yml").read_text()
    regions = [line.strip()[2:] for line in text.splitlines() if line.startswith("  - {name:")]
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith("  - {name:")]
    at = next(i for i, line in enumerate(lines) if line.startswith("regions:"))
    lines[at] = f"regions: [{', '.join(regions)}]\n"
    (project / "bundlegen.yml").write_text("".join(lines))
    before = snapshot(project)

    result = run("add-region", "ap-southeast-2", "--host", host("aws", 2), "--project-dir", project)

    assert result.exit_code == 2
    assert f"cannot edit flow-style list 'regions' at {project}/bundlegen.yml:{at + 1}; use block style" in result.stderr
    assert snapshot(project) == before


def test_the_last_region_is_never_removed(project_of, tmp_path):
    project = project_of(make_spec("gcp", 1, (100,)), tmp_path)
    before = snapshot(project)
    result = run("remove-region", "us-central1", "--project-dir", project)
    assert result.exit_code == 2
    assert "'us-central1' is the project's last region" in result.stderr
    assert snapshot(project) == before


def test_no_databricks_yml_in_the_project_folder(tmp_path):
    for args in (["add-region", "eu-west-1", "--host", host("aws", 1)], ["remove-region", "eu-west-1"], ["regions"]):
        result = run(*args, "--project-dir", tmp_path)
        assert result.exit_code == 2
        assert f"error: {tmp_path}: no databricks.yml here" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_new_file_that_exists_with_other_content_is_refused(project_of, tmp_path):
    project = project_of(make_spec("aws", 1, (100,)), tmp_path)
    (project / "resources" / "sharing.job.yml").write_text("# mine\n")
    before = snapshot(project)
    result = run("add-region", "eu-west-1", "--host", host("aws", 1), "--project-dir", project)
    assert result.exit_code == 2
    assert "resources/sharing.job.yml exists and is not what bundlegen writes there" in result.stderr
    assert snapshot(project) == before
