"""Settings the CLI converts, ignores or no longer takes: deprecated fields, workspace paths
written with a redundant prefix, Python configuration, presets that do nothing locally."""

from __future__ import annotations

from collections.abc import Iterator

from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.rules.registry import TargetContext, rule
from bundlegen.lint.values import V, as_bool, plain


@rule(
    "deprecated-field",
    WARNING,
    "`bundle.compute_id` (or a target's `compute_id`), which the CLI converts to `cluster_id` "
    "with a deprecation warning.",
)
def deprecated_field(ctx: TargetContext) -> Iterator[Finding]:
    merged = ctx.bundle.merged
    if merged is None:
        return
    places = [("bundle", merged.get("bundle", "compute_id"))]
    targets = merged.get("targets")
    for name, target in targets.items() if targets is not None and targets.is_map else []:
        if target.is_map:
            places.append((f"targets.{name}", target.get("compute_id")))
    for where, v in places:
        if v is not None and v.v is not None:
            yield ctx.finding(
                "deprecated-field",
                v,
                f"{where}.compute_id",
                "compute_id is deprecated: use cluster_id instead",
            )


_PREFIXED = tuple(
    (f"/Workspace{sep}${{workspace.{field}}}", f"${{workspace.{field}}}")
    for field in ("root_path", "file_path", "artifact_path", "state_path", "resource_path")
    for sep in ("/", "")
)


@rule(
    "workspace-prefix",
    WARNING,
    "A string starts a workspace path with `/Workspace` before `${workspace.root_path}` (or "
    "`file_path`, `artifact_path`, `state_path`, `resource_path`), which already holds it; the CLI "
    "rewrites it and warns.",
)
def workspace_prefix(ctx: TargetContext) -> Iterator[Finding]:
    for v, path in ctx.strings:
        if "/Workspace" not in v.v:
            continue
        for pattern, replacement in _PREFIXED:
            if pattern in v.v:
                yield ctx.finding(
                    "workspace-prefix",
                    v,
                    path,
                    f"{pattern} doubles the /Workspace prefix: write {replacement}",
                )


@rule(
    "production-cluster-override",
    WARNING,
    "A `mode: production` target sets `bundle.cluster_id`, which runs every job on that one "
    "cluster; the CLI warns.",
)
def production_cluster_override(ctx: TargetContext) -> Iterator[Finding]:
    cluster = ctx.get("bundle", "cluster_id")
    production = ctx.resolve(ctx.get("bundle", "mode")) == "production"
    if production and cluster is not None and cluster.v not in (None, ""):
        yield ctx.finding(
            "production-cluster-override",
            cluster,
            "bundle.cluster_id",
            f"production target {ctx.target!r} overrides every job's cluster with "
            "cluster_id; use the same compute as the jobs define",
        )


@rule(
    "source-linked-outside-workspace",
    WARNING,
    "`presets.source_linked_deployment: true` works only when deploying from the Databricks "
    "workspace; from a local checkout or CI the CLI ignores it and warns.",
)
def source_linked_outside_workspace(ctx: TargetContext) -> Iterator[Finding]:
    preset = ctx.get("presets", "source_linked_deployment")
    if preset is not None and as_bool(ctx.resolve(preset)):
        yield ctx.finding(
            "source-linked-outside-workspace",
            preset,
            "presets.source_linked_deployment",
            "source-linked deployment is available only in the Databricks workspace; deployed "
            "from anywhere else, files are copied as usual",
        )


def _set(v: V | None) -> bool:
    return v is not None and v.v not in (None, {}, [], "")


@rule(
    "python-config",
    ERROR,
    "`experimental.pydabs`, which the CLI no longer takes (use `python`), or both `python` and a "
    "different `experimental.python`.",
)
def python_config(ctx: TargetContext) -> Iterator[Finding]:
    pydabs = ctx.get("experimental", "pydabs")
    if _set(pydabs):
        yield ctx.finding(
            "python-config",
            pydabs,
            "experimental.pydabs",
            "experimental.pydabs is no longer supported: move its settings to python",
        )
    old, new = ctx.get("experimental", "python"), ctx.get("python")
    if _set(old) and _set(new) and plain(old) != plain(new):
        yield ctx.finding(
            "python-config",
            old,
            "experimental.python",
            "experimental.python and python are mutually exclusive: keep only python",
        )


@rule(
    "terraform-engine",
    WARNING,
    "`bundle.engine: terraform`: the CLI warns that the Terraform engine is deprecated and will "
    "stop working (use `direct`, and `databricks bundle deployment migrate` for a deployed "
    "bundle).",
)
def terraform_engine(ctx: TargetContext) -> Iterator[Finding]:
    engine = ctx.get("bundle", "engine")
    if engine is not None and ctx.resolve(engine) == "terraform":
        yield ctx.finding(
            "terraform-engine",
            engine,
            "bundle.engine",
            "the terraform deployment engine is deprecated: move to engine: direct",
        )


@rule(
    "legacy-run-as",
    WARNING,
    "`experimental.use_legacy_run_as: true`, an experimental mode the CLI warns may be removed.",
)
def legacy_run_as(ctx: TargetContext) -> Iterator[Finding]:
    flag = ctx.get("experimental", "use_legacy_run_as")
    if flag is not None and as_bool(ctx.resolve(flag)):
        yield ctx.finding(
            "legacy-run-as",
            flag,
            "experimental.use_legacy_run_as",
            "the legacy run_as mode is experimental and may be removed: set run_as on the "
            "pipelines' owners instead",
        )
