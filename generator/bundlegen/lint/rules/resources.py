"""Resource keys and `${resources...}` references."""

from __future__ import annotations

from collections.abc import Iterator

from bundlegen.lint import refs
from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.rules.registry import TargetContext, items, rule, text
from bundlegen.lint.values import V, as_bool


def _python_resources(ctx: TargetContext) -> bool:
    for path in (
        ("python", "resources"),
        ("experimental", "python", "resources"),
        ("experimental", "pydabs"),
    ):
        v = ctx.get(*path)
        if v is not None and v.v:
            return True
    return False


@rule(
    "undefined-resource",
    ERROR,
    "`${resources.<type>.<key>...}` names a resource the target does not define "
    "(a warning when the bundle also defines resources in Python).",
)
def undefined_resource(ctx: TargetContext) -> Iterator[Finding]:
    python = _python_resources(ctx)
    for v, path in ctx.strings:
        for ref in refs.references(v.v):
            p = refs.parts(ref)
            if p[0] != "resources" or len(p) < 3:
                continue
            if ctx.get("resources", p[1], p[2]) is not None:
                continue
            if python:
                yield ctx.finding(
                    "undefined-resource",
                    v,
                    path,
                    f"${{{ref}}}: no resource {p[1]}.{p[2]} in the YAML (it may come from "
                    "the bundle's Python code)",
                    severity=WARNING,
                )
            else:
                yield ctx.finding(
                    "undefined-resource",
                    v,
                    path,
                    f"${{{ref}}}: no resource {p[1]}.{p[2]} is defined",
                )


@rule(
    "duplicate-resource-key",
    ERROR,
    "Two resources share a key (`jobs.etl` and `pipelines.etl`), a script has a resource's key, "
    "or one resource is written in two files; the CLI refuses these (target overrides may "
    "repeat a key).",
)
def duplicate_resource_key(ctx: TargetContext) -> Iterator[Finding]:
    # Checked on the files as written, before target overrides merge, as the CLI does: the
    # key alone names a resource for `bundle run`, so it must be unique across types and files.
    first: dict[str, tuple[str, V, tuple[int, int]]] = {}
    for f in ctx.bundle.files:
        res = f.root.get("resources") if f.root is not None else None
        groups = list(res.items()) if res is not None and res.is_map else []
        scripts = f.root.get("scripts") if f.root is not None else None
        if scripts is not None and scripts.is_map:
            groups.append(("scripts", scripts))
        for rtype, group in groups:
            if not group.is_map:
                continue
            for key, value in group.items():
                at = group.key_loc(key)
                if key not in first:
                    first[key] = (rtype, value, at)
                    continue
                rtype0, value0, at0 = first[key]
                where = f"{value0.file}:{at0[0]}:{at0[1]}"
                what = (
                    f"resource {rtype}.{key} is also written at {where}; write each resource "
                    "in one file"
                    if rtype == rtype0
                    else f"{rtype}.{key} has the same key as {rtype0}.{key} at {where}; "
                    "resource keys must be unique across types"
                )
                path = f"scripts.{key}" if rtype == "scripts" else f"resources.{rtype}.{key}"
                yield ctx.finding("duplicate-resource-key", value, path, what, at=at)


@rule(
    "resource-key-reference",
    ERROR,
    "A resource key uses `${...}` (`${var.env}_job`); keys are fixed names, resolved before "
    "any variable.",
)
def resource_key_reference(ctx: TargetContext) -> Iterator[Finding]:
    # On the files as written: the key of a target override counts too.
    for f in ctx.bundle.files:
        if f.root is None:
            continue
        places = [("resources", f.root.get("resources"))]
        targets = f.root.get("targets")
        for name, target in targets.items() if targets is not None and targets.is_map else []:
            places.append((f"targets.{name}.resources", target.get("resources")))
        for prefix, res in places:
            for rtype, group in res.items() if res is not None and res.is_map else []:
                for key in group.v if group.is_map else []:
                    if "${" in key:
                        yield ctx.finding(
                            "resource-key-reference",
                            group.v[key],
                            f"{prefix}.{rtype}.{key}",
                            f"resource key {key!r} must not contain variable references",
                            at=group.key_loc(key),
                        )


_PRINCIPALS = ("user_name", "group_name", "service_principal_name")


@rule(
    "permission-overlap",
    WARNING,
    "A principal in the top-level `permissions` also has permissions set on a resource; the "
    "CLI keeps the resource's and warns.",
)
def permission_overlap(ctx: TargetContext) -> Iterator[Finding]:
    top = ctx.view.get("permissions")
    if top is None or not top.is_seq:
        return
    wanted = {
        (f, name)
        for p in top.v
        if p.is_map
        for f in _PRINCIPALS
        if (name := text(ctx, p.get(f))) is not None
    }
    resources = ctx.view.get("resources")
    for rtype, group in resources.items() if resources is not None else []:
        for key, resource in group.items() if group.is_map else []:
            perms = resource.get("permissions") if resource.is_map else None
            for i, p in enumerate(perms.v if perms is not None and perms.is_seq else []):
                for f in _PRINCIPALS:
                    v = p.get(f) if p.is_map else None
                    if v is not None and (f, text(ctx, v)) in wanted:
                        yield ctx.finding(
                            "permission-overlap",
                            v,
                            f"resources.{rtype}.{key}.permissions[{i}].{f}",
                            f"{rtype}.{key} already has permissions for {v.v!r}; the top-level "
                            "permissions for it do not apply here",
                        )


PERMISSION_LEVELS = ("CAN_MANAGE", "CAN_VIEW", "CAN_RUN")


@rule(
    "permission-level",
    ERROR,
    "A top-level `permissions` entry has a level other than CAN_MANAGE, CAN_VIEW or CAN_RUN "
    "(the levels the CLI maps onto each resource type).",
)
def permission_level(ctx: TargetContext) -> Iterator[Finding]:
    top = ctx.view.get("permissions")
    for i, p in enumerate(top.v if top is not None and top.is_seq else []):
        level = p.get("level") if p.is_map else None
        value = ctx.resolve(level)
        if isinstance(value, str) and value and value not in PERMISSION_LEVELS:
            yield ctx.finding(
                "permission-level",
                level,
                f"permissions[{i}].level",
                f"invalid permission level {value!r} for the whole bundle: use "
                f"{', '.join(PERMISSION_LEVELS)} (levels such as CAN_MANAGE_RUN belong on a "
                "resource's own permissions)",
            )


@rule(
    "job-run-trigger",
    ERROR,
    "A job run's `lifecycle.triggers` entry does not set `on_bundle_deploy: true`, or sets it "
    "beside `lifecycle.prevent_destroy`.",
)
def job_run_trigger(ctx: TargetContext) -> Iterator[Finding]:
    for key, run in ctx.resources("job_runs"):
        lifecycle = run.get("lifecycle")
        if lifecycle is None or not lifecycle.is_map:
            continue
        path = f"resources.job_runs.{key}.lifecycle"
        entries = items(lifecycle, "triggers")
        on_deploy = any(as_bool(ctx.resolve(t.get("on_bundle_deploy"))) for t in entries)
        if on_deploy and as_bool(ctx.resolve(lifecycle.get("prevent_destroy"))):
            yield ctx.finding(
                "job-run-trigger",
                lifecycle,
                path,
                "lifecycle.triggers.on_bundle_deploy is incompatible with "
                "lifecycle.prevent_destroy",
            )
        for i, t in enumerate(entries):
            flag = t.get("on_bundle_deploy")
            if flag is None or as_bool(ctx.resolve(flag)) is False:
                yield ctx.finding(
                    "job-run-trigger",
                    flag or t,
                    f"{path}.triggers[{i}].on_bundle_deploy",
                    "a lifecycle.triggers entry must set on_bundle_deploy: true",
                )
