"""`bundlegen new`: a spec in, a complete multi-region bundle project out."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner
from support import (
    DEFAULT_SPEC,
    ROOT,
    assert_valid_project,
    bake,
    make_spec,
    tree,
    write_spec,
)

from bundlegen.cli import cli
from bundlegen.project.template import render_spec


def run(*args, cwd=None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_no_input_creates_the_demo_project_and_says_what_next(tmp_path):
    result = run("new", "--no-input", "--output-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    project = tmp_path / "fraud_detection"
    assert f"Created {project}" in result.output
    assert "us-east-1 (primary), eu-west-1 (replica)" in result.output
    assert "champion 90%, challenger 10%" in result.output
    assert "Next:" in result.output
    assert_valid_project(project)


def test_the_embedded_default_is_the_issue_example(tmp_path):
    """With no spec, the project equals the one the documented example spec produces."""
    demo = run("new", "--no-input", "-o", str(tmp_path / "demo"))
    assert demo.exit_code == 0
    from_spec = bake(DEFAULT_SPEC, tmp_path)
    assert tree(tmp_path / "demo" / "fraud_detection") == tree(from_spec)


def test_the_spec_of_the_issue_is_accepted_exactly_as_written(tmp_path):
    spec = tmp_path / "bundlegen.yml"
    spec.write_text(
        """project_name: Fraud Detection      # slug derived for bundle, folder and package names
cloud: aws                         # aws | azure | gcp
model: {catalog: ml, schema: fraud, name: fraud_model}   # Unity Catalog model
regions:                           # the first is the primary region
  - {name: us-east-1, host: https://dbc-1234567890123456.cloud.databricks.com}
  - {name: eu-west-1, host: https://dbc-6543210987654321.cloud.databricks.com}
serving:
  endpoint_name: fraud-scoring
  variants:                        # served entities; traffic in percent, integers summing to 100
    - {name: champion, traffic: 90}
    - {name: challenger, traffic: 10}
ci: github                         # github | azure-devops | gitlab
"""
    )
    result = run("new", "--spec", str(spec), "--output-dir", str(tmp_path / "out"), "--no-input")
    assert result.exit_code == 0, result.output
    assert_valid_project(tmp_path / "out" / "fraud_detection")


MATRIX = [
    # (cloud, regions, variants, ci)
    ("aws", 1, (100,), "github"),
    ("aws", 2, (90, 10), "github"),
    ("aws", 7, (50, 30, 20), "gitlab"),
    ("azure", 1, (100,), "azure-devops"),
    ("azure", 3, (80, 20), "azure-devops"),
    ("azure", 7, (90, 10), "github"),
    ("gcp", 2, (60, 30, 10), "gitlab"),
    ("gcp", 4, (100,), "github"),
    ("gcp", 7, (95, 5), "azure-devops"),
]


@pytest.mark.parametrize("cloud,regions,variants,ci", MATRIX)
def test_every_generated_bundle_file_validates(tmp_path, cloud, regions, variants, ci):
    project = bake(make_spec(cloud, regions, variants, ci), tmp_path)
    assert_valid_project(project)


@pytest.mark.parametrize("architectures", [["real-time"], ["batch"], ["async"], ["real-time", "batch", "async"]])
def test_each_serving_architecture_is_included_only_when_chosen(tmp_path, architectures):
    spec = make_spec()
    spec["serving"]["architectures"] = architectures
    project = bake(spec, tmp_path)
    assert_valid_project(project)
    assert (project / "serving" / "databricks.yml").exists() == ("real-time" in architectures)
    assert (project / "resources" / "batch_scoring.job.yml").exists() == ("batch" in architectures)
    assert (project / "resources" / "async_scoring.job.yml").exists() == ("async" in architectures)


def _targets(project):
    return yaml.safe_load((project / "databricks.yml").read_text())["targets"]


def test_targets_dev_staging_and_one_production_target_per_region(tmp_path):
    project = bake(make_spec("aws", 3), tmp_path)
    targets = _targets(project)
    assert list(targets) == ["dev", "staging", "prod-us-east-1", "prod-eu-west-1", "prod-ap-southeast-2"]
    assert targets["dev"]["mode"] == "development"
    for name in ("prod-us-east-1", "prod-eu-west-1", "prod-ap-southeast-2"):
        assert targets[name]["mode"] == "production"
        assert targets[name]["run_as"] == {"service_principal_name": "${var.service_principal}"}
    assert targets["prod-eu-west-1"]["workspace"]["host"] == make_spec("aws", 3)["regions"][1]["host"]
    assert targets["prod-us-east-1"]["variables"]["role"] == "primary"
    assert targets["prod-eu-west-1"]["variables"]["role"] == "replica"
    # Replicas read the model from the catalog mounted from the share.
    shared = targets["prod-eu-west-1"]["resources"]["catalogs"]["shared_model"]
    assert shared["share_name"] == "fraud_detection_models"
    assert targets["prod-eu-west-1"]["variables"]["model_catalog"] == shared["name"]
    assert yaml.safe_load((project / "databricks.yml").read_text())["bundle"]["engine"] == "direct"


def test_each_region_serves_the_split_in_committed_yaml(tmp_path):
    project = bake(make_spec("aws", 2, (70, 20, 10)), tmp_path)
    serving = yaml.safe_load((project / "serving" / "databricks.yml").read_text())
    for target in ("prod-us-east-1", "prod-eu-west-1", "staging"):
        endpoint = serving["targets"][target]["resources"]["model_serving_endpoints"]["fraud_scoring"]
        entities = [e["name"] for e in endpoint["config"]["served_entities"]]
        routes = {r["served_entity_name"]: r["traffic_percentage"] for r in endpoint["config"]["traffic_config"]["routes"]}
        assert entities == ["champion", "challenger", "shadow"]
        assert routes == {"champion": 70, "challenger": 20, "shadow": 10}
        assert endpoint["ai_gateway"]["inference_table_config"]["enabled"] is True
        assert endpoint["permissions"] == [{"level": "CAN_QUERY", "group_name": "users"}]
    replica = serving["targets"]["prod-eu-west-1"]["resources"]["model_serving_endpoints"]["fraud_scoring"]
    assert replica["config"]["served_entities"][0]["entity_name"] == "ml_shared.fraud.fraud_model"


def test_training_and_sharing_exist_only_in_the_primary_region(tmp_path):
    project = bake(make_spec("aws", 3), tmp_path)
    training = yaml.safe_load((project / "resources" / "training.job.yml").read_text())
    assert set(training["targets"]) == {"dev", "staging", "prod-us-east-1"}
    sharing = yaml.safe_load((project / "resources" / "sharing.job.yml").read_text())
    assert set(sharing["targets"]) == {"prod-us-east-1"}
    tasks = sharing["targets"]["prod-us-east-1"]["resources"]["jobs"]["share_model"]["tasks"]
    assert [t["task_key"] for t in tasks] == ["share_with_eu_west_1", "share_with_ap_southeast_2"]


def test_a_single_region_project_has_no_sharing(tmp_path):
    project = bake(make_spec("aws", 1, (100,)), tmp_path)
    assert not (project / "resources" / "sharing.job.yml").exists()
    assert "catalogs" not in str(_targets(project))


def test_the_deployment_workflow_updates_evaluates_and_rolls_back_then_ramps_promotes_and_shadows(tmp_path):
    project = bake(make_spec(), tmp_path)
    job = yaml.safe_load((project / "resources" / "deployment.job.yml").read_text())["resources"]["jobs"]["deployment"]
    tasks = {t["task_key"]: t for t in job["tasks"]}
    assert list(tasks) == ["resolve_versions", "update_endpoint", "evaluate", "rollback",
                           "ramp", "promote", "shadow"]
    assert tasks["rollback"]["run_if"] == "AT_LEAST_ONE_FAILED"
    assert {d["task_key"] for d in tasks["rollback"]["depends_on"]} == {"update_endpoint", "evaluate"}
    # Only after a passed evaluation, one after the other: each changes or queries the endpoint.
    assert [[d["task_key"] for d in tasks[t]["depends_on"]] for t in ("ramp", "promote", "shadow")] == [
        ["evaluate"], ["ramp"], ["promote"]]
    parameters = {p["name"]: p["default"] for p in job["parameters"]}
    assert (parameters["ramp"], parameters["promote"], parameters["shadow"]) == ("", "", "")
    assert job["max_concurrent_runs"] == 1
    assert all("timeout_seconds" in t for t in job["tasks"])
    assert job["email_notifications"]["on_failure"] == "${var.notification_emails}"


def test_the_project_records_its_spec_and_regenerates_from_it(tmp_path):
    spec = make_spec("gcp", 3, (80, 20), "gitlab", notifications={"emails": ["ml-team@example.com"]})
    spec["regions"][1]["workload_size"] = "Medium"
    project = bake(spec, tmp_path)
    again = bake(yaml.safe_load((project / "bundlegen.yml").read_text()), tmp_path / "again")
    assert tree(again) == tree(project)


@pytest.fixture
def hook_scratch(tmp_path, monkeypatch):
    """Plain Cookiecutter leaves each rendered hook script in the temporary folder: keep them
    in the test's own."""
    import tempfile

    scratch = tmp_path / "hooks"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))


@pytest.mark.usefixtures("hook_scratch")
def test_plain_cookiecutter_gives_the_same_project(tmp_path):
    """`cookiecutter template/ --no-input` and `bundlegen new --no-input` are one template."""
    from cookiecutter.main import cookiecutter

    cookiecutter(str(ROOT / "template"), no_input=True, output_dir=str(tmp_path / "cc"))
    run("new", "--no-input", "-o", str(tmp_path / "bg"))
    assert tree(tmp_path / "cc" / "fraud_detection") == tree(tmp_path / "bg" / "fraud_detection")


def test_render_spec_gives_every_file_new_writes(tmp_path):
    """The replay the editing commands (and upgrades) compare is what `bundlegen new` writes."""
    spec = make_spec("gcp", 2, (60, 40), "gitlab")

    rendered = render_spec(spec)

    assert rendered == {rel.replace("\\", "/"): text for rel, text in tree(bake(spec, tmp_path)).items()}


@pytest.mark.usefixtures("hook_scratch")
def test_plain_cookiecutter_with_the_same_answers_gives_the_same_project(tmp_path):
    from cookiecutter.main import cookiecutter

    spec = make_spec("azure", 3, (50, 50), "azure-devops", project_name="Churn Model")
    project = bake(spec, tmp_path)
    answers = {"cookiecutter": {**yaml.safe_load((project / "bundlegen.yml").read_text()),
                                "_extensions": ["bundlegen_ext.BundlegenExtension"]}}
    replay = tmp_path / "answers.json"
    replay.write_text(json.dumps(answers))
    cookiecutter(str(ROOT / "template"), replay=str(replay), output_dir=str(tmp_path / "cc"))
    assert tree(tmp_path / "cc" / "churn_model") == tree(project)


@pytest.mark.usefixtures("hook_scratch")
def test_plain_cookiecutter_refuses_bad_answers(tmp_path):
    from cookiecutter.exceptions import FailedHookException
    from cookiecutter.main import cookiecutter

    with pytest.raises(FailedHookException):
        cookiecutter(
            str(ROOT / "template"),
            no_input=True,
            extra_context={"serving": {"variants": {"champion": {"traffic": 80}}}},
            output_dir=str(tmp_path / "out"),
        )
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_an_existing_project_is_refused_unless_forced(tmp_path):
    assert run("new", "--no-input", "-o", str(tmp_path)).exit_code == 0
    project = tmp_path / "fraud_detection"
    (project / "databricks.yml").write_text("changed by hand\n")
    (project / "NOTES.md").write_text("mine\n")
    before = tree(project)

    refused = run("new", "--no-input", "-o", str(tmp_path))
    assert refused.exit_code == 2
    assert "already exists" in refused.output and "--force" in refused.output
    assert tree(project) == before

    forced = run("new", "--no-input", "-o", str(tmp_path), "--force")
    assert forced.exit_code == 0
    assert (project / "NOTES.md").read_text() == "mine\n"  # files the template does not make stay
    assert (project / "databricks.yml").read_text() != "changed by hand\n"


def test_without_no_input_it_asks_for_what_the_spec_leaves_out(tmp_path):
    spec = {k: v for k, v in DEFAULT_SPEC.items() if k != "cloud" and k != "regions"}
    spec_file = write_spec(tmp_path / "spec.yml", spec)
    # cloud (azure), its two demo regions (7 questions), then the architectures, service
    # principal and emails, yes to the summary and no spec file to save.
    answers = "azure\n" + "\n" * 7 + "\n" * 3 + "\n\n"
    result = CliRunner().invoke(cli, ["new", "--spec", str(spec_file), "-o", str(tmp_path / "o")],
                                input=answers)
    assert result.exit_code == 0, result.output
    assert "Cloud (aws, azure, gcp) [aws]" in result.output and "Region 1" in result.output
    assert "Project name" not in result.output  # given by the spec: not asked
    targets = _targets(tmp_path / "o" / "fraud_detection")
    assert "prod-eastus2" in targets and "prod-westeurope" in targets
    assert_valid_project(tmp_path / "o" / "fraud_detection")


def test_input_that_ends_early_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["new", "-o", str(tmp_path)], input="")
    assert result.exit_code == 2
    assert "--no-input" in result.output
    assert list(tmp_path.iterdir()) == []


def test_version_and_help_do_not_import_heavy_modules():
    code = (
        "import sys; from bundlegen.cli import cli\n"
        "heavy = [m for m in ('cookiecutter', 'yaml', 'jsonschema_rs', 'jinja2', 'databricks') if m in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    version = subprocess.run([sys.executable, "-m", "bundlegen", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and "bundlegen, version" in version.stdout
