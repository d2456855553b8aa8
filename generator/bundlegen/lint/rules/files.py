"""Files beside the YAML that the CLI reads while it loads the bundle: an alert's
`.dbalert.json` (mutator/load_dbalert_files.go). (variable-overrides.json: variables.py.)"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from bundlegen.lint import refs
from bundlegen.lint.findings import ERROR, Finding
from bundlegen.lint.rules.paths import has_sources
from bundlegen.lint.rules.registry import TargetContext, rule

# With a .dbalert.json, only these fields may be set in the YAML (the file holds the rest).
ALERT_YAML_FIELDS = ("warehouse_id", "display_name", "file_path", "permissions", "lifecycle")


@rule(
    "alert-file",
    ERROR,
    "An alert with a `file_path` (a `.dbalert.json` file) also sets a field other than "
    "`warehouse_id`, `display_name`, `file_path`, `permissions` and `lifecycle` in the YAML, "
    "or its file cannot be read, is not JSON, or uses `${...}` (the CLI does not resolve "
    "references in it).",
)
def alert_file(ctx: TargetContext) -> Iterator[Finding]:
    for key, alert in ctx.resources("alerts"):
        file_path = alert.get("file_path")
        if file_path is None or not isinstance(file_path.v, str) or not file_path.v:
            continue
        path = f"resources.alerts.{key}"
        for name, value in alert.items():
            if name not in ALERT_YAML_FIELDS and value.v is not None:
                yield ctx.finding(
                    "alert-file",
                    value,
                    f"{path}.{name}",
                    f"field {name} is not allowed beside file_path: with a .dbalert.json only "
                    f"{', '.join(ALERT_YAML_FIELDS)} may be set in the bundle; move it into "
                    f"{file_path.v}",
                    at=alert.key_loc(name),
                )
        if refs.references(file_path.v):
            continue
        message = _alert_file_problem(ctx, file_path.v, ctx.folder_of(file_path))
        if message:
            yield ctx.finding("alert-file", file_path, f"{path}.file_path", message)


def _alert_file_problem(ctx: TargetContext, name: str, folder: str) -> str | None:
    file = Path(name if os.path.isabs(name) else os.path.join(folder, name))
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        if not file.exists() and not has_sources(str(ctx.bundle.root_file.path.parent)):
            return None  # the configuration alone, copied without its files (as missing-path)
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        return f"cannot read the .dbalert.json file {name}: {reason}"
    try:
        json.loads(text)
    except ValueError as err:
        return f"{name} is not valid JSON: {err}"
    found = refs.REFERENCE.search(text)
    if found:
        return (
            f"{name} uses {found.group(0)}: the CLI does not resolve references in a .dbalert.json "
            "file; define the alert in the YAML to use variables"
        )
    return None

