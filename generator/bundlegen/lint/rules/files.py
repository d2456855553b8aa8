"""Files beside the YAML that the CLI reads while it loads the bundle: an alert's
`.dbalert.json` (mutator/load_dbalert_files.go); and configuration it does not read because no
`include` matches it. (variable-overrides.json: variables.py.)"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from bundlegen.bundle.files import display_path
from bundlegen.errors import BundlegenError
from bundlegen.lint import refs
from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.rules.paths import has_sources
from bundlegen.lint.rules.registry import TargetContext, rule
from bundlegen.yaml import tree

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


_RESOURCES_KEY = re.compile(r"^resources:", re.M)
_RESOURCE_TYPE = re.compile(r"[a-z][a-z_]*s")  # jobs, pipelines, model_serving_endpoints, ...


@rule(
    "not-included",
    WARNING,
    "A YAML file in the bundle's folder defines `resources` (a mapping of resource types to "
    "resources, as bundle configuration does), but no `include` pattern matches it, so the CLI "
    "neither reads nor deploys it (as `databricks bundle generate` warns). Folders of another "
    "bundle, hidden folders and virtual environments are not searched.",
)
def not_included(ctx: TargetContext) -> Iterator[Finding]:
    root = ctx.bundle.root_file.path.parent
    for path in ctx.bundle.stray_files:
        try:
            stat = path.stat()
        except OSError:
            continue  # gone since the folder was listed
        at = _defines_resources(path, stat.st_mtime_ns, stat.st_size)
        if at is None:
            continue
        rel = path.relative_to(root).parent.as_posix()
        pattern = "*.yml" if rel == "." else f"{rel}/*.yml"
        yield Finding(
            WARNING, display_path(path), *at, "resources", "not-included",
            f"this file defines resources, but no include pattern of "
            f"{ctx.bundle.root_file.path.name} matches it, so they are not deployed: add one "
            f"(e.g. {pattern}) to include",
        )


@functools.lru_cache(maxsize=1024)
def _defines_resources(path: Path, mtime_ns: int, size: int) -> tuple[int, int] | None:
    """Line and column of a file's top-level `resources` key if it holds bundle resources."""
    if size > 1 << 20:
        return None
    try:
        text = path.read_text(encoding="utf-8")
        if not _RESOURCES_KEY.search(text):
            return None
        node = tree.compose_first(text, str(path))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, BundlegenError):
        return None  # not the bundle's to judge: the CLI never reads it
    for key, value in tree.items(node):
        if key.value != "resources":
            continue
        groups = tree.items(value)
        if groups and all(
            _RESOURCE_TYPE.fullmatch(str(k.value)) and isinstance(v, yaml.MappingNode)
            for k, v in groups
        ):
            return key.start_mark.line + 1, key.start_mark.column + 1
    return None
