"""The command line every job task runs: clear one-line failures, no secrets in the output."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from databricks.sdk.errors import PermissionDenied

from fraud_detection.runtime import RuntimeTaskValues, parse_bool, redact
from fraud_detection.tasks import parser, run

TOKEN = "dapi0123456789abcdef0123456789abcdef"  # noqa: S105 - a fake, to be masked


def test_every_job_command_exists():
    commands = parser()._subparsers._group_actions[0].choices
    assert {"refresh-features", "train", "validate", "share"} <= set(commands)
    assert {"resolve-versions", "update-endpoint", "evaluate", "rollback", "bundle-vars",
            "check-bootstrap", "unpack-inference-table", "ensure-monitor",
            "check-drift"} <= set(commands)
    assert "score-batch" in commands


def test_a_missing_parameter_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        run(["share", "--share", "s"])
    assert exit_.value.code == 2
    assert "--model" in capsys.readouterr().err


def test_a_workspace_error_is_one_line_without_a_traceback_or_a_secret(w, cli, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionDenied(f"User cannot CREATE SHARE (request token={TOKEN})\nmore detail")

    monkeypatch.setattr(w.shares, "get", denied)
    code, _, err = cli("share", "--share", "s", "--model", "ml.fraud.m", "--recipient", "r",
                       "--metastore-id", "aws:eu-west-1:01234567-89ab-cdef-0123-456789abcdef")
    assert code == 1
    assert err.strip().splitlines() == [
        "error: share: the workspace answered PermissionDenied: User cannot CREATE SHARE "
        "(request token=***)"]


def test_a_bug_is_not_hidden(cli, monkeypatch, w):
    monkeypatch.setattr(w.shares, "get", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        cli("share", "--share", "s", "--model", "ml.fraud.m", "--recipient", "r",
            "--metastore-id", "aws:eu-west-1:01234567-89ab-cdef-0123-456789abcdef")


@pytest.mark.parametrize("text", [
    f"token {TOKEN} expired", f"Authorization: Bearer {TOKEN}", f"password={TOKEN}",
    "client_secret: dose0123456789abcdef0123"])
def test_credentials_are_masked(text):
    assert TOKEN not in redact(text) and "dose0123" not in redact(text)


def test_task_values_outside_databricks_are_printed(monkeypatch):
    monkeypatch.delenv("DATABRICKS_RUNTIME_VERSION", raising=False)
    out = io.StringIO()
    RuntimeTaskValues(out).set("version", "3")
    assert out.getvalue() == 'task value version = "3"\n'


@pytest.mark.parametrize("text,value", [("true", True), ("False", False), ("1", True), ("", False)])
def test_job_parameter_booleans(text, value):
    assert parse_bool(text) is value


def test_the_console_script_exits_non_zero_with_one_line(tmp_path):
    result = subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "fraud_detection", "share", "--share", "s", "--model", "bad",
         "--recipient", "r", "--metastore-id", ""],
        capture_output=True, text=True, cwd=tmp_path, check=False,
        env={"PATH": "", "PYTHONPATH": ":".join(sys.path)},
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: --metastore-id")
    assert "Traceback" not in result.stderr


def test_importing_the_package_does_not_import_heavy_libraries():
    code = ("import sys, fraud_detection.tasks as t; t.parser(); "
            "print([m for m in ('databricks.sdk', 'mlflow', 'sklearn', 'pyspark', 'pandas') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,  # noqa: S603
                         check=True, env={"PYTHONPATH": ":".join(sys.path)})
    assert out.stdout.strip() == "[]"
