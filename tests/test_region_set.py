"""bundlegen region set: a region's own settings change after add-region, in bundlegen.yml and
in every file rendered from them, with add-region's guarantees: only the lines that change,
the project afterwards exactly what `bundlegen new` makes from its spec, a --dry-run diff, and
exit 2 with every file untouched on bad input."""

from __future__ import annotations

import pytest
import yaml
from editsupport import assert_healthy, changed, run, snapshot
from support import make_spec

TWO_REGIONS = make_spec("aws", 2, (90, 10))
BATCH_ONLY = dict(make_spec("gcp", 2, (100,), "gitlab"))
BATCH_ONLY["serving"] = {**BATCH_ONLY["serving"], "architectures": ["batch"]}
METASTORE = "aws:eu-west-1:01234567-89ab-cdef-0123-456789abcdef"


def region_spec(project, name):
    spec = yaml.safe_load((project / "bundlegen.yml").read_text())
    return next(r for r in spec["regions"] if r["name"] == name)


def test_setting_a_replicas_metastore_and_size_changes_only_those_lines(project_of, tmp_path):
    project = project_of(TWO_REGIONS, tmp_path)
    serving = project / "serving" / "databricks.yml"
    serving.write_text("# our endpoint, reviewed by the platform team\n" + serving.read_text())
    before = snapshot(project)

    result = run("region", "set", "eu-west-1", "--metastore-id", METASTORE,
                 "--workload-size", "Medium", "--project-dir", project)

    assert result.exit_code == 0, result.output
    assert "Set region eu-west-1's metastore_id" in result.output
    assert region_spec(project, "eu-west-1") == {
        "name": "eu-west-1", "host": TWO_REGIONS["regions"][1]["host"],
        "metastore_id": METASTORE, "workload_size": "Medium"}
    assert changed(before, snapshot(project)) == [
        "bundlegen.yml", "resources/sharing.job.yml", "serving/databricks.yml"]
    assert serving.read_text().startswith("# our endpoint")  # the team's comment stays
    sharing = (project / "resources" / "sharing.job.yml").read_text()
    assert f'"--metastore-id", "{METASTORE}"' in sharing
    serving.write_text(serving.read_text().split("\n", 1)[1])
    assert_healthy(project, tmp_path / "regen")


def test_unset_gives_the_region_the_projects_default_again_byte_for_byte(project_of, tmp_path):
    project = project_of(TWO_REGIONS, tmp_path)
    before = snapshot(project)
    assert run("region", "set", "prod-eu-west-1", "--latency-budget-ms", "250",
               "--no-scale-to-zero", "--project-dir", project).exit_code == 0
    assert snapshot(project) != before

    result = run("region", "set", "eu-west-1", "--unset", "latency_budget_ms",
                 "--unset", "scale_to_zero", "--project-dir", project)

    assert result.exit_code == 0, result.output
    assert snapshot(project) == before


def test_dry_run_prints_the_diff_and_writes_nothing(project_of, tmp_path):
    project = project_of(TWO_REGIONS, tmp_path)
    before = snapshot(project)

    result = run("region", "set", "us-east-1", "--catalog", "ml_serving", "--dry-run",
                 "--project-dir", project)

    assert result.exit_code == 0, result.output
    assert "+  - {name: us-east-1" in result.stdout and "catalog: ml_serving" in result.stdout
    assert snapshot(project) == before


def test_a_project_without_an_endpoint_takes_region_settings_too(project_of, tmp_path):
    project = project_of(BATCH_ONLY, tmp_path)

    result = run("region", "set", "europe-west1", "--catalog", "scores_eu",
                 "--project-dir", project)

    assert result.exit_code == 0, result.output
    assert region_spec(project, "europe-west1")["catalog"] == "scores_eu"
    assert_healthy(project, tmp_path / "regen")


def test_setting_what_is_there_already_changes_nothing(project_of, tmp_path):
    project = project_of(TWO_REGIONS, tmp_path)
    assert run("region", "set", "eu-west-1", "--workload-size", "Large",
               "--project-dir", project).exit_code == 0
    before = snapshot(project)

    result = run("region", "set", "eu-west-1", "--workload-size", "Large", "--project-dir", project)

    assert result.exit_code == 0 and "Nothing to change" in result.output
    assert snapshot(project) == before


@pytest.mark.parametrize("args,message", [
    (("eu-west-1", "--metastore-id", "aws:us-east-1:01234567-89ab-cdef-0123-456789abcdef"),
     "--metastore-id: aws:us-east-1:01234567-89ab-cdef-0123-456789abcdef is a metastore of "
     "aws:us-east-1, not of aws:eu-west-1"),
    (("eu-west-1", "--metastore-id", "nope"), "--metastore-id: 'nope' must be a global metastore ID"),
    (("eu-west-1", "--latency-budget-ms", "0"), "--latency-budget-ms: must be from 1 to 60000"),
    (("eu-west-1", "--catalog", "1st"), "--catalog: '1st' must be a Unity Catalog name"),
    (("ap-south-1", "--catalog", "x"), "unknown region 'ap-south-1'; the project's regions: us-east-1, eu-west-1"),
    (("eu-west-1",), "say what to change"),
    (("eu-west-1", "--unset", "host"), "--unset: 'host' is not a region setting"),
    (("eu-west-1", "--catalog", "x", "--unset", "catalog"), "'catalog' is both set"),
    (("eu-west-1", "--workload-size", "Huge"), "'Huge' is not one of 'Small', 'Medium', 'Large'"),
])
def test_bad_settings_are_refused_and_nothing_is_written(project_of, tmp_path, args, message):
    project = project_of(TWO_REGIONS, tmp_path)
    before = snapshot(project)

    result = run("region", "set", *args, "--project-dir", project)

    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert snapshot(project) == before


def test_a_bundle_bundlegen_did_not_generate_is_refused(tmp_path):
    (tmp_path / "databricks.yml").write_text("bundle: {name: x}\n")
    result = run("region", "set", "eu-west-1", "--catalog", "x", "--project-dir", tmp_path)
    assert result.exit_code == 2 and "not a bundlegen project" in result.output
