"""update-endpoint: serve the resolved versions at the split the endpoint has, wait, record."""

from __future__ import annotations

import json

MODEL = "ml.fraud.fraud_model"
RECORDS = "/Volumes/ml/fraud/deployments"
SPLIT = {"champion": 90, "challenger": 10}


def update(cli, versions: dict, *extra: str):
    return cli("update-endpoint", "--endpoint", "scoring", "--model", MODEL,
               "--versions", json.dumps(versions), "--records", RECORDS, "--run-id", "42", *extra)


def records(w) -> list[dict]:
    return [w.files.json(p) for p in sorted(w.files.files)]


def test_new_versions_are_served_at_the_same_split_and_recorded(w, cli):
    w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "3"}, SPLIT)
    code, out, err = update(cli, {"champion": "3", "challenger": "4"})
    assert (code, err) == (0, "")
    updates = [c for c in w.calls if c[0] == "serving_endpoints.update_config"]
    assert updates == [("serving_endpoints.update_config", "scoring",
                        {"champion": "3", "challenger": "4"}, SPLIT)]
    endpoint = w.serving_endpoints.endpoints["scoring"]
    assert [e["entity_version"] for e in endpoint.entities] == ["3", "4"]
    assert endpoint.routes == SPLIT
    (record,) = records(w)
    assert record["event"] == "update" and record["outcome"] == "applied"
    assert record["run_id"] == "42"
    assert "challenger v4 10%" in out


def test_fields_the_server_fills_in_are_not_a_difference(w, cli):
    w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "3"}, SPLIT)
    w.serving_endpoints.server_defaults = {"workload_type": "CPU"}
    assert update(cli, {"champion": "3", "challenger": "4"})[0] == 0
    assert update(cli, {"champion": "3", "challenger": "4"})[1].endswith("nothing to update\n")


def test_nothing_to_change_sends_no_update(w, cli):
    w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "4"}, SPLIT)
    code, out, _ = update(cli, {"champion": "3", "challenger": "4"})
    assert code == 0 and "nothing to update" in out
    assert not [c for c in w.calls if c[0] == "serving_endpoints.update_config"]
    assert [r["event"] for r in records(w)] == ["unchanged"]


def test_dry_run_changes_and_records_nothing(w, cli):
    w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "3"}, SPLIT)
    code, out, _ = update(cli, {"champion": "3", "challenger": "4"}, "--dry-run", "true")
    assert code == 0 and "dry run" in out
    assert w.changes() == []


def test_without_versions_it_resolves_the_aliases_itself(w, cli):
    w.serving_endpoints.add("scoring", {"champion": "1", "challenger": "1"}, SPLIT)
    w.models.set_alias(MODEL, "champion", 1)
    w.models.set_alias(MODEL, "challenger", 2)
    code, _, _ = cli("update-endpoint", "--endpoint", "scoring", "--model", MODEL,
                     "--records", RECORDS)
    assert code == 0
    assert [e["entity_version"] for e in w.serving_endpoints.endpoints["scoring"].entities] == [
        "1", "2"]


def test_a_failed_update_is_recorded_and_fails_the_task(w, cli):
    w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "3"}, SPLIT)
    w.serving_endpoints.fail_versions = {"4"}
    code, _, err = update(cli, {"champion": "3", "challenger": "4"})
    assert code == 1
    assert err.startswith("error: endpoint scoring: configuration update UPDATE_FAILED: "
                          "challenger is DEPLOYMENT_FAILED: container failed to start")
    assert len(err.strip().splitlines()) == 1
    (record,) = records(w)
    assert (record["event"], record["outcome"]) == ("update", "failed")


def test_it_waits_for_an_update_already_in_progress_before_reading_the_config(w, clock, cli):
    endpoint = w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "3"}, SPLIT)
    endpoint.pending = {"served_entities": endpoint.entities,
                        "traffic_config": {"routes": [
                            {"served_entity_name": n, "traffic_percentage": t}
                            for n, t in SPLIT.items()]}}
    endpoint.polls_left, endpoint.config_update = 3, "IN_PROGRESS"
    code, _, _ = update(cli, {"champion": "3", "challenger": "4"})
    assert code == 0
    assert sum(clock.slept) >= 45  # three polls of 15 s before the update was sent


def test_updates_are_throttled_by_the_recorded_operations_of_the_workspace(w, clock, cli):
    from fraud_detection.records import Records

    other = Records(w, RECORDS, "other-endpoint", clock=clock.time)
    for i in range(50):
        other.write("update", str(i), outcome="applied")
        clock.now += 1
    w.serving_endpoints.add("scoring", {"champion": "3", "challenger": "3"}, SPLIT)
    code, out, _ = update(cli, {"champion": "3", "challenger": "4"})
    assert code == 0
    assert "waited 250 s for the endpoint update limit" in out


def test_bad_versions_json_is_one_clear_line(w, cli):
    w.serving_endpoints.add("scoring", {"champion": "3"}, {"champion": 100})
    code, _, err = cli("update-endpoint", "--endpoint", "scoring", "--model", MODEL,
                       "--versions", "not json", "--records", RECORDS)
    assert code == 1 and err.startswith("error: --versions must be a JSON object")


def test_records_must_be_a_volume(w, cli):
    w.serving_endpoints.add("scoring", {"champion": "3"}, {"champion": 100})
    code, _, err = cli("update-endpoint", "--endpoint", "scoring", "--model", MODEL,
                       "--records", "ml.fraud.deployments")
    assert code == 2 and "/Volumes/<catalog>/<schema>/<volume>" in err
