"""Monitoring of the endpoint: its inference table unpacked, a quality monitor, a drift check.

1. unpack-inference-table: the AI Gateway inference table holds each request and response as
   JSON text. The new rows (later than the newest already unpacked) become one row per
   record in the predictions table: request_time, databricks_request_id, model_id (the served
   entity), status_code, the feature columns and `prediction`.
2. ensure-monitor: a Lakehouse Monitoring quality monitor (InferenceLog) on the predictions
   table, created if missing and left alone if present. It is made here and not declared in
   the bundle, because the table exists only once the endpoint has served requests.
3. check-drift: the population stability index (PSI) of each feature and of the prediction,
   the last day against the week before. Task value `drifted` ("true"/"false"); in the primary
   region the job then starts retraining. In a replica region, which cannot retrain, drift
   fails the task with a message, which emails the team.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from .errors import TaskError

META_COLUMNS = ("request_time", "databricks_request_id", "model_id", "status_code", "row_index")
PREDICTION = "prediction"


# ------------------------------------------------------------------ unpacking


def _records(request: Any) -> list[dict]:
    if isinstance(request, str):
        request = json.loads(request)
    if not isinstance(request, dict):
        return []
    if "dataframe_records" in request:
        return list(request["dataframe_records"])
    if "dataframe_split" in request:
        split = request["dataframe_split"]
        return [dict(zip(split["columns"], row, strict=True)) for row in split["data"]]
    for key in ("instances", "inputs"):
        rows = request.get(key)
        if isinstance(rows, list) and all(isinstance(r, dict) for r in rows):
            return list(rows)
    return []


def _predictions(response: Any) -> list:
    if isinstance(response, str):
        response = json.loads(response)
    if isinstance(response, dict):
        return list(response.get("predictions") or response.get("outputs") or [])
    return list(response or [])


def _float(value: Any) -> Any:
    """Numbers as floats: clients send 14 and 14.0 alike, and a table column has one type."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def unpack(rows: Iterable[dict]) -> tuple[list[dict], int]:
    """(one row per scored record, number of payloads skipped as unreadable or failed)."""
    out: list[dict] = []
    skipped = 0
    for row in rows:
        if int(row.get("status_code") or 0) != 200:
            skipped += 1
            continue
        try:
            records = _records(row.get("request"))
            predictions = _predictions(row.get("response"))
        except (ValueError, KeyError, TypeError):
            skipped += 1
            continue
        if not records or len(records) != len(predictions):
            skipped += 1
            continue
        for i, (record, prediction) in enumerate(zip(records, predictions, strict=True)):
            out.append({
                "request_time": row.get("request_time"),
                "databricks_request_id": row.get("databricks_request_id"),
                "model_id": row.get("served_entity_id"),
                "status_code": 200,
                "row_index": i,
                **{k: _float(v) for k, v in record.items()},
                PREDICTION: _float(prediction),
            })
    return out, skipped


def run_unpack(args, ctx) -> int:
    from pyspark.sql import functions as F

    from .tables import read_rows, spark, table_exists, write_rows

    w = ctx.workspace()
    if not table_exists(w, args.source):
        ctx.say(f"{args.source} does not exist yet (the endpoint has not served a request); "
                "nothing to unpack")
        return 0
    where = None
    if table_exists(w, args.target):
        newest = spark().table(args.target).agg(F.max("request_time")).first()[0]
        if newest is not None:
            where = F.col("request_time") > F.lit(newest)
    rows, skipped = unpack(read_rows(args.source, where=where, limit=args.max_rows))
    write_rows(rows, args.target)
    ctx.say(f"unpacked {len(rows)} scored records into {args.target}; skipped {skipped} payloads")
    return 0


# ------------------------------------------------------------------ the quality monitor


def ensure_monitor(w: Any, *, table: str, output_schema: str, assets_dir: str) -> str:
    from databricks.sdk.errors import NotFound
    from databricks.sdk.service.catalog import MonitorInferenceLog, MonitorInferenceLogProblemType

    try:
        w.quality_monitors.get(table)
        return f"{table} already has a quality monitor"
    except NotFound:
        pass
    w.quality_monitors.create(
        table_name=table,
        output_schema_name=output_schema,
        assets_dir=assets_dir,
        inference_log=MonitorInferenceLog(
            problem_type=MonitorInferenceLogProblemType.PROBLEM_TYPE_CLASSIFICATION,
            timestamp_col="request_time",
            granularities=["1 day"],
            prediction_col=PREDICTION,
            model_id_col="model_id",
        ),
    )
    return f"created a quality monitor on {table} (metrics in {output_schema})"


def run_ensure_monitor(args, ctx) -> int:
    from .tables import table_exists

    w = ctx.workspace()
    if not table_exists(w, args.table):
        ctx.say(f"{args.table} does not exist yet; the monitor is created once it does")
        return 0
    ctx.say(ensure_monitor(w, table=args.table, output_schema=args.output_schema,
                           assets_dir=args.assets_dir))
    return 0


# ------------------------------------------------------------------ drift


def psi(expected: list[float], actual: list[float], bins: int = 10) -> float:
    """Population stability index of `actual` against `expected` (quantile bins of expected)."""
    if not expected or not actual:
        return 0.0
    ordered = sorted(expected)
    edges = sorted({ordered[min(len(ordered) - 1, int(len(ordered) * i / bins))]
                    for i in range(1, bins)})

    def shares(values: list[float]) -> list[float]:
        counts = [0] * (len(edges) + 1)
        for v in values:
            counts[sum(1 for e in edges if v >= e)] += 1
        return [max(c / len(values), 1e-4) for c in counts]

    e, a = shares(expected), shares(actual)
    return sum((ai - ei) * math.log(ai / ei) for ei, ai in zip(e, a, strict=True))


def _numbers(rows: list[dict], column: str) -> list[float]:
    out = []
    for row in rows:
        value = row.get(column)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (int, float)) and math.isfinite(value):
            out.append(float(value))
    return out


def drift(reference: list[dict], current: list[dict]) -> dict[str, float]:
    """PSI of every numeric column both windows have (features and prediction)."""
    columns = sorted({k for row in reference[:1] + current[:1] for k in row} - set(META_COLUMNS))
    scores = {}
    for column in columns:
        ref, cur = _numbers(reference, column), _numbers(current, column)
        if ref and cur:
            scores[column] = round(psi(ref, cur), 4)
    return scores


def judge(scores: dict[str, float], threshold: float, *, rows: tuple[int, int],
          min_rows: int) -> tuple[bool, str]:
    reference_rows, current_rows = rows
    if min(reference_rows, current_rows) < min_rows:
        return False, (f"not enough data to judge drift ({reference_rows} reference and "
                       f"{current_rows} current rows; at least {min_rows} each)")
    if not scores:
        return False, "no numeric columns to compare"
    worst = max(scores, key=scores.get)
    if scores[worst] > threshold:
        return True, f"drift: PSI of {worst} is {scores[worst]:.3f}, over {threshold}"
    return False, f"no drift: the highest PSI is {scores[worst]:.3f} ({worst}), within {threshold}"


def check(reference: list[dict], current: list[dict], *, threshold: float, role: str,
          min_rows: int, task_values: Any) -> str:
    """Judge drift, set the task value `drifted`, and fail in a replica region if drifted."""
    drifted, message = judge(drift(reference, current), threshold,
                             rows=(len(reference), len(current)), min_rows=min_rows)
    task_values.set("drifted", "true" if drifted else "false")
    if drifted and role == "replica":
        raise TaskError(f"{message} in this replica region. Replicas do not retrain: look at "
                        "the primary region's monitoring and retrain there if needed")
    return message


def run_check_drift(args, ctx) -> int:
    from datetime import datetime, timedelta, timezone

    from .tables import read_rows, table_exists

    reference: list[dict] = []
    current: list[dict] = []
    if table_exists(ctx.workspace(), args.table):
        from pyspark.sql import functions as F

        now = datetime.fromtimestamp(ctx.clock(), tz=timezone.utc)
        split = now - timedelta(days=args.window_days)
        start = split - timedelta(days=args.reference_days)
        at = F.col("request_time")
        reference = read_rows(args.table, where=(at >= F.lit(start)) & (at < F.lit(split)),
                              limit=args.max_rows)
        current = read_rows(args.table, where=at >= F.lit(split), limit=args.max_rows)
    ctx.say(check(reference, current, threshold=args.threshold, role=args.role,
                  min_rows=args.min_rows, task_values=ctx.task_values))
    return 0


def register(commands) -> None:
    p = commands.add_parser("unpack-inference-table", help="Inference payloads to a table.")
    p.add_argument("--source", required=True, help="The endpoint's inference table.")
    p.add_argument("--target", required=True, help="The predictions table.")
    p.add_argument("--max-rows", type=int, default=200000)
    p.set_defaults(run=run_unpack)

    p = commands.add_parser("ensure-monitor", help="Create the quality monitor if missing.")
    p.add_argument("--table", required=True)
    p.add_argument("--output-schema", required=True, help="<catalog>.<schema> for the metrics.")
    p.add_argument("--assets-dir", required=True, help="Workspace folder for the dashboard.")
    p.set_defaults(run=run_ensure_monitor)

    p = commands.add_parser("check-drift", help="PSI drift check; task value drifted.")
    p.add_argument("--table", required=True)
    p.add_argument("--metric", default="psi", choices=("psi",),
                   help="Population stability index (the only one so far).")
    p.add_argument("--threshold", type=float, default=0.2)
    p.add_argument("--role", required=True, choices=("primary", "replica"))
    p.add_argument("--window-days", type=float, default=1.0)
    p.add_argument("--reference-days", type=float, default=7.0)
    p.add_argument("--min-rows", type=int, default=200)
    p.add_argument("--max-rows", type=int, default=100000)
    p.set_defaults(run=run_check_drift)
