"""Training data, metrics and the validation decision (no Spark or MLflow needed)."""

from __future__ import annotations

import pytest

from fraud_detection.features import FEATURES, LABEL, feature_records, generate, split
from fraud_detection.training import scores
from fraud_detection.validation import decide

DECIDE = {"metric": "f1", "champion_alias": "champion", "challenger_alias": "challenger"}


def test_the_example_data_is_reproducible_and_has_both_classes():
    rows = generate(2000, seed=3)
    assert rows == generate(2000, seed=3)
    assert rows != generate(2000, seed=4)
    positives = sum(r[LABEL] for r in rows)
    assert 0 < positives < len(rows) / 2
    assert set(rows[0]) == {"id", LABEL, *FEATURES}


def test_the_holdout_is_stable_across_runs_and_disjoint_from_training():
    train, holdout = split(generate(1000))
    assert len(holdout) == 200 and len(train) == 800
    assert not {r["id"] for r in train} & {r["id"] for r in holdout}
    assert split(generate(1000))[1] == holdout


def test_requests_carry_exactly_the_model_features():
    assert list(feature_records(generate(1))[0]) == FEATURES


def test_scores():
    result = scores([1, 1, 0, 0], [1, 0, 1, 0])
    assert result == {"accuracy": 0.5, "precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert scores([0, 0], [0, 0])["f1"] == 0.0


def test_the_first_version_becomes_champion():
    decision = decide("1", 0.4, None, None, **DECIDE)
    assert (decision.alias, decision.promoted) == ("champion", "champion")


def test_a_version_at_least_as_good_as_the_champion_becomes_challenger():
    decision = decide("5", 0.61, "4", 0.60, **DECIDE)
    assert (decision.alias, decision.promoted) == ("challenger", "challenger")
    assert "passes" in decision.message


def test_a_worse_version_moves_no_alias():
    decision = decide("5", 0.55, "4", 0.60, **DECIDE)
    assert (decision.alias, decision.promoted) == (None, "none")
    assert "does not pass: f1 0.5500 < 0.6000" in decision.message


def test_a_tolerated_regression_still_passes():
    assert decide("5", 0.59, "4", 0.60, max_regression=0.02, **DECIDE).promoted == "challenger"


def test_the_champion_is_never_its_own_challenger():
    assert decide("4", 0.9, "4", 0.9, **DECIDE).alias is None


def test_the_model_learns_the_example_data():
    pytest.importorskip("sklearn")
    pytest.importorskip("pandas")
    import pandas as pd

    from fraud_detection.training import fit

    train, holdout = split(generate(5000))
    model = fit(train)
    predictions = model.predict(pd.DataFrame(holdout)[FEATURES].astype(float))
    assert scores([r[LABEL] for r in holdout], [int(x) for x in predictions])["recall"] > 0.5
