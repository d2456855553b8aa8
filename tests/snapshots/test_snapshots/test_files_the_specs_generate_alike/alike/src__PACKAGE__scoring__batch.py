"""Batch scoring: score a table with the version behind an alias and append to another table.

The output holds the input columns plus `prediction`, `model_version` and `scored_at`.
"""

from __future__ import annotations

from typing import Any

from ..errors import TaskError
from ..models import check_full_name, require_version, uri


def score_batch(w: Any, engine: Any, *, model: str, alias: str, source: str, target: str) -> str:
    check_full_name(model)
    check_full_name(source, "--input")
    check_full_name(target, "--output")
    version = require_version(w, model, alias)
    if not engine.table_exists(source):
        raise TaskError(f"input table {source} does not exist: point the input_table parameter "
                        "of the batch_scoring job at the rows to score")
    model_uri = uri(model, version)
    columns = engine.input_columns(model_uri)
    missing = [c for c in columns if c not in engine.table_columns(source)]
    if missing:
        raise TaskError(f"{source} lacks the column(s) {', '.join(missing)} that version "
                        f"{version} of {model} needs")
    rows = engine.score_table(model_uri, columns, source, target, version)
    return f"scored {rows} rows of {source} with {model} version {version} (@{alias}) into {target}"


def run_score_batch(args, ctx) -> int:
    from .spark import SparkEngine

    w = ctx.workspace()
    ctx.say(score_batch(w, SparkEngine(w), model=args.model, alias=args.alias, source=args.input,
                        target=args.output))
    return 0


def register(commands) -> None:
    p = commands.add_parser("score-batch", help="Score a table with the model behind an alias.")
    p.add_argument("--model", required=True)
    p.add_argument("--alias", required=True)
    p.add_argument("--input", required=True, help="Table to score.")
    p.add_argument("--output", required=True, help="Table the predictions are appended to.")
    p.set_defaults(run=run_score_batch)
