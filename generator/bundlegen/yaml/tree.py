"""YAML as a tree of nodes that remember where they came from.

Every reader of YAML in bundlegen goes through here: spec files, bundles (lint, regions,
traffic) and edits, which change the text at the positions the nodes give rather than dumping
the document again (so comments, quoting and layout stay byte for byte).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bundlegen.errors import InputError, Location

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = [
    "MappingNode",
    "Node",
    "ScalarNode",
    "SequenceNode",
    "compose",
    "compose_file",
    "get",
    "items",
    "load",
    "location",
    "scalar_12",
    "to_python",
]


def compose(text: str, filename: str) -> Node | None:
    """Parse one YAML document into nodes; a syntax error names the file, line and column."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = err.problem or err.context or "invalid YAML"
        loc = Location(filename, mark.line + 1, mark.column + 1) if mark else Location(filename)
        raise InputError(f"invalid YAML: {problem}", loc) from None
    except yaml.YAMLError as err:  # a reader error (bad bytes) has no problem_mark
        raise InputError(f"invalid YAML: {err}", Location(filename)) from None


def compose_file(path: Path, display: str | None = None) -> tuple[str, Node | None]:
    """Read and parse a file; returns its text too, for edits at node positions."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", Location(name)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read: {err}", Location(name)) from None
    return text, compose(text, name)


def location(node: Node, filename: str) -> Location:
    return Location(filename, node.start_mark.line + 1, node.start_mark.column + 1)


def items(node: Node | None) -> list[tuple[ScalarNode, Node]]:
    """Key and value nodes of a mapping node ([] for anything else)."""
    if isinstance(node, MappingNode):
        return [(k, v) for k, v in node.value if isinstance(k, ScalarNode)]
    return []


def get(node: Node | None, *path: str | int) -> Node | None:
    """The node at a path of mapping keys and sequence indexes, or None."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(node, SequenceNode) or not -len(node.value) <= step < len(node.value):
                return None
            node = node.value[step]
            continue
        found = None
        for key, value in items(node):
            if key.value == step:
                found = value  # the last duplicate wins, as in the Databricks CLI
        if found is None:
            return None
        node = found
    return node


def load(text: str, filename: str) -> Any:
    """The data of a YAML text as the Databricks CLI reads it (errors as compose's)."""
    return to_python(compose(text, filename))


class _Constructor(yaml.constructor.SafeConstructor):
    pass


def to_python(node: Node | None) -> Any:
    """Plain Python data for a node (merge keys applied, duplicate keys: last wins)."""
    if node is None:
        return None
    return _Constructor().construct_document(node)


# YAML 1.2 core schema, as the Databricks CLI reads YAML (Go yaml.v3): `yes`, `no`, `on`, `off`
# and `y` are strings there, and so are sexagesimal numbers and timestamps.
_NULL_12 = frozenset({"", "~", "null", "Null", "NULL"})
_BOOL_12 = {"true": True, "True": True, "TRUE": True}
_BOOL_12.update({"false": False, "False": False, "FALSE": False})
_INT_12 = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_12 = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT_12 = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf")}
_SPECIAL_FLOAT_12[".nan"] = float("nan")


def scalar_12(node: ScalarNode) -> Any:
    """The value of a scalar node under YAML 1.2 rules: only plain scalars are typed."""
    text = node.value
    if node.style:  # quoted or block scalar: always a string (plain is None or "")
        return text
    if text in _NULL_12:
        return None
    if text in _BOOL_12:
        return _BOOL_12[text]
    if _INT_12.fullmatch(text):
        return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
    if _FLOAT_12.fullmatch(text):
        return float(text)
    if text.lower() in _SPECIAL_FLOAT_12:
        return _SPECIAL_FLOAT_12[text.lower()]
    return text


class _RedefiningComposer(yaml.SafeLoader):
    """The pure-Python loader, letting an anchor be defined again (YAML allows it; the later
    definition wins for the aliases after it, as in Go's yaml.v3). PyYAML refuses it."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent) or not hasattr(self.peek_event(), "anchor"):
            return super().compose_node(parent, index)
        anchor = self.peek_event().anchor
        if anchor is not None:
            self.anchors.pop(anchor, None)
        return super().compose_node(parent, index)


def compose_first(text: str, filename: str) -> Node | None:
    """The first YAML document of a text, as the Databricks CLI reads a bundle file: later
    documents are ignored and anchors may be redefined. Errors name the file, line and column."""
    loader = _Loader
    for _ in range(2):
        try:
            docs = yaml.compose_all(text, Loader=loader)
            return next(iter(docs), None)
        except yaml.composer.ComposerError as err:
            if "duplicate anchor" in str(err) and loader is not _RedefiningComposer:
                loader = _RedefiningComposer
                continue
            return compose(text, filename)  # the same error, located as compose locates it
        except yaml.YAMLError:
            return compose(text, filename)
    return None
