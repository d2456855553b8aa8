"""Resource keys and `${resources...}` references."""

from __future__ import annotations

from collections.abc import Iterator

from bundlegen.lint import refs
from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.rules.registry import TargetContext, rule
from bundlegen.lint.values import V


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
    "Two resources share a key (`jobs.etl` and `pipelines.etl`), or one resource is written in "
    "two files; the CLI refuses both (target overrides may repeat a key).",
)
def duplicate_resource_key(ctx: TargetContext) -> Iterator[Finding]:
    # Checked on the files as written, before target overrides merge, as the CLI does: the
    # key alone names a resource for `bundle run`, so it must be unique across types and files.
    first: dict[str, tuple[str, V, tuple[int, int]]] = {}
    for f in ctx.bundle.files:
        res = f.root.get("resources") if f.root is not None else None
        if res is None or not res.is_map:
            continue
        for rtype, group in res.items():
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
                yield ctx.finding(
                    "duplicate-resource-key", value, f"resources.{rtype}.{key}", what, at=at
                )
