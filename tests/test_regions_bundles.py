"""add-region / remove-region / regions on bundles bundlegen did not generate.

A region of such a bundle is one target. add-region copies the text of the reference target
(the production target, else the default target, else the first; or --from) under the name
prod-<region> (or <region> when the reference is not a production target), with the new
host, after the last target, in every file that defines the reference target. remove-region
deletes exactly those lines.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap

import pytest
import yaml
from editsupport import removed_lines, run, snapshot
from support import REAL_BUNDLES, bundle_files, real_bundles, schema_errors

AWS = "https://dbc-1234567890123456.cloud.databricks.com"
AWS_2 = "https://dbc-6543210987654321.cloud.databricks.com"
AZURE = "https://adb-1234567890123456.7.azuredatabricks.net"
AZURE_2 = "https://adb-6543210987654321.3.azuredatabricks.net"

REAL = [p.relative_to(REAL_BUNDLES).as_posix() for p in real_bundles()]

# Bundles with no target at all (no `targets:`, or one holding only comments). The CLI
# deploys them to an implicit target named `default`; add-region writes it out as
# `default: {default: true}` beside the new target, so `bundle deploy` still goes where it
# went, and remove-region takes both out again.
NO_TARGETS = {
    "contrib/databricks_ingestion_monitoring/cdc_connector_monitoring_dab",
    "contrib/databricks_ingestion_monitoring/generic_sdp_monitoring_dab",
    "knowledge_base/job_with_sql_notebook",
    "knowledge_base/share_files_across_bundles/bundle_with_shared_code",
    "knowledge_base/share_files_across_bundles/bundle_with_shared_configuration",
    "knowledge_base/spark_jar_task",
}
ADDED = re.compile(r"Added region (\S+) \(target (\S+?)(?:, copied from (\S+))?\)")


@pytest.fixture
def real(request, tmp_path):
    """A private copy of ../shared/real-bundles (read-only, and never copied into the repo)."""
    assert request.node.get_closest_marker("shared"), "a test of the real bundles is marked shared"
    shutil.copytree(REAL_BUNDLES, tmp_path / "real")
    return tmp_path / "real"


def _region_for(folder):
    texts = " ".join(p.read_text() for p in folder.rglob("*.yml"))
    if "azuredatabricks.net" in texts:
        return ("westeurope", AZURE), ("uksouth", AZURE_2)
    return ("eu-west-1", AWS), ("ap-southeast-2", AWS_2)


def _schema(folder, new=None, source=None):
    found = set()
    for file in bundle_files(folder):
        for message in schema_errors(file):
            message = message.replace(str(folder), "")
            if new and source:
                message = message.replace(f"targets/{new}/", f"targets/{source}/")
            found.add(message)
    return found


@pytest.mark.shared
@pytest.mark.parametrize("bundle", REAL, ids=REAL)
def test_every_real_bundle_takes_a_region_and_gives_it_back_byte_for_byte(real, bundle):
    folder = real / bundle
    (name, url), (second, second_url) = _region_for(folder)
    schema_before = _schema(folder)
    before = snapshot(real)

    result = run("add-region", name, "--host", url, "--project-dir", folder)

    assert result.exit_code == 0, result.output + result.stderr
    _, target, source = ADDED.search(result.stdout).groups()
    added = snapshot(real)
    assert removed_lines(before, added) == []  # comments, order, quoting, anchors: untouched
    hosts = [
        (yaml.safe_load(file.read_text()).get("targets") or {}).get(target, {}).get("workspace", {}).get("host")
        for file in bundle_files(folder)
    ]
    assert url in hosts
    assert _schema(folder, target, source) <= schema_before  # no new schema error

    if bundle in NO_TARGETS:
        targets = yaml.safe_load((folder / "databricks.yml").read_text())["targets"]
        assert list(targets) == ["default", target]
        assert targets["default"] == {"default": True}
        assert "its implicit target is now written out as 'default'" in result.stderr

    result = run("remove-region", name, "--project-dir", folder)
    assert result.exit_code == 0, result.output + result.stderr
    assert snapshot(real) == before


def test_the_copy_keeps_the_text_of_the_reference_target(tmp_path):
    (tmp_path / "databricks.yml").write_text(textwrap.dedent("""\
        bundle:
          name: shop

        targets:
          dev:
            mode: development
            default: true
            workspace:
              host: https://dbc-1111111111111111.cloud.databricks.com

          # Production, deployed by CI.
          prod:
            mode: production
            workspace:
              host: https://dbc-2222222222222222.cloud.databricks.com   # us-east-1
              root_path: "/Workspace/Shared/.bundle/${bundle.name}"
            variables: &prod_vars
              catalog: 'main'
              alerts: [oncall@example.com]
            # permissions are set by the platform team
        # staging comes later
        """))

    result = run("add-region", "eu-west-1", "--host", AWS + "/", "--project-dir", tmp_path)

    assert result.exit_code == 0, result.stderr
    assert "Added region eu-west-1 (target prod-eu-west-1, copied from prod)" in result.stdout
    text = (tmp_path / "databricks.yml").read_text()
    assert text.endswith(textwrap.dedent(f"""\
            # permissions are set by the platform team

          prod-eu-west-1:
            mode: production
            workspace:
              host: {AWS}
              root_path: "/Workspace/Shared/.bundle/${{bundle.name}}"
            variables:
              catalog: 'main'
              alerts: [oncall@example.com]
            # permissions are set by the platform team
        # staging comes later
        """))


@pytest.mark.parametrize("reference,expected", [
    # (the reference target as written, the copy)
    ("  prod:\n    mode: production\n",
     "  prod-eu-west-1:\n    mode: production\n    workspace:\n      host: {host}\n"),
    ("  prod:\n    mode: production\n    workspace:\n      root_path: /x\n",
     "  prod-eu-west-1:\n    mode: production\n    workspace:\n      root_path: /x\n      host: {host}\n"),
    ("  prod:\n    mode: production\n    workspace:\n      host:\n",
     "  prod-eu-west-1:\n    mode: production\n    workspace:\n      host: {host}\n"),
    ("  prod:\n    mode: production\n    workspace:\n",
     "  prod-eu-west-1:\n    mode: production\n    workspace:\n      host: {host}\n"),
    ("  prod:\n    default: true\n    mode: production\n    workspace: {{host: https://dbc-3.cloud.databricks.com}}\n",
     None),
    ("  prod: &p\n    mode: production\n    presets: &presets\n      name_prefix: x\n    variables: {{a: *presets}}\n",
     ("  prod-eu-west-1:\n    mode: production\n    presets:\n      name_prefix: x\n    variables: {{a: *presets}}\n"
      "    workspace:\n      host: {host}\n")),
])
def test_the_host_is_replaced_or_added_and_anchors_are_left_to_the_original(tmp_path, reference, expected):
    original = "bundle:\n  name: b\ntargets:\n  dev:\n    mode: development\n" + reference.format()
    (tmp_path / "databricks.yml").write_text(original)

    result = run("add-region", "eu-west-1", "--host", AWS, "--project-dir", tmp_path)

    if expected is None:
        assert result.exit_code == 2
        assert "cannot edit flow-style mapping workspace of target 'prod' at" in result.stderr
        assert (tmp_path / "databricks.yml").read_text() == original
        return
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "databricks.yml").read_text() == original + expected.format(host=AWS)
    assert run("remove-region", "eu-west-1", "--project-dir", tmp_path).exit_code == 0
    assert (tmp_path / "databricks.yml").read_text() == original


def test_a_file_without_a_final_line_break(tmp_path):
    original = "targets:\n  dev:\n    default: true\n  prod:\n    mode: production"
    (tmp_path / "databricks.yml").write_text(original)

    assert run("add-region", "eu-west-1", "--host", AWS, "--project-dir", tmp_path).exit_code == 0
    assert (tmp_path / "databricks.yml").read_text() == original + (
        f"\n  prod-eu-west-1:\n    mode: production\n    workspace:\n      host: {AWS}"
    )
    assert run("remove-region", "eu-west-1", "--project-dir", tmp_path).exit_code == 0
    assert (tmp_path / "databricks.yml").read_text() == original


NO_TARGET_FILES = {
    "ends with a line break": "bundle:\n  name: a\n",
    "ends with a blank line": "bundle:\n  name: a\n\n",
    "ends without a line break": "bundle:\n  name: a",
    "has CRLF line breaks": "bundle:\r\n  name: a\r\n",
    "ends with a comment": "bundle:\n  name: a\n# the end\n",
    "has an empty targets key": "bundle:\n  name: a\ntargets:\n",
    "has targets with only comments": "bundle:\n  name: a\n\ntargets:\n#  dev:\n#    mode: development\n",
    "has an empty targets key in the middle": "bundle:\n  name: a\ntargets:  # none yet\nresources: {}\n",
}


@pytest.mark.parametrize("text", NO_TARGET_FILES.values(), ids=NO_TARGET_FILES)
def test_a_bundle_without_targets_keeps_deploying_where_it_did(tmp_path, text):
    (tmp_path / "databricks.yml").write_bytes(text.encode())

    added = run("add-region", "eu-west-1", "--host", AWS, "--project-dir", tmp_path)

    assert added.exit_code == 0, added.stderr
    data = yaml.safe_load((tmp_path / "databricks.yml").read_text())
    # The implicit target the CLI deployed to, written out and still the default.
    assert data["targets"] == {"default": {"default": True}, "eu-west-1": {"workspace": {"host": AWS}}}
    assert schema_errors(tmp_path / "databricks.yml") == []
    listed = json.loads(run("regions", "--format", "json", "--project-dir", tmp_path).stdout)
    assert [r["target"] for r in listed["regions"]] == ["eu-west-1"]

    removed = run("remove-region", "eu-west-1", "--project-dir", tmp_path)

    assert removed.exit_code == 0, removed.stderr
    assert (tmp_path / "databricks.yml").read_bytes() == text.encode()


def test_a_written_out_implicit_target_with_settings_of_its_own_stays(tmp_path):
    (tmp_path / "databricks.yml").write_text(
        f"bundle:\n  name: a\ntargets:\n  default:\n    default: true\n    mode: development\n"
        f"  eu-west-1:\n    workspace:\n      host: {AWS}\n"
    )

    assert run("remove-region", "eu-west-1", "--project-dir", tmp_path).exit_code == 0

    assert yaml.safe_load((tmp_path / "databricks.yml").read_text())["targets"] == {
        "default": {"default": True, "mode": "development"}
    }


@pytest.mark.shared
def test_a_target_spread_over_included_files_is_copied_in_each(real):
    folder = real / "knowledge_base" / "target_includes"
    result = run("add-region", "eu-west-1", "--host", AWS, "--project-dir", folder, "--from", "staging")
    assert result.exit_code == 0, result.stderr
    assert set(re.findall(r"edited\s+(\S+)", result.stdout)) == {
        "databricks.yml", "resources/set1/job_1.yml", "resources/set1/job_2.yml",
        "resources/set2/job_1.yml", "resources/set2/job_2.yml",
    }
    staging = yaml.safe_load((folder / "resources/set1/job_1.yml").read_text())["targets"]
    assert staging["eu-west-1"] == staging["staging"]
    root = yaml.safe_load((folder / "databricks.yml").read_text())["targets"]
    assert root["eu-west-1"] == {**root["staging"], "workspace": {"host": AWS}}


# Targets the CLI loads that are written other than as block mappings: empty (`dev:`, `dev: null`,
# `dev: ~`) or in flow style (`targets: {...}`, or a target `{...}`). Flow style stays flow
# style: the copy goes in as `, name: {...}`, and remove-region takes exactly that out again.
ODD_TARGETS = {
    "flow-style targets": (
        f"bundle: {{name: b}}\ntargets: {{dev: {{mode: development, default: true}}, "
        f"prod: {{mode: production, workspace: {{host: {AWS}}}}}}}\n",
        "prod-eu-west-1", {"mode": "production", "workspace": {"host": AWS_2}}),
    "flow-style targets over lines": (
        f"targets: {{\n  dev: {{default: true}},\n  prod: {{mode: production, workspace: {{host: {AWS}}}}},\n}}\n",
        "prod-eu-west-1", {"mode": "production", "workspace": {"host": AWS_2}}),
    "a flow-style default target": (
        f"targets: {{dev: {{mode: development, default: true, workspace: {{host: {AWS}}}}}}}\n",
        "eu-west-1", {"mode": "development", "workspace": {"host": AWS_2}}),
    "flow-style targets in a block": (
        f"workspace: {{host: {AWS}}}\ntargets:\n  dev: {{default: true}}\n  prod: {{mode: production}}\n",
        "prod-eu-west-1", {"mode": "production", "workspace": {"host": AWS_2}}),
    "a host added to a flow-style workspace": (
        f"workspace: {{host: {AWS}}}\ntargets:\n  prod: {{mode: production, workspace: {{root_path: /x}}}}\n",
        "prod-eu-west-1", {"mode": "production", "workspace": {"root_path": "/x", "host": AWS_2}}),
    "dev: null": (
        f"workspace:\n  host: {AWS}\ntargets:\n  dev: null  # nothing else\n",
        "eu-west-1", {"workspace": {"host": AWS_2}}),
    "dev: ~ and an empty target": (
        f"workspace:\n  host: {AWS}\ntargets:\n  dev: ~\n  qa:\n",
        "eu-west-1", {"workspace": {"host": AWS_2}}),
    "{dev: null}": (
        f"workspace: {{host: {AWS}}}\ntargets: {{dev: null}}\n",
        "eu-west-1", {"workspace": {"host": AWS_2}}),
    "{dev: }": (
        f"workspace: {{host: {AWS}}}\ntargets: {{dev: }}\n",
        "eu-west-1", {"workspace": {"host": AWS_2}}),
    "{dev}": (
        f"workspace: {{host: {AWS}}}\ntargets: {{dev}}\n",
        "eu-west-1", {"workspace": {"host": AWS_2}}),
}


@pytest.mark.parametrize("text,new,expected", ODD_TARGETS.values(), ids=list(ODD_TARGETS))
def test_empty_and_flow_style_targets_take_a_region_and_give_it_back(tmp_path, text, new, expected):
    (tmp_path / "databricks.yml").write_text(text)

    added = run("add-region", "eu-west-1", "--host", AWS_2, "--project-dir", tmp_path)
    after = yaml.safe_load((tmp_path / "databricks.yml").read_text())
    removed = run("remove-region", "eu-west-1", "--project-dir", tmp_path)

    assert added.exit_code == 0, added.stderr
    assert after["targets"][new] == expected
    assert {k: v for k, v in after["targets"].items() if k != new} == yaml.safe_load(text)["targets"]
    assert removed.exit_code == 0, removed.stderr
    assert (tmp_path / "databricks.yml").read_text() == text


def test_target_name_and_from(tmp_path):
    (tmp_path / "databricks.yml").write_text(
        "targets:\n  dev:\n    default: true\n  prod:\n    mode: production\n"
        f"    workspace:\n      host: {AZURE}\n"
    )
    result = run("add-region", "westeurope", "--host", AZURE_2, "--project-dir", tmp_path,
                 "--from", "dev", "--target-name", "weu")
    assert result.exit_code == 0, result.stderr
    assert yaml.safe_load((tmp_path / "databricks.yml").read_text())["targets"]["weu"] == {
        "workspace": {"host": AZURE_2}
    }
    # Its workspace is taken now: adding the region again, whatever its name, is refused.
    again = run("add-region", "northeurope", "--host", AZURE_2, "--project-dir", tmp_path)
    assert again.exit_code == 2
    assert f"{AZURE_2} is already the workspace of target 'weu' at" in again.stderr
    result = run("remove-region", "westeurope", "--target-name", "weu", "--project-dir", tmp_path)
    assert result.exit_code == 0, result.stderr


GENERIC = textwrap.dedent(f"""\
    bundle:
      name: shop
    include:
      - resources/*.yml
    targets:
      dev:
        mode: development
        default: true
      prod:
        mode: production
        workspace:
          host: {AWS}
    """)

ERRORS = [
    # (what, extra files, arguments, the message)
    ("the region exists",
     {"databricks.yml": GENERIC + f"  prod-eu-west-1:\n    workspace:\n      host: {AWS_2}\n"},
     ["add-region", "eu-west-1", "--host", AWS_2],
     "region 'eu-west-1' already exists: target 'prod-eu-west-1' at"),
    ("an invalid region name", {},
     ["add-region", "westeurope", "--host", AWS_2],
     "'westeurope' is not an AWS region name (like us-east-1)"),
    ("a host that is not https", {},
     ["add-region", "eu-west-1", "--host", "http://dbc-1.cloud.databricks.com"],
     "--host: 'http://dbc-1.cloud.databricks.com' must be the workspace URL"),
    ("a host of another cloud", {},
     ["add-region", "westeurope", "--host", AZURE],
     f"--host: {AZURE} is an Azure workspace, but this bundle's workspaces are on AWS"),
    ("a host of no known cloud", {},
     ["add-region", "eu-west-1", "--host", "https://company.databricks.com"],
     "--host: https://company.databricks.com is not a Databricks workspace of AWS, Azure or GCP"),
    ("--from an unknown target", {},
     ["add-region", "eu-west-1", "--host", AWS_2, "--from", "qa"],
     "--from: unknown target 'qa'; the bundle's targets: dev, prod"),
    ("--metastore-id", {},
     ["add-region", "eu-west-1", "--host", AWS_2, "--metastore-id", "aws:eu-west-1:x"],
     "--metastore-id: only a bundlegen project"),
    ("an included file that does not parse",
     {"resources/job.yml": "resources:\n  jobs:\n    a: {name: [x}\n"},
     ["add-region", "eu-west-1", "--host", AWS_2],
     "resources/job.yml:3:"),
    ("an unknown region", {},
     ["remove-region", "eu-west-1"],
     "unknown region 'eu-west-1': no target 'prod-eu-west-1' or 'eu-west-1'; the bundle's targets: dev, prod"),
    ("the primary target", {},
     ["remove-region", "prod"],
     "'prod' is the bundle's primary target"),
    ("the last target",
     {"databricks.yml": f"targets:\n  prod:\n    workspace:\n      host: {AWS}\n"},
     ["remove-region", "prod"],
     "'prod' is the bundle's last target"),
    ("an ambiguous region",
     {"databricks.yml": GENERIC + "  eu-west-1: {}\n  prod-eu-west-1: {}\n"},
     ["remove-region", "eu-west-1"],
     "region 'eu-west-1' is ambiguous: targets 'prod-eu-west-1' and 'eu-west-1' both exist; say which with --target-name"),
]


@pytest.mark.parametrize("what,files,args,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_refusals_exit_2_with_one_line_and_change_nothing(tmp_path, what, files, args, message):
    (tmp_path / "resources").mkdir()
    (tmp_path / "databricks.yml").write_text(GENERIC)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    before = snapshot(tmp_path)

    result = run(*args, "--project-dir", tmp_path)

    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert snapshot(tmp_path) == before


@pytest.mark.shared
def test_regions_of_a_bundle(real):
    result = run("regions", "--project-dir", real / "mlops_stacks" / "mlops_stacks")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "REGION   TARGET   ROLE     MODE  HOST                                     ENDPOINT",
        "staging  staging  replica  -     https://adb-xxxx.xx.azuredatabricks.net  -",
        "prod     prod     replica  -     https://adb-xxxx.xx.azuredatabricks.net  -",
        "test     test     replica  -     https://adb-xxxx.xx.azuredatabricks.net  -",
        "targets without a workspace host: dev (primary)",
    ]

    result = run("regions", "--project-dir", real / "default_python", "--format", "json")
    listing = json.loads(result.stdout)
    assert listing["kind"] == "bundle"
    assert listing["primary"] == "prod"
    assert [(r["target"], r["role"], r["mode"]) for r in listing["regions"]] == [
        ("dev", "replica", "development"),
        ("prod", "primary", "production"),
    ]

    result = run("regions", "--project-dir", real / "knowledge_base" / "alerts")
    assert result.stdout == "no target names a workspace host\ntargets without a workspace host: dev (primary)\n"


def test_regions_shows_the_endpoints_a_target_serves(tmp_path):
    (tmp_path / "databricks.yml").write_text(textwrap.dedent(f"""\
        resources:
          model_serving_endpoints:
            scoring: {{name: scoring}}
        targets:
          prod:
            mode: production
            workspace: {{host: {AWS}}}
            resources:
              model_serving_endpoints:
                scoring: {{name: scoring-prod}}
                shadow: {{name: shadow}}
        """))
    listing = json.loads(run("regions", "--format", "json", "--project-dir", tmp_path).stdout)
    assert listing["regions"][0]["endpoints"] == ["scoring-prod", "shadow"]


def test_regions_reads_the_files_the_cli_includes_and_no_others(tmp_path):
    """Go's filepath.Glob, as the CLI resolves include: `**` is one folder level, like `*`."""
    (tmp_path / "databricks.yml").write_text(
        f"bundle: {{name: b}}\ninclude: [resources/**/*.yml]\n"
        f"targets:\n  prod:\n    mode: production\n    workspace: {{host: {AWS}}}\n")
    (tmp_path / "resources" / "one").mkdir(parents=True)
    (tmp_path / "resources" / "one" / "two").mkdir()
    (tmp_path / "resources" / "one" / "near.yml").write_text(
        f"targets:\n  near:\n    workspace: {{host: {AWS_2}}}\n")
    (tmp_path / "resources" / "one" / "two" / "deep.yml").write_text(
        "targets:\n  deep:\n    workspace: {host: https://dbc-1111111111111111.cloud.databricks.com}\n")

    listing = json.loads(run("regions", "--format", "json", "--project-dir", tmp_path).stdout)
    lint = run("lint", "--format", "json", tmp_path)

    assert [r["target"] for r in listing["regions"]] == ["prod", "near"]
    assert "deep" not in lint.stdout


def test_a_literal_include_that_matches_nothing_is_bad_input(tmp_path):
    (tmp_path / "databricks.yml").write_text(
        f"include:\n  - resources/missing.yml\ntargets:\n  prod:\n    workspace: {{host: {AWS}}}\n")

    result = run("regions", "--project-dir", tmp_path)

    assert result.exit_code == 2
    assert result.stderr.strip().endswith(
        "databricks.yml:2:5: resources/missing.yml in the include section does not match any file")


def test_regions_merges_routes_as_the_cli_does(tmp_path):
    """Routes of the top level and of a target are both deployed: the CLI appends lists."""
    (tmp_path / "databricks.yml").write_text(textwrap.dedent(f"""\
        resources:
          model_serving_endpoints:
            scoring:
              name: scoring
              config:
                traffic_config:
                  routes: [{{served_entity_name: a, traffic_percentage: 90}}]
        targets:
          prod:
            mode: production
            workspace: {{host: {AWS}}}
            resources:
              model_serving_endpoints:
                scoring:
                  config:
                    traffic_config:
                      routes: [{{served_entity_name: b, traffic_percentage: 10}}]
          dev:
            workspace: {{host: {AWS_2}}}
            resources: null
        """))
    listing = json.loads(run("regions", "--format", "json", "--project-dir", tmp_path).stdout)
    assert {r["target"]: r["traffic"] for r in listing["regions"]} == {
        "prod": {"scoring": {"a": 90, "b": 10}},
        "dev": {"scoring": {"a": 90}},
    }


def many_targets(n: int) -> str:
    """A bundle with n production targets, each with comments, variables and an endpoint."""
    regions = [f"{area}-{side}-{i}" for area in ("us", "eu", "ap", "sa", "ca", "me")
               for side in ("east", "west", "north", "south", "central") for i in range(1, 10)]
    parts = ["bundle:\n  name: many\n\ntargets:\n"]
    for i, region in enumerate(regions[:n]):
        parts.append(
            f"  # {region}: serving replica {i}.\n"
            f"  prod-{region}:\n"
            "    mode: production\n"
            "    workspace:\n"
            f"      host: https://dbc-{1000000000000000 + i}.cloud.databricks.com\n"
            "    variables:\n"
            f"      region: {region}   # the catalog lives here\n"
            f'      catalog: "ml_{i}"\n'
            "    resources:\n"
            "      model_serving_endpoints:\n"
            "        scoring:\n"
            f"          name: scoring-{region}\n"
            "          config:\n"
            "            served_entities:\n"
            "              - entity_name: ml.fraud.model\n"
            '                entity_version: "1"\n'
            "                workload_size: Small\n"
            "                scale_to_zero_enabled: false\n"
            "\n"
        )
    return "".join(parts)


def test_a_bundle_with_fifty_targets(tmp_path):
    (tmp_path / "databricks.yml").write_text(many_targets(50))
    before = snapshot(tmp_path)
    result = run("add-region", "eu-west-3", "--host", AWS, "--project-dir", tmp_path)
    assert result.exit_code == 0, result.stderr
    targets = yaml.safe_load((tmp_path / "databricks.yml").read_text())["targets"]
    assert len(targets) == 51 and targets["prod-eu-west-3"]["workspace"]["host"] == AWS
    assert run("remove-region", "eu-west-3", "--project-dir", tmp_path).exit_code == 0
    assert snapshot(tmp_path) == before
