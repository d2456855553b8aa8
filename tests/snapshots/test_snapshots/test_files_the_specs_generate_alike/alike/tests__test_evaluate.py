"""evaluate: health, edge cases from the package's data file, and a bounded load test."""

from __future__ import annotations

import pytest
from databricks.sdk.errors import InternalError

from fraud_detection.deploy.evaluate import load_edge_cases, parse_edge_cases, percentile
from fraud_detection.errors import UsageError

from fakes import crashing_answer, default_answer

MODEL = "ml.fraud.fraud_model"
RECORDS = "/Volumes/ml/fraud/deployments"


@pytest.fixture
def endpoint(w):
    w.models.set_alias(MODEL, "champion", 3)
    w.models.set_alias(MODEL, "challenger", 4)
    return w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "4"},
                                   {"champion": 90, "challenger": 10})


def evaluate(cli, *extra: str):
    return cli("evaluate", "--endpoint", "scoring", "--model", MODEL, "--region", "region-1",
               "--latency-budget-ms", "500", "--records", RECORDS, "--run-id", "7",
               "--requests", "20", "--concurrency", "1", *extra)


def the_record(w) -> dict:
    (path,) = [p for p in w.files.files if "_evaluation_" in p]
    return w.files.json(path)


def test_a_healthy_fast_endpoint_passes_and_becomes_the_good_configuration(w, endpoint, cli):
    code, out, err = evaluate(cli)
    assert (code, err) == (0, "")
    record = the_record(w)
    assert record["outcome"] == "passed"
    assert record["versions"] == {"champion": "3", "challenger": "4"}
    assert record["alias_versions"] == {"champion": "3", "challenger": "4"}
    assert record["report"]["latency"]["p95_ms"] == 50.0
    assert all(case["passed"] for case in record["report"]["edge_cases"])
    assert "p95 50.0 ms (budget 500)" in out


def test_p95_over_the_region_budget_fails(w, endpoint, cli):
    w.serving_endpoints.latency_ms["3"] = 800
    code, _, err = evaluate(cli)
    assert code == 1
    assert "p95 latency 800 ms is over the budget of 500 ms" in err
    assert the_record(w)["outcome"] == "failed"


def test_the_budget_is_per_region_a_larger_budget_passes(w, endpoint, cli):
    w.serving_endpoints.latency_ms["3"] = 800
    code, _, _ = cli("evaluate", "--endpoint", "scoring", "--model", MODEL, "--region", "far",
                     "--latency-budget-ms", "900", "--records", RECORDS, "--requests", "10")
    assert code == 0


def test_an_endpoint_that_accepts_bad_input_fails_the_edge_cases(w, endpoint, cli):
    w.serving_endpoints.answer = lambda version, request: [0] * len(request["dataframe_records"])
    code, _, err = evaluate(cli)
    assert code == 1
    assert "edge case 'missing column': expected a 4xx refusal, got predictions" in err


def test_a_crashing_endpoint_fails_edge_cases_and_error_rate(w, endpoint, cli):
    w.serving_endpoints.answer = crashing_answer
    code, _, err = evaluate(cli)
    assert code == 1
    assert "edge case 'typical transaction': failed: InternalError" in err
    assert "error rate 100.0% is over 1.0%" in err
    assert len(err.strip().splitlines()) == 1


def test_a_few_errors_over_the_allowed_rate_fail(w, endpoint, cli, tmp_path):
    count = {"n": 0}

    def flaky(version, request):
        count["n"] += 1
        if count["n"] % 10 == 0:
            raise InternalError("upstream timeout")
        return default_answer(version, request)

    w.serving_endpoints.answer = flaky
    no_cases = tmp_path / "none.jsonl"
    no_cases.write_text("")
    code, _, err = evaluate(cli, "--edge-cases", str(no_cases))
    assert code == 1 and "error rate 10.0% is over 1.0% (2 of 20 requests failed" in err
    code, _, _ = evaluate(cli, "--edge-cases", str(no_cases), "--max-error-rate", "0.2")
    assert code == 0


def test_an_endpoint_still_updating_fails_health(w, endpoint, cli):
    endpoint.config_update = "IN_PROGRESS"
    code, _, err = evaluate(cli)
    assert code == 1 and "a configuration update is still in progress" in err


def test_an_unhealthy_endpoint_fails_without_being_queried(w, endpoint, cli):
    endpoint.entity_states = {"challenger": "DEPLOYMENT_FAILED"}
    code, _, err = evaluate(cli)
    assert code == 1 and "served entity challenger is DEPLOYMENT_FAILED" in err
    assert not [c for c in w.calls if c[0] == "serving_endpoints.query"]


def test_the_load_test_is_bounded_in_time(w, endpoint, cli):
    w.serving_endpoints.latency_ms["3"] = 400
    code, _, err = evaluate(cli, "--max-seconds", "2")
    assert code == 1 and "load test stopped at its 2 s limit after 5 of 20 requests" in err


def test_the_load_test_size_is_bounded(endpoint, cli):
    code, _, err = evaluate(cli, "--requests", "100000")
    assert code == 2 and "the load test is bounded" in err


def test_a_dry_run_records_nothing(w, endpoint, cli):
    code, _, _ = evaluate(cli, "--dry-run", "true")
    assert code == 0 and w.files.files == {}


def test_percentiles_are_nearest_rank():
    values = list(range(1, 101))
    assert (percentile(values, 50), percentile(values, 95)) == (50, 95)
    assert percentile([7.0], 95) == 7.0


def test_the_shipped_edge_cases_cover_answers_and_refusals():
    cases = load_edge_cases()
    assert {c.expect for c in cases} == {"ok", "error"}
    assert len({c.name for c in cases}) == len(cases)


def test_a_broken_edge_case_file_names_the_line():
    with pytest.raises(UsageError, match="cases.jsonl:2: \"expect\" must be"):
        parse_edge_cases('{"request": {}}\n{"request": {}, "expect": "maybe"}', "cases.jsonl")


def test_requests_run_concurrently_within_the_bound(w, endpoint, cli):
    code, _, _ = cli("evaluate", "--endpoint", "scoring", "--model", MODEL, "--region", "r",
                     "--latency-budget-ms", "1000", "--records", RECORDS, "--requests", "40",
                     "--concurrency", "4")
    assert code == 0
    assert len([c for c in w.calls if c[0] == "serving_endpoints.query"]) >= 40
