"""Train a small scikit-learn model on the feature table, log it to MLflow, register a version.

The registered version number is handed to the validate task as the task value `version`.
scikit-learn and MLflow are imported only here, inside the functions: the deployment tasks
and the tests do not need them.
"""

from __future__ import annotations

from typing import Any

from .errors import TaskError
from .features import FEATURES, LABEL, split


def fit(rows: list[dict[str, Any]]) -> Any:
    """A scaled logistic regression, balanced for the rare positive class."""
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    frame = pd.DataFrame(rows)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500,
                                                               class_weight="balanced"))
    model.fit(frame[FEATURES].astype(float), frame[LABEL])
    return model


def scores(labels: list[int], predictions: list[int]) -> dict[str, float]:
    """Accuracy, precision, recall and F1 of binary predictions (no library needed)."""
    pairs = list(zip(labels, predictions, strict=True))
    tp = sum(1 for y, p in pairs if y == 1 and p == 1)
    fp = sum(1 for y, p in pairs if y == 0 and p == 1)
    fn = sum(1 for y, p in pairs if y == 1 and p == 0)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(1 for y, p in pairs if y == p) / len(pairs) if pairs else 0.0
    return {"accuracy": accuracy, "precision": precision, "recall": recall, "f1": f1}


def train(args, ctx) -> int:
    import mlflow
    import pandas as pd
    from mlflow.models import infer_signature

    from .tables import read_rows, require_table

    table = f"{args.catalog}.{args.schema}.{args.features_table}"
    model_name = f"{args.catalog}.{args.schema}.{args.model_name}"
    require_table(ctx.workspace(), table, "run the refresh_features task first")
    train_rows, holdout = split(read_rows(table))
    if not train_rows or not holdout:
        raise TaskError(f"{table} has no training or no holdout rows: refresh the features")

    mlflow.set_registry_uri("databricks-uc")
    if args.experiment:
        mlflow.set_experiment(args.experiment)
    with mlflow.start_run(run_name="train") as run:
        model = fit(train_rows)
        inputs = pd.DataFrame(holdout)[FEATURES].astype(float)
        predictions = [int(p) for p in model.predict(inputs)]
        metrics = scores([int(r[LABEL]) for r in holdout], predictions)
        mlflow.log_params({"rows": len(train_rows), "holdout_rows": len(holdout),
                           "features": ",".join(FEATURES)})
        mlflow.log_metrics({f"holdout_{k}": v for k, v in metrics.items()})
        info = mlflow.sklearn.log_model(
            model, "model", signature=infer_signature(inputs, model.predict(inputs)),
            input_example=inputs.head(3),
        )
    version = mlflow.register_model(info.model_uri, model_name).version
    ctx.say(f"registered {model_name} version {version} (run {run.info.run_id}); holdout "
            + ", ".join(f"{k} {v:.3f}" for k, v in metrics.items()))
    ctx.task_values.set("version", str(version))
    return 0


def register(commands) -> None:
    p = commands.add_parser("train", help="Train, log to MLflow, register a version.")
    p.add_argument("--catalog", required=True)
    p.add_argument("--schema", required=True)
    p.add_argument("--model-name", required=True)
    p.add_argument("--features-table", default="features")
    p.add_argument("--experiment", default="", help="MLflow experiment path (created if missing).")
    p.set_defaults(run=train)
