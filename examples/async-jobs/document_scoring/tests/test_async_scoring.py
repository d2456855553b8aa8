"""Asynchronous scoring: results keyed by the job run id, one row per request, in order."""

from __future__ import annotations

import io
import json

import pytest

from document_scoring.errors import UsageError
from document_scoring.scoring.asynchronous import parse_requests, result_rows, score_async

MODEL = "ml.fraud.fraud_model"


class Engine:
    def __init__(self):
        self.written: dict[int, list[dict]] = {}

    def predict(self, model_uri, records):
        self.model_uri = model_uri
        return [1 if r.get("amount", 0) > 500 else 0 for r in records]

    def replace_run(self, rows, table, run_id):
        self.table = table
        self.written[run_id] = rows  # a retried run replaces its rows


def test_results_are_keyed_by_the_run_id_in_request_order(w, clock):
    w.models.set_alias(MODEL, "champion", 4)
    engine = Engine()
    requests = json.dumps([{"amount": 10.0}, {"amount": 900.0}, {"amount": 20.0}])
    score_async(w, engine, model=MODEL, alias="champion", requests=requests,
                table="ml.fraud.async_results", run_id="987654", clock=clock.time)
    rows = engine.written[987654]
    assert [(r["run_id"], r["request_index"], r["prediction"]) for r in rows] == [
        (987654, 0, "0"), (987654, 1, "1"), (987654, 2, "0")]
    assert {r["model_version"] for r in rows} == {"4"}
    assert json.loads(rows[1]["request"]) == {"amount": 900.0}
    assert engine.model_uri == "models:/ml.fraud.fraud_model/4"
    assert engine.table == "ml.fraud.async_results"


def test_two_runs_do_not_mix_and_a_retry_replaces_its_own_rows(w, clock):
    w.models.set_alias(MODEL, "champion", 4)
    engine = Engine()
    for run_id, body in (("1", [{"amount": 1.0}]), ("2", [{"amount": 2.0}, {"amount": 3.0}]),
                         ("1", [{"amount": 600.0}])):
        score_async(w, engine, model=MODEL, alias="champion", requests=json.dumps(body),
                    table="ml.fraud.r", run_id=run_id, clock=clock.time)
    assert [len(engine.written[1]), len(engine.written[2])] == [1, 2]
    assert engine.written[1][0]["prediction"] == "1"


def test_requests_may_come_from_a_volume_file(w, clock):
    w.models.set_alias(MODEL, "champion", 4)
    w.files.upload("/Volumes/ml/fraud/inbox/batch.json",
                   io.BytesIO(json.dumps({"dataframe_records": [{"amount": 5.0}]}).encode()))
    engine = Engine()
    score_async(w, engine, model=MODEL, alias="champion",
                requests="/Volumes/ml/fraud/inbox/batch.json", table="ml.fraud.r", run_id="3",
                clock=clock.time)
    assert len(engine.written[3]) == 1


@pytest.mark.parametrize("text,message", [
    ("not json", "requests is not JSON"),
    ("[]", "requests is empty"),
    ('{"a": 1}', "must be a JSON list of records"),
    ("[1, 2]", "must be a JSON list of records"),
])
def test_bad_requests_are_clear_usage_errors(text, message):
    with pytest.raises(UsageError, match=message):
        parse_requests(text)


def test_too_many_requests_are_refused():
    with pytest.raises(UsageError, match="at most 2 per run"):
        parse_requests(json.dumps([{}, {}, {}]), limit=2)


def test_the_run_id_must_be_the_real_one(w, clock, cli):
    w.models.set_alias(MODEL, "champion", 4)
    code, _, err = cli("score-async", "--model", MODEL, "--alias", "champion", "--requests",
                       "[{}]", "--results", "ml.fraud.r", "--run-id", "job.run_id")
    assert code == 2 and "--run-id must be the job run id" in err


def test_a_prediction_count_mismatch_is_caught():
    with pytest.raises(UsageError, match="returned 1 predictions for 2 requests"):
        result_rows(1, [{}, {}], [0], "1", "now")
