"""What a change of the spec adds to each YAML file the template renders, and the same
additions made to the user's copy of that file.

The template is rendered twice, without and with a region. The template guarantees that a
region only adds: whole entries to YAML files (targets, list items), whole files, and lines
to other text files (textdiff.py). `yaml_runs` finds those entries by comparing the two
renders as trees; `add_runs` inserts each run of new entries into the user's file after the
entry that comes before it in the render (found by key, or by identity for a list item),
re-indented to the user's indentation; `remove_runs` deletes them again.

Every plan is first tried on the older render: it must give exactly the newer render, or the
template broke its guarantee and the edit is refused (a bug to report, not a user error).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bundlegen.errors import RefusedEdit
from bundlegen.yaml import verify
from bundlegen.yaml.doc import AliasNode, Doc, identity
from bundlegen.yaml.edit import deletion, describe, insertion, reindent, splice


class NotAdditive(RefusedEdit):
    """The template changed a file in a way other than adding entries or lines."""

    def __init__(self, file: str, what: str):
        super().__init__(
            f"{file}: the template does not only add to this file for a region ({what}); "
            "bundlegen cannot edit it in place. This is a bug in the template: please report it"
        )


@dataclass
class Run:
    """Consecutive new entries of one collection, with the text the render gives them."""

    path: tuple  # steps from the top of the file to the collection
    kind: str  # "mapping" or "list"
    steps: list  # the new entries: keys, or item identities
    prev: Any  # the entry before the run in the render (None: the run comes first)
    next: Any  # the entry after it (None: the run comes last)
    text: str  # leading blocks and spans of the run's entries, as rendered
    column: int  # their column in the render

    def where(self) -> list[tuple[tuple, Any]]:
        return [(self.path, step) for step in self.steps]


def node_kind(node: Node) -> str:
    if isinstance(node, AliasNode):
        return "alias"
    return {MappingNode: "mapping", SequenceNode: "list", ScalarNode: "scalar"}[type(node)]


def _step(doc: Doc, entry) -> Any:
    return entry.key.value if entry.key is not None else identity(entry.value)


def yaml_runs(old: Doc, new: Doc) -> list[Run]:
    """The entries `new` has and `old` has not, as runs; NotAdditive for anything else."""
    runs: list[Run] = []
    if old.root is None or new.root is None:
        if old.root is None and new.root is None:
            return runs
        raise NotAdditive(new.name, "a whole document appears or disappears")
    _diff(old, new, old.root, new.root, (), runs)
    return runs


def _diff(old: Doc, new: Doc, a: Node, b: Node, path: tuple, runs: list[Run]) -> None:
    where = describe(path)
    if node_kind(a) != node_kind(b):
        raise NotAdditive(new.name, f"{where} changes from a {node_kind(a)} to a {node_kind(b)}")
    if isinstance(a, AliasNode):
        if a.anchor != b.anchor:
            raise NotAdditive(new.name, f"{where} changes")
        return
    if isinstance(a, ScalarNode):
        if a.value != b.value or a.tag != b.tag:
            raise NotAdditive(new.name, f"the value of {where} changes")
        return
    old_entries, new_entries = old.entries(a), new.entries(b)
    old_steps = [_step(old, e) for e in old_entries]
    i = 0
    pending: list = []

    def close(next_step) -> None:
        if not pending:
            return
        if b.flow_style:
            raise NotAdditive(new.name, f"it adds to the flow-style {node_kind(b)} {where}")
        for entry in pending:
            if not new.owns_line(entry):
                raise NotAdditive(new.name, f"a new entry of {where} shares its line")
        first, last = pending[0], pending[-1]
        prev = _step(new, new_entries[first.index - 1]) if first.index > 0 else None
        runs.append(
            Run(
                path=path,
                kind=node_kind(b),
                steps=[_step(new, e) for e in pending],
                prev=prev,
                next=next_step,
                text=new.text[new.leading_start(first) : new.span(last)[1]],
                column=new.entry_column(first),
            )
        )
        pending.clear()

    for entry in new_entries:
        step = _step(new, entry)
        if i < len(old_steps) and old_steps[i] == step:
            close(step)
            _diff(old, new, old_entries[i].value, entry.value, path + (step,), runs)
            i += 1
        else:
            pending.append(entry)
    close(None)
    if i < len(old_steps):
        raise NotAdditive(new.name, f"{describe(path + (old_steps[i],))} is removed or moves")
    if (a.flow_style or False) != (b.flow_style or False):
        raise NotAdditive(new.name, f"{where} changes style")


def add_runs(doc: Doc, runs: list[Run]) -> str:
    """The text of doc with every run inserted; RefusedEdit if a place cannot be found."""
    edits = []
    for run in runs:
        parent = doc.node_at(run.path)
        what = describe(run.path) if run.path else "the top level"
        if parent is None:
            raise RefusedEdit(
                f"{doc.name}: cannot find {what}, where the region's "
                f"{describe(run.path + (run.steps[0],))} goes; was it removed or renamed by hand?"
            )
        if node_kind(parent) != run.kind:
            raise RefusedEdit(
                f"{doc.name}: {what} is a {node_kind(parent)} here, but bundlegen writes it as a "
                f"{run.kind}; write it the way bundlegen does, then run again"
            )
        if not doc.entries(parent):
            raise RefusedEdit(f"{doc.name}: {what} is empty; bundlegen adds to it only after "
                              "the entries it generated")
        doc.require_block(parent, f"'{what}'")
        for step in run.steps:
            if doc.find(parent, step) is not None:
                raise RefusedEdit(
                    f"{doc.name}: {describe(run.path + (step,))} is there already; "
                    "remove it or the region first"
                )
        entries = doc.entries(parent)
        anchor = doc.find(parent, run.prev) if run.prev is not None else None
        if anchor is not None:
            doc.require_own_line(anchor)
            offset = doc.span(anchor)[1]
        else:
            after = doc.find(parent, run.next) if run.next is not None else None
            if after is not None:
                doc.require_own_line(after)
                anchor, offset = after, doc.leading_start(after)
            else:
                anchor = entries[-1]
                doc.require_own_line(anchor)
                offset = doc.span(anchor)[1]
        block = reindent(run.text, doc.entry_column(anchor) - run.column)
        edits.append(insertion(doc, offset, block))
    return splice(doc.text, edits)


def remove_runs(doc: Doc, runs: list[Run]) -> tuple[str, list[tuple[tuple, Any]], list[str]]:
    """The text of doc without the runs' entries, the entries removed, and a note for each
    entry that was not there."""
    edits, removed, missing = [], [], []
    for run in runs:
        parent = doc.node_at(run.path)
        for step in run.steps:
            entry = doc.find(parent, step) if parent is not None else None
            if entry is None:
                missing.append(describe(run.path + (step,)))
                continue
            doc.require_block(parent, f"'{describe(run.path)}'")
            doc.require_own_line(entry)
            edits.append(deletion(doc, entry))
            removed.append((run.path, step))
    return splice(doc.text, edits), removed, missing


def check_added(before: Doc, after: Doc, where: list[tuple[tuple, Any]],
                expected: list[Any]) -> None:
    """After an insert the file reads as before plus exactly the entries added, whose values
    are the expected ones; otherwise the edit is refused."""
    verify.reads_as_added(before.data(), after, before.name, where, expected,
                          "inserting the region would change other values of this file "
                          "(anchors or merge keys shared with the new entries?)")


def check_removed(before: Doc, after_text: str, where: list[tuple[tuple, Any]]) -> None:
    verify.reads_as_removed(before, after_text, where,
                            "removing the region would change other values of this file "
                            "(anchors or merge keys shared with its entries?)")
