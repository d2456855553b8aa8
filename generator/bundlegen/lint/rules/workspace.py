"""Where and how the bundle deploys: workspace paths, interpolation where the CLI cannot use it,
the deployment engine, the presets and the CLI version the bundle asks for."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from bundlegen.lint import refs
from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.rules.registry import TargetContext, rule

_VOLUME_CHECKED = ("root_path", "file_path", "state_path", "resource_path")


@rule(
    "volume-workspace-path",
    ERROR,
    "`workspace.root_path`, `file_path`, `state_path` or `resource_path` starts with `/Volumes/`; "
    "only `workspace.artifact_path` may be a volume, and then as "
    "`/Volumes/<catalog>/<schema>/<volume>/...`.",
)
def volume_workspace_path(ctx: TargetContext) -> Iterator[Finding]:
    for field in _VOLUME_CHECKED:
        v = ctx.get("workspace", field)
        value = ctx.resolve(v)
        if isinstance(value, str) and value.startswith("/Volumes/"):
            yield ctx.finding(
                "volume-workspace-path",
                v,
                f"workspace.{field}",
                f"workspace.{field} {value} starts with /Volumes: only workspace.artifact_path "
                "can be in a volume",
            )
            if field == "root_path":
                return
    artifact = ctx.get("workspace", "artifact_path")
    value = ctx.resolve(artifact)
    if isinstance(value, str) and value.startswith("/Volumes/"):
        parts = value.split("/")
        if len(parts) < 5 or not all(parts[2:5]):
            yield ctx.finding(
                "volume-workspace-path",
                artifact,
                "workspace.artifact_path",
                f"workspace.artifact_path {value} is not a volume path: write "
                "/Volumes/<catalog>/<schema>/<volume>/...",
            )


# The workspace fields that configure authentication (interpolation_in_auth_config.go).
AUTH_FIELDS = (
    "host",
    "profile",
    "auth_type",
    "metadata_service_url",
    "client_id",
    "google_service_account",
    "azure_resource_id",
    "azure_use_msi",
    "azure_client_id",
    "azure_tenant_id",
    "azure_environment",
    "azure_login_app_id",
)


@rule(
    "auth-interpolation",
    WARNING,
    "A `workspace` field that configures authentication (`host`, `profile`, `auth_type`, "
    "`client_id`, the Azure and Google fields) uses `${...}`: the CLI authenticates before it "
    "resolves references. Set the field's environment variable (DATABRICKS_HOST, ...) instead.",
)
def auth_interpolation(ctx: TargetContext) -> Iterator[Finding]:
    for field in AUTH_FIELDS:
        v = ctx.get("workspace", field)
        if v is not None and isinstance(v.v, str) and refs.references(v.v):
            yield ctx.finding(
                "auth-interpolation",
                v,
                f"workspace.{field}",
                f"workspace.{field} uses a ${{...}} reference, which the CLI does not resolve "
                "for authentication; set it through its environment variable instead",
            )


@rule(
    "bundle-name-interpolation",
    WARNING,
    "`bundle.name` uses `${...}`: the name identifies the bundle's deployment, and the CLI asks "
    "for a literal.",
)
def bundle_name_interpolation(ctx: TargetContext) -> Iterator[Finding]:
    name = ctx.get("bundle", "name")
    if name is not None and isinstance(name.v, str) and refs.references(name.v):
        yield ctx.finding(
            "bundle-name-interpolation",
            name,
            "bundle.name",
            "bundle.name uses a ${...} reference: give the bundle a literal name (use "
            "${bundle.target} in paths and resource names instead)",
        )


# Resource types only the direct engine deploys (in the CLI's direct resources, not Terraform's).
DIRECT_ONLY = (
    "job_runs",
    "catalogs",
    "external_locations",
    "genie_spaces",
    "vector_search_endpoints",
    "vector_search_indexes",
    "instance_pools",
    "secrets",
)


def engine(ctx: TargetContext) -> str | None:
    """The deployment engine the CLI would use: bundle.engine, else DATABRICKS_BUNDLE_ENGINE
    (else the default, direct, for a bundle not yet deployed with Terraform)."""
    value = ctx.resolve(ctx.get("bundle", "engine"))
    if isinstance(value, str) and value:
        return value
    return os.environ.get("DATABRICKS_BUNDLE_ENGINE") or None


@rule(
    "direct-only",
    ERROR,
    "`bundle.engine: terraform` (or DATABRICKS_BUNDLE_ENGINE=terraform) with what only the "
    "direct engine deploys: resource types such "
    "as catalogs, job runs or Genie spaces, `lifecycle.started`, a pipeline's "
    "`cascade_on_destroy`.",
)
def direct_only(ctx: TargetContext) -> Iterator[Finding]:
    if engine(ctx) != "terraform":
        return
    resources = ctx.view.get("resources")
    for rtype, group in resources.items() if resources is not None else []:
        if rtype in DIRECT_ONLY and group.is_map and group.items():
            yield ctx.finding(
                "direct-only",
                group,
                f"resources.{rtype}",
                f"{rtype} resources need the direct engine, and this target uses terraform",
                at=resources.key_loc(rtype),
            )
        for key, resource in group.items() if group.is_map else []:
            for path in (("lifecycle", "started"), ("cascade_on_destroy",)):
                v = resource.get(*path) if resource.is_map else None
                if v is not None and v.v is not None:
                    where = ".".join(path)
                    yield ctx.finding(
                        "direct-only",
                        v,
                        f"resources.{rtype}.{key}.{where}",
                        f"{where} is only supported by the direct engine, and this target uses "
                        "terraform",
                    )


@rule(
    "invalid-pause-status",
    ERROR,
    "`presets.trigger_pause_status` is neither `PAUSED` nor `UNPAUSED`.",
)
def invalid_pause_status(ctx: TargetContext) -> Iterator[Finding]:
    status = ctx.get("presets", "trigger_pause_status")
    value = ctx.resolve(status)
    if isinstance(value, str) and value and value not in ("PAUSED", "UNPAUSED"):
        yield ctx.finding(
            "invalid-pause-status",
            status,
            "presets.trigger_pause_status",
            f"trigger_pause_status {value!r} must be PAUSED or UNPAUSED",
        )


# The constraints the CLI takes, the format of requirements.txt (verify_cli_version.go).
_VERSION = r"(\d+\.\d+\.\d+(\-\w+)?|\d+\.\d+.\*|\d+\.\*)"
_OPERATOR = r"(>=|<=|>|<|!=)?"
_CONSTRAINT = re.compile(rf"^{_OPERATOR} ?{_VERSION}(, {_OPERATOR} {_VERSION})?$", re.ASCII)


@rule(
    "cli-version-constraint",
    ERROR,
    "`bundle.databricks_cli_version` is not a constraint the CLI reads: one version (`0.250.0`, "
    "`0.250.*`) or one or two comparisons (`>= 0.250.0, < 1.0.0`), each with one space after "
    "the comma. Whether the CLI that deploys satisfies it depends on that CLI: not checked.",
)
def cli_version_constraint(ctx: TargetContext) -> Iterator[Finding]:
    constraint = ctx.get("bundle", "databricks_cli_version")
    value = ctx.resolve(constraint)
    if isinstance(value, str) and value and not _CONSTRAINT.match(value):
        yield ctx.finding(
            "cli-version-constraint",
            constraint,
            "bundle.databricks_cli_version",
            f"invalid version constraint {value!r}: write it as >= 0.0.0 or >= 0.0.0, <= 1.0.0",
        )
