"""Validate a new model version against the current champion on the holdout rows.

- No champion yet (the first version ever): the new version becomes @champion.
- Otherwise the new version gets @challenger only if its holdout score is at least the
  champion's minus `max_regression`; else no alias moves and the version stays unserved.

The task value `promoted` says what happened ("champion", "challenger" or "none"); the
training job starts the deployment workflow when it is "challenger".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .features import FEATURES, LABEL, split

METRICS = ("accuracy", "precision", "recall", "f1")


@dataclass(frozen=True)
class Decision:
    alias: str | None  # the alias to set on the new version, or None
    promoted: str  # "champion", "challenger" or "none"
    message: str


def decide(
    version: str,
    new_score: float,
    champion: str | None,
    champion_score: float | None,
    *,
    metric: str,
    champion_alias: str,
    challenger_alias: str,
    max_regression: float = 0.0,
) -> Decision:
    if champion is None or champion_score is None:
        return Decision(champion_alias, "champion",
                        f"version {version} is the first version: it becomes @{champion_alias} "
                        f"({metric} {new_score:.4f})")
    if str(champion) == str(version):
        return Decision(None, "none", f"version {version} is already @{champion_alias}")
    floor = champion_score - max_regression
    if new_score >= floor:
        return Decision(challenger_alias, "challenger",
                        f"version {version} passes: {metric} {new_score:.4f} >= {floor:.4f} "
                        f"(champion version {champion}: {champion_score:.4f}); it becomes "
                        f"@{challenger_alias}")
    return Decision(None, "none",
                    f"version {version} does not pass: {metric} {new_score:.4f} < {floor:.4f} "
                    f"(champion version {champion}: {champion_score:.4f}); no alias moves")


def holdout_score(model_uri: str, holdout: list[dict[str, Any]], metric: str) -> float:
    import mlflow
    import pandas as pd

    from .training import scores

    model = mlflow.pyfunc.load_model(model_uri)
    inputs = pd.DataFrame(holdout)[FEATURES].astype(float)
    predictions = [int(p) for p in model.predict(inputs)]
    return scores([int(r[LABEL]) for r in holdout], predictions)[metric]


def validate(args, ctx) -> int:
    import mlflow

    from .models import uri, version_behind
    from .tables import read_rows

    model = f"{args.catalog}.{args.schema}.{args.model_name}"
    w = ctx.workspace()
    mlflow.set_registry_uri("databricks-uc")
    _, holdout = split(read_rows(f"{args.catalog}.{args.schema}.{args.features_table}"))
    new_score = holdout_score(uri(model, args.version), holdout, args.metric)
    champion = version_behind(w, model, args.champion_alias)
    champion_score = holdout_score(uri(model, champion), holdout, args.metric) if champion else None
    decision = decide(args.version, new_score, champion, champion_score, metric=args.metric,
                      champion_alias=args.champion_alias, challenger_alias=args.challenger_alias,
                      max_regression=args.max_regression)
    if decision.alias:
        w.registered_models.set_alias(model, decision.alias, int(args.version))
    ctx.say(decision.message)
    ctx.task_values.set("promoted", decision.promoted)
    return 0


def register(commands) -> None:
    p = commands.add_parser("validate", help="Compare a new version with the champion.")
    p.add_argument("--catalog", required=True)
    p.add_argument("--schema", required=True)
    p.add_argument("--model-name", required=True)
    p.add_argument("--version", required=True, help="The version the train task registered.")
    p.add_argument("--features-table", default="features")
    p.add_argument("--metric", choices=METRICS, default="f1")
    p.add_argument("--max-regression", type=float, default=0.0,
                   help="How much worse than the champion the new version may be.")
    p.add_argument("--champion-alias", default="champion")
    p.add_argument("--challenger-alias", default="challenger")
    p.set_defaults(run=validate)
