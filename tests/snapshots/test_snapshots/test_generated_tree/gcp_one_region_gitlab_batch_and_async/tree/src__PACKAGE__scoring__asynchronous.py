"""Asynchronous scoring: a caller starts the job with its requests; results are keyed by run id.

    run = w.jobs.run_now(job_id, job_parameters={"requests": json.dumps(records)})
    # later: SELECT * FROM <results table> WHERE run_id = <run.run_id> ORDER BY request_index

`requests` is a JSON list of records ({"column": value, ...}), or {"dataframe_records": [...]},
or, for more than a job parameter holds, the path of a JSON file in a volume
(/Volumes/<catalog>/<schema>/<volume>/<file>.json). Each result row holds run_id,
request_index (position in the list), the request, the prediction (as JSON), the model
version and the time. A retried run replaces the rows of its earlier attempt.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from ..errors import UsageError
from ..models import check_full_name, require_version, uri

MAX_REQUESTS = 10000


def parse_requests(text: str, *, limit: int = MAX_REQUESTS) -> list[dict]:
    try:
        value = json.loads(text)
    except ValueError as err:
        raise UsageError(f"requests is not JSON: {err}") from None
    if isinstance(value, dict) and "dataframe_records" in value:
        value = value["dataframe_records"]
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise UsageError("requests must be a JSON list of records ({\"column\": value, ...})")
    if not value:
        raise UsageError("requests is empty: start the job with the requests parameter set")
    if len(value) > limit:
        raise UsageError(f"{len(value)} requests; at most {limit} per run")
    return value


def read_requests(w: Any, value: str) -> str:
    """The requests text: the parameter itself, or the content of the volume file it names."""
    if value.startswith("/Volumes/"):
        return w.files.download(value).contents.read().decode("utf-8")
    return value


def check_run_id(run_id: str) -> int:
    if not re.fullmatch(r"\d+", run_id or ""):
        raise UsageError(f"--run-id must be the job run id (digits), not {run_id!r}")
    return int(run_id)


def result_rows(run_id: int, records: list[dict], predictions: list, version: str,
                scored_at: str) -> list[dict]:
    if len(predictions) != len(records):
        raise UsageError(f"the model returned {len(predictions)} predictions for "
                         f"{len(records)} requests")
    return [
        {
            "run_id": run_id,
            "request_index": i,
            "request": json.dumps(record, sort_keys=True, default=str),
            "prediction": json.dumps(_plain(prediction)),
            "model_version": str(version),
            "scored_at": scored_at,
        }
        for i, (record, prediction) in enumerate(zip(records, predictions, strict=True))
    ]


def _plain(value: Any) -> Any:
    """numpy scalars and arrays to plain JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    return value


def score_async(w: Any, engine: Any, *, model: str, alias: str, requests: str, table: str,
                run_id: str, clock: Callable[[], float]) -> str:
    check_full_name(model)
    check_full_name(table, "--results")
    run = check_run_id(run_id)
    records = parse_requests(read_requests(w, requests))
    version = require_version(w, model, alias)
    predictions = engine.predict(uri(model, version), records)
    now = datetime.fromtimestamp(clock(), tz=timezone.utc).isoformat()
    engine.replace_run(result_rows(run, records, predictions, version, now), table, run)
    return (f"scored {len(records)} requests of run {run} with {model} version {version} "
            f"into {table}")


def run_score_async(args, ctx) -> int:
    from .spark import SparkEngine

    w = ctx.workspace()
    ctx.say(score_async(w, SparkEngine(w), model=args.model, alias=args.alias,
                        requests=args.requests, table=args.results, run_id=args.run_id,
                        clock=ctx.clock))
    return 0


def register(commands) -> None:
    p = commands.add_parser("score-async", help="Score the requests of one Jobs API call.")
    p.add_argument("--model", required=True)
    p.add_argument("--alias", required=True)
    p.add_argument("--requests", required=True, help="JSON list of records, or a /Volumes path.")
    p.add_argument("--results", required=True, help="Results table, keyed by run_id.")
    p.add_argument("--run-id", required=True, help="The job run id.")
    p.set_defaults(run=run_score_async)
