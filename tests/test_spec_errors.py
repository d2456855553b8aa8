"""Bad specs: exit 2, one line per problem naming file, line and field, and nothing written."""

from __future__ import annotations

import json

import jsonschema_rs
import pytest
import yaml
from click.testing import CliRunner
from support import ROOT, make_spec, write_spec

import bundlegen_model as model
from bundlegen.cli import cli

GOOD = """\
project_name: Fraud Detection
cloud: aws
model: {catalog: ml, schema: fraud, name: fraud_model}
regions:
  - {name: us-east-1, host: https://dbc-1234567890123456.cloud.databricks.com}
  - {name: eu-west-1, host: https://dbc-6543210987654321.cloud.databricks.com}
serving:
  endpoint_name: fraud-scoring
  variants:
    - {name: champion, traffic: 90}
    - {name: challenger, traffic: 10}
ci: github
"""



def serving_with(line: str) -> str:
    return GOOD.replace("ci: github\n", f"  {line}\nci: github\n")


# (what is wrong, the spec text, what the one-line error must say)
CASES = [
    ("traffic not summing to 100", GOOD.replace("traffic: 10}", "traffic: 5}"),
     ":9:3: serving.variants: traffic of the variants sums to 95; it must be 100"),
    ("a duplicate region", GOOD.replace("eu-west-1", "us-east-1"),
     ":6:6: regions[1].name: region 'us-east-1' is listed twice"),
    ("a duplicate variant", GOOD.replace("challenger", "champion"),
     ":11:8: serving.variants[1].name: variant 'champion' is listed twice"),
    ("a host that is not https", GOOD.replace("https://dbc-6543", "http://dbc-6543"),
     ":6:23: regions[1].host: 'http://dbc-6543210987654321.cloud.databricks.com' must be the workspace URL, https://<workspace host>"),
    ("a host of another cloud", GOOD.replace("dbc-6543210987654321.cloud.databricks.com", "adb-1.2.azuredatabricks.net"),
     ":6:23: regions[1].host: https://adb-1.2.azuredatabricks.net is an Azure workspace, but cloud is aws"),
    ("an unknown key, with the near one", GOOD.replace("regions:", "regoins:"),
     "unknown key 'regoins'; did you mean 'regions'?"),
    ("an unknown nested key", GOOD.replace("endpoint_name:", "endpoint_nme:"),
     ":8:3: serving.endpoint_nme: unknown key 'endpoint_nme'; did you mean 'endpoint_name'?"),
    ("an unknown cloud", GOOD.replace("cloud: aws", "cloud: ibm"),
     ":2:1: cloud: must be one of aws, azure, gcp, not 'ibm'"),
    ("no regions", GOOD.split("regions:")[0] + "regions: []\n" + "serving:" + GOOD.split("serving:")[1],
     ":4:1: regions: must list at least one region"),
    ("a region name of another cloud", GOOD.replace("eu-west-1", "westeurope"),
     "regions[1].name: 'westeurope' is not an AWS region name (like us-east-1)"),
    ("invalid YAML", GOOD.replace("ci: github", "ci: [github"),
     "invalid YAML"),
    ("a duplicate key", GOOD + "cloud: gcp\n",
     ":13:1: key 'cloud' is given twice"),
    ("a percentage that is not an integer", GOOD.replace("traffic: 10}", "traffic: 10.5}"),
     "serving.variants[1].traffic: must be an integer, not a number"),
    ("a negative percentage", GOOD.replace("traffic: 10}", "traffic: -10}"),
     "serving.variants[1].traffic: must be from 0 to 100, not -10"),
    ("a name that injects template syntax", GOOD.replace("Fraud Detection", "'{{ cookiecutter.x }}'"),
     "project_name: '{{ cookiecutter.x }}' must start with a letter"),
    ("a name that injects YAML", GOOD.replace("endpoint_name: fraud-scoring", "endpoint_name: 'a: b'"),
     "serving.endpoint_name: 'a: b' must hold only letters"),
    ("a slug that escapes the output folder", GOOD + "project_slug: ../../etc\n",
     "project_slug: '../../etc' must be lowercase letters"),
    ("a name YAML reads as a boolean", GOOD.replace("challenger", "off"),
     ":11:8: serving.variants[1].name: must be a string, not true or false"),
    ("a quoted name YAML would read as a boolean", GOOD.replace("challenger", "'off'"),
     "serving.variants[1].name: 'off' would be read by YAML as a boolean"),
    # What `bundlegen traffic` records: shadow variants, a region's split, a ramp, a promotion.
    ("a shadow variant with traffic", GOOD.replace("traffic: 10}", "traffic: 10, shadow: true}"),
     "serving.variants[1].traffic: 'challenger' is a shadow variant, which gets no live traffic: "
     "its traffic must be 0, not 10"),
    ("the champion as a shadow", GOOD.replace("traffic: 90}", "traffic: 90, shadow: true}"),
     "serving.variants[0].shadow: 'champion' is the first variant, the champion"),
    ("a region's split not summing to 100",
     GOOD.replace(".com}\nserving", ".com, traffic: {champion: 50, challenger: 40}}\nserving"),
     ":6:80: regions[1].traffic: traffic of region 'eu-west-1' sums to 90; it must be 100"),
    ("a region's split missing a variant",
     GOOD.replace(".com}\nserving", ".com, traffic: {champion: 100}}\nserving"),
     "regions[1].traffic: must give the percent of every variant; missing: challenger"),
    ("a region's split naming no variant",
     GOOD.replace(".com}\nserving", ".com, traffic: {champion: 90, challenger: 5, x: 5}}\nserving"),
     "regions[1].traffic.x: 'x' is not a variant (the variants: champion, challenger)"),
    ("a region's split with a fraction",
     GOOD.replace(".com}\nserving", ".com, traffic: {champion: 89.5, challenger: 10.5}}\nserving"),
     "regions[1].traffic.champion: must be an integer, not a number"),
    ("ramp steps that do not increase",
     serving_with("ramp: {variant: challenger, steps: [50, 25, 100]}"),
     "serving.ramp.steps: [50, 25, 100] must increase strictly and end at 100"),
    ("ramp steps that do not end at 100", serving_with("ramp: {variant: challenger, steps: [25, 50]}"),
     "serving.ramp.steps: [25, 50] must increase strictly and end at 100"),
    ("a ramp step at the committed share", serving_with("ramp: {variant: challenger, steps: [10, 100]}"),
     "serving.ramp.steps: the first step, 10, must be above the committed share of 'challenger' (10%)"),
    ("a ramp of the champion", serving_with("ramp: {variant: champion, steps: [95, 100]}"),
     "serving.ramp.variant: 'champion' serves @champion, the champion, already; ramp another variant"),
    ("a promotion of an unknown variant", serving_with("promote: {variant: x, request: 20250611T101500Z}"),
     "serving.promote.variant: 'x' is not a variant"),
    ("a promotion request without its time", serving_with("promote: {variant: challenger, request: soon}"),
     "serving.promote.request: 'soon' must be the UTC time of the request, such as 20250611T101500Z"),
    ("a spec that is not a mapping", "- just\n- a list\n",
     "(top level): must be a mapping of settings, not a list"),
    ("an empty spec", "", "the spec is empty"),
]


@pytest.mark.parametrize("why,text,expected", CASES, ids=[c[0] for c in CASES])
def test_a_bad_spec_is_refused_with_exit_2_and_nothing_written(tmp_path, why, text, expected):
    spec = tmp_path / "bundlegen.yml"
    spec.write_text(text)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["new", "--spec", str(spec), "-o", str(out), "--no-input"])
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert all(line.startswith(f"error: {spec}") for line in result.output.splitlines()), result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_invalid_yaml_names_its_line_and_column(tmp_path):
    spec = tmp_path / "bundlegen.yml"
    spec.write_text(GOOD.replace("  - {name: eu-west-1", "  - {name: eu-west-1,,"))
    result = CliRunner().invoke(cli, ["new", "--spec", str(spec), "--no-input", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {spec}:6:")


def test_a_missing_spec_file_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["new", "--spec", str(tmp_path / "nope.yml"), "--no-input"])
    assert result.exit_code == 2
    assert "nope.yml: no such file" in result.output


def test_every_problem_is_reported_at_once(tmp_path):
    spec = tmp_path / "bundlegen.yml"
    spec.write_text(GOOD.replace("cloud: aws", "cloud: aws\nregoin: x").replace("model:", "modle:"))
    result = CliRunner().invoke(cli, ["new", "--spec", str(spec), "--no-input", "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "'regoin'" in result.output and "'modle'; did you mean 'model'?" in result.output


SCHEMA = json.loads((ROOT / "schemas" / "spec.schema.json").read_text())


@pytest.mark.parametrize("why,text,expected", CASES, ids=[c[0] for c in CASES])
def test_the_spec_schema_is_standard_json_schema(why, text, expected):
    """jsonschema-rs agrees with bundlegen wherever the schema alone decides."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return
    schema_says_valid = jsonschema_rs.validator_for(SCHEMA).is_valid(data)

    schema_problems = model.Validator(SCHEMA).validate(data, SCHEMA) if isinstance(data, dict) else [1]
    assert schema_says_valid == (not schema_problems)


@pytest.mark.parametrize("spec", [make_spec(), make_spec("azure", 3, (50, 30, 20), ["github", "gitlab"])])
def test_good_specs_satisfy_the_schema(spec):
    assert jsonschema_rs.validator_for(SCHEMA).is_valid(spec)


def test_a_spec_given_as_a_folder_is_refused(tmp_path):
    result = CliRunner().invoke(cli, ["new", "--spec", str(tmp_path), "--no-input", "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "is a folder" in result.output


def test_spec_regions_may_be_keyed_by_name_as_cookiecutter_answers_are(tmp_path):
    spec = make_spec()
    spec["regions"] = {r["name"]: {"host": r["host"]} for r in spec["regions"]}
    result = CliRunner().invoke(cli, ["new", "--spec", str(write_spec(tmp_path / "s.yml", spec)),
                                      "--no-input", "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
