"""Edits of a user's YAML at node positions: find an entry's lines, insert after it, delete it.

Nothing is dumped again (docs/decisions/yaml-edits.md): every change is a splice of the
original text, so comments, quoting, flow style, anchors and blank lines elsewhere stay byte
for byte. The vocabulary:

- an *entry* is a key and its value in a block mapping, or an item of a block sequence;
- its *span* runs from the start of its first line to the end of its last line, plus the
  comment lines right after it that are indented deeper than the entry (they are about it);
- its *leading block* is the comment lines right above it at its own indentation and the
  blank lines above those: what separates it from the previous entry and introduces it.

Inserting puts a leading block and an entry right after the previous entry's span; deleting
removes an entry's leading block and span, so a delete undoes an insert exactly.
"""

from __future__ import annotations

import json
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bundlegen.errors import RefusedEdit
from bundlegen.yaml.doc import LINE_BREAK, AliasNode, Doc, Entry

# -------------------------------------------------------------------- text helpers

def reindent(text: str, delta: int) -> str:
    """Shift every non-blank line by delta columns (the text's own nesting is kept)."""
    if delta == 0:
        return text
    out = []
    for line in text.splitlines(keepends=True):
        if not line.strip():
            out.append(line)
        elif delta > 0:
            out.append(" " * delta + line)
        else:
            spaces = len(line) - len(line.lstrip(" "))
            out.append(line[min(spaces, -delta) :])
    return "".join(out)


def with_newlines(text: str, newline: str) -> str:
    """Text written with '\\n' line breaks, in the file's own line break."""
    return text if newline == "\n" else text.replace("\r\n", "\n").replace("\n", newline)


def splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply (start, end, replacement) edits that do not overlap; inserts at one offset keep
    their order."""
    ordered = sorted(enumerate(edits), key=lambda e: (e[1][0], e[1][1], e[0]))
    out, pos = [], 0
    for _, (start, end, replacement) in ordered:
        if start < pos:
            raise ValueError(f"overlapping edits at offset {start}")
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def insertion(doc: Doc, offset: int, block: str) -> tuple[int, int, str]:
    """An edit inserting whole lines at a line boundary; at the end of a file that does not
    end with a line break, the break goes first (and a delete takes it back)."""
    block = with_newlines(block, doc.newline)
    if offset == len(doc.text) and doc.text and not doc.text.endswith(("\n", "\r")):
        if block.endswith(doc.newline):
            block = doc.newline + block[: -len(doc.newline)]
        else:
            block = doc.newline + block
    return offset, offset, block


def deletion(doc: Doc, entry: Entry, start: int | None = None) -> tuple[int, int, str]:
    """An edit removing an entry's leading block (or from start) and its span (what
    insertion() put there)."""
    start = doc.leading_start(entry) if start is None else start
    _, end = doc.span(entry)
    if end == len(doc.text) and not doc.text.endswith(("\n", "\r")) and start > 0:
        # The entry is the file's unterminated last line: take the break before it instead.
        start -= 2 if doc.text[start - 2 : start] == "\r\n" else 1
    return start, end, ""


def remove_anchor(doc: Doc, node: Node) -> tuple[int, int, str] | None:
    """An edit deleting `&name` (and the space after it) where a node defines an anchor."""
    name = getattr(node, "anchor", None)
    if not name or isinstance(node, AliasNode):
        return None
    start = node.start_mark.index
    line_end = doc.line_end(doc.line_of(start))
    at = doc.text.find("&" + name, start, line_end)
    if at < 0:
        return None
    end = at + 1 + len(name)
    rest = LINE_BREAK.sub("", doc.text[end:line_end])
    spaces = len(rest) - len(rest.lstrip(" \t"))
    if rest.strip(" \t") and not rest.strip(" \t").startswith("#"):
        return at, end + spaces, ""  # `&a value` -> `value`
    before = doc.text[:at]
    lead = len(before) - len(before.rstrip(" \t"))
    return at - lead, end, ""  # `key: &a` at the end of a line -> `key:`


def walk(node: Node | None):
    """Every node under node (keys included), aliases not followed."""
    if node is None:
        return
    yield node
    if isinstance(node, AliasNode):
        return
    if isinstance(node, MappingNode):
        for key, value in node.value:
            yield from walk(key)
            yield from walk(value)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from walk(item)


# -------------------------------------------------------------------- checking an edit


class Unverifiable(Exception):
    """An entry that an edit touched cannot be found again in the file's data."""


def data_without(doc: Doc, steps: list[tuple[tuple, Any]]) -> tuple[Any, list[Any]]:
    """The file's data (as the Databricks CLI would read it) with some entries taken out,
    and the values taken out, in the order of steps. Each step is (path to the collection,
    key or item identity)."""
    from bundlegen.yaml import tree as yamltree

    data = doc.data()
    located = []
    for order, (path, step) in enumerate(steps):
        node, container = doc.root, data
        for s in path:
            entry = doc.find(node, s)
            if entry is None:
                raise Unverifiable(f"{doc.name}: cannot find {describe(path)}")
            container = _child(container, entry)
            node = entry.value
        entry = doc.find(node, step)
        if entry is None:
            raise Unverifiable(f"{doc.name}: cannot find {describe(tuple(path) + (step,))}")
        located.append((order, container, entry))
    taken: list[Any] = [None] * len(steps)
    # Lists lose their items from the end, so the indexes of the others stay right.
    for order, container, entry in sorted(located, key=lambda item: -item[2].index):
        try:
            if entry.key is not None:
                taken[order] = container.pop(yamltree.to_python(entry.key))
            else:
                taken[order] = container.pop(entry.index)
        except (KeyError, IndexError, AttributeError, TypeError):
            raise Unverifiable(
                f"{doc.name}: {describe(steps[order][0])} is not as parsed"
            ) from None
    return data, taken


def _child(container: Any, entry: Entry) -> Any:
    from bundlegen.yaml import tree as yamltree

    try:
        if entry.key is not None:
            return container[yamltree.to_python(entry.key)]
        return container[entry.index]
    except (KeyError, IndexError, TypeError):
        raise Unverifiable("an entry's data is not where its text is") from None


def describe(path) -> str:
    """A path of keys and item identities as people write it: targets.prod.tasks[evaluate]."""
    out = ""
    for step in path:
        if isinstance(step, tuple):
            _, field, value = step
            out += f"[{value}]" if field in ("=", "#") else f"[{field}={value}]"
        else:
            out += ("." if out else "") + str(step)
    return out or "(top level)"


# -------------------------------------------------------------------- values, keys and copies
# What the traffic commands need besides inserting and deleting whole entries: replacing one
# value where it is written, adding or dropping a key of a mapping (block or flow style), and
# copying an entry's text with some of its values changed.


def locate(doc: Doc, steps) -> tuple[Node | None, tuple]:
    """The node at a path of keys and item identities, and its path in the file's data (keys
    and list indexes), as far as it goes."""
    node, path = doc.root, ()
    for step in steps:
        entry = doc.find(node, step)
        if entry is None:
            return None, path
        path += (entry.key.value if entry.key is not None else entry.index,)
        node = entry.value
    return node, path


def in_style(node: ScalarNode, value: str) -> str:
    """A string value written in the quoting style the scalar it replaces had."""
    if node.style == '"':
        return json.dumps(value)
    if node.style == "'":
        return "'" + value.replace("'", "''") + "'"
    return value


def scalar_edit(doc: Doc, node: Node, text: str) -> tuple[int, int, str]:
    """An edit writing `text` (YAML) where a scalar value is written."""
    where = doc.location(node.start_mark.index)
    if isinstance(node, AliasNode) or getattr(node, "anchor", None):
        raise RefusedEdit(f"the value at {where} is shared through a YAML anchor or alias; "
                          "change it by hand")
    if not isinstance(node, ScalarNode) or node.style in ("|", ">"):
        raise RefusedEdit(f"the value at {where} is not a single-line value; change it by hand")
    return node.start_mark.index, node.end_mark.index, text


def _mapping(doc: Doc, node: Node, what: str) -> MappingNode:
    if isinstance(node, AliasNode) or not isinstance(node, MappingNode):
        where = doc.location(node.start_mark.index)
        raise RefusedEdit(
            f"{what} at {where} is not a mapping bundlegen can edit; change it by hand"
        )
    return node


def key_edit(doc: Doc, node: Node, key: str, text: str, before: tuple = ()) -> tuple[int, int, str]:
    """An edit setting `key: text` in a mapping: the value replaced where the key is, else the
    key added before the first of `before` the mapping has, else after its last entry."""
    mapping = _mapping(doc, node, f"'{key}'")
    entries = doc.entries(mapping)
    found = doc.find(mapping, key)
    if found is not None:
        value = found.value
        if isinstance(value, (MappingNode, SequenceNode)) and not value.flow_style \
                and not isinstance(value, AliasNode):
            doc.require_own_line(found)  # a block collection: the entry is written again
            start, end = doc.span(found)
            line = f"{' ' * doc.entry_column(found)}{key}: {text}\n"
            return start, end, with_newlines(line, doc.newline)
        if getattr(value, "anchor", None) or isinstance(value, AliasNode):
            where = doc.location(value.start_mark.index)
            raise RefusedEdit(f"the value at {where} is shared through a YAML anchor or alias; "
                              "change it by hand")
        return value.start_mark.index, doc.content_end(value), text
    ahead = next((e for e in entries if e.key is not None and e.key.value in before), None)
    if mapping.flow_style:
        if ahead is not None:
            at = ahead.key.start_mark.index
            return at, at, f"{key}: {text}, "
        if not entries:
            at = mapping.start_mark.index + 1
            return at, at, f"{key}: {text}"
        at = doc.entry_content_end(entries[-1])
        return at, at, f", {key}: {text}"
    if not entries:
        where = doc.location(mapping.start_mark.index)
        raise RefusedEdit(f"the mapping at {where} is empty; add '{key}' by hand")
    column = doc.entry_column(entries[0])
    line = f"{' ' * column}{key}: {text}\n"
    if ahead is not None:
        doc.require_own_line(ahead)
        return insertion(doc, doc.leading_start(ahead), line)
    doc.require_own_line(entries[-1])
    return insertion(doc, doc.span(entries[-1])[1], line)


def drop_key(doc: Doc, node: Node, key: str) -> tuple[int, int, str] | None:
    """An edit removing a key and its value from a mapping (None: it has no such key)."""
    mapping = _mapping(doc, node, f"'{key}'")
    found = doc.find(mapping, key)
    if found is None:
        return None
    if not mapping.flow_style:
        doc.require_own_line(found)
        return deletion(doc, found)
    entries = doc.entries(mapping)
    i = found.index
    if i > 0:  # ", key: value"
        return doc.entry_content_end(entries[i - 1]), doc.entry_content_end(found), ""
    if len(entries) > 1:  # "key: value, "
        return found.key.start_mark.index, entries[1].key.start_mark.index, ""
    return found.key.start_mark.index, doc.entry_content_end(found), ""


def copy_entry(doc: Doc, entry: Entry, replacements: list[tuple[Node, str]]) -> str:
    """The text of an entry (its span) with some values replaced and without the anchors it
    defines (a copy must not define them twice)."""
    doc.require_own_line(entry)
    start, end = doc.span(entry)
    edits = [scalar_edit(doc, node, text) for node, text in replacements]
    for node in walk(entry.value):
        edit = remove_anchor(doc, node)
        if edit and not any(s < edit[1] and edit[0] < e for s, e, _ in edits):
            edits.append(edit)
    text = splice(doc.text[start:end], [(s - start, e - start, r) for s, e, r in edits])
    return text if text.endswith(("\n", "\r")) else text + doc.newline


def append_item(doc: Doc, seq: Node, text: str) -> tuple[int, int, str]:
    """An edit adding an item (text as copy_entry gives it) after the last item of a list."""
    doc.require_block(seq, "of items")
    items = doc.entries(seq)
    if not items:
        where = doc.location(seq.start_mark.index)
        raise RefusedEdit(f"the list at {where} is empty; add the item by hand")
    last = items[-1]
    doc.require_own_line(last)
    separator = doc.newline if doc.blank_separated(seq) else ""
    return insertion(doc, doc.span(last)[1], separator + text)


def set_at(data: Any, path: tuple, value: Any) -> None:
    """data[path[0]][path[1]]... = value (a missing last key is added)."""
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value
