"""The picture of a deployment: `bundlegen regions --format mermaid` and the generated README.

One box per region (primary first), the model there, the Delta Share from the primary region
to each replica, each endpoint with its traffic split per variant, the scoring jobs. The
README of a generated project embeds the same diagram, rendered by the template from the
same function, so for an unedited project the two are the same text; a region is whole lines
of its own, so add-region and remove-region keep the README's diagram in step.
"""

from __future__ import annotations

import re
import textwrap

import pytest
from editsupport import run
from mermaid_syntax import MermaidError, parse
from support import DEFAULT_SPEC, host, make_spec, real_bundles

import bundlegen_model as model
from bundlegen.project.template import build_answers

SPECS = {
    "default": DEFAULT_SPEC,
    "aws-1-region": make_spec("aws", 1, (100,)),
    "azure-3-regions-3-variants": make_spec("azure", 3, (70, 20, 10), "azure-devops"),
    "gcp-2-regions-batch-async": make_spec(
        "gcp", 2, (100,), "gitlab",
        serving={"endpoint_name": "churn-scoring", "variants": [{"name": "champion", "traffic": 100}],
                 "architectures": ["batch", "async"]},
    ),
}


def readme_diagram(project) -> str:
    text = (project / "README.md").read_text()
    found = re.search(r"^```mermaid\n(.*?\n)```$", text, re.MULTILINE | re.DOTALL)
    assert found, "the README has no ```mermaid block"
    return found[1]


def diagram(project) -> str:
    result = run("regions", "--format", "mermaid", "--project-dir", project)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_default_project_shows_regions_share_endpoints_and_split(project_of, tmp_path):
    graph = parse(diagram(project_of(DEFAULT_SPEC, tmp_path)))

    assert graph.direction == "LR"
    assert [label for label, _ in graph.subgraphs.values()] == [
        "us-east-1 (primary, prod-us-east-1)",
        "eu-west-1 (replica, prod-eu-west-1)",
    ]
    primary, replica = graph.subgraphs
    models = {box: next(n for n in nodes if graph.nodes[n][0] == "[()]")
              for box, (_, nodes) in graph.subgraphs.items()}
    assert graph.label(models[primary]) == "ml.fraud.fraud_model"
    assert graph.label(models[replica]) == "ml_shared.fraud.fraud_model"
    # Trained in the primary region only; shared from there to the replica.
    trained = [e for e in graph.edges if e[3] in models.values() and graph.label(e[0]) == "training job"]
    assert [e[3] for e in trained] == [models[primary]]
    assert [e for e in graph.edges if e[1] == "-.->"] == [
        (models[primary], "-.->", "Delta Sharing: fraud_detection_models", models[replica]),
    ]
    for _, nodes in graph.subgraphs.values():
        endpoints = [n for n in nodes if graph.nodes[n][0] == "{{}}"]
        assert [graph.label(n) for n in endpoints] == ["endpoint fraud-scoring"]
        split = [(graph.label(e[3]), e[2]) for e in graph.edges_from(endpoints[0])]
        assert split == [("champion", "90%"), ("challenger", "10%")]
        jobs = [graph.label(n) for n in nodes if graph.nodes[n][0] == "[[]]"]
        assert "batch scoring job" in jobs


def test_each_replica_gets_the_share_from_the_primary(project_of, tmp_path):
    graph = parse(diagram(project_of(SPECS["azure-3-regions-3-variants"], tmp_path)))
    shares = [(graph.label(a), graph.label(b)) for a, kind, _, b in graph.edges if kind == "-.->"]
    assert shares == [("ml.fraud.fraud_model", "ml_shared.fraud.fraud_model")] * 2
    assert len(graph.subgraphs) == 3
    ends = [e for e in graph.edges if graph.label(e[0]) == "endpoint fraud-scoring"]
    assert [e[2] for e in ends] == ["70%", "20%", "10%"] * 3


def test_a_project_without_real_time_serving_shows_its_scoring_jobs(project_of, tmp_path):
    graph = parse(diagram(project_of(SPECS["gcp-2-regions-batch-async"], tmp_path)))
    assert not [n for n, (shape, _) in graph.nodes.items() if shape == "{{}}"]
    for _, nodes in graph.subgraphs.values():
        jobs = [graph.label(n) for n in nodes if graph.nodes[n][0] == "[[]]" and "scoring" in graph.label(n)]
        assert jobs == ["batch scoring job", "async scoring job"]


@pytest.mark.parametrize("key", sorted(SPECS))
def test_the_readme_embeds_exactly_what_regions_draws(project_of, tmp_path, key):
    project = project_of(SPECS[key], tmp_path)
    assert readme_diagram(project) == diagram(project)
    parse(readme_diagram(project))


@pytest.mark.parametrize("key", sorted(SPECS))
def test_one_more_region_only_appends_lines(key):
    spec = SPECS[key]
    bigger = {**spec, "regions": [*spec["regions"], {"name": "ap-southeast-2", "host": host("aws", 9)}]}
    if spec["cloud"] != "aws":
        region = {"azure": "japaneast", "gcp": "asia-northeast1"}[spec["cloud"]]
        bigger["regions"][-1] = {"name": region, "host": host(spec["cloud"], 9)}
    small = model.Project(build_answers(spec)).diagram.splitlines()
    big = model.Project(build_answers(bigger)).diagram.splitlines()
    assert big[: len(small)] == small


def test_add_and_remove_region_keep_the_readme_diagram_in_step(project_of, tmp_path):
    project = project_of(DEFAULT_SPEC, tmp_path)
    before = readme_diagram(project)
    added = run("add-region", "ap-southeast-2", "--host", host("aws", 2), "--project-dir", project)
    assert added.exit_code == 0, added.output
    assert readme_diagram(project) == diagram(project)
    assert "ap-southeast-2 (replica, prod-ap-southeast-2)" in readme_diagram(project)
    assert run("remove-region", "ap-southeast-2", "--project-dir", project).exit_code == 0
    assert readme_diagram(project) == before


def test_the_split_is_read_from_the_serving_bundle(project_of, tmp_path):
    """After a change of the split in serving/databricks.yml, regions draws what is there."""
    project = project_of(DEFAULT_SPEC, tmp_path)
    serving = project / "serving" / "databricks.yml"
    text = serving.read_text()
    at = text.index("  prod-eu-west-1:")
    tail = text[at:].replace("traffic_percentage: 90", "traffic_percentage: 75", 1)
    serving.write_text(text[:at] + tail.replace("traffic_percentage: 10", "traffic_percentage: 25", 1))

    graph = parse(diagram(project))
    split = [(e[2], graph.label(e[3])) for e in graph.edges if e[2].endswith("%")]
    assert split == [("90%", "champion"), ("10%", "challenger"), ("75%", "champion"), ("25%", "challenger")]


def test_another_bundle_shows_its_targets_hosts_and_endpoints(tmp_path):
    aws = "https://dbc-1111111111111111.cloud.databricks.com"
    (tmp_path / "databricks.yml").write_text(textwrap.dedent(f"""\
        bundle: {{name: scoring}}
        resources:
          model_serving_endpoints:
            scoring:
              name: scoring
              config:
                traffic_config:
                  routes:
                    - {{served_entity_name: current, traffic_percentage: 100}}
        targets:
          dev:
            mode: development
            default: true
            workspace: {{host: {aws}}}
          prod:
            mode: production
            workspace: {{host: {aws.replace("1111", "2222")}}}
            resources:
              model_serving_endpoints:
                scoring:
                  config:
                    traffic_config:
                      routes:
                        - {{served_entity_name: current, traffic_percentage: "${{var.current}}"}}
                        - {{served_entity_name: next, traffic_percentage: 5}}
        """))
    graph = parse(diagram(tmp_path))
    assert [label for label, _ in graph.subgraphs.values()] == [
        "dev (replica, dev)", "prod (primary, prod)",
    ]
    hosts = [graph.label(n) for n, (shape, _) in graph.nodes.items() if shape == "[]" and "." in graph.label(n)]
    assert hosts == ["dbc-1111111111111111.cloud.databricks.com", "dbc-2222222222222222.cloud.databricks.com"]
    routes = [(e[2], graph.label(e[3])) for e in graph.edges]
    assert routes == [("100%", "current"), ("${var.current}%", "current"), ("5%", "next")]
    assert not [e for e in graph.edges if e[1] == "-.->"]  # no share: bundlegen knows of none


@pytest.mark.shared
def test_every_real_bundle_gets_a_diagram_mermaid_reads():
    drawn = 0
    for bundle in real_bundles():
        result = run("regions", "--format", "mermaid", "--project-dir", bundle)
        assert result.exit_code == 0, f"{bundle}: {result.output}"
        parse(result.stdout)
        drawn += 1
    assert drawn > 20


def test_labels_and_ids_are_escaped():
    e = model
    region = e.DiagramRegion(
        name='eu "west" <1>', role="replica", target="prod-x#1;",
        endpoints=(e.Endpoint("a-b", (("v-1", 50), ("v_1", 50))),),
    )
    graph = parse(e.mermaid([region]) + "\n")
    (box, (label, nodes)), = graph.subgraphs.items()
    assert label == "eu 'west' \u20391\u203a (replica, prod-x\uff031;)"  # '#1;' would be an entity code
    assert box == "r_eu_west_1"
    assert [graph.label(n) for n in nodes] == ["endpoint a-b", "v-1", "v_1"]
    assert len(set(nodes)) == 3  # v-1 and v_1 read alike as ids: the second gets a suffix


@pytest.mark.parametrize("text, message", [
    ('flowchart LR\n  a["x"] --> b\n', "'b' has no shape"),
    ('flowchart LR\n  end["x"]\n', "keyword"),
    ('flowchart LR\n  subgraph s["t"]\n  a["x"]\n', "not closed"),
    ('flowchart LR\n  a["x"] -->b["y"]\n', "no link"),
    ('flowchart LR\n  a["x#quot;y"]\n', "an entity code"),
    ('flowchart LR\n  a[x]\n', "no link"),
    ('graph LR\n  a["x"]\n', "line 1"),
    ('flowchart LR\n  a["x"]\n  a["y"]\n', "shape twice"),
])
def test_the_syntax_reader_refuses_what_mermaid_might_read_otherwise(text, message):
    with pytest.raises(MermaidError, match=re.escape(message)):
        parse(text)


def test_names_that_read_alike_as_ids_get_ids_of_their_own():
    e = model
    regions = [e.DiagramRegion(name="prod", role="primary", target="prod", host="a.example.com"),
               e.DiagramRegion(name="prod-host", role="replica", target="prod-host", host="b.example.com")]
    graph = parse(e.mermaid(regions) + "\n")
    assert [len(nodes) for _, nodes in graph.subgraphs.values()] == [1, 1]
    # Appending the second region changed no line of the first.
    assert e.mermaid(regions).startswith(e.mermaid(regions[:1]) + "\n")
