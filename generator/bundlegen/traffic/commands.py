"""`bundlegen traffic`: show and change the traffic split of serving endpoints.

In a bundlegen project (bundlegen.yml next to databricks.yml, the endpoint in
serving/databricks.yml) every command keeps the spec, the serving bundle and the deployment
job in step (trafficproject). In any other bundle with model_serving_endpoints, `show` and
`set` work on the bundle's YAML alone; the other commands need the spec and the deployment
workflow of a project. Semantics: docs/decisions/traffic-commands.md.
"""

from __future__ import annotations

from pathlib import Path

import bundlegen_model as model
from bundlegen.bundle.serving import Serving, View
from bundlegen.edit import Edit
from bundlegen.errors import InputError
from bundlegen.project import folder as projectfolder
from bundlegen.project.folder import BUNDLE
from bundlegen.traffic import project as trafficproject
from bundlegen.traffic import splits
from bundlegen.traffic.endpoints import plan_split
from bundlegen.traffic.project import State

__all__ = ["add_variant", "promote", "ramp", "remove_variant", "set_split", "show"]


def locate(folder: Path) -> tuple[str, Path]:
    """("bundlegen project", its folder) or ("bundle", the bundle's folder)."""
    found = projectfolder.locate(folder)
    return found.kind, found.root


def _project_only(folder: Path, command: str) -> Path:
    kind, root = locate(folder)
    if kind != "bundlegen project":
        raise InputError(
            f"`traffic {command}` works in a bundlegen project (a bundlegen.yml next to "
            "databricks.yml): it records the change in the spec and in the deployment workflow. "
            "In another bundle, change the served entities by hand; `traffic set` and "
            "`traffic show` work on any bundle")
    return root


# -------------------------------------------------------------------- show


def _variant_rows(view: View, aliases: dict[str, str], shadows: set[str],
                  ramp: tuple[str, list[int]] | None) -> list[dict]:
    rows = []
    routed = set()
    for v in view.variants:
        routed.add(v.name)
        rows.append({
            "name": v.name,
            "alias": aliases.get(v.name),
            "entity": v.entity,
            "version": v.version,
            "traffic": v.traffic,
            "shadow": v.name in shadows,
            "ramp": ramp[1] if ramp and ramp[0] == v.name else None,
        })
    for name, pct in view.routes:
        if name not in routed:  # a route naming no served entity (lint reports it)
            rows.append({"name": name, "alias": None, "entity": None, "version": None,
                         "traffic": pct, "shadow": False, "ramp": None})
    return rows


def show(folder: Path, target: str | None = None, endpoint: str | None = None) -> dict:
    """Every target's endpoints with their variants, where each version comes from, and the
    split; in a project also the ramp plan, the promotion request and the shadow variants."""
    kind, root = locate(folder)
    document: dict = {"project": str(root), "kind": kind, "targets": [], "ramp": None,
                      "promote": None}
    if kind == "bundlegen project":
        st = State(root)
        st.check_endpoint(endpoint)
        serving, keys = st.serving, [st.key]
        p = st.project
        aliases = {v.name: v.alias for v in p.variants}
        shadows = set(st.shadows)
        ramp = (p.ramp_variant, p.ramp_steps) if p.ramp_variant else None
        if ramp:
            document["ramp"] = {"variant": ramp[0], "steps": ramp[1]}
        if p.promote_variant:
            document["promote"] = {"variant": p.promote_variant, "request": p.promote_param}
        own = {model.target_name(name) for name in st.overrides}
    else:
        serving = Serving(root)
        keys = [serving.endpoint(endpoint)] if endpoint else serving.keys()
        aliases, shadows, ramp, own = {}, set(), None, set()
    views = [v for k in keys for v in serving.views(k)]
    labels = list(dict.fromkeys(v.target for v in views))
    if target is not None:
        if kind == "bundlegen project" and target not in labels:  # a region's name, as in `set`
            target = next((r.target for r in st.project.regions if r.name == target), target)
        if target not in labels:
            known = ", ".join(t or "(no targets)" for t in labels) or "(none)"
            raise InputError(f"unknown target '{target}' (or it deploys no endpoint); the targets "
                             f"with an endpoint: {known}", field="--target")
        labels = [target]
    for label in labels:
        endpoints = []
        for view in (v for v in views if v.target == label):
            split = None
            if kind == "bundlegen project":
                split = "region" if label in own else "project"
            endpoints.append({"key": view.key, "name": view.name, "split": split,
                              "variants": _variant_rows(view, aliases, shadows, ramp)})
        document["targets"].append({"target": label, "endpoints": endpoints})
    return document


# -------------------------------------------------------------------- set


def set_split(folder: Path, assignments: list[str] | tuple[str, ...], endpoint: str | None = None,
              target: str | None = None) -> Edit:
    """New percentages for the named variants (the others keep theirs); the split must add
    up to 100 in every target changed."""
    wanted = splits.parse_assignments(assignments)
    kind, root = locate(folder)
    if kind == "bundlegen project":
        return trafficproject.set_split(root, wanted, endpoint, target)
    serving = Serving(root)
    key = serving.endpoint(endpoint)
    views = [serving.view_of(key, target)] if target is not None else serving.views(key)
    for view in views:
        names = [v.name for v in view.variants] + [n for n, _ in view.routes]
        for name in wanted:
            if name not in names:
                raise InputError(f"unknown variant '{name}' of endpoint '{key}' in target "
                                 f"'{view.label}'; its variants: {', '.join(dict.fromkeys(names))}")
        new = {**view.split, **wanted}
        for name, pct in new.items():
            if not isinstance(pct, int) or isinstance(pct, bool):
                raise InputError(f"the share of '{name}' in target '{view.label}' is {pct!r}, not "
                                 "a number bundlegen can add up; give it too (NAME=PCT)")
        splits.require_total(new, f"of {key} in {view.label}")
    plan = plan_split(serving, key, {view.target: wanted for view in views})
    edit = Edit(root=root, kind=BUNDLE)
    for rel, after in plan.texts().items():
        edit.change(rel, serving.docs[rel].text, after)
    where = ", ".join(view.label for view in views)
    edit.summary = [f"Set {splits.describe(wanted)} in endpoint {key} of {where}"]
    if not edit.changes:
        edit.summary = [f"Nothing to change: endpoint {key} of {where} has "
                        f"{splits.describe(wanted)} already"]
    return edit


# -------------------------------------------------------------------- project-only commands


def add_variant(folder: Path, name: str, alias: str | None = None, traffic: str | None = None,
                source: str | None = None, shadow: bool = False) -> Edit:
    pct = splits.percent(traffic, "--traffic") if traffic is not None else None
    return trafficproject.add_variant(_project_only(folder, "add-variant"), name, alias, pct,
                                      source, shadow)


def remove_variant(folder: Path, name: str, to: str | None = None) -> Edit:
    return trafficproject.remove_variant(_project_only(folder, "remove-variant"), name, to)


def promote(folder: Path, name: str, now=None) -> Edit:
    return trafficproject.promote(_project_only(folder, "promote"), name, now)


def ramp(folder: Path, name: str, steps: str | None, off: bool = False) -> Edit:
    if off and steps is not None:
        raise InputError("give --steps or --off, not both")
    return trafficproject.ramp(_project_only(folder, "ramp"), name, steps, off)

