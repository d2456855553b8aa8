"""`${...}` references in bundle values, and what they resolve to in one target's view."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bundlegen.lint.values import V, join

# The CLI's reference syntax (libs/dyn/dynvar): dotted keys, each optionally indexed.
_KEY = r"[a-zA-Z]+(?:[-_]*[a-zA-Z0-9]+)*"
REFERENCE = re.compile(r"\$\{(" + _KEY + r"(?:\[[0-9]+\])*(?:\." + _KEY + r"(?:\[[0-9]+\])*)*)\}")
_INDEX = re.compile(r"\[[0-9]+\]")

UNRESOLVED = object()


def parts(ref: str) -> list[str]:
    """`var.x[0].y` -> ['var', 'x', 'y'] (indexes dropped)."""
    return [_INDEX.sub("", p) for p in ref.split(".")]


def strings(v: V | None, path: str = "") -> Iterator[tuple[V, str]]:
    """Every string scalar under a value, with its path."""
    if v is None:
        return
    stack = [(v, path)]
    while stack:
        node, p = stack.pop()
        x = node.v
        if isinstance(x, str):
            if "${" in x:
                yield node, p
        elif isinstance(x, dict):
            stack.extend((c, join(p, k)) for k, c in reversed(list(x.items())))
        elif isinstance(x, list):
            stack.extend((c, join(p, i)) for i, c in reversed(list(enumerate(x))))


def view_strings(view: dict[str, V]) -> Iterator[tuple[V, str]]:
    for key, value in view.items():
        yield from strings(value, key)


def references(text: str) -> list[str]:
    return REFERENCE.findall(text)


def resolve(view: dict[str, V], target: str | None, v: V | None, depth: int = 0):
    """The value a scalar has in this target once `${var...}`, `${bundle.target}` and
    `${bundle.name}` are substituted; UNRESOLVED when that needs the workspace or a lookup."""
    if v is None:
        return None
    x = v.v
    if not isinstance(x, str) or "${" not in x:
        return x
    if depth > 20:
        return UNRESOLVED
    whole = REFERENCE.fullmatch(x.strip())
    if whole:
        return _lookup(view, target, whole.group(1), depth)
    out = []
    pos = 0
    for m in REFERENCE.finditer(x):
        value = _lookup(view, target, m.group(1), depth)
        if value is UNRESOLVED or isinstance(value, (dict, list)):
            return UNRESOLVED
        out.append(x[pos : m.start()])
        out.append(
            "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        )
        pos = m.end()
    out.append(x[pos:])
    return "".join(out)


def _lookup(view: dict[str, V], target: str | None, ref: str, depth: int):
    if "[" in ref:
        return UNRESOLVED
    p = ref.split(".")
    if p == ["bundle", "target"] and target is not None:
        return target
    if p[0] == "var" and len(p) == 2:
        var = view.get("variables")
        definition = var.get(p[1]) if var is not None else None
        if definition is None or not definition.is_map:
            return UNRESOLVED
        if definition.get("lookup") is not None:
            return UNRESOLVED
        default = definition.get("default")
        if default is None or isinstance(default.v, (dict, list)):
            return UNRESOLVED
        return resolve(view, target, default, depth + 1)
    if p[0] == "bundle" and len(p) == 2:
        b = view.get("bundle")
        value = b.get(p[1]) if b is not None else None
        if value is not None and not isinstance(value.v, (dict, list)):
            return resolve(view, target, value, depth + 1)
    return UNRESOLVED
