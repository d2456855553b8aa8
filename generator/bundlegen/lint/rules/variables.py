"""`${var...}` references and variable definitions."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from bundlegen.lint import refs
from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.rules.registry import TargetContext, declare, find_cycle, rule
from bundlegen.lint.values import V


@rule(
    "undefined-variable",
    ERROR,
    "`${var.x}` names a variable that `variables` does not define, or a target "
    "sets a variable that is not defined (a warning when written under a top-level key the CLI "
    "ignores).",
)
def undefined_variable(ctx: TargetContext) -> Iterator[Finding]:
    defined = ctx.variables()
    for v, path in ctx.strings:
        for ref in refs.references(v.v):
            p = refs.parts(ref)
            if p[0] != "var" or len(p) < 2 or p[1] in defined:
                continue
            holder = ctx.bundle.in_ignored_key(v)
            if holder:
                yield ctx.finding(
                    "undefined-variable",
                    v,
                    path,
                    f"${{{ref}}}: no variable {p[1]!r} is defined (written under the top-level "
                    f"key {holder!r}, which the CLI ignores; it fails where it is merged in)",
                    severity=WARNING,
                )
            else:
                yield ctx.finding(
                    "undefined-variable",
                    v,
                    path,
                    f"${{{ref}}}: no variable {p[1]!r} is defined under variables",
                )
    for name in ctx.values:
        if name not in defined:
            yield ctx.finding(
                "undefined-variable",
                ctx.bundle.root_file.root,
                "variables",
                f"--var sets {name!r}, which is not defined under variables",
                at=(1, 1),
            )
    merged = ctx.bundle.merged
    overrides = (
        merged.get("targets", ctx.target, "variables")
        if merged is not None and ctx.target
        else None
    )
    root_vars = merged.get("variables") if merged is not None else None
    for name, value in overrides.items() if overrides is not None else []:
        if root_vars is None or not root_vars.is_map or name not in root_vars.v:
            line, col = overrides.key_loc(name)
            yield ctx.finding(
                "undefined-variable",
                value,
                f"targets.{ctx.target}.variables.{name}",
                f"target {ctx.target!r} sets variable {name!r}, "
                "which is not defined under variables",
                at=(line, col),
            )


@rule(
    "undefined-variable-field",
    ERROR,
    "`${var.x.field}` names a field that the complex variable `x` does not have, or reads a "
    "field of a variable whose value is not a mapping (a default that is itself a `${var...}` "
    "reference included: the CLI reads fields before it resolves that).",
)
def undefined_variable_field(ctx: TargetContext) -> Iterator[Finding]:
    defined = ctx.variables()
    for v, path in ctx.strings:
        for ref in refs.references(v.v):
            p = ref.split(".")
            if p[0] != "var" or len(p) < 3 or p[1] not in defined or "[" in ref:
                continue
            definition = defined[p[1]]
            value = definition.get("default") if definition.is_map else None
            if value is None or value.v is None or definition.get("lookup") is not None:
                continue  # the value comes from --var, a lookup or the environment
            # A default that is itself a ${...} reference is still a string when the CLI reads
            # a field of it: the CLI refuses that too ("expected a map to index").
            for i, key in enumerate(p[2:], 2):
                if not value.is_map:
                    what = f"var.{'.'.join(p[1:i])} is not a mapping, so it has no field {key!r}"
                    if isinstance(value.v, str) and "${" in value.v:
                        what += f" (its value {value.v} is resolved only after fields are read)"
                    break
                if key not in value.v:
                    what = f"var.{'.'.join(p[1:i])} has no field {key!r}"
                    break
                value = value.v[key]
            else:
                continue
            if ctx.bundle.in_ignored_key(v):
                continue
            yield ctx.finding(
                "undefined-variable-field", v, path, f"${{{ref}}}: reference does not exist: {what}"
            )


@rule(
    "lookup-reference",
    ERROR,
    "A variable's `lookup` refers to another variable that is itself a lookup; the CLI resolves "
    "lookups in one pass and refuses it.",
)
def lookup_reference(ctx: TargetContext) -> Iterator[Finding]:
    defined = ctx.variables()
    for name, definition in defined.items():
        lookup = definition.get("lookup") if definition.is_map else None
        for v, path in refs.strings(lookup, f"variables.{name}.lookup"):
            for ref in refs.references(v.v):
                p = ref.split(".")
                other = defined.get(p[1]) if p[0] == "var" and len(p) >= 2 else None
                if other is not None and other.is_map and other.get("lookup") is not None:
                    yield ctx.finding(
                        "lookup-reference",
                        v,
                        path,
                        f"${{{ref}}}: a lookup cannot refer to another lookup variable "
                        f"({p[1]!r}); give {p[1]!r} a default or look the value up directly",
                    )


def _fields(name: str, v: V | None) -> Iterator[tuple[str, V]]:
    """Each string of a variable's default that holds a reference, by its field path
    (`a`, `a.a_2`, `a.items[0]`)."""
    for node, path in refs.strings(v, name):
        yield path, node


def _related(fields: dict[str, V], ref: str) -> list[str]:
    """The fields a reference needs: those it names, the ones inside it, or the one holding it."""
    return [f for f in fields if f == ref or _inside(f, ref) or _inside(ref, f)]


def _inside(inner: str, outer: str) -> bool:
    return inner.startswith(outer) and inner[len(outer)] in ".["


def _default_path(field: str) -> str:
    name, _, rest = field.partition(".")
    return f"variables.{name}.default" + (f".{rest}" if rest else "")


@rule(
    "variable-cycle",
    ERROR,
    "Variable defaults that refer to each other in a cycle; none can be resolved. Fields count "
    "one by one: `a.x: ${var.b.y}` beside `b.z: ${var.a.w}` is no cycle.",
)
def variable_cycle(ctx: TargetContext) -> Iterator[Finding]:
    fields: dict[str, V] = {}
    for name, definition in ctx.variables().items():
        if definition.is_map:
            fields.update(_fields(name, definition.get("default")))
    # The CLI resolves field by field, so a cycle is one that comes back to the same field.
    edges: dict[str, list[str]] = {}
    for path, node in fields.items():
        for ref in refs.references(node.v):
            p = ref.split(".")
            if p[0] in ("var", "variables") and len(p) >= 2:
                edges.setdefault(path, []).extend(_related(fields, ".".join(p[1:])))
    reported: set[frozenset] = set()
    for start in sorted(edges):
        cycle = find_cycle(start, edges)
        if cycle and frozenset(cycle) not in reported and cycle[0] == min(cycle):
            reported.add(frozenset(cycle))
            chain = " -> ".join(f"var.{n}" for n in cycle + [cycle[0]])
            # Through fields of complex values the CLI gives up after a few rounds and warns.
            deep = any("." in n or "[" in n for n in cycle)
            yield ctx.finding(
                "complex-variable-cycle" if deep else "variable-cycle",
                fields[cycle[0]],
                _default_path(cycle[0]),
                f"variables refer to each other in a cycle: {chain}",
            )


@rule(
    "required-variable",
    WARNING,
    "A variable with no default, no `value` and no lookup gets no value in a target: neither "
    "from lint's `--var NAME=VALUE`, nor from `BUNDLE_VAR_<name>` in its environment, nor from "
    "the target's `.databricks/bundle/<target>/variable-overrides.json`. The CLI refuses the "
    "target then (`no value assigned to required variable`). A warning, as CI may pass `--var` "
    "to the CLI and not to lint: give lint the same values to check them.",
)
def required_variable(ctx: TargetContext) -> Iterator[Finding]:
    overrides, _ = read_overrides(ctx)
    for name, definition in ctx.variables().items():
        if not definition.is_map:
            continue
        if any(definition.get(k) is not None and definition.v[k].v is not None
               for k in ("default", "value", "lookup")):
            continue
        if ctx.given(name) is not None or (overrides or {}).get(name) is not None:
            continue  # --var, BUNDLE_VAR_<name> or the target's variable-overrides.json gives it
        # No target in the message: one finding then stands for every target that has it.
        yield ctx.finding(
            "required-variable",
            definition,
            f"variables.{name}",
            f"variable {name!r} has no default, no lookup and no value set by the target: pass "
            f"--var {name}=... or BUNDLE_VAR_{name}, or set a default",
        )


# Reported by variable_cycle, which finds both kinds of cycle.
declare(
    "complex-variable-cycle",
    WARNING,
    "A cycle through fields of complex variables (`a: {x: ${var.b}}`, `b: {y: ${var.a}}`): the "
    "CLI stops resolving after 11 rounds with a warning and leaves the references unresolved.",
)


def overrides_file(ctx: TargetContext) -> Path:
    """Where the CLI keeps this target's variable values (`default` when no target is defined)."""
    root = ctx.bundle.root_file.path.parent
    return root / ".databricks" / "bundle" / (ctx.target or "default") / "variable-overrides.json"


def read_overrides(ctx: TargetContext) -> tuple[dict | None, str | None]:
    """The target's variable-overrides.json as a mapping (None if there is none), or why the
    CLI cannot read it."""
    file = overrides_file(ctx)
    if not file.is_file():
        return None, None
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        return None, f"cannot read it: {err}"
    except ValueError as err:
        return None, f"it is not valid JSON: {err}"
    if not isinstance(data, dict):
        return None, 'it must be a JSON object: {"var1": "value1", "var2": "value2"}'
    return data, None


@rule(
    "variable-overrides-file",
    ERROR,
    "The target's `.databricks/bundle/<target>/variable-overrides.json`, where the CLI reads "
    "variable values, is not a JSON object, or gives a mapping or list to a variable that is not "
    "`type: complex` (or a plain value to one that is); or `--var` or `BUNDLE_VAR_<name>` sets a "
    "complex variable, which the CLI takes from neither. The file's values win "
    "over defaults and target values; only `--var` and `BUNDLE_VAR_<name>` win over them.",
)
def variable_overrides_file(ctx: TargetContext) -> Iterator[Finding]:
    data, problem = read_overrides(ctx)
    root = ctx.bundle.root_file
    if problem:
        shown = os.path.relpath(overrides_file(ctx), root.path.parent)
        yield ctx.finding(
            "variable-overrides-file",
            root.root,
            "variables",
            f"the CLI cannot use {shown}: {problem}",
            at=(1, 1),
        )
        return
    for name, definition in ctx.variables().items():
        if not definition.is_map:
            continue
        complex_ = definition.get("type") is not None and definition.v["type"].v == "complex"
        if ctx.given(name) is not None:
            if complex_:
                how = "--var" if name in ctx.values else f"BUNDLE_VAR_{name}"
                yield ctx.finding(
                    "variable-overrides-file",
                    definition,
                    f"variables.{name}",
                    f"{how} sets {name!r}, but it is a complex variable, which the CLI takes "
                    "neither from --var nor from the environment",
                )
            continue
        if definition.get("lookup") is not None or data is None or data.get(name) is None:
            continue
        structured = isinstance(data[name], (dict, list))
        if structured != complex_:
            shown = os.path.relpath(overrides_file(ctx), root.path.parent)
            what = (
                "is not of type complex, but its value there is a mapping or list"
                if structured
                else "is of type complex, but its value there is not a mapping or list"
            )
            yield ctx.finding(
                "variable-overrides-file",
                definition,
                f"variables.{name}",
                f"variable {name!r} {what} ({shown})",
            )

