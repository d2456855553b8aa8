"""Settings the CLI requires or refuses, resource by resource (its `validate:required`,
`all_resources_have_values`, `job_task_cluster_spec`, `single_node_cluster` and the read-only
field checks)."""

from __future__ import annotations

from collections.abc import Iterator

from bundlegen.lint import refs
from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.rules.registry import TargetContext, items, job_tasks, rule
from bundlegen.lint.values import V, as_bool, join


@rule(
    "empty-resource",
    ERROR,
    "A resource is declared with no value (`resources.jobs.etl:` and nothing under it); "
    "the CLI refuses it as not defined.",
)
def empty_resource(ctx: TargetContext) -> Iterator[Finding]:
    group_map = ctx.view.get("resources")
    if group_map is None or not group_map.is_map:
        return
    for rtype, group in group_map.v.items():
        if not group.is_map:
            continue
        for key, value in group.v.items():
            if value.v is None:
                yield ctx.finding(
                    "empty-resource",
                    value,
                    f"resources.{rtype}.{key}",
                    f"{rtype.removesuffix('s')} {key} is not defined: it has no settings",
                    at=group.key_loc(key),
                )


def _blank(ctx: TargetContext, v: V | None) -> bool:
    """Unset, or a string that is empty in this target (a reference stays unknown)."""
    if v is None or v.v is None:
        return True
    value = ctx.resolve(v)
    return isinstance(value, str) and not value.strip()


@rule(
    "missing-setting",
    ERROR,
    "A setting the CLI refuses to go without: `bundle.name` (unless `workspace.root_path` is "
    "set), a dashboard's `display_name` and "
    "`warehouse_id`, a SQL warehouse's `name`, a grant's `principal` and `privileges`, a secret "
    "scope permission's principal (`user_name`, `group_name` or `service_principal_name`).",
)
def missing_setting(ctx: TargetContext) -> Iterator[Finding]:
    if _blank(ctx, ctx.get("bundle", "name")) and _blank(ctx, ctx.get("workspace", "root_path")):
        yield ctx.finding(
            "missing-setting",
            ctx.get("bundle") or ctx.bundle.root_file.root,
            "bundle.name",
            "the bundle has no name (nor a workspace.root_path): the CLI cannot place it",
        )
    for key, dashboard in ctx.resources("dashboards"):
        for field in ("display_name", "warehouse_id"):
            if _blank(ctx, dashboard.get(field)):
                yield ctx.finding(
                    "missing-setting",
                    dashboard,
                    f"resources.dashboards.{key}",
                    f"dashboard {key!r} has no {field}: the CLI requires it",
                )
    for key, warehouse in ctx.resources("sql_warehouses"):
        if _blank(ctx, warehouse.get("name")):
            yield ctx.finding(
                "missing-setting",
                warehouse,
                f"resources.sql_warehouses.{key}",
                f"sql warehouse {key!r} has no name: the CLI requires it",
            )
    resources = ctx.view.get("resources")
    for rtype, group in resources.items() if resources is not None else []:
        for key, resource in group.items() if group.is_map else []:
            for i, grant in enumerate(items(resource, "grants")):
                path = f"resources.{rtype}.{key}.grants[{i}]"
                if _blank(ctx, grant.get("principal")):
                    yield ctx.finding("missing-setting", grant, path, "a grant needs a principal")
                privileges = grant.get("privileges")
                if privileges is None or privileges.v in (None, []):
                    yield ctx.finding(
                        "missing-setting", grant, path, "a grant needs at least one privilege"
                    )
    for key, scope in ctx.resources("secret_scopes"):
        for i, perm in enumerate(items(scope, "permissions")):
            if all(
                _blank(ctx, perm.get(f))
                for f in ("user_name", "group_name", "service_principal_name")
            ):
                yield ctx.finding(
                    "missing-setting",
                    perm,
                    f"resources.secret_scopes.{key}.permissions[{i}]",
                    "a secret scope permission needs a principal: set one of user_name, "
                    "group_name or service_principal_name",
                )


# The task types that run on a cluster (job_task_cluster_spec.go's isComputeTask); a notebook
# task without compute is serverless, and one with a warehouse_id runs on the warehouse.
_COMPUTE_TASKS = (
    "python_wheel_task",
    "dbt_task",
    "spark_jar_task",
    "spark_submit_task",
    "spark_python_task",
)
_COMPUTE_FIELDS = ("job_cluster_key", "environment_key", "existing_cluster_id", "new_cluster")


@rule(
    "job-task-compute",
    WARNING,
    "A Python wheel, dbt, Spark JAR, Spark submit or Spark Python task names no compute: "
    "none of `job_cluster_key`, `environment_key`, `existing_cluster_id`, `new_cluster`. The "
    "CLI refuses it, but a published Databricks example relies on it, so this is a warning.",
)
def job_task_compute(ctx: TargetContext) -> Iterator[Finding]:
    for key, job in ctx.resources("jobs"):
        for t, tpath in job_tasks(job, f"resources.jobs.{key}"):
            kind = next((k for k in _COMPUTE_TASKS if t.get(k) is not None), None)
            if kind is None or any(_set(t.get(f)) for f in _COMPUTE_FIELDS):
                continue
            name = t.get("task_key")
            yield ctx.finding(
                "job-task-compute",
                t,
                tpath,
                f"task {name.v if name is not None else tpath!r} ({kind}) names no compute: set "
                "one of job_cluster_key, environment_key, existing_cluster_id or new_cluster",
            )


def _set(v: V | None) -> bool:
    return v is not None and v.v not in (None, "")


def _clusters(ctx: TargetContext) -> Iterator[tuple[V, str]]:
    """Every cluster spec the CLI's single-node check looks at."""
    for key, cluster in ctx.resources("clusters"):
        yield cluster, f"resources.clusters.{key}"
    for key, job in ctx.resources("jobs"):
        for i, jc in enumerate(items(job, "job_clusters")):
            yield jc.get("new_cluster"), f"resources.jobs.{key}.job_clusters[{i}].new_cluster"
        for t, tpath in job_tasks(job, f"resources.jobs.{key}"):
            yield t.get("new_cluster"), f"{tpath}.new_cluster"
    for key, pipeline in ctx.resources("pipelines"):
        for i, cluster in enumerate(items(pipeline, "clusters")):
            yield cluster, f"resources.pipelines.{key}.clusters[{i}]"


def _resolved_map(ctx: TargetContext, v: V | None) -> dict:
    return {k: ctx.resolve(x) for k, x in v.items()} if v is not None else {}


def _single_node_misconfigured(ctx: TargetContext, c: V) -> bool:
    workers = ctx.resolve(c.get("num_workers"))
    if isinstance(workers, str) and workers.strip().isdigit():
        workers = int(workers)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers > 0:
        return False
    if as_bool(ctx.resolve(c.get("is_single_node"))):
        return False
    if _set(c.get("policy_id")):
        return False
    conf = {
        k: ctx.resolve(x) for k, x in (c.get("spark_conf").items() if c.get("spark_conf") else [])
    }
    tags = {
        k: ctx.resolve(x) for k, x in (c.get("custom_tags").items() if c.get("custom_tags") else [])
    }
    if any(x is refs.UNRESOLVED for x in [*conf.values(), *tags.values()]):
        return False
    master = conf.get("spark.master")
    return not (
        conf.get("spark.databricks.cluster.profile") == "singleNode"
        and isinstance(master, str)
        and master.startswith("local")
        and tags.get("ResourceClass") == "SingleNode"
    )


@rule(
    "single-node-cluster",
    WARNING,
    "A cluster with `num_workers: 0` that is not set up as a single-node cluster "
    "(`is_single_node: true`, or the singleNode profile, a local master and the SingleNode "
    "tag); it would start without workers.",
)
def single_node_cluster(ctx: TargetContext) -> Iterator[Finding]:
    for cluster, path in _clusters(ctx):
        if cluster is not None and cluster.is_map and _single_node_misconfigured(ctx, cluster):
            yield ctx.finding(
                "single-node-cluster",
                cluster.get("num_workers") or cluster,
                path,
                "num_workers is 0 but this is not a single-node cluster: set is_single_node: "
                "true (or spark_conf spark.databricks.cluster.profile: singleNode, spark.master: "
                "local[*] and custom_tags ResourceClass: SingleNode)",
            )


# Fields the CLI or the workspace sets, which a bundle must not (each: resource type, path).
_READ_ONLY = (
    ("jobs", ("deployment", "deployment_id")),
    ("jobs", ("deployment", "version_id")),
    ("pipelines", ("deployment", "deployment_id")),
    ("pipelines", ("deployment", "version_id")),
    ("job_runs", ("idempotency_token",)),
    ("volumes", ("volume_path",)),
    ("dashboards", ("etag",)),
    ("genie_spaces", ("etag",)),
)


@rule(
    "read-only-field",
    ERROR,
    "A field the CLI or the workspace sets and the CLI refuses in a bundle: a job's or "
    "pipeline's `deployment.deployment_id` and `deployment.version_id`, a job run's "
    "`idempotency_token`, a volume's `volume_path`, a dashboard's or Genie space's `etag`.",
)
def read_only_field(ctx: TargetContext) -> Iterator[Finding]:
    for rtype, path in _READ_ONLY:
        for key, resource in ctx.resources(rtype):
            v = resource.get(*path)
            if v is not None and v.v not in (None, ""):
                where = join(f"resources.{rtype}.{key}", ".".join(path))
                yield ctx.finding(
                    "read-only-field",
                    v,
                    where,
                    f"{'.'.join(path)} is set by the CLI or the workspace and must not be set "
                    "in the bundle; remove it",
                )


@rule(
    "secret-value",
    ERROR,
    "A secret resource's `value` is missing, not a string, not a `${var...}` reference, or "
    "refers to a variable with a default: a secret must not be written in the bundle.",
)
def secret_value(ctx: TargetContext) -> Iterator[Finding]:
    for key, secret in ctx.resources("secrets"):
        path = f"resources.secrets.{key}.value"
        value = secret.get("value")
        if value is None or not isinstance(value.v, str):
            yield ctx.finding(
                "secret-value", value or secret, path, f"secret {key!r} needs a string value"
            )
            continue
        whole = refs.REFERENCE.fullmatch(value.v)
        if not whole:
            yield ctx.finding(
                "secret-value",
                value,
                path,
                f"secret {key!r} is written in plain text: use a variable reference, "
                "${var.<name>}, and pass the value at deploy time",
            )
            continue
        p = whole.group(1).split(".")
        definition = ctx.variables().get(p[1]) if p[0] == "var" and len(p) == 2 else None
        default = definition.get("default") if definition is not None else None
        if default is not None and default.v is not None:
            yield ctx.finding(
                "secret-value",
                value,
                path,
                f"variable {p[1]!r} holds secret {key!r} but has a default, written in plain "
                f"text: remove it and pass --var {p[1]}=... or BUNDLE_VAR_{p[1]}",
            )


@rule(
    "conflicting-settings",
    ERROR,
    "Two settings that exclude each other: a Genie space's `file_path` and `serialized_space`.",
)
def conflicting_settings(ctx: TargetContext) -> Iterator[Finding]:
    for key, space in ctx.resources("genie_spaces"):
        if _set(space.get("file_path")) and _set(space.get("serialized_space")):
            yield ctx.finding(
                "conflicting-settings",
                space.get("serialized_space"),
                f"resources.genie_spaces.{key}.serialized_space",
                "both file_path and serialized_space are set: keep one",
            )
