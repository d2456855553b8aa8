"""The example data: synthetic card transactions with a fraud label, generated, not downloaded.

It makes the project work end to end in a fresh workspace (train, register, serve, evaluate)
before your own data is wired in. Replace `generate` (or the refresh-features task) with your
feature pipeline; keep FEATURES in step with what the model is trained on, because the
deployment workflow's load test and edge cases send requests with these columns.
"""

from __future__ import annotations

import math
import random
from typing import Any

FEATURES = ["amount", "hour", "merchant_risk", "distance_km", "account_age_days", "txn_count_24h"]
LABEL = "label"
HOLDOUT_EVERY = 5  # every 5th row (by id) is held out for validation


def _row(rng: random.Random, row_id: int) -> dict[str, Any]:
    amount = round(rng.lognormvariate(3.5, 1.1), 2)
    hour = rng.randrange(24)
    merchant_risk = round(rng.betavariate(2, 8), 4)
    distance_km = round(rng.expovariate(1 / 25), 2)
    account_age_days = rng.randrange(1, 3650)
    txn_count_24h = min(int(rng.expovariate(1 / 3)), 60)
    night = 1.0 if hour < 6 else 0.0
    score = (
        -6.0
        + 0.9 * math.log1p(amount) * merchant_risk * 4
        + 1.2 * night
        + 0.015 * distance_km
        + 0.12 * txn_count_24h
        - 0.0004 * account_age_days
    )
    fraud = rng.random() < 1 / (1 + math.exp(-score))
    return {
        "id": row_id,
        "amount": amount,
        "hour": hour,
        "merchant_risk": merchant_risk,
        "distance_km": distance_km,
        "account_age_days": account_age_days,
        "txn_count_24h": txn_count_24h,
        LABEL: int(fraud),
    }


def generate(rows: int, seed: int = 7) -> list[dict[str, Any]]:
    """`rows` labelled rows; the same seed always gives the same rows."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not cryptography
    return [_row(rng, i) for i in range(rows)]


def is_holdout(row: dict[str, Any]) -> bool:
    return int(row["id"]) % HOLDOUT_EVERY == 0


def split(rows: list[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    """(training rows, holdout rows): a split by id, stable across runs and retrainings."""
    train = [r for r in rows if not is_holdout(r)]
    holdout = [r for r in rows if is_holdout(r)]
    return train, holdout


def feature_records(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The model's input columns of each row (what a serving request carries)."""
    return [{name: row[name] for name in FEATURES} for row in rows]


def refresh_features(args, ctx) -> int:
    """refresh-features: (re)write the example feature table <catalog>.<schema>.<table>."""
    from .tables import write_rows

    table = f"{args.catalog}.{args.schema}.{args.table}"
    rows = generate(args.rows, args.seed)
    write_rows(rows, table, mode="overwrite")
    ctx.say(f"wrote {len(rows)} rows to {table} ({sum(r[LABEL] for r in rows)} labelled fraud)")
    return 0


def register(commands) -> None:
    p = commands.add_parser("refresh-features", help="Write the example feature table.")
    p.add_argument("--catalog", required=True)
    p.add_argument("--schema", required=True)
    p.add_argument("--table", default="features")
    p.add_argument("--rows", type=int, default=20000)
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(run=refresh_features)
