"""bundlegen traffic in projects bundlegen generated.

What the split, the variants, a ramp plan and a promotion request are comes from the template
alone: after any traffic command the project is exactly what `bundlegen new` makes from its
edited bundlegen.yml, every bundle passes `bundlegen lint` and the official schema, and only
the numbers and entries concerned changed. A refused command changes no byte.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone

import pytest
import yaml
from editsupport import assert_healthy, changed, removed_lines, run, snapshot
from lint_support import lint
from support import host, make_spec

from bundlegen.edit import commit
from bundlegen.traffic.commands import promote

TWO_REGIONS = make_spec("aws", 2, (90, 10))
THREE_VARIANTS = make_spec("azure", 3, (70, 20, 10), "azure-devops")
THREE_VARIANTS["serving"]["variants"][2] = {"name": "canary", "traffic": 10, "alias": "candidate"}
THREE_VARIANTS["serving"]["variants"].append({"name": "mirror", "traffic": 0, "shadow": True})
ONE_VARIANT = make_spec("gcp", 1, (100,), "gitlab")


def traffic(project, *args):
    result = run("traffic", *args, "--project-dir", project)
    assert result.exit_code == 0, result.output
    return result


def digest(project) -> str:
    return hashlib.sha256(json.dumps({k: v.hex() for k, v in snapshot(project).items()},
                                     sort_keys=True).encode()).hexdigest()


def job_parameters(project) -> dict[str, str]:
    job = yaml.safe_load((project / "resources" / "deployment.job.yml").read_text())
    return {p["name"]: p["default"] for p in job["resources"]["jobs"]["deployment"]["parameters"]}


def routes(project, target: str) -> dict[str, int]:
    serving = yaml.safe_load((project / "serving" / "databricks.yml").read_text())
    endpoint, = serving["targets"][target]["resources"]["model_serving_endpoints"].values()
    return {r["served_entity_name"]: r["traffic_percentage"]
            for r in endpoint["config"]["traffic_config"]["routes"]}


# ------------------------------------------------------------------ every command, end to end

SCENARIOS = {
    "two-regions": (TWO_REGIONS, [
        ("set", "champion=80", "challenger=20"),
        ("set", "challenger=50", "champion=50", "--target", "prod-eu-west-1"),
        ("add-variant", "canary", "--alias", "candidate", "--traffic", "5", "--from", "champion"),
        ("add-variant", "mirror", "--shadow"),
        ("ramp", "canary", "--steps", "10,25,50,100"),
        ("promote", "challenger"),
        ("ramp", "canary", "--off"),
        ("ramp", "canary", "--steps", "10,25,50,100"),
        ("set", "champion=80", "challenger=20", "canary=0", "--target", "eu-west-1"),
        ("remove-variant", "canary", "--to", "champion"),
        ("remove-variant", "mirror"),
        ("set", "champion=90", "challenger=10"),
    ]),
    "three-regions-three-variants": (THREE_VARIANTS, [
        ("ramp", "canary", "--steps", "20,60,100"),
        ("set", "challenger=30", "champion=50", "--target", "prod-westeurope"),
        ("add-variant", "fresh", "--traffic", "10", "--from", "champion"),
        ("promote", "fresh"),
        ("remove-variant", "challenger", "--to", "champion"),
    ]),
    "one-variant": (ONE_VARIANT, [
        ("add-variant", "mirror", "--shadow"),
        ("add-variant", "fresh", "--traffic", "10"),  # training's challenger alias: @fresh
        ("ramp", "fresh", "--steps", "20,100"),
        ("remove-variant", "fresh"),
        ("remove-variant", "mirror"),
    ]),
}


@pytest.mark.parametrize("key", sorted(SCENARIOS))
def test_after_every_command_the_project_is_what_new_makes_from_its_spec(project_of, tmp_path, key):
    spec, commands = SCENARIOS[key]
    project = project_of(spec, tmp_path)
    for i, command in enumerate(commands):
        traffic(project, *command)
        assert_healthy(project, tmp_path / f"step{i}")


def test_training_makes_the_first_live_variant_after_the_champion_its_challenger(project_of, tmp_path):
    project = project_of(ONE_VARIANT, tmp_path)
    training = project / "resources" / "training.job.yml"
    traffic(project, "add-variant", "mirror", "--shadow")
    assert '"--challenger-alias", "challenger"]' in training.read_text()
    traffic(project, "add-variant", "fresh", "--alias", "candidate", "--traffic", "10")
    assert '"--challenger-alias", "candidate"]' in training.read_text()


def test_set_changes_only_the_numbers_in_every_target_and_the_spec(project_of, tmp_path):
    project = project_of(TWO_REGIONS, tmp_path)
    before = snapshot(project)

    result = traffic(project, "set", "champion=80", "challenger=20")

    after = snapshot(project)
    # The README's diagram draws each region's split: its edge labels change too.
    assert changed(before, after) == ["README.md", "bundlegen.yml", "serving/databricks.yml"]
    gone = removed_lines(before, after)
    assert len(gone) == 2 * 3 + 2 + 2 * 2  # routes of staging and both regions, spec, diagram
    assert all(re.search(r"traffic(_percentage)?: (90|10)\b|-- \"(90|10)%\" -->", line)
               for line in gone)
    for target in ("staging", "prod-us-east-1", "prod-eu-west-1"):
        assert routes(project, target) == {"champion": 80, "challenger": 20}
    assert "Set the split of fraud_scoring to champion 80%, challenger 20% in staging, " \
           "prod-us-east-1, prod-eu-west-1" in result.output


def test_the_endpoint_may_be_named_by_its_key_or_its_name(project_of, tmp_path):
    project = project_of(TWO_REGIONS, tmp_path)
    traffic(project, "set", "champion=80", "challenger=20", "--endpoint", "fraud-scoring")
    traffic(project, "set", "champion=70", "challenger=30", "--endpoint", "fraud_scoring")
    assert routes(project, "staging") == {"champion": 70, "challenger": 30}


def test_a_region_of_its_own_keeps_its_split_until_it_is_set_back(project_of, tmp_path):
    project = project_of(TWO_REGIONS, tmp_path)
    traffic(project, "set", "champion=50", "challenger=50", "--target", "eu-west-1")
    spec = yaml.safe_load((project / "bundlegen.yml").read_text())
    assert spec["regions"][1]["traffic"] == {"champion": 50, "challenger": 50}

    result = traffic(project, "set", "champion=70", "challenger=30")
    assert "eu-west-1 keeps its own split (champion 50%, challenger 50%)" in result.output
    assert routes(project, "prod-eu-west-1") == {"champion": 50, "challenger": 50}
    assert routes(project, "prod-us-east-1") == {"champion": 70, "challenger": 30}

    traffic(project, "set", "champion=70", "challenger=30", "--target", "prod-eu-west-1")
    spec = yaml.safe_load((project / "bundlegen.yml").read_text())
    assert "traffic" not in spec["regions"][1]  # it takes the project's split again
    assert_healthy(project, tmp_path / "regen")


def test_remove_variant_deletes_exactly_what_add_variant_inserted(project_of, tmp_path):
    project = project_of(TWO_REGIONS, tmp_path)
    before = snapshot(project)

    traffic(project, "add-variant", "mirror", "--shadow")
    added = snapshot(project)
    assert [line for line in removed_lines(before, added)] == [
        "resources/deployment.job.yml: -          default: champion,challenger",
        'resources/deployment.job.yml: -          default: ""',
    ]
    traffic(project, "remove-variant", "mirror")
    assert snapshot(project) == before


def test_a_new_variant_copies_the_first_variants_entity_as_the_user_wrote_it(project_of, tmp_path):
    project = project_of(TWO_REGIONS, tmp_path)
    serving = project / "serving" / "databricks.yml"
    text = serving.read_text()
    # By hand: a comment, and more compute for the primary region's champion.
    text = text.replace("                workload_size: Small\n                scale_to_zero_enabled: false",
                        "                workload_size: Large  # Black Friday\n"
                        "                scale_to_zero_enabled: false", 1)
    text = text.replace("targets:\n", "targets:\n  # reviewed by the platform team\n")
    serving.write_text(text)
    before = snapshot(project)

    traffic(project, "add-variant", "canary", "--traffic", "10", "--from", "champion")

    diagram = "    r_{}_ep_fraud_scoring -- \"90%\" --> r_{}_ep_fraud_scoring_champion[\"champion\"]"
    assert removed_lines(before, snapshot(project)) == [
        *[f"README.md: -{diagram.format(r, r)}" for r in ("us_east_1", "eu_west_1")],
        "bundlegen.yml: -    - {name: champion, traffic: 90}",
        "resources/deployment.job.yml: -          default: champion,challenger",
        *["serving/databricks.yml: -                  traffic_percentage: 90"] * 3,
    ]
    data = yaml.safe_load(serving.read_text())
    entities = data["targets"]["prod-us-east-1"]["resources"]["model_serving_endpoints"][
        "fraud_scoring"]["config"]["served_entities"]
    assert entities[-1] == {**entities[0], "name": "canary",
                            "entity_version": "${var.canary_version}"}
    assert "workload_size: Large  # Black Friday" in serving.read_text().split("name: canary")[2]
    assert "# reviewed by the platform team" in serving.read_text()
    assert data["variables"]["canary_version"]["default"] == "1"
    assert lint(project, project / "serving").errors == 0


def test_a_spec_rewritten_by_hand_in_the_mapping_form_is_edited_in_its_own_form(project_of, tmp_path):
    project = project_of(TWO_REGIONS, tmp_path)
    spec = project / "bundlegen.yml"
    text = spec.read_text()
    text = re.sub(r"regions:.*\n  - \{name: us-east-1, host: (\S+)\}\n  - \{name: eu-west-1, host: (\S+)\}",
                  r"regions:\n  us-east-1:\n    host: \1\n  eu-west-1:\n    host: \2   # Dublin", text)
    text = text.replace("    - {name: champion, traffic: 90}\n    - {name: challenger, traffic: 10}",
                        "    champion: {traffic: 90}\n    challenger:\n      traffic: 10")
    spec.write_text(text)

    traffic(project, "set", "champion=60", "challenger=40", "--target", "eu-west-1")
    traffic(project, "add-variant", "mirror", "--shadow")
    traffic(project, "set", "champion=80", "challenger=20")

    assert spec.read_text() == text.replace(
        "# Dublin", "# Dublin\n    traffic: {champion: 60, challenger: 40, mirror: 0}").replace(
        "{traffic: 90}", "{traffic: 80}").replace("traffic: 10", "traffic: 20").replace(
        "      traffic: 20\n", "      traffic: 20\n    mirror: {traffic: 0, shadow: true}\n")
    assert routes(project, "prod-eu-west-1") == {"champion": 60, "challenger": 40, "mirror": 0}
    assert lint(project, project / "serving").errors == 0


def test_ramp_commits_the_first_step_and_records_the_rest_for_the_workflow(project_of, tmp_path):
    project = project_of(THREE_VARIANTS, tmp_path)
    result = traffic(project, "ramp", "canary", "--steps", "5,25,50,100")
    # canary 10 -> 5; the 5 freed go to champion and challenger 70:20 (3.89 and 1.11).
    assert routes(project, "staging") == {"champion": 74, "challenger": 21, "canary": 5,
                                          "mirror": 0}
    assert job_parameters(project)["ramp"] == "canary:25,50,100"
    spec = yaml.safe_load((project / "bundlegen.yml").read_text())
    assert spec["serving"]["ramp"] == {"variant": "canary", "steps": [25, 50, 100]}
    assert "goes live at 5%, then 25%, 50%, 100%" in result.output

    traffic(project, "ramp", "canary", "--off")
    assert job_parameters(project)["ramp"] == ""
    assert routes(project, "staging")["canary"] == 5  # the committed share stays


def test_a_ramped_variant_keeps_its_committed_share_below_the_next_step(project_of, tmp_path):
    project = project_of(THREE_VARIANTS, tmp_path)
    traffic(project, "ramp", "canary", "--steps", "5,25,50,100")
    before = digest(project)
    result = run("traffic", "set", "canary=30", "champion=49", "--project-dir", project)
    assert result.exit_code == 2
    assert "its committed share of the project must stay below 25%" in result.output
    assert digest(project) == before


def test_a_promotion_request_is_recorded_with_its_time_and_the_split_stays(project_of, tmp_path):
    project = project_of(TWO_REGIONS, tmp_path)
    before = snapshot(project)
    commit(promote(project, "challenger", datetime(2025, 6, 11, 10, 15, tzinfo=timezone.utc)))
    assert changed(before, snapshot(project)) == ["bundlegen.yml", "resources/deployment.job.yml"]
    assert job_parameters(project)["promote"] == "challenger:20250611T101500Z"
    assert_healthy(project, tmp_path / "regen")

    result = traffic(project, "promote", "challenger")  # a new request replaces it
    assert re.fullmatch(r"challenger:\d{8}T\d{6}Z", job_parameters(project)["promote"])
    assert "it replaces the request challenger:20250611T101500Z" in result.output


def test_dry_run_prints_the_diff_and_writes_nothing(project_of, tmp_path):
    project = project_of(TWO_REGIONS, tmp_path)
    before = digest(project)
    result = run("traffic", "add-variant", "canary", "--traffic", "5", "--from", "champion",
                 "--project-dir", project, "--dry-run")
    assert result.exit_code == 0, result.output
    assert digest(project) == before
    assert "+++ b/serving/databricks.yml" in result.output
    assert "+              - name: canary" in result.output
    assert "-                  traffic_percentage: 90\n+                  traffic_percentage: 85" \
        in result.output


def test_the_serving_folder_of_a_project_is_the_project(project_of, tmp_path):
    project = project_of(TWO_REGIONS, tmp_path)
    result = run("traffic", "set", "champion=80", "challenger=20", "--project-dir",
                 project / "serving")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((project / "bundlegen.yml").read_text())["serving"]["variants"][0] == {
        "name": "champion", "traffic": 80}


def test_a_region_added_later_starts_at_the_projects_split_with_every_variant(project_of, tmp_path):
    project = project_of(TWO_REGIONS, tmp_path)
    traffic(project, "set", "champion=50", "challenger=50", "--target", "eu-west-1")
    traffic(project, "add-variant", "mirror", "--shadow")
    traffic(project, "ramp", "challenger", "--steps", "5,50,100")
    before = snapshot(project)

    result = run("add-region", "ap-southeast-2", "--host", host("aws", 2), "--project-dir", project)

    assert result.exit_code == 0, result.output
    assert routes(project, "prod-ap-southeast-2") == {"champion": 95, "challenger": 5, "mirror": 0}
    assert_healthy(project, tmp_path / "regen")
    assert run("remove-region", "ap-southeast-2", "--project-dir", project).exit_code == 0
    assert snapshot(project) == before


# ------------------------------------------------------------------ refusals

REFUSED = [
    (TWO_REGIONS, ("set", "champion=80", "challenger=30"),
     "would add up to 110% (champion 80 + challenger 30), not 100%"),
    (TWO_REGIONS, ("set", "champion=90", "nobody=10"),
     "unknown variant 'nobody'; the endpoint's variants: champion, challenger"),
    (TWO_REGIONS, ("set", "champion=90", "challenger=10", "--endpoint", "nope"),
     "unknown endpoint 'nope'"),
    (TWO_REGIONS, ("set", "champion=90", "challenger=10", "--target", "prod-mars-1"),
     "unknown target 'prod-mars-1'; the project's production targets: prod-us-east-1, prod-eu-west-1"),
    (TWO_REGIONS, ("set", "champion=90", "challenger=10", "--target", "staging"),
     "staging takes the project's split"),
    (TWO_REGIONS, ("set", "champion=110", "challenger=-10"), "110 is more than 100"),
    (TWO_REGIONS, ("set", "champion=105", "challenger=-5"), "105 is more than 100"),
    (TWO_REGIONS, ("set", "champion=95", "challenger=-5"), "'-5' is negative"),
    (TWO_REGIONS, ("set", "champion=89.5", "challenger=10.5"), "'89.5' is not a whole number"),
    (TWO_REGIONS, ("set", "champion=abc"), "'abc' is not a percentage"),
    (TWO_REGIONS, ("set", "champion"), "'champion' is not NAME=PCT"),
    (ONE_VARIANT, ("remove-variant", "champion"), "'champion' is the endpoint's last variant"),
    (TWO_REGIONS, ("remove-variant", "champion"), "'champion' is the first variant, the champion"),
    (TWO_REGIONS, ("remove-variant", "nobody"), "unknown variant 'nobody'"),
    (THREE_VARIANTS, ("remove-variant", "challenger"),
     "say which variant takes the share of 'challenger' with --to (one of champion, canary)"),
    (THREE_VARIANTS, ("remove-variant", "challenger", "--to", "mirror"),
     "'mirror' is a shadow variant, which gets no live traffic"),
    (THREE_VARIANTS, ("add-variant", "fresh", "--traffic", "5"),
     "say which variant gives up the 5% with --from (one of champion, challenger, canary)"),
    (TWO_REGIONS, ("add-variant", "fresh", "--traffic", "20", "--from", "challenger"),
     "'challenger' has 10% of the project; it cannot give 20% to 'fresh'"),
    (TWO_REGIONS, ("add-variant", "challenger"), "variant 'challenger' exists already"),
    (TWO_REGIONS, ("add-variant", "Fresh-1"), "'Fresh-1' cannot be a variant name"),
    (TWO_REGIONS, ("add-variant", "yes"), "'yes' cannot be a variant name"),
    (TWO_REGIONS, ("add-variant", "fresh", "--traffic", "x"), "--traffic: 'x' is not a percentage"),
    (TWO_REGIONS, ("add-variant", "fresh", "--shadow", "--traffic", "5"),
     "a shadow variant gets no live traffic: drop --traffic"),
    (THREE_VARIANTS, ("set", "mirror=5", "champion=65"), "'mirror' is a shadow variant"),
    (TWO_REGIONS, ("ramp", "challenger", "--steps", "5,25,20,100"), "must increase strictly"),
    (TWO_REGIONS, ("ramp", "challenger", "--steps", "5,25,50"), "the last step must be 100"),
    (TWO_REGIONS, ("ramp", "challenger"), "give the ramp's steps with --steps"),
    (TWO_REGIONS, ("ramp", "challenger", "--off"), "'challenger' has no ramp plan"),
    (TWO_REGIONS, ("ramp", "challenger", "--off", "--steps", "5,100"), "give --steps or --off"),
    (TWO_REGIONS, ("ramp", "champion", "--steps", "5,100"),
     "'champion' serves @champion, the champion, already; ramp another variant"),
    (THREE_VARIANTS, ("ramp", "mirror", "--steps", "5,100"), "'mirror' is a shadow variant"),
    (TWO_REGIONS, ("promote", "champion"),
     "'champion' serves @champion, the champion, already; promote another variant"),
    (THREE_VARIANTS, ("promote", "mirror"),
     "'mirror' is a shadow variant, which is never served; promote a live variant"),
    (TWO_REGIONS, ("promote", "nobody"), "unknown variant 'nobody'"),
]


@pytest.mark.parametrize("spec,command,message", REFUSED,
                         ids=[" ".join(c) for _, c, _ in REFUSED])
def test_a_refused_command_exits_2_and_changes_no_byte(project_of, tmp_path, spec, command, message):
    project = project_of(spec, tmp_path)
    before = digest(project)
    result = run("traffic", *command, "--project-dir", project)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert result.output.startswith("error: ") and result.output.count("\n") == 1
    assert digest(project) == before


def test_a_project_without_a_real_time_endpoint_has_no_traffic_to_change(project_of, tmp_path):
    spec = make_spec("gcp", 1, (100,), "gitlab")
    spec["serving"]["architectures"] = ["batch"]
    project = project_of(spec, tmp_path)
    result = run("traffic", "show", "--project-dir", project)
    assert result.exit_code == 2
    assert "this project has no real-time endpoint" in result.output


# ------------------------------------------------------------------ show


def test_show_lists_each_target_with_alias_version_source_share_and_plans(project_of, tmp_path):
    project = project_of(THREE_VARIANTS, tmp_path)
    traffic(project, "ramp", "canary", "--steps", "5,25,50,100")
    traffic(project, "set", "champion=50", "challenger=45", "canary=5", "--target", "uksouth")
    commit(promote(project, "challenger", datetime(2025, 6, 11, 10, 15, tzinfo=timezone.utc)))

    result = traffic(project, "show", "--target", "prod-uksouth")
    assert traffic(project, "show", "-t", "uksouth").output == result.output  # as `set` takes it
    assert result.output == (
        "prod-uksouth: endpoint fraud-scoring (fraud_scoring)  (its own split)\n"
        "  champion    50%  @champion -> ${var.champion_version}\n"
        "  challenger  45%  @challenger -> ${var.challenger_version}\n"
        "  canary       5%  @candidate -> ${var.canary_version}       ramp 25%, 50%, 100%\n"
        "  mirror       0%  @mirror -> ${var.mirror_version}          shadow: scored on recorded "
        "requests, never served\n"
        "ramp: a newer version of canary goes live at its committed share, then 25%, 50%, 100%, "
        "evaluated at each step; promoted at 100%\n"
        "promotion requested: challenger (request challenger:20250611T101500Z; the deployment "
        "workflow carries it out once)\n"
    )
    document = json.loads(traffic(project, "show", "--format", "json").output)
    assert [t["target"] for t in document["targets"]] == [
        "staging", "prod-eastus2", "prod-westeurope", "prod-uksouth"]
    staging = document["targets"][0]["endpoints"][0]
    assert staging["split"] == "project"
    assert staging["variants"][2] == {
        "name": "canary", "alias": "candidate", "entity": "ml_staging.fraud.fraud_model",
        "version": "${var.canary_version}", "traffic": 5, "shadow": False,
        "ramp": [25, 50, 100]}
    assert document["ramp"] == {"variant": "canary", "steps": [25, 50, 100]}
    assert document["promote"] == {"variant": "challenger",
                                   "request": "challenger:20250611T101500Z"}


def test_the_readme_traffic_commands_work_in_the_demo_project(project_of, tmp_path):
    import shlex

    from support import DEFAULT_SPEC, ROOT

    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Traffic"):]
    block = section[section.index("```bash\n") + 8:section.index("```\n", section.index("```bash"))]
    project = project_of(DEFAULT_SPEC, tmp_path)
    commands = [line for line in block.splitlines() if line.startswith("bundlegen traffic")]
    assert len(commands) >= 8
    for line in commands:
        args = shlex.split(line)[1:]
        result = run(*args, "--project-dir", project)
        assert result.exit_code == 0, f"{line}: {result.output}"
    assert_healthy(project, tmp_path / "regen")


# ------------------------------------------------------------------ a region's own split


def test_a_command_that_replaces_a_regions_own_split_names_the_region(project_of, tmp_path):
    project = project_of(TWO_REGIONS, tmp_path)
    traffic(project, "set", "champion=50", "challenger=50", "--target", "eu-west-1")
    before = snapshot(project)

    dry = run("traffic", "ramp", "challenger", "--steps", "5,25,50,100", "--dry-run",
              "--project-dir", project)
    assert dry.exit_code == 0, dry.output
    said = ("eu-west-1 had its own split (champion 50%, challenger 50%); it now follows the "
            "project's (champion 95%, challenger 5%)")
    assert said in dry.stderr and "would: Planned a ramp of challenger" in dry.stderr
    assert said not in dry.stdout and snapshot(project) == before  # stdout: only the diff

    done = traffic(project, "ramp", "challenger", "--steps", "5,25,50,100")
    assert said in done.output
    assert "traffic" not in yaml.safe_load((project / "bundlegen.yml").read_text())["regions"][1]


def test_a_regions_own_split_that_stays_its_own_is_named_with_its_change(project_of, tmp_path):
    project = project_of(TWO_REGIONS, tmp_path)
    traffic(project, "set", "champion=50", "challenger=50", "--target", "eu-west-1")

    done = traffic(project, "add-variant", "canary", "--traffic", "10", "--from", "champion")

    assert ("eu-west-1 keeps a split of its own, changed from champion 50%, challenger 50% to "
            "champion 40%, challenger 50%, canary 10%") in done.output
    assert_healthy(project, tmp_path / "regen")
