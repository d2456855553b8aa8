"""bundlegen traffic show and set on bundles bundlegen did not generate.

Only the bundle's YAML is edited, and in it only the percentages: every other byte stays.
An endpoint may be written in targets (each target edits its own routes), at the top level
(shared by every target: a target alone cannot change it, because the CLI appends a target's
routes to the top-level ones), or in an included file.
"""

from __future__ import annotations

import json

import pytest
from editsupport import run, snapshot
from lint_support import lint

IN_TARGETS = """\
# Serving for the fraud team.
bundle:
  name: fraud_serving

targets:
   dev:
      default: true
      resources:
         model_serving_endpoints:
            scoring:
               name: scoring-dev
               config:
                  served_entities:
                     - {name: blue, entity_name: ml.fraud.model, entity_version: "3", workload_size: Small, scale_to_zero_enabled: true}
                     - {name: green, entity_name: ml.fraud.model, entity_version: "4", workload_size: Small, scale_to_zero_enabled: true}
                  traffic_config:
                     routes:
                        - served_entity_name: blue
                          traffic_percentage: 50   # even while testing
                        - served_entity_name: green
                          traffic_percentage: 50
   prod:
      mode: production
      resources:
         model_serving_endpoints:
            scoring:
               name: scoring
               config:
                  served_entities:
                     - {name: blue, entity_name: ml.fraud.model, entity_version: "3", workload_size: Small, scale_to_zero_enabled: false}
                     - {name: green, entity_name: ml.fraud.model, entity_version: "4", workload_size: Small, scale_to_zero_enabled: false}
                  traffic_config:
                     routes:
                        - {served_entity_name: blue, traffic_percentage: 95}
                        - {served_entity_name: green, traffic_percentage: 5}
"""

AT_TOP = """\
bundle:
  name: ads
include:
  - resources/*.yml
targets:
  dev:
    default: true
  prod:
    mode: production
"""

ENDPOINT_FILE = """\
resources:
  model_serving_endpoints:
    ads:
      name: ads-ranker
      config:
        served_entities:
          - name: current
            entity_name: ml.ads.ranker
            entity_version: "7"
            workload_size: Small
            scale_to_zero_enabled: false
          - name: next
            entity_name: ml.ads.ranker
            entity_version: "8"
            workload_size: Small
            scale_to_zero_enabled: false
        traffic_config:
          routes:
            - served_entity_name: current
              traffic_percentage: 100
            - served_entity_name: next
              traffic_percentage: 0
"""


@pytest.fixture
def in_targets(tmp_path):
    folder = tmp_path / "in_targets"
    folder.mkdir()
    (folder / "databricks.yml").write_text(IN_TARGETS)
    return folder


@pytest.fixture
def at_top(tmp_path):
    folder = tmp_path / "at_top"
    (folder / "resources").mkdir(parents=True)
    (folder / "databricks.yml").write_text(AT_TOP)
    (folder / "resources" / "ads.yml").write_text(ENDPOINT_FILE)
    return folder


def traffic(folder, *args):
    return run("traffic", *args, "--project-dir", folder)


def test_set_changes_the_numbers_of_every_target_and_nothing_else(in_targets):
    result = traffic(in_targets, "set", "blue=80", "green=20")
    assert result.exit_code == 0, result.output
    assert (in_targets / "databricks.yml").read_text() == (
        IN_TARGETS.replace("traffic_percentage: 50   # even", "traffic_percentage: 80   # even")
        .replace("traffic_percentage: 50\n", "traffic_percentage: 20\n")
        .replace("traffic_percentage: 95}", "traffic_percentage: 80}")
        .replace("traffic_percentage: 5}", "traffic_percentage: 20}"))
    assert "Set blue 80%, green 20% in endpoint scoring of dev, prod" in result.output
    assert lint(in_targets).errors == 0


def test_set_with_a_target_changes_that_target_only_and_the_others_keep_their_split(in_targets):
    result = traffic(in_targets, "set", "green=10", "blue=90", "--target", "prod")
    assert result.exit_code == 0, result.output
    text = (in_targets / "databricks.yml").read_text()
    assert text == IN_TARGETS.replace("traffic_percentage: 95}", "traffic_percentage: 90}").replace(
        "traffic_percentage: 5}", "traffic_percentage: 10}")


def test_variants_not_named_keep_their_share_and_the_total_must_stay_100(in_targets):
    result = traffic(in_targets, "set", "green=60")
    assert result.exit_code == 2
    assert "the split of scoring in dev would add up to 110% (blue 50 + green 60), not 100%" \
        in result.output


def test_a_top_level_endpoint_is_set_for_every_target_at_once_but_not_for_one(at_top):
    before = snapshot(at_top)
    result = traffic(at_top, "set", "--target", "prod", "current=90", "next=10")
    assert result.exit_code == 2
    assert "the routes of endpoint 'ads' are written at the top level" in result.output
    assert "Set the split without --target, or move the endpoint's config into each target" \
        in result.output
    assert snapshot(at_top) == before

    result = traffic(at_top, "set", "current=90", "next=10")
    assert result.exit_code == 0, result.output
    assert "  edited   resources/ads.yml" in result.output
    assert (at_top / "resources" / "ads.yml").read_text() == ENDPOINT_FILE.replace(
        "traffic_percentage: 100", "traffic_percentage: 90").replace(
        "traffic_percentage: 0\n", "traffic_percentage: 10\n")
    assert snapshot(at_top)["databricks.yml"] == before["databricks.yml"]
    assert lint(at_top).errors == 0


def test_an_endpoint_is_named_by_its_key_or_its_name_when_there_are_several(at_top):
    (at_top / "resources" / "other.yml").write_text(
        ENDPOINT_FILE.replace("    ads:", "    other:").replace("ads-ranker", "other-ranker"))
    result = traffic(at_top, "set", "current=90", "next=10")
    assert result.exit_code == 2
    assert "the bundle has 2 serving endpoints (ads, other); say which with --endpoint" \
        in result.output
    assert traffic(at_top, "set", "current=90", "next=10", "--endpoint", "other-ranker").exit_code == 0
    assert "traffic_percentage: 90" in (at_top / "resources" / "other.yml").read_text()
    assert "traffic_percentage: 90" not in (at_top / "resources" / "ads.yml").read_text()


@pytest.mark.parametrize("args,message", [
    (("set", "blue=50", "red=50"), "unknown variant 'red' of endpoint 'scoring' in target 'dev'"),
    (("set", "blue=50", "green=50", "--target", "qa"), "unknown target 'qa'; the bundle's targets: dev, prod"),
    (("set", "blue=50", "green=50", "--endpoint", "ranker"), "unknown endpoint 'ranker'"),
    (("set", "blue=-1", "green=101"), "'-1' is negative"),
    (("set", "blue=50.0", "green=50"), "'50.0' is not a whole number"),
    (("add-variant", "red"), "`traffic add-variant` works in a bundlegen project"),
    (("remove-variant", "green"), "`traffic remove-variant` works in a bundlegen project"),
    (("promote", "green"), "`traffic promote` works in a bundlegen project"),
    (("ramp", "green", "--steps", "10,100"), "`traffic ramp` works in a bundlegen project"),
])
def test_refused_with_exit_2_and_no_byte_changed(in_targets, args, message):
    before = snapshot(in_targets)
    result = traffic(in_targets, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert snapshot(in_targets) == before


def test_routes_shared_through_an_anchor_are_left_to_the_user(tmp_path):
    text = IN_TARGETS.replace("                     routes:\n                        - served_entity_name: blue",
                              "                     routes: &routes\n                        - served_entity_name: blue", 1)
    text = text.replace("""                     routes:
                        - {served_entity_name: blue, traffic_percentage: 95}
                        - {served_entity_name: green, traffic_percentage: 5}
""", "                     routes: *routes\n")
    (tmp_path / "databricks.yml").write_text(text)
    result = traffic(tmp_path, "set", "blue=80", "green=20", "--target", "dev")
    assert result.exit_code == 2
    assert "would change other values of this file too" in result.output
    result = traffic(tmp_path, "set", "blue=80", "green=20")
    assert result.exit_code == 2
    assert "written through a YAML alias or merge key" in result.output
    assert (tmp_path / "databricks.yml").read_text() == text


def test_a_share_taken_from_a_variable_is_left_to_the_user(in_targets):
    text = IN_TARGETS.replace("traffic_percentage: 5}", 'traffic_percentage: "${var.green}"}')
    (in_targets / "databricks.yml").write_text("variables:\n  green:\n    default: 5\n" + text)
    result = traffic(in_targets, "set", "blue=90", "green=10", "--target", "prod")
    assert result.exit_code == 2
    assert "is ${var.green}; set that variable instead" in result.output


def test_dry_run_prints_the_diff_only(in_targets):
    result = traffic(in_targets, "set", "blue=90", "green=10", "--target", "prod", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.startswith("--- a/databricks.yml\n+++ b/databricks.yml\n")  # a patch
    assert result.stderr == "would: Set blue 90%, green 10% in endpoint scoring of prod\n"
    assert "-                        - {served_entity_name: blue, traffic_percentage: 95}\n" \
           "-                        - {served_entity_name: green, traffic_percentage: 5}\n" \
           "+                        - {served_entity_name: blue, traffic_percentage: 90}\n" \
           "+                        - {served_entity_name: green, traffic_percentage: 10}\n" \
        in result.output
    assert (in_targets / "databricks.yml").read_text() == IN_TARGETS


def test_show_lists_each_target_and_endpoint(at_top, in_targets):
    result = traffic(in_targets, "show", "--target", "prod")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "prod: endpoint scoring (scoring)\n"
        "  blue   95%  ml.fraud.model version 3\n"
        "  green   5%  ml.fraud.model version 4\n")
    document = json.loads(traffic(at_top, "show", "--format", "json").output)
    assert document["kind"] == "bundle"
    assert [t["target"] for t in document["targets"]] == ["dev", "prod"]
    assert document["targets"][1]["endpoints"][0]["variants"][1] == {
        "name": "next", "alias": None, "entity": "ml.ads.ranker", "version": "8", "traffic": 0,
        "shadow": False, "ramp": None}


def test_a_bundle_without_serving_endpoints_says_so(tmp_path):
    (tmp_path / "databricks.yml").write_text("bundle:\n  name: jobs\n")
    result = traffic(tmp_path, "set", "a=100")
    assert result.exit_code == 2
    assert "the bundle has no model_serving_endpoints" in result.output


def test_an_unnamed_served_entity_goes_by_the_name_the_api_gives_it(tmp_path):
    # Unnamed, a served entity of ml.fraud.model version 3 is `model-3` in routes.
    (tmp_path / "databricks.yml").write_text(
        "bundle:\n  name: unnamed\n"
        "resources:\n  model_serving_endpoints:\n    scoring:\n      name: scoring\n"
        "      config:\n        served_entities:\n"
        "          - {entity_name: ml.fraud.model, entity_version: '3', workload_size: Small, scale_to_zero_enabled: true}\n"
        "          - {entity_name: ml.fraud.model, entity_version: '4', workload_size: Small, scale_to_zero_enabled: true}\n"
        "        traffic_config:\n          routes:\n"
        "            - {served_entity_name: model-3, traffic_percentage: 80}\n"
        "            - {served_entity_name: model-4, traffic_percentage: 20}\n")

    shown = traffic(tmp_path, "show")
    assert shown.output == (
        "(no targets): endpoint scoring (scoring)\n"
        "  model-3  80%  ml.fraud.model version 3\n"
        "  model-4  20%  ml.fraud.model version 4\n")

    unchanged = traffic(tmp_path, "set", "model-3=80", "model-4=20", "--dry-run")
    assert unchanged.output.startswith("Nothing to change: endpoint scoring")
    assert traffic(tmp_path, "set", "model-3=50", "model-4=50").exit_code == 0
    assert "{served_entity_name: model-4, traffic_percentage: 50}" in (tmp_path / "databricks.yml").read_text()
    assert lint(tmp_path).findings == []
