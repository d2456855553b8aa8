"""Regions of any bundle (one bundlegen did not generate): one target per region.

add-region copies the text of a reference target (comments and style kept), under a new
name, with the new workspace host, after the last target; in every file of the bundle that
defines that target (a bundle may add to a target in its included files). remove-region
deletes exactly those lines again. Choices (docs/decisions/regions-of-any-bundle.md):

- reference target (`--from` default, and the bundle's *primary*): the first target with
  `mode: production`, else the `default: true` target, else the first target;
- new target name: `prod-<region>` when the reference is a production target, else `<region>`;
- a bundle without targets gets its implicit target written out, `default: {default: true}`,
  so `bundle deploy` still goes where it went, and a minimal new one: `{workspace: {host}}`;
  remove-region takes both out again.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, ScalarNode

import bundlegen_model as model
from bundlegen.bundle.model import Bundle, Target, endpoints, read_bundle, reference_target
from bundlegen.edit import Edit, FileChange, region_edit
from bundlegen.errors import InputError, RefusedEdit
from bundlegen.project.folder import BUNDLE
from bundlegen.regions.targetcopy import (
    copy_target,
    flow_deletion,
    flow_end,
    host_entry,
)
from bundlegen.yaml import tree as yamltree
from bundlegen.yaml import verify
from bundlegen.yaml.edit import deletion, insertion, splice

HOST = re.compile(r"^https://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]+)?/?$")
TARGET_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


# -------------------------------------------------------------------- checks


def check_host(host: str) -> str:
    if not host.startswith("https://"):
        raise InputError(f"'{host}' must be the workspace URL, https://<workspace host>",
                         field="--host")
    if not HOST.match(host):
        raise InputError(f"'{host}' is not a workspace URL (https://<workspace host>)",
                         field="--host")
    return host.rstrip("/")


def _cloud(bundle: Bundle, host: str) -> str:
    cloud = model.cloud_of(host)
    if cloud is None:
        known = ", ".join(s for suffixes in model.HOST_SUFFIXES.values() for s in suffixes[:1])
        raise InputError(
            f"{host} is not a Databricks workspace of AWS, Azure or GCP "
            f"(a host ending in {known}, ...)",
            field="--host",
        )
    others = {c for c in map(model.cloud_of, bundle.other_hosts()) if c}
    if others and cloud not in others:
        theirs = " and ".join(sorted(model.CLOUD_NAMES[c] for c in others))
        raise InputError(
            f"{host} is {model.A_CLOUD[cloud]} workspace, "
            f"but this bundle's workspaces are on {theirs}",
            field="--host",
        )
    return cloud


def check_region_name(name: str, cloud: str) -> None:
    pattern, example = model.REGION_PATTERNS[cloud]
    if not pattern.match(name):
        raise InputError(f"'{name}' is not {model.A_CLOUD[cloud]} region name (like {example})")


# -------------------------------------------------------------------- add


def add(folder: Path, name: str, host: str, source: str | None = None,
        target_name: str | None = None) -> Edit:
    bundle = read_bundle(folder)
    host = check_host(host)
    check_region_name(name, _cloud(bundle, host))
    if source is not None:
        src = bundle.targets.get(source) or bundle.targets.get(model.target_name(source))
        if src is None:
            raise InputError(f"unknown target '{source}'; the bundle's targets: {_names(bundle)}",
                             field="--from")
    else:
        src = reference_target(bundle)
    new = target_name or (model.target_name(name) if src and src.mode == "production" else name)
    if not TARGET_NAME.match(new) or model.YAML_NON_STRING.match(new):
        raise InputError(f"'{new}' cannot be a target name: use letters, digits, '-', '_' and '.'",
                         field="--target-name")
    for taken in dict.fromkeys((new, model.target_name(name), name)):
        if taken in bundle.targets:
            raise RefusedEdit(
                f"region '{name}' already exists: target '{taken}' at "
                f"{bundle.where(bundle.targets[taken])}; nothing was changed"
            )
    for target in bundle.targets.values():
        if target.host and target.host.rstrip("/").lower() == host.lower():
            raise RefusedEdit(
                f"{host} is already the workspace of target '{target.name}' at "
                f"{bundle.where(target)}; a region needs a workspace of its own"
            )
    changes = region_edit(folder, BUNDLE, "add", name, new, src.name if src else None)
    if src is None:
        if new == IMPLICIT:
            raise InputError(f"'{IMPLICIT}' names the bundle's implicit target; choose another "
                             "name with --target-name", field="--target-name")
        rel, text = _add_minimal(bundle, new, host)
        _check_added(bundle, rel, text, new, {"workspace": {"host": host}}, implicit=True)
        changes.changes.append(FileChange(rel, bundle.docs[rel].text, text))
        changes.warnings.append(
            f"{bundle.display(bundle.root)} had no targets: its implicit target is now written "
            f"out as '{IMPLICIT}' (default: true), so `databricks bundle deploy` still deploys "
            f"where it did; deploy the new region with -t {new}"
        )
        return changes
    with_host = [rel for rel, e in src.places if host_entry(bundle.docs[rel], e) is not None]
    if not with_host:  # the host goes where the target is defined first, the root if there
        with_host = [src.places[0][0]]
    for rel, entry in src.places:
        doc = bundle.docs[rel]
        holder = yamltree.get(doc.root, "targets")
        block = copy_target(doc, entry, new, host if rel in with_host else None)
        last = doc.entries(holder)[-1]
        if holder.flow_style:  # `targets: {a: ..., b: ...}`: the copy goes in as `, new: ...`
            at = flow_end(doc, last)
            text = splice(doc.text, [(at, at, f", {block}")])
        else:
            doc.require_own_line(last)
            separator = doc.newline if doc.blank_separated(holder) else ""
            text = splice(doc.text, [insertion(doc, doc.span(last)[1], separator + block)])
        expected = copy.deepcopy(bundle.data[rel]["targets"][src.name])
        if expected is None and rel in with_host:
            expected = {"workspace": {"host": host}}
        elif isinstance(expected, dict):
            if expected.get("default") is True:
                del expected["default"]
            if rel in with_host:
                workspace = expected.get("workspace")
                expected["workspace"] = {
                    **(workspace if isinstance(workspace, dict) else {}), "host": host
                }
        _check_added(bundle, rel, text, new, expected)
        changes.changes.append(FileChange(rel, doc.text, text))
    return changes


def _names(bundle: Bundle) -> str:
    return ", ".join(bundle.targets) or "(none)"



def _add_minimal(bundle: Bundle, new: str, host: str) -> tuple[str, str]:
    """A bundle with no target to copy gets `new: {workspace: {host}}`."""
    for rel in bundle.holders:
        doc = bundle.docs[rel]
        key, value = next((k, v) for k, v in doc.root.value if k.value == "targets")
        if isinstance(value, MappingNode):
            doc.require_block(value, "'targets'")
        if not (isinstance(value, ScalarNode) and not value.value):
            where = doc.location(value.start_mark.index)
            raise RefusedEdit(
                f"cannot add a target to 'targets' at {where}; write it as a block mapping"
            )
        unit = doc.indent_unit()
        col = doc.column(key.start_mark.index)
        at = doc.line_end(doc.line_of(key.start_mark.index))
        block = _implicit(col + unit, unit) + _minimal(new, host, col + unit, unit)
        return rel, splice(doc.text, [insertion(doc, at, block)])
    rel = bundle.root
    doc = bundle.docs[rel]
    if not isinstance(doc.root, MappingNode) or doc.root.flow_style:
        raise RefusedEdit(f"{doc.name}: the top level is not a block mapping; add a target by hand")
    unit = doc.indent_unit()
    # Always one blank line before, so that remove-region knows what to take out again.
    blank = "\n" if doc.text else ""
    block = f"{blank}targets:\n{_implicit(unit, unit)}{_minimal(new, host, unit, unit)}"
    return rel, splice(doc.text, [insertion(doc, len(doc.text), block)])


# Without targets the CLI deploys to an implicit target of this name; written out with
# `default: true` it keeps being where `bundle deploy` goes (with the same state path).
IMPLICIT = "default"


def _implicit(col: int, unit: int) -> str:
    pad = " " * col
    return f"{pad}{IMPLICIT}:\n{pad}{' ' * unit}default: true\n"


def _minimal(new: str, host: str, col: int, unit: int) -> str:
    pad = " " * col
    return f"{pad}{new}:\n{pad}{' ' * unit}workspace:\n{pad}{' ' * 2 * unit}host: {host}\n"


def _check_added(bundle: Bundle, rel: str, text: str, new: str, expected: Any,
                 implicit: bool = False) -> None:
    """The file must read as before plus exactly targets.<new> = expected (and, with
    implicit, the implicit target written out)."""
    before = bundle.data[rel]
    steps = [(("targets",), new)] + ([(("targets",), IMPLICIT)] if implicit else [])
    rest, taken = verify.without(verify.reparse(text, bundle.docs[rel].name), steps)
    if implicit and taken[1:] == [{"default": True}]:
        taken = taken[:1]
    if isinstance(rest, dict) and rest.get("targets") == {} and not (before or {}).get("targets"):
        if "targets" in (before or {}):
            rest["targets"] = before["targets"]
        else:
            del rest["targets"]
    if rest != before or taken != [expected]:
        raise RefusedEdit(
            f"{bundle.display(rel)}: the copied target would not read as its original "
            "(anchors or merge keys inside it?); nothing was changed"
        )


# -------------------------------------------------------------------- remove


def pick(bundle: Bundle, name: str, target_name: str | None) -> Target:
    if target_name is not None:
        if target_name not in bundle.targets:
            raise InputError(
                f"unknown target '{target_name}'; the bundle's targets: {_names(bundle)}",
                field="--target-name",
            )
        return bundle.targets[target_name]
    found = [bundle.targets[t] for t in (model.target_name(name), name) if t in bundle.targets]
    if not found:
        raise InputError(
            f"unknown region '{name}': no target '{model.target_name(name)}' or '{name}'; "
            f"the bundle's targets: {_names(bundle)}"
        )
    if len(found) > 1:
        raise InputError(
            f"region '{name}' is ambiguous: targets '{model.target_name(name)}' and '{name}' "
            "both exist; say which with --target-name"
        )
    return found[0]


def remove(folder: Path, name: str, target_name: str | None = None) -> Edit:
    bundle = read_bundle(folder)
    target = pick(bundle, name, target_name)
    if len(bundle.targets) == 1:
        raise RefusedEdit(f"'{target.name}' is the bundle's last target; nothing was changed")
    if target is reference_target(bundle):
        raise RefusedEdit(
            f"'{target.name}' is the bundle's primary target (its first production target, "
            "else its default target); remove-region does not remove it"
        )
    changes = region_edit(folder, BUNDLE, "remove", name, target.name)
    implicit = _only_implicit_left(bundle, target)
    if implicit is not None:
        changes.changes.append(_remove_all_targets(bundle, implicit))
        changes.warnings.append(
            f"the bundle is back to no targets: '{IMPLICIT}' (default: true) was its implicit "
            "target written out, and the CLI defines it again by itself"
        )
        return changes
    for rel, entry in target.places:
        doc = bundle.docs[rel]
        if entry.parent.flow_style:  # `, name: {...}`, as add-region put it in
            edit = flow_deletion(doc, entry)
        else:
            doc.require_own_line(entry)
            edit = deletion(doc, entry)
        text = splice(doc.text, [edit])
        verify.reads_as_removed(doc, text, [(("targets",), target.name)],
                                f"removing target '{target.name}' would change other values "
                                "of this file")
        changes.changes.append(FileChange(rel, doc.text, text))
    return changes


def _only_implicit_left(bundle: Bundle, target: Target) -> str | None:
    """The file whose `targets` would hold only `default: {default: true}` once target is
    gone (what add-region writes into a bundle without targets), else None."""
    others = [t for t in bundle.targets.values() if t is not target]
    if len(others) != 1 or others[0].name != IMPLICIT or others[0].data != {"default": True}:
        return None
    places = {rel for rel, _ in others[0].places + target.places}
    if len(places) != 1 or len(bundle.holders) != 1:
        return None
    rel = places.pop()
    doc = bundle.docs[rel]
    return rel if len(doc.entries(yamltree.get(doc.root, "targets"))) == 2 else None


def _remove_all_targets(bundle: Bundle, rel: str) -> FileChange:
    """The targets out of the file, checked to change nothing else. A bare `targets:` that
    ends the file after a blank line is what add-region appended: it goes with one blank
    line; any other `targets` key was there before and keeps its line."""
    doc = bundle.docs[rel]
    entry = doc.find(doc.root, "targets")
    expected = dict(bundle.data[rel])
    line = doc.line_of(doc.start(entry))
    appended = (
        doc.entries(doc.root)[-1].key is entry.key
        and doc.entry_column(entry) == 0
        and line > 0
        and doc.is_blank(line - 1)
        and doc.line_text(line) == "targets:"
        and doc.span(entry)[1] == len(doc.text)
    )
    if appended:
        edits = [deletion(doc, entry, start=doc.line_start(line - 1))]
        del expected["targets"]
    else:
        edits = [deletion(doc, e) for e in doc.entries(entry.value)]
        expected["targets"] = None
    text = splice(doc.text, edits)
    verify.reads_as(text, doc.name, expected,
                    "removing its targets would change other values of this file")
    return FileChange(rel, doc.text, text)


# -------------------------------------------------------------------- listing


def rows(bundle: Bundle) -> tuple[list[dict], list[str]]:
    """One row per target with a workspace host, and the names of the targets without one."""
    primary = reference_target(bundle)
    out, hostless = [], []
    for target in bundle.targets.values():
        if not target.host:
            hostless.append(target.name)
            continue
        served = endpoints(bundle, target.name)
        out.append({
            "region": model.region_of(target.name),
            "target": target.name,
            "host": target.host,
            "role": "primary" if target is primary else "replica",
            "mode": target.mode,
            "endpoints": list(served),
            "traffic": served,
        })
    return out, hostless
