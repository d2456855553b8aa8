"""Delta Sharing setup: idempotent, so running it again, or after adding a region, adds only
what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from databricks.sdk.errors import NotFound

PROJECT = Path(__file__).resolve().parents[1]
MODEL = "ml.fraud.fraud_model"
EU = "aws:eu-west-1:01234567-89ab-cdef-0123-456789abcdef"
AP = "aws:ap-southeast-2:fedcba98-7654-3210-fedc-ba9876543210"


def share(cli, recipient: str, metastore_id: str, *extra: str):
    return cli("share", "--share", "models", "--model", MODEL, "--recipient", recipient,
               "--metastore-id", metastore_id, *extra)


def test_the_first_run_creates_share_model_recipient_and_grant(w, cli):
    code, out, err = share(cli, "replica_eu", EU)
    assert (code, err) == (0, "")
    assert w.changes() == [
        ("shares.create", "models"),
        ("shares.update", "models", "ADD", MODEL),
        ("recipients.create", "replica_eu", EU),
        ("shares.update_permissions", "models", "replica_eu", ("SELECT",)),
    ]
    assert "granted SELECT on share models to replica_eu" in out


def test_a_second_run_adds_nothing(w, cli):
    share(cli, "replica_eu", EU)
    before = list(w.changes())
    code, out, _ = share(cli, "replica_eu", EU)
    assert code == 0 and "nothing was missing" in out
    assert w.changes() == before


def test_adding_a_region_adds_only_its_recipient_and_grant(w, cli):
    share(cli, "replica_eu", EU)
    before = list(w.changes())
    assert share(cli, "replica_ap", AP)[0] == 0
    assert w.changes()[len(before):] == [
        ("recipients.create", "replica_ap", AP),
        ("shares.update_permissions", "models", "replica_ap", ("SELECT",)),
    ]


def test_tables_are_shared_with_the_model_once(w, cli):
    share(cli, "replica_eu", EU, "--tables", "ml.fraud.features")
    share(cli, "replica_ap", AP, "--tables", "ml.fraud.features")
    added = [c for c in w.changes() if c[0] == "shares.update"]
    assert added == [("shares.update", "models", "ADD", MODEL),
                     ("shares.update", "models", "ADD", "ml.fraud.features")]


def test_a_share_created_meanwhile_by_a_parallel_task_is_fine(w, cli, monkeypatch):
    w.shares.create("models")
    real_get = w.shares.get
    calls = {"n": 0}

    def first_get_misses(name, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise NotFound("Share models does not exist")
        return real_get(name, **kwargs)

    monkeypatch.setattr(w.shares, "get", first_get_misses)
    code, _, err = share(cli, "replica_eu", EU)
    assert (code, err) == (0, "")


def test_an_empty_metastore_id_says_where_to_find_it_and_where_to_put_it(w, cli):
    code, _, err = share(cli, "replica_eu", "")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1
    for words in ("databricks metastores summary", "global_metastore_id", "bundlegen.yml",
                  "regions[].metastore_id", "resources/sharing.job.yml"):
        assert words in lines[0]
    assert w.changes() == []


def test_a_malformed_metastore_id_is_refused(w, cli):
    code, _, err = share(cli, "replica_eu", "eu-west-1")
    assert code == 2 and "is not a global metastore ID" in err


def test_a_recipient_of_another_metastore_is_not_silently_reused(w, cli):
    share(cli, "replica_eu", EU)
    code, _, err = share(cli, "replica_eu", AP)
    assert code == 1
    assert f"recipient replica_eu exists for metastore {EU}, not {AP}" in err


def sharing_tasks() -> list[list[str]]:
    path = PROJECT / "resources" / "sharing.job.yml"
    if not path.exists():
        return []
    (target,) = yaml.safe_load(path.read_text())["targets"].values()
    job = target["resources"]["jobs"]["share_model"]
    defaults = {p["name"]: p["default"] for p in job["parameters"]}
    tasks = []
    for task in job["tasks"]:
        argv = []
        for arg in task["python_wheel_task"]["parameters"]:
            for name, value in defaults.items():
                arg = arg.replace("{" + "{job.parameters." + name + "}" + "}", str(value))
            argv.append(arg)
        tasks.append(argv)
    return tasks


@pytest.mark.skipif(not sharing_tasks(), reason="a single-region project shares nothing")
def test_the_share_model_job_of_this_project_is_idempotent(w, cli):
    tasks = sharing_tasks()
    for i, argv in enumerate(tasks):  # the job's metastore IDs may not be filled in yet
        at = argv.index("--metastore-id") + 1
        argv[at] = argv[at] or f"aws:region-{i}:{i:08d}-0000-0000-0000-000000000000"
        argv[argv.index("--model") + 1] = MODEL  # the job resolves ${...} references
    for argv in tasks:
        assert cli(*argv)[0] == 0
    recipients = [c for c in w.changes() if c[0] == "recipients.create"]
    assert len(recipients) == len(tasks) == len({c[1] for c in recipients})
    before = list(w.changes())
    for argv in tasks:
        assert cli(*argv)[0] == 0
    assert w.changes() == before
