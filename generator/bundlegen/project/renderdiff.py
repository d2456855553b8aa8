"""What a change of the spec adds to each file the template renders, and the same additions
made to the user's copy of that file.

The template is rendered twice, without and with a region. The template guarantees that a
region only adds: whole entries to YAML files (targets, list items), whole files, and lines
to other text files. `yaml_runs` finds those entries by comparing the two renders as trees;
`add_runs` inserts each run of new entries into the user's file after the entry that comes
before it in the render (found by key, or by identity for a list item), re-indented to the
user's indentation; `remove_runs` deletes them again. Text files get the same treatment line
by line, anchored by the lines around each insertion.

Every plan is first tried on the older render: it must give exactly the newer render, or the
template broke its guarantee and the edit is refused (a bug to report, not a user error).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
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


def _kind(node: Node) -> str:
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
    if _kind(a) != _kind(b):
        raise NotAdditive(new.name, f"{where} changes from a {_kind(a)} to a {_kind(b)}")
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
            raise NotAdditive(new.name, f"it adds to the flow-style {_kind(b)} {where}")
        for entry in pending:
            if not new.owns_line(entry):
                raise NotAdditive(new.name, f"a new entry of {where} shares its line")
        first, last = pending[0], pending[-1]
        prev = _step(new, new_entries[first.index - 1]) if first.index > 0 else None
        runs.append(
            Run(
                path=path,
                kind=_kind(b),
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
        if _kind(parent) != run.kind:
            raise RefusedEdit(
                f"{doc.name}: {what} is a {_kind(parent)} here, but bundlegen writes it as a "
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


# -------------------------------------------------------------------- text files

CONTEXT = 3


@dataclass
class Hunk:
    """Lines added at one place of a text file, with the lines around that place."""

    lines: list[str]
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


def text_hunks(old: str, new: str, name: str) -> list[Hunk]:
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    hunks = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag != "insert":
            raise NotAdditive(name, f"line {i1 + 1} changes")
        hunks.append(Hunk(b[j1:j2], a[max(0, i1 - CONTEXT) : i1], a[i1 : i1 + CONTEXT]))
    return hunks


def _score(lines: list[str], start: int, end: int, hunk: Hunk) -> tuple[int, bool]:
    """How many lines of context around lines[start:end] are those of the hunk, and whether
    one of them has text (blank lines alone anchor nothing)."""
    score, text = 0, False
    for k in range(1, len(hunk.before) + 1):
        if start - k < 0 or lines[start - k] != hunk.before[-k]:
            break
        score, text = score + 1, text or bool(hunk.before[-k].strip())
    else:
        score += start - len(hunk.before) == 0  # the context reaches the top of the file
    for k in range(len(hunk.after)):
        if end + k >= len(lines) or lines[end + k] != hunk.after[k]:
            break
        score, text = score + 1, text or bool(hunk.after[k].strip())
    else:
        score += end + len(hunk.after) == len(lines)
    return score, text


def _best(candidates: list[tuple[int, int]], lines: list[str],
          hunk: Hunk) -> tuple[int, int] | None:
    scored = [(*_score(lines, s, e, hunk), s, e) for s, e in candidates]
    scored = [(score, s, e) for score, text, s, e in scored if text]
    if not scored:
        return None
    top = max(score for score, _, _ in scored)
    best = [(s, e) for score, s, e in scored if score == top]
    return best[0] if len(best) == 1 else None


@dataclass
class Change:
    """Lines of a text file replaced at one place (`old` empty: an insertion), with context."""

    old: list[str]
    new: list[str]
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


def text_changes(old: str, new: str) -> list[Change]:
    """Every difference of two renders of a text file, as replacements with their context."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [
        Change(a[i1:i2], b[j1:j2], a[max(0, i1 - CONTEXT) : i1], a[i2 : i2 + CONTEXT])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def apply_text_changes(text: str, changes: list[Change]) -> tuple[str, list[Change]]:
    """Make each change where its old lines are (the best context decides between several
    places); the changes whose place is not found are returned, not made."""
    lines = text.splitlines(keepends=True)
    places, skipped = [], []
    for change in changes:
        n = len(change.old)
        found = [(p, p + n) for p in range(len(lines) - n + 1) if lines[p : p + n] == change.old]
        unique = len(found) == 1 and any(line.strip() for line in change.old)
        place = (found[0] if unique
                 else _best(found, lines, Hunk(change.new, change.before, change.after)))
        if place is None:
            skipped.append(change)
        else:
            places.append((place, change))
    for (start, end), change in sorted(places, key=lambda p: -p[0][0]):
        if start == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += "\n"  # appending after a last line that had no line break
        lines[start:end] = change.new
    return "".join(lines), skipped




def add_hunks(text: str, hunks: list[Hunk]) -> tuple[str, list[Hunk]]:
    """Insert each hunk where its context is; the hunks whose place is not found are
    returned, not inserted."""
    return _as_changes(text, hunks, lambda h: Change([], h.lines, h.before, h.after))


def remove_hunks(text: str, hunks: list[Hunk]) -> tuple[str, list[Hunk]]:
    """Delete each hunk's lines where they are, with the best-matching context."""
    return _as_changes(text, hunks, lambda h: Change(h.lines, [], h.before, h.after))


def _as_changes(text: str, hunks: list[Hunk], to_change) -> tuple[str, list[Hunk]]:
    changes = [to_change(h) for h in hunks]
    after, missed = apply_text_changes(text, changes)
    missed_ids = {id(c) for c in missed}
    return after, [h for h, c in zip(hunks, changes, strict=True) if id(c) in missed_ids]


# -------------------------------------------------------------------- changed values
# A traffic command changes values the template derives from the spec (the deployment job's
# `aliases` parameter, say) without adding or removing anything: the two renders have the same
# entries, and only some scalars differ. Those are carried over to the user's file where the
# user's value is still the older render's.

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
        if _kind(a) != _kind(b):
            raise NotSameShape(new.name, f"{describe(steps)} changes from a {_kind(a)} to a "
                               f"{_kind(b)}")
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
