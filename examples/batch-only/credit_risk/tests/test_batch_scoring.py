"""Batch scoring: the version behind the alias, pinned, scores the input table."""

from __future__ import annotations

import pytest

from credit_risk.errors import NotBootstrapped, TaskError
from credit_risk.features import FEATURES
from credit_risk.scoring.batch import score_batch

MODEL = "ml.fraud.fraud_model"


class Engine:
    def __init__(self, tables: dict[str, list[str]]):
        self.tables = tables
        self.scored: list[tuple] = []

    def table_exists(self, table):
        return table in self.tables

    def input_columns(self, model_uri):
        return list(FEATURES)

    def table_columns(self, table):
        return self.tables[table]

    def score_table(self, model_uri, columns, source, target, version):
        self.scored.append((model_uri, source, target, version))
        return 123


def test_the_table_is_scored_with_the_version_behind_the_alias(w):
    w.models.set_alias(MODEL, "champion", 6)
    engine = Engine({"ml.fraud.scoring_input": ["id", *FEATURES]})
    message = score_batch(w, engine, model=MODEL, alias="champion",
                          source="ml.fraud.scoring_input", target="ml.fraud.predictions")
    assert engine.scored == [("models:/ml.fraud.fraud_model/6", "ml.fraud.scoring_input",
                              "ml.fraud.predictions", "6")]
    assert message.startswith("scored 123 rows") and "version 6 (@champion)" in message


def test_without_a_model_version_it_says_the_first_deploy_has_not_run(w):
    with pytest.raises(NotBootstrapped, match="First deploy"):
        score_batch(w, Engine({}), model=MODEL, alias="champion", source="ml.fraud.in",
                    target="ml.fraud.out")


def test_a_missing_input_table_is_a_clear_error(w):
    w.models.set_alias(MODEL, "champion", 1)
    with pytest.raises(TaskError, match="input table ml.fraud.in does not exist"):
        score_batch(w, Engine({}), model=MODEL, alias="champion", source="ml.fraud.in",
                    target="ml.fraud.out")


def test_missing_feature_columns_are_named(w):
    w.models.set_alias(MODEL, "champion", 1)
    engine = Engine({"ml.fraud.in": ["id", "amount"]})
    with pytest.raises(TaskError, match="lacks the column\\(s\\) hour, merchant_risk"):
        score_batch(w, engine, model=MODEL, alias="champion", source="ml.fraud.in",
                    target="ml.fraud.out")
