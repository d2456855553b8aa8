"""Local paths the CLI uploads: notebooks, Python files, SQL files, dbt projects and requirements
files named by jobs and pipelines must exist, relative to the file that names them, and be of the
kind the field expects (translate_paths.go)."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

from bundlegen.bundle import syncglob
from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.rules.registry import TargetContext, elements, items, job_tasks, rule
from bundlegen.lint.values import V

NOTEBOOK, FILE, DIRECTORY = "notebook", "file", "directory"

# Each task field that names a local path, and what it must be (job_paths_visitor.go).
_TASK_PATHS = (
    (("notebook_task", "notebook_path"), NOTEBOOK),
    (("spark_python_task", "python_file"), FILE),
    (("dbt_task", "project_directory"), DIRECTORY),
    (("sql_task", "file", "path"), FILE),
)
_PIPELINE_PATHS = ((("notebook", "path"), NOTEBOOK), (("file", "path"), FILE))

# The first line that makes a source file a notebook (libs/notebook/detect.go).
_HEADERS = {
    ".py": "# Databricks notebook source",
    ".r": "# Databricks notebook source",
    ".scala": "// Databricks notebook source",
    ".sql": "-- Databricks notebook source",
}
EXTENSIONS = (".py", ".r", ".scala", ".sql", ".ipynb")


@rule(
    "missing-path",
    ERROR,
    "A local path a job task or pipeline names (`notebook_path`, `python_file`, `sql_task.file`, "
    "`dbt_task.project_directory`, a library's `requirements`, a pipeline's `root_path` and its "
    "libraries' notebooks and files, globs included; a dashboard's or Genie space's "
    "`file_path`) does not exist relative to the file that "
    "names it, or is a plain file where a notebook is expected (or the other way round). Not "
    "checked for jobs with `git_source`, nor in a bundle folder that holds only configuration "
    "(YAML, JSON, Markdown).",
)
def missing_path(ctx: TargetContext) -> Iterator[Finding]:
    if not has_sources(str(ctx.bundle.root_file.path.parent)):
        return  # the configuration alone, copied without its sources: nothing to compare
    for v, path, kind, _ in _local_paths(ctx):
        yield from _check(ctx, v, path, kind)


@rule(
    "path-outside-sync-root",
    ERROR,
    "A job task's or pipeline's local source (`notebook_path`, `python_file`, a pipeline's "
    "`root_path`, notebooks and files, ...) lies outside the folders the bundle syncs: the "
    "bundle root and the `sync.paths` entries. Libraries may lie outside.",
)
def path_outside_sync_root(ctx: TargetContext) -> Iterator[Finding]:
    root = _sync_root(ctx)
    for v, path, _, synced in _local_paths(ctx):
        literal = _local_literal(ctx, v)
        if not synced or literal is None:
            continue
        local = os.path.abspath(os.path.join(ctx.folder_of(v), literal))
        if os.path.commonpath([root, local]) != root:
            yield ctx.finding(
                "path-outside-sync-root",
                v,
                path,
                f"{literal} is outside the sync root {_shown(ctx, root)}: it would not be "
                "uploaded; add its folder to sync.paths, or move it into the bundle",
            )


def _local_paths(ctx: TargetContext) -> Iterator[tuple[V | None, str, str, bool]]:
    """Each local path of a job task or pipeline: (value, path, kind, must be synced)."""
    for key, job in ctx.resources("jobs"):
        if job.get("git_source") is not None and job.v["git_source"].v is not None:
            continue
        for t, tpath in job_tasks(job, f"resources.jobs.{key}"):
            for fields, kind in _TASK_PATHS:
                holder = t.get(*fields[:-1])
                if holder is not None and _from_git(holder):
                    continue
                yield t.get(*fields), f"{tpath}.{'.'.join(fields)}", kind, True
            for j, lib in enumerate(items(t, "libraries")):
                yield lib.get("requirements"), f"{tpath}.libraries[{j}].requirements", FILE, False
    for rtype in ("dashboards", "genie_spaces"):  # read into serialized_dashboard / _space
        for key, resource in ctx.resources(rtype):
            yield resource.get("file_path"), f"resources.{rtype}.{key}.file_path", FILE, False
    for key, pipeline in ctx.resources("pipelines"):
        path = f"resources.pipelines.{key}"
        yield pipeline.get("root_path"), f"{path}.root_path", DIRECTORY, True
        for j, lib in enumerate(items(pipeline, "libraries")):
            for fields, kind in _PIPELINE_PATHS:
                yield lib.get(*fields), f"{path}.libraries[{j}].{'.'.join(fields)}", kind, True


def _sync_root(ctx: TargetContext) -> str:
    """The innermost folder holding the bundle root and every sync path (sync_infer_root.go)."""
    root = os.path.abspath(ctx.bundle.root_file.path.parent)
    for entry in elements(ctx.get("sync", "paths")):
        if isinstance(entry.v, str) and entry.v and "${" not in entry.v:
            where = os.path.abspath(os.path.join(ctx.folder_of(entry), entry.v))
            root = os.path.commonpath([root, where])
    return root


def _shown(ctx: TargetContext, folder: str) -> str:
    rel = os.path.relpath(folder, os.path.abspath(ctx.bundle.root_file.path.parent))
    return "(the bundle root)" if rel == "." else f"({rel})"


_CONFIG_SUFFIXES = (".yml", ".yaml", ".json", ".md", ".txt", ".toml")


def has_sources(root: str) -> bool:
    """Whether the bundle folder holds any file besides configuration and docs."""
    for _, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        if any(_is_source(name) for name in files):
            return True
    return False


def _is_source(name: str) -> bool:
    return not (
        name.startswith(".")
        or name.lower().endswith(_CONFIG_SUFFIXES)
        or name in ("LICENSE", "NOTICE")
    )


def _from_git(holder: V) -> bool:
    source = holder.get("source") if holder.is_map else None
    return source is not None and str(source.v).upper() == "GIT"


def _local_literal(ctx: TargetContext, v: V | None) -> str | None:
    """The local path a value names in this target; None for workspace paths, URLs and what
    only the workspace can resolve."""
    if v is None or not isinstance(v.v, str) or not v.v:
        return None
    literal = ctx.resolve(v) if "${" in v.v else v.v
    if not isinstance(literal, str) or "${" in literal:
        return None
    if literal.startswith("/") or urlparse(literal).scheme or literal.startswith("~"):
        return None
    return literal


def _check(ctx: TargetContext, v: V | None, path: str, kind: str) -> Iterator[Finding]:
    literal = _local_literal(ctx, v)
    if literal is None:
        return
    local = os.path.normpath(os.path.join(ctx.folder_of(v), literal))
    if kind != DIRECTORY and any(c in literal for c in "*?["):
        matches = sorted(glob.glob(local))  # a pipeline's globbed notebooks or files
        problems = [_problem(m, m, kind) for m in matches] or [f"{kind} {literal} not found"]
        problem = next((x for x in problems if x), None)
    else:
        problem = _problem(literal, local, kind)
    if problem:
        yield ctx.finding("missing-path", v, path, problem)


def _problem(literal: str, local: str, kind: str) -> str | None:
    if kind == DIRECTORY:
        if not os.path.exists(local):
            return f"directory {literal} not found"
        return None if os.path.isdir(local) else f"{literal} is not a directory"
    if not os.path.isfile(local):
        if kind == FILE:
            return f"file {literal} not found"
        if os.path.splitext(local)[1]:
            return f"notebook {literal} not found"
        for ext in EXTENSIONS:
            if os.path.isfile(local + ext):
                return f"notebook {literal} not found: did you mean {literal + ext}?"
        return (
            f"notebook {literal} not found (local notebooks are named with their extension: "
            f"{', '.join(EXTENSIONS)})"
        )
    notebook = _is_notebook(local)
    if kind == NOTEBOOK and not notebook:
        return f"{literal} is a file, not a notebook (a notebook's first line is its header)"
    if kind == FILE and notebook:
        return f"{literal} is a notebook, but this field takes a file"
    return None


def _is_notebook(local: str) -> bool:
    ext = os.path.splitext(local)[1].lower()
    if ext == ".ipynb":
        return True
    header = _HEADERS.get(ext)
    if header is None:
        return False
    try:
        with open(local, encoding="utf-8", errors="replace") as f:
            first = f.readline(64)
    except OSError:
        return False
    return first.rstrip("\r\n").strip() == header


@rule(
    "sync-pattern-no-match",
    WARNING,
    "A `sync.include` or `sync.exclude` pattern matches no file under the bundle root (a "
    "gitignore-style pattern, relative to the file that sets it, matched as the CLI matches it: "
    "`validate_sync_patterns.go`). Checked where the bundle's sources are present.",
)
def sync_pattern_no_match(ctx: TargetContext) -> Iterator[Finding]:
    entries = [(key, i, v) for key in ("exclude", "include")
               for i, v in enumerate(elements(ctx.get("sync", key)))
               if isinstance(v.v, str) and "${" not in v.v]
    root = ctx.bundle.root_file.path.parent
    if not entries or not has_sources(str(root)):
        return
    files = ctx.bundle.all_files
    if files is None:
        return
    for key, i, v in entries:
        compiled = syncglob.pattern(syncglob.from_root(v.v, Path(ctx.folder_of(v)), root))
        if compiled is None or not any(compiled.search(f) for f in files):
            yield ctx.finding(
                "sync-pattern-no-match",
                v,
                f"sync.{key}[{i}]",
                f"pattern {v.v} does not match any files",
            )
