"""First deploy and the serving bundle's version variables, read from this project's own files.

CI runs `check-bootstrap` (exit 3: train and share first) and `bundle-vars` (the --var flags
for `bundle deploy` of serving/) for each target, primary first.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from fraud_detection.deploy.bundle_vars import load_aliases, load_target
from fraud_detection.deploy.versions import parse_aliases

PROJECT = Path(__file__).resolve().parents[1]
SERVING = yaml.safe_load((PROJECT / "serving" / "databricks.yml").read_text())
TARGETS = list(SERVING["targets"])


@pytest.fixture(params=TARGETS)
def target(request):
    return load_target(PROJECT, request.param)


def base_alias(target) -> str:
    aliases = parse_aliases(load_aliases(PROJECT))
    first = next(iter(aliases), target.entities[0].name)
    return aliases.get(first, first)


def test_every_target_serves_variables_of_its_own_model(target):
    spec = SERVING["targets"][target.name]
    assert target.host == spec["workspace"]["host"]
    assert all(e.variable == f"{e.name}_version" for e in target.entities)
    assert SERVING["variables"].keys() >= {e.variable for e in target.entities}


def test_a_fresh_workspace_needs_its_first_deploy(target, cli):
    code, out, _ = cli("check-bootstrap", "--target", target.name, "--project-dir", str(PROJECT))
    assert code == 3
    assert out.startswith(f"bootstrap needed for {target.name}: no version of "
                          f"{target.entities[0].model} behind @{base_alias(target)}")
    code, _, err = cli("bundle-vars", "--target", target.name, "--project-dir", str(PROJECT))
    assert code == 3 and "README.md, First deploy" in err


def test_after_the_first_training_every_variant_serves_version_1(w, target, cli):
    w.models.set_alias(target.entities[0].model, base_alias(target), 1)
    code, out, _ = cli("check-bootstrap", "--target", target.name, "--project-dir", str(PROJECT))
    assert code == 0 and out.startswith(f"ready: {target.name}")
    code, out, _ = cli("bundle-vars", "--target", target.name, "--project-dir", str(PROJECT))
    assert code == 0
    assert out.split() == [x for e in target.entities for x in ("--var", f"{e.variable}=1")]


def test_each_variant_gets_the_version_behind_its_own_alias(w, target, cli):
    aliases = parse_aliases(load_aliases(PROJECT))
    for i, entity in enumerate(target.entities):
        w.models.set_alias(entity.model, aliases.get(entity.name, entity.name), 10 + i)
    code, out, _ = cli("bundle-vars", "--target", target.name, "--project-dir", str(PROJECT),
                       "--format", "json")
    assert code == 0
    assert json.loads(out) == {e.variable: str(10 + i) for i, e in enumerate(target.entities)}
    looked_up = {c[1] for c in w.calls if c[0] == "model_versions.get_by_alias"}
    assert looked_up == {target.entities[0].model}


def test_the_client_is_made_for_the_target_workspace(ctx, w, target, cli):
    hosts = []

    def factory(host=None):
        hosts.append(host)
        return w

    ctx.workspace_factory = factory
    cli("check-bootstrap", "--target", target.name, "--project-dir", str(PROJECT))
    assert hosts == [SERVING["targets"][target.name]["workspace"]["host"]]


def test_an_unknown_target_is_a_usage_error(cli):
    code, _, err = cli("bundle-vars", "--target", "nowhere", "--project-dir", str(PROJECT))
    assert code == 2 and "has no target 'nowhere'" in err
