"""Regions of a bundlegen project: what the template renders for a region, edited in place.

The project's spec is its bundlegen.yml. add-region renders the template for the spec and for
the spec plus the region, and makes the difference (new targets, list items, files, lines)
to the user's files with yamldiff and textdiff; remove-region does the reverse. So the
template stays the one description of what a region is
(docs/decisions/regions-by-render-diff.md), and an unedited project after add-region is
exactly what `bundlegen new` makes from the new spec.
"""

from __future__ import annotations

import copy
from pathlib import Path

import bundlegen_model as model
from bundlegen.bundle.files import root_in
from bundlegen.bundle.model import endpoints, read_bundle
from bundlegen.edit import Edit, FileChange, read_text, region_edit
from bundlegen.errors import InputError, InputErrors, Location, RefusedEdit
from bundlegen.project.folder import PROJECT, SERVING, SPEC_FILE
from bundlegen.project.spec import load_spec
from bundlegen.project.template import build_answers, project_of, render_spec
from bundlegen.project.textdiff import add_hunks, remove_hunks, text_hunks
from bundlegen.project.yamldiff import (
    NotAdditive,
    add_runs,
    check_added,
    check_removed,
    remove_runs,
    yaml_runs,
)
from bundlegen.yaml import verify
from bundlegen.yaml.doc import Doc

# Per-region settings a new region takes from the region it copies. Not copied: the
# metastore ID (each region has its own metastore) and the service principal (a region
# names its own only when it differs from the project's; the new one starts with the
# project's, the "placeholder").
COPIED = ("catalog", "workload_size", "scale_to_zero", "latency_budget_ms")


def regions_of(spec: dict) -> list[dict]:
    regions = spec.get("regions")
    if isinstance(regions, dict):
        return [{"name": name, **(settings or {})} for name, settings in regions.items()]
    return [dict(r) for r in regions]


def find(regions: list[dict], name: str) -> dict | None:
    return next((r for r in regions if name in (r["name"], model.target_name(r["name"]))), None)


def _spec(folder: Path) -> tuple[dict, list[dict]]:
    spec = load_spec(folder / SPEC_FILE)
    return spec, regions_of(spec)


def add(folder: Path, name: str, host: str, source: str | None = None,
        metastore_id: str | None = None) -> Edit:
    spec, regions = _spec(folder)
    spec_file = folder / SPEC_FILE
    if any(r["name"] == name for r in regions):
        raise RefusedEdit(f"region '{name}' already exists in {spec_file}; nothing was changed")
    src = find(regions, source) if source is not None else regions[0]
    if src is None:
        raise InputError(f"unknown region '{source}'; the project's regions: "
                         f"{', '.join(r['name'] for r in regions)}", field="--from")
    region = {"name": name, "host": host, **{k: src[k] for k in COPIED if k in src}}
    if metastore_id is not None:
        region["metastore_id"] = metastore_id
    bigger = {**copy.deepcopy(spec), "regions": regions + [region]}
    labels = {"host": "--host", "metastore_id": "--metastore-id"}
    check_region(bigger, len(regions), spec_file, labels, f"region '{name}'")
    changes = region_edit(folder, PROJECT, "add", name, model.target_name(name), src["name"])
    _plan(changes, spec, bigger, adding=True)
    return changes


def check_region(spec: dict, index: int, spec_file: Path, labels: dict[str, str],
                 region_label: str | None = None) -> None:
    """The spec with a new or changed region must pass the template's own checks. A problem
    of the region's settings is named by the option that gave it (`labels`, else
    `region_label`); any other by its place in bundlegen.yml."""
    errors = []
    for path, message in model.problems(spec):
        in_region = tuple(path[:2]) == ("regions", index)
        label = (labels.get(path[2]) if len(path) > 2 else None) or region_label
        if in_region and label:
            errors.append(InputError(message, field=label))
        else:
            errors.append(InputError(message, Location(str(spec_file)), model.format_path(path)))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)


def remove(folder: Path, name: str) -> Edit:
    spec, regions = _spec(folder)
    region = find(regions, name)
    if region is None:
        raise InputError(f"unknown region '{name}'; the project's regions: "
                         f"{', '.join(r['name'] for r in regions)}")
    if len(regions) == 1:
        raise RefusedEdit(f"'{region['name']}' is the project's last region; nothing was changed")
    if region is regions[0]:
        raise RefusedEdit(
            f"'{region['name']}' is the primary region (it trains the model and shares it with "
            "the others); remove-region does not remove it"
        )
    smaller = {**copy.deepcopy(spec), "regions": [r for r in regions if r is not region]}
    changes = region_edit(folder, PROJECT, "remove", region["name"],
                          model.target_name(region["name"]))
    _plan(changes, smaller, spec, adding=False)
    return changes


def _plan(changes: Edit, small: dict, big: dict, adding: bool) -> None:
    """Render both specs and carry the difference over to the project's files."""
    folder = changes.root
    a, b = render_spec(small), render_spec(big)
    rendered = {rel: (a.get(rel), b.get(rel)) for rel in sorted(set(a) | set(b))}
    for rel, (small_text, big_text) in rendered.items():
        if small_text == big_text:
            continue
        if big_text is None:
            raise NotAdditive(rel, "the file disappears")
        path = folder / rel
        display = str(path)
        user = read_text(path, display) if path.is_file() else None
        if small_text is None:  # a file only the region brings
            _whole_file(changes, rel, user, big_text, adding)
            continue
        if user is None:
            changes.warnings.append(f"{display}: not in the project (deleted by hand?); left out")
            continue
        if rel.endswith((".yml", ".yaml")):
            after = _yaml(changes, display, small_text, big_text, user, adding)
        else:
            after = _lines(changes, display, small_text, big_text, user, adding)
        if after != user:
            changes.changes.append(FileChange(rel, user, after))


def _whole_file(changes: Edit, rel: str, user: str | None, rendered: str,
                adding: bool) -> None:
    display = str(changes.root / rel)
    if adding:
        if user is None:
            changes.changes.append(FileChange(rel, None, rendered))
        elif user != rendered:
            raise RefusedEdit(
                f"{display} exists and is not what bundlegen writes there for the region; "
                "move it away first; nothing was changed"
            )
    elif user is not None:
        if user != rendered:
            raise RefusedEdit(
                f"{display} exists only for this region and was edited by hand; delete it "
                "yourself (or undo the edits) first; nothing was changed"
            )
        changes.changes.append(FileChange(rel, user, None))


def _yaml(changes: Edit, display: str, small_text: str, big_text: str, user: str,
          adding: bool) -> str:
    rel = display
    small, big = Doc(small_text, rel), Doc(big_text, rel)
    doc = Doc(user, display)
    runs = yaml_runs(small, big)
    if adding:
        if add_runs(small, runs) != big_text:
            raise NotAdditive(rel, "its new entries do not come out as rendered")
        after = add_runs(doc, runs)
        where = [w for run in runs for w in run.where()]
        _, expected = verify.without(big, where)
        check_added(doc, verify.reparse(after, display), where, expected)
        return after
    if remove_runs(big, runs)[0] != small_text:
        raise NotAdditive(rel, "its entries do not come out as rendered")
    after, removed, missing = remove_runs(doc, runs)
    for what in missing:
        changes.warnings.append(f"{display}: {what} was not there; nothing to remove")
    check_removed(doc, after, removed)
    return after


def _lines(changes: Edit, display: str, small_text: str, big_text: str, user: str,
           adding: bool) -> str:
    hunks = text_hunks(small_text, big_text, display)
    apply = add_hunks if adding else remove_hunks
    before, expected = (small_text, big_text) if adding else (big_text, small_text)
    if apply(before, hunks)[0] != expected:
        raise NotAdditive(display, "its new lines do not come out as rendered")
    if "\r\n" in user:
        for hunk in hunks:
            for lines in (hunk.lines, hunk.before, hunk.after):
                lines[:] = [line.replace("\r\n", "\n").replace("\n", "\r\n") for line in lines]
    after, skipped = apply(user, hunks)
    verb = "add" if adding else "remove"
    for hunk in skipped:
        first = hunk.lines[0].rstrip("\r\n") if hunk.lines else ""
        changes.warnings.append(
            f"{display}: could not find where to {verb} '{first}'"
            f"{' (and the lines after it)' if len(hunk.lines) > 1 else ''}; do it by hand"
        )
    return after


# -------------------------------------------------------------------- listing


def rows(folder: Path, project) -> list[dict]:
    """One row per region of the project model: its target, host and endpoints (as the
    bundles in the folder have them)."""
    jobs = read_bundle(folder)
    serving = read_bundle(folder / SERVING) if root_in(folder / SERVING) else None
    out = []
    for region in project.regions:
        target = jobs.targets.get(region.target)
        served = endpoints(serving, region.target) if serving is not None else {}
        out.append({
            "region": region.name,
            "target": region.target,
            "host": (target.host if target is not None else None) or region.host,
            "role": region.role,
            "mode": "production",
            "endpoints": list(served),
            "traffic": served,
        })
    return out


def project(folder: Path):
    """The project model of the spec in bundlegen.yml (regions, variants, names)."""
    return project_of(build_answers(_spec(folder)[0]))
