"""YAML as a tree of nodes that remember where they came from.

Every reader of YAML in bundlegen goes through here: spec files, bundles (lint, regions,
traffic) and edits, which change the text at the positions the nodes give rather than dumping
the document again (so comments, quoting and layout stay byte for byte).

Every document is read within bounds (docs/decisions/yaml-limits.md), checked while it is
parsed and composed, before anything expands it: its size, its nesting, what its aliases
expand to, and its tags (those the Databricks CLI accepts). A document past a bound is refused
as `file:line:column: message`, like a syntax error.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from bundlegen.errors import InputError, Location

__all__ = [
    "MAX_ALIAS_NODES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "BoundedComposer",
    "LimitError",
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
    "make_loader",
    "scalar_12",
    "to_python",
]

# The largest real bundles are a few hundred kB (tens of thousands of nodes, a dozen levels).
MAX_BYTES = 10 * 1024 * 1024  # a document's size in UTF-8
MAX_DEPTH = 100  # collections inside collections, aliases followed (Python's own limit is 1000)
MAX_ALIAS_NODES = 1_000_000  # nodes that aliases stand for, counted as if written out
# The tags the Databricks CLI accepts on a scalar (libs/dyn/yamlloader/loader.go); a tag on a
# mapping or a sequence it ignores, and so does bundlegen.
_CORE = "tag:yaml.org,2002:"
SCALAR_TAGS = frozenset(_CORE + t for t in ("str", "bool", "int", "float", "null", "timestamp"))


class LimitError(yaml.MarkedYAMLError):
    """A document past one of the bounds above (its message is the whole message)."""


def _short(tag: str) -> str:
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag


class BoundedComposer(Composer):
    """PyYAML's composer with the bounds, checked node by node as the document is composed.

    Each node gets `size` (nodes it stands for, aliases written out) and `height` (levels it
    holds), so an alias is measured in constant time the moment it is read.
    """

    redefine_anchors = False  # YAML lets a later anchor of the same name win (Go's yaml.v3 too)
    loops_allowed = False  # an alias inside the value it names (lint reports it in its own way)
    _depth = 0  # levels open above the node being composed
    _alias_nodes = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if self._depth >= MAX_DEPTH:
            raise LimitError(None, None, f"YAML nested deeper than {MAX_DEPTH} levels; "
                             "bundlegen refuses it", event.start_mark)
        if isinstance(event, AliasEvent):
            node = self.compose_alias(event)
            target = getattr(node, "target", node)
            if not hasattr(target, "size") and not self.loops_allowed:  # still being composed
                raise LimitError(None, None, f"alias *{event.anchor} refers to the value that "
                                 "contains it (a loop); the Databricks CLI refuses it",
                                 event.start_mark)
            size, height = getattr(target, "size", 1), getattr(target, "height", 1)
            self._alias_nodes += size
            if self._alias_nodes > MAX_ALIAS_NODES:
                raise LimitError(None, None, f"aliases expand this document beyond "
                                 f"{MAX_ALIAS_NODES:,} nodes (an alias bomb?); bundlegen refuses "
                                 "it", event.start_mark)
            if self._depth + height > MAX_DEPTH:
                raise LimitError(None, None, f"YAML nested deeper than {MAX_DEPTH} levels "
                                 f"through alias *{event.anchor}; bundlegen refuses it",
                                 event.start_mark)
            node.size, node.height = size, height
            return node
        if isinstance(event, ScalarEvent) and event.tag not in (None, "!"):
            key = isinstance(parent, MappingNode) and index is None
            if event.tag not in SCALAR_TAGS and not (key and event.tag == _CORE + "merge"):
                raise LimitError(None, None, f"unknown YAML tag {_short(event.tag)}; the "
                                 "Databricks CLI accepts only !!str, !!int, !!float, !!bool, "
                                 "!!null and !!timestamp", event.start_mark)
        if isinstance(event, CollectionStartEvent) and event.tag not in (None, "!"):
            event.tag = None  # read as a plain mapping or sequence, as the CLI does
        if self.redefine_anchors and event.anchor is not None:
            self.anchors.pop(event.anchor, None)
        self._depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        children = node.value if isinstance(node, SequenceNode) else (
            [n for pair in node.value for n in pair] if isinstance(node, MappingNode) else [])
        node.size = 1 + sum(getattr(c, "size", 1) for c in children)
        node.height = 1 + max((getattr(c, "height", 1) for c in children), default=0)
        return node

    def compose_alias(self, event):
        """The node an alias stands for (a subclass may return a node of its own for it)."""
        return super().compose_node(None, None)


class _PythonBounded(BoundedComposer, yaml.SafeLoader):
    pass


try:  # libyaml's parser, ten times faster; the bounded composer on its events
    from yaml._yaml import CParser

    class _CBounded(BoundedComposer, CParser, Resolver):
        def __init__(self, text):
            CParser.__init__(self, text)
            Composer.__init__(self)
            Resolver.__init__(self)

        get_single_node = Composer.get_single_node
        compose_document = Composer.compose_document
        check_node = Composer.check_node
        get_node = Composer.get_node

except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CBounded = None


def make_loader(text: str, mixin: type | None = None, redefine_anchors: bool = False,
                loops_allowed: bool = False):
    """A loader (parser and bounded composer) for one text; `mixin` changes how it composes."""
    # libyaml counts a byte order mark out of its offsets; the Python parser does not.
    python = _CBounded is None or text.startswith("\ufeff")
    return _loader_class(python, mixin, redefine_anchors, loops_allowed)(text)


@functools.cache
def _loader_class(python: bool, mixin: type | None, redefine_anchors: bool,
                  loops_allowed: bool) -> type:
    base = _PythonBounded if python else _CBounded
    bases = (mixin, base) if mixin else (base,)
    flags = {"redefine_anchors": redefine_anchors, "loops_allowed": loops_allowed}
    return type("Loader", bases, flags)


def check_size(text: str, filename: str) -> None:
    """Refuse a document larger than MAX_BYTES before parsing any of it."""
    if len(text) > MAX_BYTES or (len(text) * 4 > MAX_BYTES and len(text.encode()) > MAX_BYTES):
        raise InputError(f"the file is {len(text.encode()) / 1e6:.1f} MB; bundlegen reads YAML "
                         f"files of at most {MAX_BYTES // 2**20} MiB", Location(filename))


def located(filename: str, err: yaml.YAMLError, prefix: str = "invalid YAML: ") -> InputError:
    """A YAML error as `file:line:column: message`."""
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    loc = Location(filename, mark.line + 1, mark.column + 1) if mark else Location(filename)
    if isinstance(err, LimitError):
        return InputError(err.problem, loc)
    if isinstance(err, yaml.MarkedYAMLError):
        return InputError(f"{prefix}{err.problem or err.context or 'invalid YAML'}", loc)
    return InputError(f"{prefix}{err}", loc)  # a reader error (bad bytes) has no problem_mark


def compose(text: str, filename: str) -> Node | None:
    """Parse one YAML document into nodes; a syntax error names the file, line and column."""
    check_size(text, filename)
    loader = make_loader(text)
    try:
        return loader.get_single_node()
    except yaml.YAMLError as err:
        raise located(filename, err) from None
    finally:
        loader.dispose()


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


def compose_first(text: str, filename: str) -> Node | None:
    """The first YAML document of a text, as the Databricks CLI reads a bundle file: later
    documents are ignored and anchors may be redefined. Errors name the file, line and column."""
    check_size(text, filename)
    loader = make_loader(text, redefine_anchors=True, loops_allowed=True)  # lint reports loops
    try:
        return loader.get_node() if loader.check_node() else None
    except yaml.YAMLError as err:
        raise located(filename, err) from None
    finally:
        loader.dispose()
