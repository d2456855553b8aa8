"""A YAML file as edits need it: its text, its lines, and its node tree with positions.

Aliases stay where they are written (AliasNode), anchors keep their names, and the data the
Databricks CLI would read comes from the same nodes (Doc.data), so a file is parsed once. An
*entry* is a key and its value in a mapping, or an item of a sequence; an item of a list is
found again by its identity (IDENTITY_KEYS). yaml/edit splices text at these positions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bundlegen.errors import InputError, Location, RefusedEdit
from bundlegen.yaml import tree as yamltree

# Keys that name an item of a list in a bundle (tasks, parameters, served entities, routes,
# tags, permissions...) or in a CI file (Azure DevOps stages, jobs and steps): an item is found
# again by the first of these it has, else by its scalars (those reached through mappings only,
# so an item whose lists grow is still the same item).
IDENTITY_KEYS = (
    "task_key",
    "name",
    "key",
    "environment_key",
    "served_entity_name",
    "served_model_name",
    "job_cluster_key",
    "group_name",
    "user_name",
    "service_principal_name",
    "metric",
    "pipeline_id",
    "id",
    "stage",
    "job",
    "deployment",
    "displayName",
    "target",
)

LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


class AliasNode(Node):
    """An alias (`*name`) where it is written; `target` is the anchored node it repeats.

    PyYAML's composer returns the anchored node itself for an alias, whose position is that
    of the anchor; an edit needs where the alias is.
    """

    id = "alias"

    def __init__(self, target: Node, anchor: str, start_mark, end_mark):
        super().__init__(target.tag, target.value, start_mark, end_mark)
        self.target = target
        self.anchor = anchor


class _Positions:
    """Composition that keeps aliases as AliasNode and each node's anchor name."""

    def compose_alias(self, event):
        event = self.get_event()
        if event.anchor not in self.anchors:
            raise yaml.composer.ComposerError(
                None, None, f"found undefined alias {event.anchor!r}", event.start_mark
            )
        return AliasNode(self.anchors[event.anchor], event.anchor, event.start_mark, event.end_mark)

    def compose_node(self, parent, index):
        anchor = self.peek_event().anchor
        node = super().compose_node(parent, index)
        if not isinstance(node, AliasNode):
            node.anchor = anchor
        return node


def _where(filename: str, err: yaml.YAMLError) -> InputError:
    context = getattr(err, "context", None)
    if context and getattr(err, "problem", None) and not isinstance(err, yamltree.LimitError):
        # "expected a single document in the stream, but found another document"
        err.problem = f"{context}, {err.problem}"
    return yamltree.located(filename, err)


@dataclass
class Entry:
    """One entry of a block collection: `key` is None for a sequence item."""

    parent: Node
    key: ScalarNode | None
    value: Node
    index: int


class Doc:
    """A YAML file's text, its lines and its node tree with positions."""

    def __init__(self, text: str, name: str):
        self.text = text
        self.name = name
        yamltree.check_size(text, name)
        try:
            loader = yamltree.make_loader(text, _Positions)
            try:
                self.root: Node | None = loader.get_single_node()
            finally:
                loader.dispose()
        except yaml.YAMLError as err:
            raise _where(name, err) from None
        self.starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]
        if self.starts[-1] == len(text) and len(self.starts) > 1:
            self.starts.pop()  # a final line break does not open a line
        self.newline = "\r\n" if "\r\n" in text else "\n"

    def data(self) -> Any:
        """The file's data as the Databricks CLI reads it (what yamltree.load returns), from
        the nodes parsed already: a new copy on each call, for the caller to change."""
        if self.root is None:
            return None
        from bundlegen.yaml import tree as yamltree

        return yamltree.to_python(_composed(self.root, {}))

    # ---------------------------------------------------------------- lines

    @property
    def nlines(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def line_start(self, line: int) -> int:
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def line_end(self, line: int) -> int:
        """Offset just after the line, its line break included."""
        return self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)

    def line_text(self, line: int) -> str:
        return LINE_BREAK.sub("", self.text[self.line_start(line) : self.line_end(line)])

    def is_blank(self, line: int) -> bool:
        return not self.line_text(line).strip()

    def comment_indent(self, line: int) -> int | None:
        """The column of a comment line's '#', or None if the line is not only a comment."""
        text = self.line_text(line)
        stripped = text.lstrip(" \t")
        return len(text) - len(stripped) if stripped.startswith("#") else None

    def column(self, offset: int) -> int:
        return offset - self.line_start(self.line_of(offset))

    def location(self, offset: int) -> Location:
        line = self.line_of(offset)
        return Location(self.name, line + 1, offset - self.starts[line] + 1)

    # ---------------------------------------------------------------- entries

    def entries(self, node: Node | None) -> list[Entry]:
        if isinstance(node, MappingNode) and not isinstance(node, AliasNode):
            return [Entry(node, k, v, i) for i, (k, v) in enumerate(node.value)]
        if isinstance(node, SequenceNode) and not isinstance(node, AliasNode):
            return [Entry(node, None, v, i) for i, v in enumerate(node.value)]
        return []

    def find(self, node: Node | None, step) -> Entry | None:
        """The entry of a collection named by a mapping key, or by an item's identity."""
        found = None
        for entry in self.entries(node):
            if entry.key is not None:
                if entry.key.value == step:
                    found = entry  # the last duplicate wins, as in the Databricks CLI
            elif identity(entry.value) == step:
                return entry
        return found

    def start(self, entry: Entry) -> int:
        """Where the entry begins: its key, or its item's dash."""
        if entry.key is not None:
            return entry.key.start_mark.index
        i = entry.value.start_mark.index
        while i > 0 and self.text[i - 1] in " \t\r\n":
            i -= 1
        if i > 0 and self.text[i - 1] == "-":
            return i - 1
        return entry.value.start_mark.index

    def entry_column(self, entry: Entry) -> int:
        return self.column(self.start(entry))

    def owns_line(self, entry: Entry) -> bool:
        """True if nothing but indentation comes before the entry on its first line."""
        start = self.start(entry)
        return not self.text[self.line_start(self.line_of(start)) : start].strip(" \t")

    def content_end(self, node: Node) -> int:
        """Offset just after the last character of a node's own text."""
        if isinstance(node, AliasNode):
            return node.end_mark.index
        if isinstance(node, ScalarNode):
            end = node.end_mark.index
            if node.style in ("|", ">"):  # a block scalar's end mark is past its line breaks
                while end > node.start_mark.index and self.text[end - 1] in " \t\r\n":
                    end -= 1
            return end
        if node.flow_style or not node.value:
            return node.end_mark.index
        if isinstance(node, MappingNode):
            key, value = node.value[-1]
            return max(self.content_end(key), self.content_end(value))
        last = node.value[-1]
        return max(self.content_end(last), last.start_mark.index)

    def entry_content_end(self, entry: Entry) -> int:
        end = self.content_end(entry.value)
        if entry.key is not None:
            end = max(end, self.content_end(entry.key))
        return end

    def span(self, entry: Entry) -> tuple[int, int]:
        """From the start of the entry's first line to the end of its last line, with the
        deeper-indented comment lines that follow it."""
        column = self.entry_column(entry)
        last = self.line_of(max(self.entry_content_end(entry) - 1, self.start(entry)))
        end = self.line_end(last)
        line = last + 1
        while line < self.nlines:
            if self.is_blank(line):
                line += 1
                continue
            indent = self.comment_indent(line)
            if indent is None or indent <= column:
                break
            end = self.line_end(line)
            line += 1
        return self.line_start(self.line_of(self.start(entry))), end

    def leading_start(self, entry: Entry) -> int:
        """Start of the comment lines at the entry's column right above it and the blank
        lines above those."""
        column = self.entry_column(entry)
        line = self.line_of(self.start(entry)) - 1
        while line >= 0 and self.comment_indent(line) == column:
            line -= 1
        while line >= 0 and self.is_blank(line):
            line -= 1
        return self.line_start(line + 1)

    def blank_separated(self, node: Node) -> bool:
        """True if the entries of a collection are separated by blank lines."""
        found = self.entries(node)
        for entry in found[1:]:
            first = self.line_of(self.leading_start(entry))
            if self.is_blank(first) and first < self.line_of(self.start(entry)):
                return True
        return False

    def indent_unit(self) -> int:
        """How far this file indents a nested block mapping (2 if it never does)."""
        def walk(node: Node | None) -> int | None:
            for entry in self.entries(node):
                value = entry.value
                if (isinstance(value, MappingNode) and not value.flow_style
                        and entry.key is not None):
                    inner = self.entries(value)
                    if inner and self.owns_line(inner[0]) and self.owns_line(entry):
                        step = self.entry_column(inner[0]) - self.entry_column(entry)
                        if step > 0:
                            return step
                found = walk(value)
                if found:
                    return found
            return None

        return walk(self.root) or 2

    def node_at(self, path) -> Node | None:
        node = self.root
        for step in path:
            entry = self.find(node, step)
            if entry is None:
                return None
            node = entry.value
        return node

    def require_block(self, node: Node, what: str) -> None:
        """Refuse to insert into a flow-style collection: its text is not made of lines."""
        if isinstance(node, (MappingNode, SequenceNode)) and node.flow_style:
            kind = "mapping" if isinstance(node, MappingNode) else "list"
            where = self.location(node.start_mark.index)
            raise RefusedEdit(
                f"cannot edit flow-style {kind} {what} at {where.file}:{where.line}; "
                "use block style"
            )

    def require_own_line(self, entry: Entry) -> None:
        if not self.owns_line(entry):
            where = self.location(self.start(entry))
            raise RefusedEdit(
                f"cannot edit the entry at {where}: it shares its line with another; "
                "put it on a line of its own"
            )


def _composed(node: Node, memo: dict[int, Node]) -> Node:
    """The tree PyYAML's composer would have made: each alias is its anchored node (shared).
    Collections are copied, as construction flattens merge keys in place."""
    node = node.target if isinstance(node, AliasNode) else node
    if isinstance(node, ScalarNode):
        return node
    done = memo.get(id(node))
    if done is not None:
        return done
    copy = type(node)(node.tag, [], node.start_mark, node.end_mark, node.flow_style)
    memo[id(node)] = copy
    if isinstance(node, MappingNode):
        copy.value = [(_composed(k, memo), _composed(v, memo)) for k, v in node.value]
    else:
        copy.value = [_composed(v, memo) for v in node.value]
    return copy



def plain(node: Node | None) -> Any:
    """Node as plain data for comparing items (no tags resolved: scalars stay strings)."""
    if node is None:
        return None
    if isinstance(node, AliasNode):
        return plain(node.target)
    if isinstance(node, ScalarNode):
        return node.value
    if isinstance(node, SequenceNode):
        return [plain(v) for v in node.value]
    return {str(plain(k)): plain(v) for k, v in node.value}


def _scalar_leaves(node: Node) -> dict:
    leaves = {}
    for key, value in node.value:
        if isinstance(value, AliasNode):
            value = value.target
        if isinstance(key, ScalarNode) and isinstance(value, ScalarNode):
            leaves[key.value] = value.value
        elif isinstance(key, ScalarNode) and isinstance(value, MappingNode):
            leaves[key.value] = _scalar_leaves(value)
    return leaves


def identity(node: Node) -> tuple:
    """How an item of a list is recognized in another version of the file."""
    if isinstance(node, AliasNode):
        node = node.target
    if isinstance(node, MappingNode):
        for name in IDENTITY_KEYS:
            for key, value in node.value:
                if (isinstance(key, ScalarNode) and key.value == name
                        and isinstance(value, ScalarNode)):
                    return ("item", name, value.value)
        return ("item", "scalars", json.dumps(_scalar_leaves(node), sort_keys=True))
    if isinstance(node, ScalarNode):
        return ("item", "=", node.value)
    return ("item", "#", json.dumps(plain(node), sort_keys=True))
