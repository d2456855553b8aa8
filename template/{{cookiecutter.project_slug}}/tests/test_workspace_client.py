{%- set p = project() -%}
{%- if p.realtime -%}
"""The tests talk to the real databricks-sdk WorkspaceClient; only HTTP is faked (fakes.py).

These tests hold the fake to the REST API: bodies the SDK's dataclasses do not read back are
refused, older answer shapes still read, and every input format of a scoring request goes the
same way through evaluation and shadow scoring.
"""

from __future__ import annotations

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import BadRequest, ResourceConflict

from {{ p.slug }}.deploy.endpoint import served_names, snapshot
from {{ p.slug }}.deploy.evaluate import EdgeCase, Report, run_edge_cases
from {{ p.slug }}.deploy.shadow import invoke

MODEL = "ml.fraud.fraud_model"
SPLIT = {"champion": 90, "challenger": 10}
RECORD = {"amount": 900.0, "hour": 3}


def test_the_code_gets_the_real_sdk_client(ctx, w):
    client = ctx.workspace()
    assert type(client) is WorkspaceClient
    w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "4"}, SPLIT)
    client.serving_endpoints.get("scoring")
    assert ("GET", "/api/2.0/serving-endpoints/scoring") in w.requests


def test_a_field_the_api_does_not_know_is_refused(ctx, w):
    """The fake refuses what the real API refuses: a body the SDK's dataclass cannot read."""
    w.serving_endpoints.add("scoring", {"champion": "3"}, {"champion": 100})
    client = ctx.workspace()
    with pytest.raises(BadRequest, match="does not read back the same"):  # scale_to_zero
        client.api_client.do("PUT", "/api/2.0/serving-endpoints/scoring/config", body={
            "served_entities": [{"name": "champion", "entity_name": MODEL, "entity_version": "3",
                                 "workload_size": "Small", "scale_to_zero": True}],
            "traffic_config": {"routes": [{"served_entity_name": "champion",
                                           "traffic_percentage": 100}]}})


def test_a_second_update_while_one_is_in_progress_is_a_conflict(ctx, w):
    from databricks.sdk.service.serving import ServedEntityInput, TrafficConfig

    endpoint = w.serving_endpoints.add("scoring", {"champion": "3"}, {"champion": 100})
    client = ctx.workspace()
    config = snapshot(client.serving_endpoints.get("scoring"))
    send = dict(name="scoring",
                served_entities=[ServedEntityInput.from_dict(e) for e in config["served_entities"]],
                traffic_config=TrafficConfig.from_dict(config["traffic_config"]))
    client.serving_endpoints.update_config(**send)
    assert endpoint.config_update == "IN_PROGRESS"
    with pytest.raises(ResourceConflict):
        client.serving_endpoints.update_config(**send)


def test_routes_of_the_older_shape_name_their_entity_in_served_model_name(ctx, w):
    endpoint = w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "4"}, SPLIT)
    endpoint.legacy_routes = True
    detailed = ctx.workspace().serving_endpoints.get("scoring")
    assert detailed.config.traffic_config.routes[0].served_entity_name is None
    assert snapshot(detailed)["traffic_config"]["routes"] == [
        {"served_entity_name": "champion", "traffic_percentage": 90},
        {"served_entity_name": "challenger", "traffic_percentage": 10}]
    assert served_names(detailed) == ["champion", "challenger"]


REQUESTS = {
    "dataframe_records": {"dataframe_records": [RECORD]},
    "dataframe_split": {"dataframe_split": {"columns": ["amount", "hour"], "data": [[900.0, 3]]}},
    "instances": {"instances": [RECORD]},
    "inputs with params": {"inputs": [RECORD], "params": {"threshold": 0.5}},
}


@pytest.mark.parametrize("request_body", REQUESTS.values(), ids=REQUESTS.keys())
def test_every_input_format_scores_the_same_in_evaluation_and_shadow_scoring(ctx, w, request_body):
    w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "4"}, SPLIT)
    client = ctx.workspace()
    report = Report()
    case = EdgeCase("case", request_body, "ok", (0, 1))
    run_edge_cases(invoke(client, "scoring"), [case], report)
    assert report.passed, report.reasons
    assert invoke(client, "scoring")(request_body) == [1]
    assert invoke(client, "scoring", "challenger")(request_body) == [1]
    assert w.requests[-3:] == [("POST", "/serving-endpoints/scoring/invocations")] * 2 + [
        ("POST", "/serving-endpoints/scoring/served-models/challenger/invocations")]


def test_a_malformed_request_is_a_client_error_on_every_path(ctx, w):
    w.serving_endpoints.add("scoring", {"champion": "3"}, {"champion": 100})
    client = ctx.workspace()
    for query in (invoke(client, "scoring"), invoke(client, "scoring", "champion")):
        with pytest.raises(BadRequest):
            query({"records": [RECORD]})
{% endif -%}
