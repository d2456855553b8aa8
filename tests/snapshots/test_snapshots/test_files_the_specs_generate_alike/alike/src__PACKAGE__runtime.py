"""What every command gets from its caller: the workspace client, task values, clocks, output.

Commands never build a WorkspaceClient, read the time or sleep by themselves; `tasks.main`
passes a `Context`, and the tests pass one that holds fakes.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO


def default_workspace(host: str | None = None) -> Any:
    """A databricks-sdk WorkspaceClient.

    On Databricks compute it authenticates as the identity the job runs as; elsewhere through
    the usual environment (DATABRICKS_HOST plus OAuth or workload identity federation in CI).
    """
    from databricks.sdk import WorkspaceClient

    return WorkspaceClient(host=host) if host else WorkspaceClient()


def read_recorded_requests(w: Any, table: str, limit: int) -> list[dict]:
    """The newest successful requests an endpoint recorded in its inference table (Spark)."""
    from .tables import recent_requests

    return recent_requests(w, table, limit)


class TaskValues(Protocol):
    def set(self, key: str, value: Any) -> None: ...


class RuntimeTaskValues:
    """Task values for later tasks of the same job run (tasks.<task_key>.values.<key>).

    Outside Databricks (a laptop, CI) there is no job run: the value is printed instead.
    """

    def __init__(self, out: TextIO | None = None):
        self.out = out

    def set(self, key: str, value: Any) -> None:
        if os.environ.get("DATABRICKS_RUNTIME_VERSION"):
            from databricks.sdk.runtime import dbutils

            dbutils.jobs.taskValues.set(key=key, value=value)
        else:
            print(f"task value {key} = {json.dumps(value)}", file=self.out or sys.stdout)


@dataclass
class Context:
    """The outside world of a command. Tests replace every field."""

    workspace_factory: Callable[..., Any] = default_workspace
    task_values: TaskValues = field(default_factory=RuntimeTaskValues)
    clock: Callable[[], float] = time.time  # wall clock, seconds since the epoch
    timer: Callable[[], float] = time.perf_counter  # for measuring latency
    sleep: Callable[[float], None] = time.sleep
    # Request bodies recorded by an endpoint, newest first: (workspace, table, limit) -> list.
    recorded_requests: Callable[[Any, str, int], list[dict]] = read_recorded_requests
    out: TextIO | None = None
    _clients: dict = field(default_factory=dict, repr=False)

    def workspace(self, host: str | None = None) -> Any:
        if host not in self._clients:
            try:
                self._clients[host] = self.workspace_factory(host)
            except ValueError as err:  # the SDK's "cannot configure default credentials"
                from .errors import TaskError

                first = (str(err).splitlines() or [""])[0]
                raise TaskError(f"cannot authenticate to {host or 'the workspace'}: "
                                f"{redact(first)}") from None
        return self._clients[host]

    def say(self, text: str = "") -> None:
        print(redact(text), file=self.out or sys.stdout, flush=True)


_SECRETS = [
    (re.compile(r"dapi[0-9a-f]{16,}(?:-\d+)?"), "***"),  # personal access tokens
    (re.compile(r"dose[0-9a-f]{16,}"), "***"),  # OAuth secrets
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1***"),
    (re.compile(r"(?i)((?:token|secret|password)\s*[=:]\s*)[^\s,;&)'\"]+"), r"\1***"),
]


def redact(text: str) -> str:
    """Mask anything that looks like a credential before it is printed or recorded."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def parse_bool(text: str | bool) -> bool:
    """Job parameters are strings: "true"/"false" (any case), "1"/"0", "yes"/"no"."""
    if isinstance(text, bool):
        return text
    value = str(text).strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no", ""):
        return False
    from .errors import UsageError

    raise UsageError(f"expected true or false, not {text!r}")
