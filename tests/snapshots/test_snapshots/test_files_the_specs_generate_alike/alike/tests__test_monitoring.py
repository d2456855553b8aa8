"""Monitoring: inference payloads unpacked, the quality monitor ensured once, drift judged."""

from __future__ import annotations

import json
import random

import pytest

from fraud_detection.errors import TaskError
from fraud_detection.monitoring import check, drift, ensure_monitor, psi, unpack


def payload(records, predictions, status=200, **extra):
    return {"request": json.dumps({"dataframe_records": records}),
            "response": json.dumps({"predictions": predictions}),
            "status_code": status, "request_time": "2025-03-01T10:00:00",
            "databricks_request_id": "r1", "served_entity_id": "e-champion", **extra}


def test_each_scored_record_becomes_a_row_with_its_prediction():
    rows, skipped = unpack([payload([{"amount": 1.0}, {"amount": 900.0}], [0, 1])])
    assert skipped == 0
    assert [(r["row_index"], r["amount"], r["prediction"], r["model_id"]) for r in rows] == [
        (0, 1.0, 0, "e-champion"), (1, 900.0, 1, "e-champion")]


def test_numbers_become_floats_so_each_column_has_one_type():
    rows, _ = unpack([payload([{"amount": 14, "hour": 3}, {"amount": 14.5, "hour": 4.0}], [0, 1])])
    assert [type(r[c]) for r in rows for c in ("amount", "hour", "prediction")] == [float] * 6


def test_failed_or_unreadable_payloads_are_skipped_and_counted():
    rows, skipped = unpack([
        payload([{"amount": 1.0}], [0], status=400),
        {"request": "{not json", "response": "{}", "status_code": 200},
        payload([{"amount": 1.0}, {"amount": 2.0}], [0]),  # counts differ
        payload([{"amount": 3.0}], [1]),
    ])
    assert (len(rows), skipped) == (1, 3)


def test_dataframe_split_requests_are_unpacked_too():
    row = payload([], [1])
    row["request"] = json.dumps({"dataframe_split": {"columns": ["amount"], "data": [[7.0]]}})
    rows, _ = unpack([row])
    assert rows[0]["amount"] == 7.0 and rows[0]["prediction"] == 1


def test_the_quality_monitor_is_created_once(w):
    first = ensure_monitor(w, table="ml.fraud.preds", output_schema="ml.fraud",
                           assets_dir="/Workspace/x")
    second = ensure_monitor(w, table="ml.fraud.preds", output_schema="ml.fraud",
                            assets_dir="/Workspace/x")
    assert first.startswith("created") and "already has" in second
    assert [c for c in w.changes() if c[0] == "quality_monitors.create"] == [
        ("quality_monitors.create", "ml.fraud.preds")]
    log = w.quality_monitors.monitors["ml.fraud.preds"]["inference_log"]
    assert (log.prediction_col, log.timestamp_col, log.model_id_col) == (
        "prediction", "request_time", "model_id")


def _rows(mean, n=500, seed=1):
    rng = random.Random(seed)  # noqa: S311
    return [{"amount": rng.gauss(mean, 10), "prediction": 0, "request_time": "t"}
            for _ in range(n)]


def test_psi_is_zero_for_the_same_distribution_and_large_for_a_shift():
    same = psi([r["amount"] for r in _rows(100)], [r["amount"] for r in _rows(100, seed=2)])
    shifted = psi([r["amount"] for r in _rows(100)], [r["amount"] for r in _rows(130)])
    assert same < 0.1 < 0.2 < shifted


def test_drift_ignores_metadata_columns():
    assert set(drift(_rows(100), _rows(100))) == {"amount", "prediction"}


def test_drift_in_the_primary_sets_the_task_value_that_starts_retraining(ctx):
    message = check(_rows(100), _rows(150), threshold=0.2, role="primary", min_rows=100,
                    task_values=ctx.task_values)
    assert message.startswith("drift: PSI of amount")
    assert ctx.task_values.values["drifted"] == "true"


def test_drift_in_a_replica_fails_with_a_clear_message(ctx):
    with pytest.raises(TaskError, match="in this replica region. Replicas do not retrain"):
        check(_rows(100), _rows(150), threshold=0.2, role="replica", min_rows=100,
              task_values=ctx.task_values)
    assert ctx.task_values.values["drifted"] == "true"


def test_no_drift_and_too_little_data_do_not_retrain(ctx):
    check(_rows(100), _rows(100, seed=3), threshold=0.2, role="replica", min_rows=100,
          task_values=ctx.task_values)
    assert ctx.task_values.values["drifted"] == "false"
    message = check(_rows(100, n=10), _rows(150), threshold=0.2, role="primary", min_rows=100,
                    task_values=ctx.task_values)
    assert "not enough data" in message and ctx.task_values.values["drifted"] == "false"
