"""A traffic change carried out in a project: the spec changed, the template rendered for the
old spec and the new one (project/template.render_spec), the change proven on the old render
(made there it must give the new render exactly), then made in the user's files: the spec's
text, the serving bundle's, and what else the render changes (the deployment job's values,
the README's diagram).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import bundlegen_model as model
from bundlegen.bundle.serving import Serving
from bundlegen.edit import Edit, read_text
from bundlegen.errors import RefusedEdit
from bundlegen.project import specedit
from bundlegen.project.folder import PROJECT, SERVING, SPEC_FILE
from bundlegen.project.template import render_spec
from bundlegen.project.textdiff import apply_text_changes, text_changes
from bundlegen.project.valuediff import NotSameShape, apply_value_changes, value_changes
from bundlegen.traffic.endpoints import Plan
from bundlegen.yaml import tree as yamltree
from bundlegen.yaml.doc import Doc

if TYPE_CHECKING:
    from bundlegen.traffic.project import State


def finish(st: State, ops: list[specedit.Op], serving_plan: Callable[[Serving], Plan] | None,
            summary: list[str]) -> Edit:
    new_spec = specedit.apply_to_data(st.spec, ops)
    problems = model.problems(new_spec)
    if problems:
        lines = "; ".join(f"{model.format_path(path)}: {message}" for path, message in problems)
        raise RefusedEdit(
            f"the change would make {SPEC_FILE} invalid ({lines}); nothing was changed"
        )
    edit = Edit(root=st.folder, kind=PROJECT, summary=summary)
    plan = _plan(render_spec(st.spec), render_spec(new_spec), ops, serving_plan)
    for rel, change in plan.items():
        if change.kind != "serving":
            _carry(edit, st, rel, change, ops, new_spec)
    if serving_plan is not None:  # the user's serving bundle, whatever its files are
        serving = serving_plan(st.serving)
        for rel, after in serving.texts().items():
            edit.change(f"{SERVING}/{rel}", st.serving.docs[rel].text, after)
        edit.warnings += serving.notes
    edit.changes.sort(key=lambda c: c.rel)
    if not edit.changes:
        edit.summary = ["Nothing to change: " + summary[0][0].lower() + summary[0][1:]]
    return edit


@dataclass
class _FileChange:
    kind: str  # "spec", "serving", "values" or "text"
    values: list = field(default_factory=list)  # ValueChanges, for "values"; Changes, for "text"


def _serving_texts(old: dict[str, str], serving_plan) -> dict[str, str]:
    """The serving plan made on the old render's serving bundle (read from a folder, as the
    user's is): the new text of each file it changes."""
    if serving_plan is None:
        return {}
    with tempfile.TemporaryDirectory(prefix="bundlegen-") as tmp:
        for rel, text in old.items():
            if rel.startswith(f"{SERVING}/"):
                path = Path(tmp, rel)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(text.encode("utf-8"))
        return serving_plan(Serving(Path(tmp, SERVING))).texts()


def _plan(a: dict[str, str], b: dict[str, str], ops, serving_plan) -> dict[str, _FileChange]:
    """What changes in which file, proven on the render of the old spec (a): made there, it
    must give the render of the new spec (b) exactly (else the template broke a promise)."""
    if set(a) != set(b):
        raise NotSameShape(", ".join(sorted(set(a) ^ set(b))), "a file appears or disappears")
    plan: dict[str, _FileChange] = {}
    serving_texts = _serving_texts(a, serving_plan)
    for rel in sorted(a):
        if rel == SPEC_FILE:
            rendered = yamltree.load(a[rel], rel)  # the list form
            got = specedit.apply_to_text(Doc(a[rel], rel), ops,
                                         specedit.apply_to_data(rendered, ops))
            kind = _FileChange("spec")
        elif rel.startswith(f"{SERVING}/") and rel[len(SERVING) + 1:] in serving_texts:
            got = serving_texts[rel[len(SERVING) + 1:]]
            kind = _FileChange("serving")
        elif a[rel] == b[rel]:
            continue
        elif rel.endswith((".yml", ".yaml")):
            changes = value_changes(Doc(a[rel], rel), Doc(b[rel], rel))
            got, _ = apply_value_changes(Doc(a[rel], rel), changes)
            kind = _FileChange("values", changes)
        else:  # a text file (the README's diagram): its changed lines, found by their text
            changes = text_changes(a[rel], b[rel])
            got, _ = apply_text_changes(a[rel], changes)
            kind = _FileChange("text", changes)
        if got != b[rel]:
            raise NotSameShape(rel, "the edit of its render does not give the new render")
        plan[rel] = kind
    for rel in (f"{SERVING}/{r}" for r in serving_texts):
        if rel not in plan:
            raise NotSameShape(rel, "the serving edit touches a file the template does not have")
    return plan


def _carry(edit: Edit, st: State, rel: str, change: _FileChange, ops,
           new_spec: dict) -> None:
    """Make one file's change in the user's copy of it."""
    path = st.folder / rel
    if not path.is_file():
        edit.warnings.append(f"{path}: not in the project (deleted by hand?); left out")
        return
    text = read_text(path, str(path))
    if change.kind == "spec":
        edit.change(rel, text, specedit.apply_to_text(Doc(text, str(path)), ops, new_spec))
        return
    if change.kind == "text":
        after, missed = apply_text_changes(text, change.values)
        if missed:
            edit.warnings.append(f"{path}: {len(missed)} change(s) not carried over: the lines "
                                 "were edited by hand (`bundlegen regions --format mermaid` "
                                 "draws the current diagram)")
        edit.change(rel, text, after)
        return
    after, skipped = apply_value_changes(Doc(text, str(path)), change.values)
    edit.warnings += [f"{path}: {note}" for note in skipped]
    edit.change(rel, text, after)
