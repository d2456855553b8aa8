"""Version resolution: each variant serves the version behind its alias."""

from __future__ import annotations

import json

import pytest

from fraud_detection.deploy.versions import parse_aliases, resolve
from fraud_detection.errors import NotBootstrapped, UsageError

MODEL = "ml.fraud.fraud_model"


def test_aliases_default_to_the_variant_name_and_can_be_renamed():
    assert parse_aliases("champion,challenger") == {"champion": "champion",
                                                    "challenger": "challenger"}
    assert parse_aliases(" champion , challenger=candidate ") == {
        "champion": "champion", "challenger": "candidate"}
    assert parse_aliases("") == {}


@pytest.mark.parametrize("text", ["champion,champion", "Champion", "a=b=c", "=x"])
def test_bad_aliases_are_usage_errors(text):
    with pytest.raises(UsageError):
        parse_aliases(text)


def test_each_variant_gets_the_version_behind_its_alias(w):
    w.models.set_alias(MODEL, "champion", 3)
    w.models.set_alias(MODEL, "candidate", 5)
    resolved = resolve(w, MODEL, ["champion", "challenger"],
                       parse_aliases("champion,challenger=candidate"))
    assert [(r.variant, r.alias, r.version, r.fallback) for r in resolved] == [
        ("champion", "champion", "3", False), ("challenger", "candidate", "5", False)]


def test_a_variant_whose_alias_has_no_version_serves_the_base_version(w):
    w.models.set_alias(MODEL, "champion", 1)  # the first version ever: no challenger yet
    resolved = resolve(w, MODEL, ["champion", "challenger"], parse_aliases("champion,challenger"))
    assert [(r.version, r.fallback) for r in resolved] == [("1", False), ("1", True)]
    assert "has no version yet" in resolved[1].describe()


def test_the_base_is_the_first_variant_of_the_aliases_parameter(w):
    w.models.set_alias(MODEL, "challenger", 7)
    resolved = resolve(w, MODEL, ["champion", "challenger"], parse_aliases("challenger,champion"))
    assert [r.version for r in resolved] == ["7", "7"]


def test_no_base_version_means_the_first_deploy_has_not_run(w):
    with pytest.raises(NotBootstrapped, match="no version of ml.fraud.fraud_model behind @champ"):
        resolve(w, MODEL, ["champion", "challenger"], {})


def test_resolve_versions_task_sets_the_versions_task_value(w, ctx, cli):
    w.serving_endpoints.add("scoring", {"champion": "1", "challenger": "1"},
                            {"champion": 90, "challenger": 10})
    w.models.set_alias(MODEL, "champion", 2)
    w.models.set_alias(MODEL, "challenger", 3)
    code, out, err = cli("resolve-versions", "--endpoint", "scoring", "--model", MODEL,
                         "--aliases", "champion,challenger")
    assert (code, err) == (0, "")
    assert json.loads(ctx.task_values.values["versions"]) == {"champion": "2", "challenger": "3"}
    assert "challenger: version 3 (@challenger)" in out


def test_resolve_versions_for_a_missing_endpoint_says_to_deploy_serving_first(cli):
    code, _, err = cli("resolve-versions", "--endpoint", "nope", "--model", MODEL)
    assert code == 1
    assert err.strip() == ("error: serving endpoint nope does not exist in this workspace: deploy "
                           "serving/ for this target first (README.md, First deploy)")
