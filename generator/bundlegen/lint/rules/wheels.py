"""Local libraries on old runtimes (trampoline/python_dbr_warning.go): a task that installs a
library from the bundle needs DBR 13.1 or later, unless the experimental wheel wrapper is on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlparse

from bundlegen.lint import refs
from bundlegen.lint.findings import ERROR, Finding
from bundlegen.lint.rules.registry import TargetContext, elements, items, rule, text
from bundlegen.lint.values import V, as_bool

_LIBRARY_FIELDS = ("whl", "jar", "egg", "requirements")  # libraries/helpers.go libraryPath
_PIP_FLAG = re.compile(r"(^|\s+)--?[a-zA-Z0-9-]+(([\s|=]+)|$)")
_PEP440 = (
    r"(\d+!)?(\d+(\.\d+)*)([-_.]?(a|b|rc)\d+)?([-_.]?post\d+)?([-_.]?dev\d+)?"
    r"(\+[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*)?"
)
_PACKAGE = re.compile(
    rf"^[a-zA-Z0-9\-_]+\s?(\[.*\])?\s?((==|!=|<=|>=|~=|==|>|<)\s?{_PEP440},?)*$"
)


def is_local_library(dep: str) -> bool:
    """Whether the CLI uploads this library or dependency from the bundle (local_path.go)."""
    if not dep:
        return False
    if dep.startswith("."):
        return True
    if _PIP_FLAG.search(dep) or _is_package(dep):
        return False
    dep = dep.strip("\"'")
    if dep.startswith("file://") or _remote(dep):
        return False
    return not dep.startswith("/")


def _is_package(name: str) -> bool:
    if _PACKAGE.match(name):
        return True
    parts = name.split(" @ ")
    return len(parts) == 2 and bool(_PACKAGE.match(parts[0])) and _remote(parts[1])


def _remote(path: str) -> bool:
    try:
        scheme = urlparse(path).scheme
    except ValueError:
        return False
    return bool(scheme) and scheme != "file" and path.startswith(scheme + ":/")


def old_runtime(version: object) -> bool:
    """Below DBR 13.1 (`13.x` counts as the latest 13); unparsable versions pass, as in the CLI."""
    if not isinstance(version, str):
        return False
    parts = version.split(".")
    if len(parts) < 2:
        return False
    minor = "99" if parts[1].startswith("x") else parts[1]
    if not (parts[0].isdigit() and minor.isdigit()):
        return False
    return (int(parts[0]), int(minor)) < (13, 1)


@rule(
    "wheel-old-runtime",
    ERROR,
    "A job task that installs a library from the bundle (a local wheel, JAR, egg or "
    "requirements file, or a local dependency of the job's environment) runs on a cluster "
    "whose `spark_version` is below DBR 13.1 (its `new_cluster`, its job cluster or a cluster "
    "of the bundle it names by `${resources.clusters.<key>.id}`), and "
    "`experimental.python_wheel_wrapper` is not on.",
)
def wheel_old_runtime(ctx: TargetContext) -> Iterator[Finding]:
    if as_bool(ctx.resolve(ctx.get("experimental", "python_wheel_wrapper"))):
        return
    jobs = ctx.resources("jobs")
    job_clusters = [c for _, job in jobs for c in items(job, "job_clusters")]
    for key, job in jobs:
        env_local = any(
            isinstance(d.v, str) and is_local_library(d.v)
            for env in items(job, "environments")
            for d in elements(env.get("spec", "dependencies"))
        )
        for i, task in enumerate(items(job, "tasks")):
            if not (env_local or _has_local_library(task)):
                continue
            tpath = f"resources.jobs.{key}.tasks[{i}]"
            name = text(ctx, task.get("task_key")) or str(i)
            found = _old_cluster(ctx, task, job_clusters)
            if found:
                what, version = found
                yield ctx.finding(
                    "wheel-old-runtime",
                    task,
                    tpath,
                    f"task {name!r} installs a library from the bundle on {what} with DBR "
                    f"{version}: local libraries need DBR 13.3+ (or "
                    "experimental.python_wheel_wrapper: true)",
                )


def _old_cluster(ctx: TargetContext, task: V, job_clusters: list[V]) -> tuple[str, str] | None:
    version = _spark_version(ctx, task.get("new_cluster"))
    if old_runtime(version):
        return "its new_cluster", version
    cluster_key = text(ctx, task.get("job_cluster_key"))
    if cluster_key is not None:
        # As the CLI: any job's job cluster with that key counts.
        for cluster in job_clusters:
            if text(ctx, cluster.get("job_cluster_key")) == cluster_key:
                version = _spark_version(ctx, cluster.get("new_cluster"))
                if old_runtime(version):
                    return f"job cluster {cluster_key!r}", version
    existing = task.get("existing_cluster_id")
    if existing is not None and isinstance(existing.v, str):
        whole = refs.REFERENCE.fullmatch(existing.v.strip())
        p = refs.parts(whole.group(1)) if whole else []
        if len(p) >= 3 and p[0] == "resources" and p[1] == "clusters":
            cluster = ctx.get("resources", "clusters", p[2])
            version = _spark_version(ctx, cluster)
            if old_runtime(version):
                return f"cluster {p[2]!r}", version
    return None


def _spark_version(ctx: TargetContext, cluster: V | None) -> object:
    value = ctx.resolve(cluster)
    if isinstance(value, dict):
        version = value.get("spark_version")
        return ctx.resolve(version) if isinstance(version, V) else version
    return None


def _library_path(library: V) -> str | None:
    """The path a library installs from: its first field that is set (helpers.go libraryPath)."""
    for field in _LIBRARY_FIELDS:
        v = library.get(field) if library.is_map else None
        if v is not None and isinstance(v.v, str) and v.v:
            return v.v
    return None


def _has_local_library(task: V) -> bool:
    return any(is_local_library(path) for lib in items(task, "libraries")
               if (path := _library_path(lib)) is not None)


@rule(
    "wheel-wrapper-parameters",
    ERROR,
    "With `experimental.python_wheel_wrapper` on, a `python_wheel_task` whose task installs a "
    "library from the workspace (or from the bundle, uploaded there) sets both `parameters` "
    "and `named_parameters`: the wrapper notebook passes one or the other "
    "(trampoline/python_wheel.go), and the CLI refuses both.",
)
def wheel_wrapper_parameters(ctx: TargetContext) -> Iterator[Finding]:
    if not as_bool(ctx.resolve(ctx.get("experimental", "python_wheel_wrapper"))):
        return
    to_volume = (text(ctx, ctx.get("workspace", "artifact_path")) or "").startswith("/Volumes/")
    for key, job in ctx.resources("jobs"):
        for i, task in enumerate(items(job, "tasks")):  # the wrapper skips for_each tasks
            wheel_task = task.get("python_wheel_task")
            both = [wheel_task.get(f) for f in ("parameters", "named_parameters")] if (
                wheel_task is not None and wheel_task.is_map) else [None]
            if any(v is None for v in both) or not any(
                _in_workspace(lib, to_volume) for lib in elements(task.get("libraries"))
            ):
                continue
            yield ctx.finding(
                "wheel-wrapper-parameters",
                both[1],
                f"resources.jobs.{key}.tasks[{i}].python_wheel_task.named_parameters",
                "the python wheel wrapper takes parameters or named_parameters, not both",
            )


def _in_workspace(library: V, to_volume: bool) -> bool:
    """Whether a library is installed from a workspace path once the bundle is deployed
    (libraries/path.go IsWorkspaceLibrary, local ones being uploaded to the artifact path)."""
    path = _library_path(library)
    if path is None:
        return False
    return path.startswith(("/Workspace/", "/Users/", "/Shared/")) or (
        is_local_library(path) and not to_volume
    )
