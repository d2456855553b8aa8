"""ramp: a newer version of a variant is raised step by step, evaluated at each step, and
promoted at 100%; a step that fails restores the last step that passed.

The tests run the deployment job's tasks in its order: resolve-versions, update-endpoint,
evaluate, ramp (rollback instead when the update or the evaluation failed).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from fakes import crashing_answer

MODEL = "ml.fraud.fraud_model"
RECORDS = "/Volumes/ml/fraud/deployments"
COMMON = ["--endpoint", "scoring", "--model", MODEL, "--records", RECORDS]
EVALUATION = ["--aliases", "champion,challenger", "--region", "region-1",
              "--latency-budget-ms", "500", "--requests", "10", "--concurrency", "1"]
PLAN = "challenger:25,50,100"
COMMITTED = {"champion": 90, "challenger": 10}


def workflow(cli, ctx, run_id: str, plan: str = PLAN, role: str = "primary") -> dict[str, int]:
    """The deployment job: the exit code of each task that ran."""
    codes = {"resolve_versions": cli("resolve-versions", "--endpoint", "scoring", "--model", MODEL,
                                     "--aliases", "champion,challenger")[0]}
    codes["update_endpoint"] = cli("update-endpoint", *COMMON, "--run-id", run_id,
                                   "--versions", ctx.task_values.values["versions"])[0]
    if codes["update_endpoint"] == 0:
        codes["evaluate"] = cli("evaluate", *COMMON, *EVALUATION, "--run-id", run_id)[0]
    if any(codes.values()):
        codes["rollback"] = cli("rollback", *COMMON, "--role", role, "--run-id", run_id)[0]
        return codes
    codes["ramp"] = cli("ramp", "--plan", plan, *COMMON, *EVALUATION, "--role", role,
                        "--run-id", run_id)[0]
    return codes


def sent_splits(w) -> list[dict[str, int]]:
    """The split of every configuration sent to the endpoint, in order."""
    return [c[3] for c in w.calls if c[0] == "serving_endpoints.update_config"]


def serving(w) -> dict[str, str]:
    endpoint = w.serving_endpoints.endpoints["scoring"]
    return {e["name"]: e["entity_version"] for e in endpoint.entities}


def records(w, event: str) -> list[dict]:
    return [w.files.json(p) for p in sorted(w.files.files) if f"_{event}_" in p]


ALL_PASSED = {"resolve_versions": 0, "update_endpoint": 0, "evaluate": 0, "ramp": 0}


@pytest.fixture
def new_challenger(w, ctx, cli):
    """Run 1 passed with champion v3 90%, challenger v4 10%; then validation made v5 the
    challenger, and the next run exposes it at its committed 10%."""
    w.models.set_alias(MODEL, "champion", 3)
    w.models.set_alias(MODEL, "challenger", 4)
    w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "4"}, COMMITTED)
    assert workflow(cli, ctx, "1") == ALL_PASSED
    w.models.set_alias(MODEL, "challenger", 5)


def test_without_a_newer_version_there_is_nothing_to_ramp(w, ctx, cli):
    w.models.set_alias(MODEL, "champion", 3)
    w.models.set_alias(MODEL, "challenger", 4)
    w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "4"}, COMMITTED)
    assert workflow(cli, ctx, "1") == ALL_PASSED
    assert sent_splits(w) == []
    assert records(w, "ramp-step") == []


def test_a_passing_ramp_raises_the_version_step_by_step_and_ends_promoted_at_the_committed_split(
        w, ctx, cli, new_challenger):
    assert workflow(cli, ctx, "2") == ALL_PASSED

    assert sent_splits(w) == [
        COMMITTED,  # the update: v5 at its committed share, evaluated by the evaluate task
        {"champion": 75, "challenger": 25},
        {"champion": 50, "challenger": 50},
        {"champion": 0, "challenger": 100},
        COMMITTED,  # promoted: both roles serve v5 at the committed split
    ]
    assert w.serving_endpoints.endpoints["scoring"].routes == COMMITTED
    assert serving(w) == {"champion": "5", "challenger": "5"}
    assert w.models.aliases[(MODEL, "champion")] == 5
    assert w.models.aliases[(MODEL, "previous_champion")] == 3
    assert [r["step"] for r in records(w, "ramp-step")] == [25, 50, 100]
    evaluations = [r for r in records(w, "evaluation") if r["run_id"] == "2"]
    assert [r.get("ramp", {}).get("step") for r in evaluations] == [None, 25, 50, 100, None]
    assert all(r["outcome"] == "passed" for r in evaluations)
    (promotion,) = records(w, "promotion")
    assert (promotion["outcome"], promotion["from_version"], promotion["to_version"]) == (
        "promoted", "3", "5")


def test_a_failing_step_restores_the_last_step_that_passed_and_moves_the_alias_back(
        w, ctx, cli, capsys, new_challenger):
    w.serving_endpoints.capacity["5"] = 30  # v5 slows down above 30% of the traffic

    codes = workflow(cli, ctx, "2")

    assert codes["ramp"] == 1
    assert sent_splits(w)[-3:] == [{"champion": 75, "challenger": 25},
                                   {"champion": 50, "challenger": 50},
                                   {"champion": 75, "challenger": 25}]  # the last good step
    assert w.serving_endpoints.endpoints["scoring"].routes == {"champion": 75, "challenger": 25}
    assert serving(w) == {"champion": "3", "challenger": "5"}
    assert w.models.aliases[(MODEL, "challenger")] == 4
    assert w.models.aliases[(MODEL, "champion")] == 3
    (rollback,) = records(w, "rollback")
    assert rollback["ramp_failed"] is True and rollback["failed_step"] == 50
    assert rollback["moved_aliases"] == ["@challenger: version 5 -> 4"]
    assert any("p95 latency 3000 ms" in reason for reason in rollback["reasons"])
    assert records(w, "promotion") == []


def test_the_failure_is_one_line_that_says_where_the_endpoint_is_left(w, ctx, cli, new_challenger):
    w.serving_endpoints.capacity["5"] = 30
    assert workflow(cli, ctx, "2", plan="")["ramp"] == 0  # v5 deployed and evaluated at 10%
    code, _, err = cli("ramp", "--plan", PLAN, *COMMON, *EVALUATION, "--role", "primary",
                       "--run-id", "2")
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("error: ramp of challenger version 5 failed at 50%: p95 latency")
    assert "serves the last step that passed (challenger 25%); @challenger: version 5 -> 4" in err


def test_after_a_failed_ramp_the_next_deploy_serves_the_older_version_without_ramping_it(
        w, ctx, cli, new_challenger):
    w.serving_endpoints.capacity["5"] = 30
    assert workflow(cli, ctx, "2")["ramp"] == 1
    endpoint = w.serving_endpoints.endpoints["scoring"]
    endpoint.routes = dict(COMMITTED)  # the next `bundle deploy` applies the committed split
    before = len(sent_splits(w))

    assert workflow(cli, ctx, "3") == ALL_PASSED

    assert serving(w) == {"champion": "3", "challenger": "4"}
    assert sent_splits(w)[before:] == [COMMITTED]  # v4 back, and no ramp of an older version


def test_a_later_rollback_never_brings_back_the_version_a_ramp_rejected(
        w, ctx, cli, new_challenger):
    w.serving_endpoints.capacity["5"] = 30
    assert workflow(cli, ctx, "2")["ramp"] == 1
    w.serving_endpoints.answer = crashing_answer  # the next run fails its evaluation

    codes = workflow(cli, ctx, "3")

    assert codes["evaluate"] == 1 and codes["rollback"] == 0
    assert serving(w) == {"champion": "3", "challenger": "4"}  # run 1's configuration
    assert w.serving_endpoints.endpoints["scoring"].routes == COMMITTED
    assert w.models.aliases[(MODEL, "challenger")] == 4


def test_a_failed_ramp_of_a_first_challenger_removes_its_new_alias(w, ctx, cli):
    w.models.set_alias(MODEL, "champion", 3)  # no @challenger yet: it serves the champion's v3
    w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "3"}, COMMITTED)
    assert workflow(cli, ctx, "1") == ALL_PASSED
    w.models.set_alias(MODEL, "challenger", 4)  # the first model that beat the champion
    w.serving_endpoints.capacity["4"] = 30

    assert workflow(cli, ctx, "2")["ramp"] == 1

    assert (MODEL, "challenger") not in w.models.aliases
    (rollback,) = records(w, "rollback")
    assert rollback["moved_aliases"] == ["@challenger: removed (was version 4)"]


def test_a_replica_ramps_but_moves_no_alias(w, ctx, cli, new_challenger):
    w.serving_endpoints.capacity["5"] = 30
    before = len(w.calls)
    assert workflow(cli, ctx, "2", role="replica")["ramp"] == 1
    assert not [c for c in w.calls[before:] if c[0].startswith("registered_models.")]
    (rollback,) = records(w, "rollback")
    assert "owns it" in rollback["alias_note"]


def test_every_step_waits_for_the_endpoint_update_limit_of_the_workspace(
        w, ctx, cli, clock, new_challenger):
    stamp = dt.datetime.fromtimestamp(clock.now - 1, tz=dt.timezone.utc)
    for i in range(48):  # other endpoints of the workspace were updated a moment ago
        name = f"{stamp:%Y%m%dT%H%M%S}{i:06d}Z_update_{i}.json"
        w.files.files[f"{RECORDS}/other-endpoint/{name}"] = json.dumps({}).encode()
    clock.slept.clear()

    assert workflow(cli, ctx, "2") == ALL_PASSED  # the update is the 49th, step 25 the 50th

    assert any(seconds > 100 for seconds in clock.slept)  # step 50 waited for a free slot


def test_a_plan_that_does_not_end_at_100_is_a_usage_error(w, cli):
    w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "4"}, COMMITTED)
    code, _, err = cli("ramp", "--plan", "challenger:50,25", *COMMON, *EVALUATION,
                       "--role", "primary")
    assert code == 2
    assert "is not <variant>:<step>,<step>,... ending at 100" in err


def test_an_empty_plan_does_nothing(w, cli):
    code, out, _ = cli("ramp", "--plan", "", *COMMON, *EVALUATION, "--role", "primary")
    assert code == 0 and "no ramp planned" in out
    assert w.calls == []
