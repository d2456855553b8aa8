"""The record of every deployment, evaluation and rollback: one JSON file each, in a UC volume.

Layout: <volume>/<endpoint>/<UTC time>_<event>_<job run id>.json, for example
<volume>/<endpoint>/20250301T101500123456Z_evaluation_8123.json.
Files sort by time; a file is never rewritten. Query them all with SQL:

    SELECT * FROM read_files('/Volumes/<catalog>/<schema>/deployments/', format => 'json')

Events: "update", "ramp-step" and "rollback" sent a configuration to the endpoint (they count
toward the endpoint update limit); "unchanged" and "rollback-noop" did not; "evaluation" holds
the verdict, the configuration that was evaluated and the version behind each alias then;
"promotion" is a promotion request carried out (or refused), "shadow" the comparison of a shadow
variant with the champion. The last passed evaluation is the configuration a rollback restores,
except the steps of a ramp that failed later (docs/decisions/deployment-records.md).
"""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from .errors import UsageError
from .runtime import redact

OPERATIONS = ("update", "ramp-step", "rollback")
EVENTS = ("update", "unchanged", "evaluation", "ramp-step", "rollback", "rollback-noop",
          "promotion", "shadow")
_NAME = re.compile(r"^(?P<stamp>\d{8}T\d{12}Z)_(?P<event>[a-z-]+)_(?P<run>[\w-]+)\.json$")
_STAMP = "%Y%m%dT%H%M%S%fZ"


def _stamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime(_STAMP)


def _seconds(stamp: str) -> float:
    return datetime.strptime(stamp, _STAMP).replace(tzinfo=timezone.utc).timestamp()


class Records:
    """Deployment records of one endpoint, kept through the Files API (no Spark needed)."""

    def __init__(
        self,
        w: Any,
        root: str,
        endpoint: str,
        *,
        clock: Callable[[], float] = time.time,
        dry_run: bool = False,
    ):
        root = root.rstrip("/")
        if not re.match(r"^/Volumes/[^/]+/[^/]+/[^/]+$", root):
            raise UsageError(
                f"--records must be a Unity Catalog volume, /Volumes/<catalog>/<schema>/<volume>, "
                f"not {root!r}"
            )
        self.w = w
        self.root = root
        self.endpoint = endpoint
        self.clock = clock
        self.dry_run = dry_run

    @property
    def folder(self) -> str:
        return f"{self.root}/{self.endpoint}"

    def write(self, event: str, run_id: str, **fields: Any) -> dict:
        """Store one record (not in a dry run) and return it."""
        if event not in EVENTS:
            raise ValueError(f"unknown event {event}")
        now = self.clock()
        record = {
            "event": event,
            "endpoint": self.endpoint,
            "run_id": str(run_id),
            "time": datetime.fromtimestamp(now, tz=timezone.utc).isoformat(),
            **fields,
        }
        if self.dry_run:
            return record
        body = redact(json.dumps(record, indent=1, sort_keys=True, default=str)).encode()
        run = re.sub(r"[^\w-]", "-", str(run_id)) or "manual"
        path = f"{self.folder}/{_stamp(now)}_{event}_{run}.json"
        self.w.files.create_directory(self.folder)
        self.w.files.upload(path, io.BytesIO(body), overwrite=False)
        record["path"] = path
        return record

    # ------------------------------------------------------------------ reading

    def _names(self, folder: str) -> list[str]:
        from databricks.sdk.errors import NotFound

        try:
            entries = list(self.w.files.list_directory_contents(folder))
        except NotFound:
            return []
        return sorted(e.name for e in entries if not e.is_directory and _NAME.match(e.name or ""))

    def _read(self, name: str) -> dict:
        response = self.w.files.download(f"{self.folder}/{name}")
        return json.loads(response.contents.read())

    def history(self, event: str | None = None) -> list[dict]:
        """Records of this endpoint, oldest first."""
        names = self._names(self.folder)
        if event:
            names = [n for n in names if _NAME.match(n).group("event") == event]
        return [self._read(n) for n in names]

    def last_passed(self, exclude_run: str | None = None) -> dict | None:
        """The newest passed evaluation of this endpoint: the configuration known to be good
        (of another run than `exclude_run`, if given).

        The evaluations of a run whose ramp failed do not count: the ramp moved its variant's
        alias back, and a later rollback must not bring that version back.
        """
        names = self._names(self.folder)
        failed_ramps = {_NAME.match(n).group("run") for n in names
                        if _NAME.match(n).group("event") in ("rollback", "rollback-noop")
                        and self._read(n).get("ramp_failed")}
        evaluations = [n for n in names if _NAME.match(n).group("event") == "evaluation"]
        excluded = re.sub(r"[^\w-]", "-", str(exclude_run)) if exclude_run else None
        for name in reversed(evaluations):
            run = _NAME.match(name).group("run")
            if run in failed_ramps or run == excluded:
                continue
            record = self._read(name)
            if record.get("outcome") == "passed":
                return record
        return None

    def find(self, event: str, **fields: Any) -> list[dict]:
        """Records of an event whose fields have the given values, oldest first."""
        return [r for r in self.history(event)
                if all(r.get(k) == v for k, v in fields.items())]

    def of_run(self, run_id: str) -> list[dict]:
        run = re.sub(r"[^\w-]", "-", str(run_id))
        return [self._read(n) for n in self._names(self.folder)
                if _NAME.match(n).group("run") == run]

    def operation_times(self, since: float) -> list[float]:
        """When this project's endpoints in this workspace were sent a configuration, since `since`.

        Every endpoint folder under the volume counts (staging and dev share a workspace).
        """
        from databricks.sdk.errors import NotFound

        try:
            folders = [e.name for e in self.w.files.list_directory_contents(self.root)
                       if e.is_directory]
        except NotFound:
            return []
        times = []
        for folder in folders:
            for name in self._names(f"{self.root}/{folder}"):
                match = _NAME.match(name)
                if match.group("event") in OPERATIONS:
                    when = _seconds(match.group("stamp"))
                    if when >= since:
                        times.append(when)
        return sorted(times)
