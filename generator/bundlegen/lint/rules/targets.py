"""Target-wide settings: default targets, run_as, deployment modes, engine and host."""

from __future__ import annotations

import os
from collections.abc import Iterator

from bundlegen.lint import refs
from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.rules.registry import TargetContext, rule, text
from bundlegen.lint.values import as_bool, join


@rule(
    "several-default-targets",
    WARNING,
    "More than one target has `default: true`; the CLI then refuses every command run "
    "without `-t`.",
)
def several_default_targets(ctx: TargetContext) -> Iterator[Finding]:
    targets = ctx.bundle.merged.get("targets") if ctx.bundle.merged is not None else None
    if targets is None or not targets.is_map:
        return
    defaults = [
        (name, t.get("default"))
        for name, t in targets.items()
        if t.is_map and t.get("default") is not None and as_bool(t.v["default"].v)
    ]
    names = ", ".join(name for name, _ in defaults)
    for name, flag in defaults[1:]:
        yield ctx.finding(
            "several-default-targets",
            flag,
            f"targets.{name}.default",
            f"targets {names} are all marked default: true; the CLI refuses any command "
            "without -t (keep one default)",
        )


@rule(
    "no-default-target",
    WARNING,
    "Several targets and none has `default: true`; the CLI then refuses every command run "
    "without `-t`.",
)
def no_default_target(ctx: TargetContext) -> Iterator[Finding]:
    targets = ctx.bundle.merged.get("targets") if ctx.bundle.merged is not None else None
    if targets is None or not targets.is_map:
        return
    present = [(n, t) for n, t in targets.v.items()]
    if len(present) < 2:
        return
    if any(t.is_map and as_bool(ctx.resolve(t.get("default"))) for _, t in present):
        return
    yield ctx.finding(
        "no-default-target",
        targets,
        "targets",
        f"none of the {len(present)} targets is marked default: true; the CLI refuses any "
        "command without -t (mark the one to use by default)",
    )


@rule(
    "run-as-conflict",
    ERROR,
    "`run_as` sets both `user_name` and `service_principal_name`; it must name one.",
)
def run_as_conflict(ctx: TargetContext) -> Iterator[Finding]:
    run_as = ctx.view.get("run_as")
    if run_as is None or not run_as.is_map:
        return
    user, sp = run_as.get("user_name"), run_as.get("service_principal_name")
    if user is None or sp is None:
        return
    if ctx.resolve(user) in ("", None) or ctx.resolve(sp) in ("", None):
        return
    yield ctx.finding(
        "run-as-conflict",
        run_as,
        "run_as",
        "run_as sets both user_name and service_principal_name; keep exactly one",
    )


def _is_development(ctx: TargetContext) -> bool:
    return ctx.resolve(ctx.get("bundle", "mode")) == "development"


@rule(
    "dev-unpaused-preset",
    ERROR,
    "A `mode: development` target sets `presets.trigger_pause_status: UNPAUSED`, "
    "which the CLI refuses.",
)
def dev_unpaused_preset(ctx: TargetContext) -> Iterator[Finding]:
    status = ctx.get("presets", "trigger_pause_status")
    if status is not None and _is_development(ctx) and ctx.resolve(status) == "UNPAUSED":
        yield ctx.finding(
            "dev-unpaused-preset",
            status,
            "presets.trigger_pause_status",
            f"target {ctx.target!r} is in development mode, where the CLI refuses to unpause all "
            "triggers and schedules",
        )


@rule(
    "production-dev-pipeline",
    ERROR,
    "A `mode: production` target deploys a pipeline with `development: true`, which the CLI "
    "refuses.",
)
def production_dev_pipeline(ctx: TargetContext) -> Iterator[Finding]:
    if ctx.resolve(ctx.get("bundle", "mode")) != "production":
        return
    for key, pipeline in ctx.resources("pipelines"):
        dev = pipeline.get("development")
        if dev is not None and as_bool(ctx.resolve(dev)):
            yield ctx.finding(
                "production-dev-pipeline",
                dev,
                f"resources.pipelines.{key}.development",
                f"target {ctx.target!r} is in production mode, where the CLI refuses a pipeline "
                "in development mode",
            )


@rule(
    "dev-unpaused-schedule",
    WARNING,
    "A `mode: development` target deploys a schedule or trigger with "
    "`pause_status: UNPAUSED` (literal or through a variable): every developer's copy would run "
    "on it.",
)
def dev_unpaused_schedule(ctx: TargetContext) -> Iterator[Finding]:
    if not _is_development(ctx):
        return
    resources = ctx.view.get("resources")
    if resources is None:
        return
    stack = [(resources, "resources")]
    while stack:
        node, path = stack.pop()
        if node.is_map:
            for key, child in node.items():
                if key == "pause_status" and ctx.resolve(child) == "UNPAUSED":
                    via = (
                        "" if child.v == "UNPAUSED" else f" ({child.v} is UNPAUSED in this target)"
                    )
                    yield ctx.finding(
                        "dev-unpaused-schedule",
                        child,
                        join(path, key),
                        f"target {ctx.target!r} is in development mode but {join(path, key)} is "
                        f"UNPAUSED{via}: each developer's copy would run on schedule",
                    )
                else:
                    stack.append((child, join(path, key)))
        elif node.is_seq:
            stack.extend((c, join(path, i)) for i, c in enumerate(node.v))


ENGINES = ("terraform", "direct")


@rule(
    "unknown-engine",
    ERROR,
    "`bundle.engine` is neither `terraform` nor `direct` (nor, when it is not set, the "
    "DATABRICKS_BUNDLE_ENGINE environment variable lint runs with).",
)
def unknown_engine(ctx: TargetContext) -> Iterator[Finding]:
    engine = ctx.get("bundle", "engine")
    value = ctx.resolve(engine)
    from_env = os.environ.get("DATABRICKS_BUNDLE_ENGINE", "")
    if (engine is None or value in (None, "")) and from_env not in ("", *ENGINES):
        root = ctx.bundle.root_file
        yield ctx.finding(
            "unknown-engine",
            root.root,
            "bundle.engine",
            f"DATABRICKS_BUNDLE_ENGINE={from_env!r} is neither terraform nor direct, and "
            "bundle.engine is not set: the CLI refuses to deploy",
            at=(1, 1),
        )
    if (
        engine is not None
        and value is not refs.UNRESOLVED
        and value is not None
        and value not in ENGINES
    ):
        yield ctx.finding(
            "unknown-engine",
            engine,
            "bundle.engine",
            f"unknown deployment engine {value!r}: use terraform or direct",
        )


@rule("host-not-https", ERROR, "`workspace.host` uses a scheme other than https://.")
def host_not_https(ctx: TargetContext) -> Iterator[Finding]:
    host = ctx.get("workspace", "host")
    value = ctx.resolve(host)
    if isinstance(value, str) and "://" in value and not value.lower().startswith("https://"):
        yield ctx.finding(
            "host-not-https",
            host,
            "workspace.host",
            f"workspace host {value!r} is not https: the CLI sends credentials to it",
        )


@rule(
    "run-as-empty",
    ERROR,
    "`run_as` has settings but names no identity (neither `user_name` nor "
    "`service_principal_name`); the CLI refuses it.",
)
def run_as_empty(ctx: TargetContext) -> Iterator[Finding]:
    run_as = ctx.view.get("run_as")
    if run_as is None or run_as.v is None:
        return  # `run_as:` left empty is no run_as at all
    fields = [run_as.get(f) for f in ("user_name", "service_principal_name")]
    if run_as.is_map and any(f is not None and ctx.resolve(f) not in ("", None) for f in fields):
        return
    yield ctx.finding(
        "run-as-empty",
        run_as,
        "run_as",
        "run_as must name exactly one identity: set user_name or service_principal_name",
    )


# Resources that must be created as the identity that deploys them (run_as.go).
_OWNED_BY_DEPLOYER = ("model_serving_endpoints", "quality_monitors", "apps")


# Who deploys, as far as lint's environment tells: an OAuth M2M service principal's
# application id (what `run_as.service_principal_name` holds), or a user name.
_DEPLOYER_VARIABLES = ("DATABRICKS_CLIENT_ID", "ARM_CLIENT_ID", "DATABRICKS_USERNAME")


@rule(
    "run-as-unsupported",
    WARNING,
    "`run_as` beside model serving endpoints, quality monitors, apps or dashboards with "
    "`embed_credentials: true`: the CLI refuses the bundle unless the identity deploying it is "
    "the `run_as` one (`run_as.go`). Lint takes the deploying identity from "
    "`DATABRICKS_CLIENT_ID`, `ARM_CLIENT_ID` or `DATABRICKS_USERNAME` when set, so a CI job that "
    "deploys as the `run_as` service principal passes. A warning, not an error: where none is "
    "set, lint cannot know who will deploy.",
)
def run_as_unsupported(ctx: TargetContext) -> Iterator[Finding]:
    run_as = ctx.view.get("run_as")
    if run_as is None or not run_as.is_map:
        return
    if as_bool(ctx.resolve(ctx.get("experimental", "use_legacy_run_as"))):
        return  # the legacy mode skips the check (and warns of itself)
    fields = [run_as.get(f) for f in ("service_principal_name", "user_name")]
    if all(f is None or ctx.resolve(f) in ("", None) for f in fields):
        return
    identity = next((n for f in fields if (n := text(ctx, f))), None)
    if identity in {os.environ.get(n) for n in _DEPLOYER_VARIABLES} - {None, ""}:
        return  # the run_as identity deploys: every resource is supported
    who = identity or "the run_as identity"
    found = [(rtype, ctx.resources(rtype)) for rtype in _OWNED_BY_DEPLOYER]
    found.append(
        (
            "dashboards with embed_credentials: true",
            [
                (k, d)
                for k, d in ctx.resources("dashboards")
                if as_bool(ctx.resolve(d.get("embed_credentials")))
            ],
        )
    )
    for what, resources in found:
        if resources:
            key, first = resources[0]
            yield ctx.finding(
                "run-as-unsupported",
                first,
                f"resources.{what.split()[0]}.{key}",
                f"{what} cannot run as another identity: the CLI refuses this bundle unless "
                f"{who} itself deploys it (then drop run_as, or set DATABRICKS_CLIENT_ID for lint)",
            )


MODES = ("development", "production")


@rule(
    "unknown-mode",
    ERROR,
    "`bundle.mode` (a target's `mode`) is neither `development` nor `production`.",
)
def unknown_mode(ctx: TargetContext) -> Iterator[Finding]:
    mode = ctx.get("bundle", "mode")
    value = ctx.resolve(mode)
    if isinstance(value, str) and value and value not in MODES:
        yield ctx.finding(
            "unknown-mode",
            mode,
            "bundle.mode",
            f"unsupported mode {value!r}: use development or production",
        )


@rule(
    "production-root-path",
    WARNING,
    "A `mode: production` target sets no `workspace.root_path` of its own and its jobs have no "
    "`run_as`: the CLI refuses it unless a service principal deploys it (which lint cannot "
    "know offline, so this is a warning).",
)
def production_root_path(ctx: TargetContext) -> Iterator[Finding]:
    if ctx.resolve(ctx.get("bundle", "mode")) != "production" or ctx.target is None:
        return
    merged = ctx.bundle.merged
    target = merged.get("targets", ctx.target) if merged is not None else None
    if target is None or not target.is_map:
        return
    root = target.get("workspace", "root_path")
    if root is not None and root.v not in (None, ""):
        return
    if ctx.view.get("run_as") is not None or all(
        job.get("run_as") is not None for _, job in ctx.resources("jobs")
    ):
        return
    yield ctx.finding(
        "production-root-path",
        target.get("mode") or target,
        f"targets.{ctx.target}",
        f"production target {ctx.target!r} sets no workspace.root_path: unless a service "
        "principal deploys it, the CLI refuses it (set root_path, e.g. "
        "/Workspace/Users/<deployer>/.bundle/${bundle.name}/${bundle.target}, or run_as)",
    )


_DEV_PATHS = ("root_path", "file_path", "resource_path", "artifact_path", "state_path")
_PER_USER = ("${workspace.current_user.", "/Users/", "@")


@rule(
    "dev-shared-path",
    WARNING,
    "A `mode: development` target sets a workspace path, or `presets.name_prefix`, that names "
    "no user (no `${workspace.current_user...}`, `~/` or `/Users/`): every developer would "
    "deploy to the same place. The CLI refuses it unless the path holds the deployer's name, "
    "which lint cannot know, so this is a warning.",
)
def dev_shared_path(ctx: TargetContext) -> Iterator[Finding]:
    if not _is_development(ctx):
        return
    for field in _DEV_PATHS:
        v = ctx.get("workspace", field)
        if _shared(v):
            yield ctx.finding(
                "dev-shared-path",
                v,
                f"workspace.{field}",
                f"target {ctx.target!r} is in development mode but workspace.{field} names no "
                "user: start it with ~/ or use ${workspace.current_user.short_name}",
            )
    prefix = ctx.get("presets", "name_prefix")
    if _shared(prefix):
        yield ctx.finding(
            "dev-shared-path",
            prefix,
            "presets.name_prefix",
            f"target {ctx.target!r} is in development mode but its name_prefix names no user: "
            "add ${workspace.current_user.short_name}",
        )


def _shared(v) -> bool:
    if v is None or not isinstance(v.v, str) or not v.v:
        return False
    return not v.v.startswith("~") and not any(mark in v.v for mark in _PER_USER)
