"""rollback: back to the last configuration that passed, aliases moved back, the reason recorded.

The tests run the deployment workflow the way the job does: resolve-versions, update-endpoint
with the versions task value, evaluate, and rollback when one of the two failed.
"""

from __future__ import annotations

import pytest

from fakes import crashing_answer

MODEL = "ml.fraud.fraud_model"
RECORDS = "/Volumes/ml/fraud/deployments"
COMMON = ["--endpoint", "scoring", "--model", MODEL, "--records", RECORDS]


def workflow(cli, ctx, run_id: str, role: str = "primary") -> dict[str, int]:
    """The deployment job: the exit code of each task that ran."""
    codes = {"resolve_versions": cli("resolve-versions", "--endpoint", "scoring", "--model", MODEL,
                                     "--aliases", "champion,challenger")[0]}
    if codes["resolve_versions"]:
        return codes
    codes["update_endpoint"] = cli("update-endpoint", *COMMON, "--run-id", run_id,
                                   "--versions", ctx.task_values.values["versions"])[0]
    if codes["update_endpoint"] == 0:
        codes["evaluate"] = cli("evaluate", *COMMON, "--aliases", "champion,challenger",
                                "--region", "region-1", "--latency-budget-ms", "500",
                                "--run-id", run_id, "--requests", "10", "--concurrency", "1")[0]
    if any(codes.values()):
        codes["rollback"] = cli("rollback", *COMMON, "--role", role, "--run-id", run_id)[0]
    return codes


def serving(w) -> dict[str, str]:
    endpoint = w.serving_endpoints.endpoints["scoring"]
    return {e["name"]: e["entity_version"] for e in endpoint.entities}


def records(w, event: str) -> list[dict]:
    return [w.files.json(p) for p in sorted(w.files.files) if f"_{event}_" in p]


@pytest.fixture
def good(w, ctx, cli):
    """Run 1 passed: champion v3, challenger v4, 90/10."""
    w.models.set_alias(MODEL, "champion", 3)
    w.models.set_alias(MODEL, "challenger", 4)
    w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "4"},
                            {"champion": 90, "challenger": 10})
    assert workflow(cli, ctx, "1") == {"resolve_versions": 0, "update_endpoint": 0, "evaluate": 0}


def test_a_slow_new_version_is_rolled_back_and_its_alias_moved_back(w, ctx, cli, good):
    w.models.set_alias(MODEL, "challenger", 5)  # validation promoted version 5
    w.serving_endpoints.latency_ms["5"] = 2000

    codes = workflow(cli, ctx, "2")
    assert codes == {"resolve_versions": 0, "update_endpoint": 0, "evaluate": 1, "rollback": 0}
    assert serving(w) == {"champion": "3", "challenger": "4"}
    assert w.models.aliases[(MODEL, "challenger")] == 4
    (rollback,) = records(w, "rollback")
    assert rollback["outcome"] == "restored"
    assert rollback["restored_from_run"] == "1"
    assert rollback["moved_aliases"] == ["@challenger: version 5 -> 4"]
    assert any("p95 latency 2000 ms is over the budget of 500 ms" in r for r in rollback["reasons"])


def test_after_a_rollback_the_next_deploy_resolves_the_good_versions(w, ctx, cli, good):
    w.models.set_alias(MODEL, "challenger", 5)
    w.serving_endpoints.fail_versions = {"5"}
    assert workflow(cli, ctx, "2")["rollback"] == 0
    codes = workflow(cli, ctx, "3")  # e.g. the next bundle deploy of serving/
    assert codes == {"resolve_versions": 0, "update_endpoint": 0, "evaluate": 0}
    assert serving(w) == {"champion": "3", "challenger": "4"}


def test_a_failed_update_is_rolled_back_without_an_endpoint_update(w, ctx, cli, good):
    w.models.set_alias(MODEL, "challenger", 5)
    w.serving_endpoints.fail_versions = {"5"}  # the new version never deploys
    codes = workflow(cli, ctx, "2")
    assert codes == {"resolve_versions": 0, "update_endpoint": 1, "rollback": 0}
    updates = [c for c in w.calls if c[0] == "serving_endpoints.update_config"]
    assert len(updates) == 1  # the failed one; the endpoint still served the good config
    (noop,) = records(w, "rollback-noop")
    assert noop["outcome"] == "already-restored"
    assert "UPDATE_FAILED" in noop["reasons"][0]
    assert w.models.aliases[(MODEL, "challenger")] == 4


def test_an_update_that_lost_a_race_is_recorded_with_its_reason(w, ctx, cli, good):
    """Another update started after the wait: the API answers 409 RESOURCE_CONFLICT."""
    w.models.set_alias(MODEL, "challenger", 5)
    w.serving_endpoints.racing_update = True
    codes = workflow(cli, ctx, "2")
    assert codes == {"resolve_versions": 0, "update_endpoint": 1, "rollback": 0}
    (failed,) = [r for r in records(w, "update") if r["outcome"] == "failed"]
    assert "another configuration update started before this one was sent" in failed["reasons"][0]
    (noop,) = records(w, "rollback-noop")
    assert noop["reasons"] == failed["reasons"]  # not "failed before recording a reason"


def test_a_bad_split_is_rolled_back_to_the_split_that_passed(w, ctx, cli, good):
    endpoint = w.serving_endpoints.endpoints["scoring"]
    endpoint.routes = {"champion": 10, "challenger": 90}  # a bad commit, deployed by the bundle
    w.serving_endpoints.answer = crashing_answer  # say the split overloads the champion
    codes = workflow(cli, ctx, "2")
    assert codes["rollback"] == 0
    assert endpoint.routes == {"champion": 90, "challenger": 10}


def test_a_replica_restores_its_endpoint_but_never_moves_aliases(w, ctx, cli, good):
    w.models.set_alias(MODEL, "challenger", 5)
    w.serving_endpoints.fail_versions = {"5"}
    before = len(w.calls)
    codes = workflow(cli, ctx, "2", role="replica")
    assert codes["rollback"] == 0
    assert w.models.aliases[(MODEL, "challenger")] == 5
    assert not [c for c in w.calls[before:] if c[0].startswith("registered_models.")]
    (noop,) = records(w, "rollback-noop")
    assert "owned by the primary region" in noop["alias_note"]


def test_an_alias_that_did_not_exist_in_the_good_configuration_is_removed(w, ctx, cli):
    w.models.set_alias(MODEL, "champion", 1)  # first deploy: no challenger alias yet
    w.serving_endpoints.add("scoring", {"champion": "1", "challenger": "1"},
                            {"champion": 90, "challenger": 10})
    assert workflow(cli, ctx, "1") == {"resolve_versions": 0, "update_endpoint": 0, "evaluate": 0}
    w.models.set_alias(MODEL, "challenger", 2)
    w.serving_endpoints.fail_versions = {"2"}
    assert workflow(cli, ctx, "2")["rollback"] == 0
    assert (MODEL, "challenger") not in w.models.aliases


def test_with_no_configuration_that_ever_passed_there_is_nothing_to_restore(w, ctx, cli):
    w.models.set_alias(MODEL, "champion", 1)
    w.serving_endpoints.add("scoring", {"champion": "1"}, {"champion": 100})
    w.serving_endpoints.latency_ms["1"] = 5000
    codes = workflow(cli, ctx, "1")
    assert codes["evaluate"] == 1 and codes["rollback"] == 1
    (noop,) = records(w, "rollback-noop")
    assert noop["outcome"] == "nothing-to-restore"


def test_the_rollback_message_is_one_line(w, ctx, cli):
    w.models.set_alias(MODEL, "champion", 1)
    w.serving_endpoints.add("scoring", {"champion": "1"}, {"champion": 100})
    code, _, err = cli("rollback", *COMMON, "--role", "primary", "--run-id", "9")
    assert code == 1
    assert err.strip().splitlines() == [
        "error: no configuration of scoring has passed evaluation yet, so there is nothing to "
        "roll back to; the endpoint stays as it is. Fix the cause and deploy again"]


def test_a_dry_run_rollback_changes_nothing(w, ctx, cli, good):
    w.models.set_alias(MODEL, "challenger", 5)
    w.serving_endpoints.endpoints["scoring"].entities[1]["entity_version"] = "5"
    before = list(w.changes())
    code, out, _ = cli("rollback", *COMMON, "--role", "primary", "--run-id", "2",
                       "--dry-run", "true")
    assert code == 0 and "dry run" in out
    assert w.changes() == before
    assert w.models.aliases[(MODEL, "challenger")] == 5


def test_a_dry_run_with_nothing_on_record_reports_instead_of_failing(w, cli):
    w.serving_endpoints.add("scoring", {"champion": "1"}, {"champion": 100})
    code, out, _ = cli("rollback", *COMMON, "--role", "primary", "--dry-run", "true")
    assert code == 0 and "nothing would be restored" in out
    assert w.changes() == []
