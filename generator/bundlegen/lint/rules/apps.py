"""Apps (bundle/apps/validate.go): where an app's code comes from, and the permissions of the
bundle resources it uses."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.rules.registry import TargetContext, items, rule
from bundlegen.lint.values import V

# ${resources.<type>.<key>.<field>}, as the CLI matches it.
_RESOURCE_REF = re.compile(r"\$\{resources\.(\w+)\.([^.]+)\.\w+\}")
# Each kind of app resource, and the field that names the bundle resource it uses.
_APP_RESOURCE_FIELDS = (
    ("job", "id"),
    ("sql_warehouse", "id"),
    ("serving_endpoint", "name"),
    ("experiment", "experiment_id"),
    ("uc_securable", "securable_full_name"),
)


@rule(
    "app-source",
    ERROR,
    "An app sets neither `source_code_path` nor `git_source`, sets both, or has the same "
    "`source_code_path` as another app.",
)
def app_source(ctx: TargetContext) -> Iterator[Finding]:
    used: dict[str, str] = {}
    for key, app in ctx.resources("apps"):
        path = f"resources.apps.{key}"
        source = app.get("source_code_path")
        has_source = source is not None and isinstance(source.v, str) and bool(source.v)
        git = app.get("git_source")
        has_git = git is not None and git.v is not None
        if has_source == has_git:
            yield ctx.finding(
                "app-source",
                app,
                path,
                f"app {key!r} sets both source_code_path and git_source: keep one"
                if has_source
                else f"app {key!r} has no source_code_path and no git_source: set one",
            )
            continue
        if not has_source or "${" in source.v:
            continue
        where = os.path.normpath(os.path.join(ctx.folder_of(source), source.v))
        if where in used:
            yield ctx.finding(
                "app-source",
                source,
                f"{path}.source_code_path",
                f"app {key!r} has the same source_code_path as app {used[where]!r}: each would "
                "overwrite the other's configuration",
            )
        used.setdefault(where, key)


@rule(
    "app-resource-permissions",
    WARNING,
    "An app uses a resource of the bundle (`${resources.jobs.<key>.id}`, ...) whose `permissions` "
    "do not include the app's service principal: the next deploy takes back what the app was "
    "granted on it. The CLI warns.",
)
def app_resource_permissions(ctx: TargetContext) -> Iterator[Finding]:
    for key, app in ctx.resources("apps"):
        for entry in items(app, "resources"):
            for kind, field in _APP_RESOURCE_FIELDS:
                ref = entry.get(kind, field)
                if ref is None or not isinstance(ref.v, str):
                    continue
                found = _RESOURCE_REF.search(ref.v)
                if not found:
                    continue
                rtype, rkey = found.groups()
                used = ctx.get("resources", rtype, rkey)
                permissions = used.get("permissions") if used is not None else None
                if permissions is None or not permissions.is_seq or not permissions.v:
                    continue
                if _grants_app(permissions, key):
                    continue
                yield ctx.finding(
                    "app-resource-permissions",
                    ref,
                    f"resources.apps.{key}.resources",
                    f"app {key!r} uses {rtype} {rkey!r}, which has permissions set: add "
                    "service_principal_name: "
                    f"${{resources.apps.{key}.service_principal_client_id}} to them, or the "
                    "next deploy takes back what the app was granted",
                )


def _grants_app(permissions: V, app_key: str) -> bool:
    want = f"${{resources.apps.{app_key}.service_principal_client_id}}"
    return any(
        p.is_map and p.get("service_principal_name") is not None
        and p.v["service_principal_name"].v == want
        for p in permissions.v
    )
