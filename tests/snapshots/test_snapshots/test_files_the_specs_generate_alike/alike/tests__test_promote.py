"""promote: a promotion request moves @champion to the variant's version, once; the split stays."""

from __future__ import annotations

import pytest

MODEL = "ml.fraud.fraud_model"
RECORDS = "/Volumes/ml/fraud/deployments"
COMMON = ["--endpoint", "scoring", "--model", MODEL, "--records", RECORDS]
EVALUATION = ["--aliases", "champion,challenger", "--region", "region-1",
              "--latency-budget-ms", "500", "--requests", "10", "--concurrency", "1"]
REQUEST = "challenger:20250611T101500Z"
SPLIT = {"champion": 90, "challenger": 10}


def promote(cli, run_id: str, request: str = REQUEST, role: str = "primary"):
    return cli("promote", "--request", request, *COMMON, *EVALUATION, "--role", role,
               "--run-id", run_id)


def serving(w) -> dict[str, str]:
    endpoint = w.serving_endpoints.endpoints["scoring"]
    return {e["name"]: e["entity_version"] for e in endpoint.entities}


def records(w, event: str) -> list[dict]:
    return [w.files.json(p) for p in sorted(w.files.files) if f"_{event}_" in p]


@pytest.fixture
def live(w):
    """Champion v3 and challenger v4 at 90/10, as the last deploy left them."""
    w.models.set_alias(MODEL, "champion", 3)
    w.models.set_alias(MODEL, "challenger", 4)
    w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "4"}, SPLIT)


def test_a_request_moves_the_champion_alias_keeps_the_old_one_and_keeps_the_split(w, cli, live):
    code, out, err = promote(cli, "2")
    assert (code, err) == (0, "")
    assert w.models.aliases[(MODEL, "champion")] == 4
    assert w.models.aliases[(MODEL, "previous_champion")] == 3
    assert serving(w) == {"champion": "4", "challenger": "4"}
    assert w.serving_endpoints.endpoints["scoring"].routes == SPLIT
    (record,) = records(w, "promotion")
    assert (record["request"], record["outcome"]) == (REQUEST, "promoted")
    (evaluation,) = records(w, "evaluation")
    assert evaluation["promotion"] == REQUEST and evaluation["outcome"] == "passed"
    assert "challenger promoted" in out


def test_a_request_runs_once(w, cli, live):
    assert promote(cli, "2")[0] == 0
    w.models.set_alias(MODEL, "challenger", 5)  # a newer challenger since
    calls = len(w.calls)

    code, out, _ = promote(cli, "3")

    assert code == 0 and "was carried out in run 2 (promoted); a request runs once" in out
    assert w.models.aliases[(MODEL, "champion")] == 4
    assert not [c for c in w.calls[calls:] if c[0].startswith(("registered_models.",
                                                               "serving_endpoints.update"))]


def test_a_failed_promotion_moves_the_aliases_back_and_restores_the_endpoint(w, cli, live):
    w.serving_endpoints.capacity["4"] = 50  # fine at 10%, too slow with the champion's 90%

    code, _, err = promote(cli, "2")

    assert code == 1
    assert err.startswith("error: promotion of challenger failed: p95 latency 3000 ms")
    assert "@champion is back on version 3" in err
    assert w.models.aliases[(MODEL, "champion")] == 3
    assert (MODEL, "previous_champion") not in w.models.aliases
    assert serving(w) == {"champion": "3", "challenger": "4"}
    (record,) = records(w, "promotion")
    assert record["outcome"] == "failed"
    assert promote(cli, "3")[0] == 0  # not tried again: a request runs once


def test_a_replica_records_the_request_and_moves_no_alias(w, cli, live):
    calls = len(w.calls)
    code, _, _ = promote(cli, "2", role="replica")
    assert code == 0
    assert not [c for c in w.calls[calls:] if c[0].startswith("registered_models.")]
    (record,) = records(w, "promotion")
    assert record["outcome"] == "primary-only"


def test_promoting_the_champion_is_refused_and_not_tried_again(w, cli, live):
    code, _, err = promote(cli, "2", request="champion:20250611T101500Z")
    assert code == 2 and "champion serves @champion, the champion, already" in err
    assert promote(cli, "3", request="champion:20250611T101500Z")[0] == 0


def test_no_request_does_nothing(w, cli):
    code, out, _ = promote(cli, "2", request="")
    assert code == 0 and "no promotion requested" in out
    assert w.calls == []
