"""Values a traffic change changes in a rendered YAML file, carried over to the user's copy.

A traffic command changes values the template derives from the spec (the deployment job's
`aliases` parameter, say) without adding or removing anything: the two renders have the same
entries, and only some scalars differ. Those are carried over to the user's file where the
user's value is still the older render's.
"""

from __future__ import annotations

from dataclasses import dataclass

from yaml.nodes import Node, ScalarNode

from bundlegen.errors import RefusedEdit
from bundlegen.project.yamldiff import node_kind
from bundlegen.yaml.doc import AliasNode, Doc, identity
from bundlegen.yaml.edit import describe, splice

_INDEX = "index"


class NotSameShape(RefusedEdit):
    """The renders differ by more than values where only values may change."""

    def __init__(self, file: str, what: str):
        super().__init__(
            f"{file}: the template changes this file in a way bundlegen cannot carry over "
            f"({what}); this is a bug in the template: please report it"
        )


@dataclass
class ValueChange:
    steps: tuple  # keys, item identities, or (_INDEX, "#", i) for an item that is a plain value
    old: str  # the value in the older render
    text: str  # how the newer render writes it


def value_changes(old: Doc, new: Doc) -> list[ValueChange]:
    """The scalars that differ between two renders of the same entries."""
    changes: list[ValueChange] = []

    def walk_pair(a: Node, b: Node, steps: tuple) -> None:
        if node_kind(a) != node_kind(b):
            raise NotSameShape(new.name, f"{describe(steps)} changes from a {node_kind(a)} to a "
                               f"{node_kind(b)}")
        if isinstance(a, AliasNode):
            if a.anchor != b.anchor:
                raise NotSameShape(new.name, f"{describe(steps)} changes")
            return
        if isinstance(a, ScalarNode):
            if a.value != b.value:
                changes.append(ValueChange(steps, a.value,
                                           new.text[b.start_mark.index : b.end_mark.index]))
            return
        xs, ys = old.entries(a), new.entries(b)
        if len(xs) != len(ys):
            raise NotSameShape(new.name, f"{describe(steps)} gains or loses entries")
        for x, y in zip(xs, ys, strict=True):
            if x.key is not None:
                if y.key is None or x.key.value != y.key.value:
                    raise NotSameShape(new.name, f"the keys of {describe(steps)} change")
                step = x.key.value
            elif isinstance(x.value, ScalarNode):
                step = (_INDEX, "#", x.index)
            else:
                step = identity(x.value)
                if identity(y.value) != step:
                    raise NotSameShape(new.name, f"an item of {describe(steps)} changes what it is")
            walk_pair(x.value, y.value, steps + (step,))

    if old.root is not None and new.root is not None:
        walk_pair(old.root, new.root, ())
    elif (old.root is None) != (new.root is None):
        raise NotSameShape(new.name, "a whole document appears or disappears")
    return changes


def apply_value_changes(doc: Doc, changes: list[ValueChange]) -> tuple[str, list[str]]:
    """The text of doc with each changed value written where the user's file has it, and a
    note for each value that is not there, or not what bundlegen wrote (left as it is)."""
    from bundlegen.yaml.edit import scalar_edit

    edits, skipped = [], []
    for change in changes:
        node = doc.root
        for step in change.steps:
            if isinstance(step, tuple) and step[0] == _INDEX:
                items = doc.entries(node)
                node = items[step[2]].value if step[2] < len(items) else None
            else:
                entry = doc.find(node, step)
                node = entry.value if entry is not None else None
            if node is None:
                break
        if (not isinstance(node, ScalarNode) or isinstance(node, AliasNode)
                or node.value != change.old):
            what = describe(change.steps)
            skipped.append(f"{what} is not '{change.old}' as bundlegen wrote it; left as it is "
                           f"(bundlegen.yml now says {change.text})")
            continue
        edits.append(scalar_edit(doc, node, change.text))
    return splice(doc.text, edits), skipped
