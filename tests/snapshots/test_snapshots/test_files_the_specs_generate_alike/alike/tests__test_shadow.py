"""shadow-score: a shadow variant answers recorded requests next to the champion, and the
comparison is recorded; it never gets live traffic."""

from __future__ import annotations

import pytest

from fakes import default_answer

RECORDS = "/Volumes/ml/fraud/deployments"
TABLE = "ml.fraud.scoring_payload"
SPLIT = {"champion": 90, "challenger": 10, "candidate": 0}
# What the endpoint recorded: 20 requests, amounts 50 to 1000.
RECORDED = [{"dataframe_records": [{"amount": 50.0 * i, "hour": 12}]} for i in range(1, 21)]


def shadow_score(cli, shadow: str = "candidate", *extra: str):
    return cli("shadow-score", "--shadow", shadow, "--endpoint", "scoring",
               "--aliases", "champion,challenger", "--inference-table", TABLE,
               "--records", RECORDS, "--run-id", "7", *extra)


def records(w) -> list[dict]:
    return [w.files.json(p) for p in sorted(w.files.files) if "_shadow_" in p]


def candidate_answer(version: str, request: dict) -> list:
    """Version 6, the candidate, flags from 300 on; the others from 500 on."""
    if version != "6":
        return default_answer(version, request)
    return [1 if r["amount"] > 300 else 0 for r in request["dataframe_records"]]


@pytest.fixture
def endpoint(w, ctx):
    w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "4", "candidate": "6"},
                            SPLIT)
    w.serving_endpoints.answer = candidate_answer
    w.serving_endpoints.latency_ms["6"] = 120
    asked = []

    def recorded(workspace, table, limit):
        asked.append((table, limit))
        return RECORDED[:limit]

    ctx.recorded_requests = recorded
    return asked


def test_the_comparison_with_the_champion_is_recorded(w, cli, endpoint):
    code, out, err = shadow_score(cli)
    assert (code, err) == (0, "")
    assert endpoint == [(TABLE, 100)]
    (record,) = records(w)
    assert (record["variant"], record["champion"]) == ("candidate", "champion")
    assert record["versions"] == {"champion": "3", "candidate": "6"}
    assert (record["requests"], record["compared"]) == (20, 20)
    assert record["agreement"] == 0.8  # amounts 350 to 500 are flagged by the candidate only
    assert record["disagreements"][0]["champion"] == [0]
    assert record["shadow_latency"]["p95_ms"] == 120.0
    assert record["champion_latency"]["p95_ms"] == 50.0
    assert "80.0% same answers" in out


def test_the_shadow_never_gets_traffic(w, cli, endpoint):
    shadow_score(cli)
    assert w.serving_endpoints.endpoints["scoring"].routes == SPLIT
    assert not [c for c in w.calls if c[0] in ("serving_endpoints.update_config",
                                               "serving_endpoints.query")]
    asked = {c[2] for c in w.calls if c[0] == "api_client.do"}
    assert asked == {"/serving-endpoints/scoring/served-models/champion/invocations",
                     "/serving-endpoints/scoring/served-models/candidate/invocations"}


def test_a_shadow_variant_with_live_traffic_fails_before_any_request(w, cli, endpoint):
    w.serving_endpoints.endpoints["scoring"].routes = {"champion": 85, "challenger": 10,
                                                       "candidate": 5}
    code, _, err = shadow_score(cli)
    assert code == 1
    assert "a shadow variant must have no live traffic, but scoring routes candidate 5%" in err
    assert not [c for c in w.calls if c[0] == "api_client.do"]


def test_before_the_endpoint_has_recorded_requests_there_is_nothing_to_compare(w, ctx, cli,
                                                                               endpoint):
    ctx.recorded_requests = lambda workspace, table, limit: []
    code, out, _ = shadow_score(cli)
    assert code == 0 and "no recorded requests" in out
    (record,) = records(w)
    assert record["outcome"] == "no-requests"


def test_without_shadow_variants_it_does_nothing(w, cli):
    code, out, _ = shadow_score(cli, "")
    assert code == 0 and "no shadow variants" in out
    assert w.calls == []
