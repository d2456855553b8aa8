"""Bundle values that remember where they were written.

A `V` is one YAML value of a bundle file: a mapping (dict of key -> V), a sequence (list of V) or
a scalar, with the file, line and column it came from. Merging (includes, target overrides)
builds new containers but keeps the original leaves, so every finding can point at the line a
person wrote, whichever target view it was found in.
"""

from __future__ import annotations

from typing import Any


class V:
    __slots__ = ("v", "file", "line", "col", "keys", "srcs")

    def __init__(self, v: Any, file: str, line: int, col: int, keys=None, srcs=None):
        self.v = v  # dict[str, V] | list[V] | str | int | float | bool | None
        self.file = file
        self.line = line
        self.col = col
        self.keys = keys  # mappings: key -> (line, col) of the key
        self.srcs = srcs  # merged mappings: the written mappings they combine

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"V({self.v!r} @ {self.file}:{self.line}:{self.col})"

    @property
    def is_map(self) -> bool:
        return isinstance(self.v, dict)

    @property
    def is_seq(self) -> bool:
        return isinstance(self.v, list)

    def get(self, *path: str | int) -> V | None:
        node: V | None = self
        for step in path:
            if node is None:
                return None
            if isinstance(step, int):
                node = (
                    node.v[step]
                    if isinstance(node.v, list) and -len(node.v) <= step < len(node.v)
                    else None
                )
            else:
                node = node.v.get(step) if isinstance(node.v, dict) else None
        return node

    def items(self):
        """Key, value pairs of a mapping whose value is not empty (an empty key is absent)."""
        if isinstance(self.v, dict):
            return [(k, x) for k, x in self.v.items() if x.v is not None]
        return []

    def key_loc(self, key: str) -> tuple[int, int]:
        if self.keys and key in self.keys:
            return self.keys[key]
        child = self.v.get(key) if isinstance(self.v, dict) else None
        return (child.line, child.col) if child is not None else (self.line, self.col)

    def sources(self) -> tuple[V, ...]:
        return self.srcs if self.srcs is not None else (self,)


# The strings the CLI still reads as booleans in a boolean field (YAML 1.1 words).
_CASES = (str, str.title, str.upper)
_TRUE_WORDS = frozenset(case(w) for w in ("true", "y", "yes", "on") for case in _CASES)
_FALSE_WORDS = frozenset(case(w) for w in ("false", "n", "no", "off") for case in _CASES)
BOOL_WORDS = _TRUE_WORDS | _FALSE_WORDS


def as_bool(x: Any) -> bool | None:
    """A plain value as the CLI reads it in a boolean field; None when it is no boolean."""
    if isinstance(x, bool):
        return x
    if isinstance(x, str) and x in BOOL_WORDS:
        return x in _TRUE_WORDS
    return None


def kind(v: V | None) -> str:
    """The value's kind in the words the messages use."""
    if v is None or v.v is None:
        return "null"
    x = v.v
    if isinstance(x, dict):
        return "mapping"
    if isinstance(x, list):
        return "sequence"
    if isinstance(x, bool):
        return "boolean"
    if isinstance(x, int):
        return "integer"
    if isinstance(x, float):
        return "number"
    return "string"


def plain(v: V | None) -> Any:
    """Plain JSON-like data; empty keys are left out, as the CLI treats them as absent."""
    if v is None:
        return None
    x = v.v
    if isinstance(x, dict):
        return {k: plain(c) for k, c in x.items() if c.v is not None}
    if isinstance(x, list):
        return [plain(c) for c in x]
    return x


def join(path: str, step: str | int) -> str:
    if isinstance(step, int):
        return f"{path}[{step}]"
    return f"{path}.{step}" if path else step
