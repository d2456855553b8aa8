"""Serving endpoints of a bundle: what each target deploys, where it is written, and edits of
the split and the variants at node positions.

An endpoint is `resources.model_serving_endpoints.<key>`, written at the top level of any file
of the bundle, in a target, or both. The Databricks CLI merges a target's definition over the
top-level one (mappings merge, lists are appended), so what a target deploys, its *view*, comes
from the top-level definitions and the target's. A *place* is one definition in one file.

Views are read from the data (anchors and merge keys resolved, as the CLI reads them); edits
are made at the places, and after an edit the files are read again: every file must read as
before except the values the edit meant to change, and every view must come out as planned.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from bundlegen.bundle.merge import merge
from bundlegen.bundle.servednames import served_name
from bundlegen.errors import InputError, RefusedEdit
from bundlegen.regions.bundle import Bundle, read_bundle
from bundlegen.traffic.splits import Split
from bundlegen.yaml import tree as yamltree
from bundlegen.yaml import verify
from bundlegen.yaml.edit import (
    Doc,
    Entry,
    append_item,
    copy_entry,
    deletion,
    in_style,
    insertion,
    locate,
    scalar_edit,
    set_at,
    splice,
)

ENDPOINTS = ("resources", "model_serving_endpoints")
ENTITIES = ("config", "served_entities")
ROUTES = ("config", "traffic_config", "routes")
_VAR = re.compile(r"^\$\{var\.([A-Za-z0-9_]+)\}$")


@dataclass(frozen=True)
class Place:
    rel: str
    target: str | None  # None: the top level of the file
    key: str
    steps: tuple  # keys from the top of the file to the endpoint's mapping


@dataclass
class Variant:
    """A served entity as a target deploys it."""

    name: str
    entity: str | None  # entity_name (the model)
    version: str | None  # entity_version as written: "3" or "${var.champion_version}"
    traffic: Any  # its route's percentage; None when it has no route


@dataclass
class View:
    """One endpoint as one target deploys it (target None: a bundle without targets)."""

    target: str | None
    key: str
    name: str
    variants: list[Variant]
    routes: list[tuple[str, Any]]  # (served entity, percentage) in the order written

    @property
    def split(self) -> dict[str, Any]:
        return dict(self.routes)

    @property
    def label(self) -> str:
        return self.target or "(no targets)"


def _dig(data: Any, path: tuple) -> Any:
    for step in path:
        if not isinstance(data, dict):
            return None
        data = data.get(step)
    return data


def _route_name(route: dict) -> Any:
    return route.get("served_entity_name") or route.get("served_model_name")


class Serving:
    """The serving endpoints of the bundle in a folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.bundle: Bundle = read_bundle(folder)
        self.places = self._places()

    @property
    def docs(self) -> dict[str, Doc]:
        return self.bundle.docs

    def _places(self) -> list[Place]:
        found = []
        for rel, doc in self.docs.items():
            node, _ = locate(doc, ENDPOINTS)
            for entry in doc.entries(node):
                found.append(Place(rel, None, entry.key.value, ENDPOINTS + (entry.key.value,)))
            targets, _ = locate(doc, ("targets",))
            for target in doc.entries(targets):
                name = target.key.value
                node, _ = locate(doc, ("targets", name) + ENDPOINTS)
                for entry in doc.entries(node):
                    steps = ("targets", name) + ENDPOINTS + (entry.key.value,)
                    found.append(Place(rel, name, entry.key.value, steps))
        return found

    # ------------------------------------------------------------------ reading

    def keys(self) -> list[str]:
        keys: dict[str, None] = {}
        for data in self.bundle.data.values():
            keys.update(dict.fromkeys(_dig(data, ENDPOINTS) or {}))
            for target in (_dig(data, ("targets",)) or {}).values():
                keys.update(dict.fromkeys(_dig(target, ENDPOINTS) or {}))
        return list(keys)

    def target_names(self) -> list[str]:
        return list(self.bundle.targets)

    def views(self, key: str | None = None, data: dict | None = None) -> list[View]:
        """Every endpoint (or one) as every target deploys it, from the files' data."""
        data = data if data is not None else self.bundle.data
        out = []
        for k in [key] if key is not None else self.keys():
            top = None
            for file_data in data.values():
                top = merge(top, copy.deepcopy(_dig(file_data, ENDPOINTS + (k,))))
            targets = self.target_names()
            if not targets:
                if top is not None:
                    out.append(_view(None, k, top))
                continue
            for target in targets:
                mine = None
                for file_data in data.values():
                    mine = merge(mine, copy.deepcopy(
                        _dig(file_data, ("targets", target) + ENDPOINTS + (k,))))
                merged = merge(copy.deepcopy(top), mine)
                if merged is not None:
                    out.append(_view(target, k, merged))
        return out

    def endpoint(self, given: str | None) -> str:
        """The key of the endpoint meant: --endpoint (its key or its name), or the only one."""
        keys = self.keys()
        root = self.bundle.display(self.bundle.root)
        if not keys:
            raise InputError(f"{root}: the bundle has no model_serving_endpoints")
        if given is None:
            if len(keys) > 1:
                raise InputError(f"the bundle has {len(keys)} serving endpoints "
                                 f"({', '.join(keys)}); say which with --endpoint")
            return keys[0]
        if given in keys:
            return given
        for view in self.views():
            if view.name == given:
                return view.key
        raise InputError(f"unknown endpoint '{given}'; the bundle's endpoints: {', '.join(keys)}",
                         field="--endpoint")

    def view_of(self, key: str, target: str | None) -> View:
        views = self.views(key)
        for view in views:
            if view.target == target:
                return view
        if target in self.bundle.targets or target is None:
            raise InputError(f"target '{target}' does not deploy endpoint '{key}'",
                             field="--target")
        raise InputError(f"unknown target '{target}'; the bundle's targets: "
                         f"{', '.join(self.target_names()) or '(none)'}", field="--target")

    # ------------------------------------------------------------------ positions

    def items_at(self, place: Place, path: tuple) -> tuple[Doc, Any, tuple, list[Entry]]:
        """The list under a place (path: ENTITIES or ROUTES), its data path and its items."""
        doc = self.docs[place.rel]
        node, pypath = locate(doc, place.steps + path)
        if node is None or len(pypath) != len(place.steps) + len(path):
            return doc, None, pypath, []
        return doc, node, pypath, doc.entries(node)

    def where(self, place: Place, path: tuple = ()) -> str:
        doc = self.docs[place.rel]
        node, _ = locate(doc, place.steps + path)
        node = node if node is not None else locate(doc, place.steps)[0]
        return str(doc.location(node.start_mark.index)) if node is not None else doc.name

    def places_of(self, key: str, target: str | None) -> list[Place]:
        """The places a target's view comes from: the top level's, then the target's."""
        return ([p for p in self.places if p.key == key and p.target is None]
                + [p for p in self.places if p.key == key and p.target == target and target])


def _view(target: str | None, key: str, data: Any) -> View:
    data = data if isinstance(data, dict) else {}
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    entities = [e for e in
                (config.get("served_entities") or []) + (config.get("served_models") or [])
                if isinstance(e, dict)]
    traffic = config.get("traffic_config") if isinstance(config.get("traffic_config"), dict) else {}
    routes = [(_route_name(r), r.get("traffic_percentage"))
              for r in (traffic.get("routes") or []) if isinstance(r, dict)]
    by_name = dict(routes)
    variants = []
    for e in entities:
        name = served_name(e) or str(e.get("model_name") or e.get("entity_name"))
        version = e.get("entity_version") or e.get("model_version")
        variants.append(Variant(
            name=name,
            entity=e.get("entity_name") or e.get("model_name"),
            version=None if version is None else str(version),
            traffic=by_name.get(name),
        ))
    name = data.get("name") if isinstance(data.get("name"), str) else key
    return View(target, key, name, variants, routes)


# -------------------------------------------------------------------- edits


@dataclass
class Plan:
    """Edits of the serving bundle's files, and what their data must read afterwards."""

    serving: Serving
    edits: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    values: dict[str, list[tuple[tuple, Any]]] = field(default_factory=dict)  # (path, value)
    drops: dict[str, list[tuple]] = field(default_factory=dict)  # paths removed
    wanted: dict[tuple[str, str | None], Split] = field(default_factory=dict)  # view -> split
    notes: list[str] = field(default_factory=list)

    def edit(self, rel: str, edit: tuple[int, int, str], path: tuple | None = None,
             value: Any = None) -> None:
        mine = self.edits.setdefault(rel, [])
        for start, end, text in mine:
            if (start, end) == edit[:2] and start != end:
                if text != edit[2]:
                    doc = self.serving.docs[rel]
                    raise RefusedEdit(
                        f"{doc.location(start)} is shared by targets that would need different "
                        "values; change it by hand")
                return
        mine.append(edit)
        if path is not None:
            self.values.setdefault(rel, []).append((path, value))

    def texts(self) -> dict[str, str]:
        """The new text of every file the plan changes, checked as the module docstring says."""
        out = {}
        for rel, edits in self.edits.items():
            if edits:
                out[rel] = splice(self.serving.docs[rel].text, edits)
        self._check(out)
        return out

    def _check(self, texts: dict[str, str]) -> None:
        data = dict(self.serving.bundle.data)
        for rel, text in texts.items():
            doc = self.serving.docs[rel]
            expected = _unshared(self.serving.bundle.data[rel])
            for path in self.drops.get(rel, []):
                parent = expected
                for step in path[:-1]:
                    parent = parent[step]
                if isinstance(parent, list):
                    parent[path[-1]] = _DROPPED
                else:
                    parent.pop(path[-1], None)
            for path, value in self.values.get(rel, []):
                set_at(expected, path, value)
            expected = _without_dropped(expected)
            verify.reads_as(text, doc.name, expected, "the edit would change other values of "
                            "this file too (a YAML anchor or merge key shared with what changes?)")
            data[rel] = expected
        for view in self.serving.views(data=data):
            split = self.wanted.get((view.key, view.target))
            if split is not None and view.split != split:
                raise RefusedEdit(
                    f"target '{view.label}' would deploy {_describe(view.split)} instead of "
                    f"{_describe(split)} (routes written through a YAML alias or merge key?); "
                    "change them by hand; nothing was changed")


def _unshared(data: Any) -> Any:
    """A copy in which what YAML aliases share is copied apart (deepcopy would keep it shared,
    and a change made through one alias would be expected of all)."""
    if isinstance(data, dict):
        return {k: _unshared(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_unshared(v) for v in data]
    return data


class _Dropped:
    pass


_DROPPED = _Dropped()


def _without_dropped(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_dropped(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_without_dropped(v) for v in data if v is not _DROPPED]
    return data


def _describe(split: dict) -> str:
    return ", ".join(f"{k} {v}%" for k, v in split.items()) or "no routes"


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def plan_split(serving: Serving, key: str, wanted: dict[str | None, Split]) -> Plan:
    """Set the percentages of existing routes: wanted maps each target to edit to its split
    (the variants not named keep their share). A route written at the top level is shared by
    every target, so it is changed only when every target of the endpoint gets that value."""
    plan = Plan(serving)
    views = {v.target: v for v in serving.views(key)}
    every = set(views)
    for target, split in wanted.items():
        view = views[target]
        plan.wanted[(key, target)] = {**view.split, **split}
        for name, pct in split.items():
            if view.split.get(name) == pct:
                continue
            _set_route(plan, serving, key, view, name, pct, shared_ok=set(wanted) == every)
    return plan


def _route_nodes(serving: Serving, key: str, target: str | None, name: str):
    for place in serving.places_of(key, target):
        doc, _, pypath, items = serving.items_at(place, ROUTES)
        for entry in items:
            item = entry.value
            for field_name in ("served_entity_name", "served_model_name"):
                found = doc.find(item, field_name)
                if found is not None and isinstance(found.value, ScalarNode) \
                        and found.value.value == name:
                    yield place, doc, entry, pypath + (entry.index,)
                    break


def _set_route(plan: Plan, serving: Serving, key: str, view: View, name: str, pct: int,
               shared_ok: bool) -> None:
    found = list(_route_nodes(serving, key, view.target, name))
    if not found:
        if name in view.split:
            raise RefusedEdit(f"the route of '{name}' in target '{view.label}' is written through "
                              "a YAML alias or merge key; change it by hand")
        raise RefusedEdit(f"variant '{name}' has no route in target '{view.label}'; add one by "
                          "hand (traffic_config.routes)")
    if len(found) > 1:
        raise RefusedEdit(f"target '{view.label}' has {len(found)} routes for '{name}'; "
                          "keep one, then run again")
    place, doc, entry, pypath = found[0]
    if place.target is None and not shared_ok:
        raise RefusedEdit(
            f"the routes of endpoint '{key}' are written at the top level "
            f"({serving.where(place, ROUTES)}), where every target shares them: a target "
            "cannot change them alone (the CLI appends a target's routes to the top-level ones "
            "instead of replacing them). Set the split without --target, or move the endpoint's "
            "config into each target")
    pct_entry = doc.find(entry.value, "traffic_percentage")
    if pct_entry is None:
        raise RefusedEdit(f"the route of '{name}' at {doc.location(doc.start(entry))} has no "
                          "traffic_percentage; add it by hand")
    node = pct_entry.value
    if isinstance(node, ScalarNode) and not _int(yamltree.to_python(node)) and "${" in node.value:
        raise RefusedEdit(f"the share of '{name}' at {doc.location(node.start_mark.index)} is "
                          f"{node.value}; set that variable instead")
    plan.edit(place.rel, scalar_edit(doc, node, str(pct)), pypath + ("traffic_percentage",), pct)


# ------------------------------------------------------------------ adding and removing variants


def _only(serving: Serving, key: str, path: tuple,
          what: str) -> list[tuple[Place, Doc, Any, tuple, list]]:
    """The places that hold the endpoint's served entities (or routes), each a block list."""
    out = []
    for place in serving.places:
        if place.key != key:
            continue
        doc, node, pypath, items = serving.items_at(place, path)
        if node is None:
            continue
        if not isinstance(node, SequenceNode) or not items:
            raise RefusedEdit(f"the {what} at {serving.where(place, path)} are not a list "
                              "bundlegen can edit; change the variants by hand")
        doc.require_block(node, what)
        out.append((place, doc, node, pypath, items))
    if not out:
        raise RefusedEdit(f"endpoint '{key}' has no {what} bundlegen can find")
    return out


def plan_add_variant(serving: Serving, key: str, name: str, alias: str, pct: int,
                     wanted: dict[str | None, Split], first_alias: str) -> Plan:
    """Add a served entity (a copy of the first one's text with the name and the version
    variable changed), its route (a copy of the first route's) at `pct`, and its
    `<name>_version` variable (a copy of the first variant's); then the shares in `wanted`."""
    plan = Plan(serving)
    variable = f"{name}_version"
    first_var = None
    for place, doc, node, pypath, items in _only(serving, key, ENTITIES, "served entities"):
        first = items[0]
        version = doc.find(first.value, "entity_version")
        match = _VAR.match(version.value.value) if version is not None and \
            isinstance(version.value, ScalarNode) else None
        if match is None:
            raise RefusedEdit(f"the first served entity at {doc.location(doc.start(first))} takes "
                              "its version from no ${var...}; add the variant by hand")
        first_var = first_var or match.group(1)
        name_entry = doc.find(first.value, "name")
        if name_entry is None:
            raise RefusedEdit(f"the served entity at {doc.location(doc.start(first))} has no name")
        text = copy_entry(doc, first, [
            (name_entry.value, in_style(name_entry.value, name)),
            (version.value, in_style(version.value, f"${{var.{variable}}}")),
        ])
        plan.edit(place.rel, append_item(doc, node, text))
        data = copy.deepcopy(_dig_list(serving.bundle.data[place.rel], pypath))
        new = copy.deepcopy(data[0])
        new.update(name=name, entity_version=f"${{var.{variable}}}")
        plan.values.setdefault(place.rel, []).append((pypath, data + [new]))
    for place, doc, node, pypath, items in _only(serving, key, ROUTES, "routes"):
        first = items[0]
        fields = {f: doc.find(first.value, f) for f in ("served_entity_name", "traffic_percentage")}
        if any(v is None for v in fields.values()):
            raise RefusedEdit(f"the route at {doc.location(doc.start(first))} has no "
                              "served_entity_name or traffic_percentage; add the variant by hand")
        text = copy_entry(doc, first, [
            (fields["served_entity_name"].value,
             in_style(fields["served_entity_name"].value, name)),
            (fields["traffic_percentage"].value, str(pct)),
        ])
        plan.edit(place.rel, append_item(doc, node, text))
        routes = copy.deepcopy(_dig_list(serving.bundle.data[place.rel], pypath))
        routes = [{**r, "traffic_percentage": _share(wanted, place, r)} for r in routes]
        routes.append({**routes[0], "served_entity_name": name, "traffic_percentage": pct})
        plan.values.setdefault(place.rel, []).append((pypath, routes))
    _add_variable(plan, serving, first_var, variable, first_alias, alias)
    _shares(plan, serving, key, wanted, skip=name)
    for target, split in wanted.items():
        plan.wanted[(key, target)] = split
    return plan


def _share(wanted: dict[str | None, Split], place: Place, route: dict) -> Any:
    split = wanted.get(place.target)
    name = _route_name(route)
    if split is not None and name in split:
        return split[name]
    return route.get("traffic_percentage")


def _dig_list(data: Any, pypath: tuple) -> Any:
    for step in pypath:
        data = data[step]
    return data


def _shares(plan: Plan, serving: Serving, key: str, wanted: dict[str | None, Split],
            skip: str | None = None) -> None:
    """Route percentages to change besides an added or removed variant (their data is set
    with the whole routes list by the caller)."""
    views = {v.target: v for v in serving.views(key)}
    for target, split in wanted.items():
        view = views[target]
        for name, pct in split.items():
            if name == skip or view.split.get(name) == pct or name not in view.split:
                continue
            found = list(_route_nodes(serving, key, target, name))
            if len(found) != 1:
                raise RefusedEdit(f"cannot find the one route of '{name}' in target "
                                  f"'{view.label}'; change the split by hand")
            place, doc, entry, _ = found[0]
            node = doc.find(entry.value, "traffic_percentage").value
            plan.edit(place.rel, scalar_edit(doc, node, str(pct)))


def _variables(serving: Serving) -> list[tuple[str, Doc, Any]]:
    out = []
    for rel, doc in serving.docs.items():
        node, _ = locate(doc, ("variables",))
        if isinstance(node, MappingNode):
            out.append((rel, doc, node))
    return out


def _add_variable(plan: Plan, serving: Serving, first_var: str, variable: str,
                  first_alias: str, alias: str) -> None:
    for _rel, doc, node in _variables(serving):
        if doc.find(node, variable) is not None:
            raise RefusedEdit(f"variable '{variable}' exists already at "
                              f"{doc.location(doc.find(node, variable).key.start_mark.index)}; "
                              "remove it first")
    for rel, doc, node in _variables(serving):
        source = doc.find(node, first_var)
        if source is None:
            continue
        doc.require_block(node, "'variables'")
        replacements = [(source.key, variable)]
        value = copy.deepcopy(serving.bundle.data[rel]["variables"][first_var])
        description = (doc.find(source.value, "description")
                       if isinstance(source.value, MappingNode) else None)
        if description is not None and isinstance(description.value, ScalarNode):
            text = description.value.value.replace(f"@{first_alias}", f"@{alias}")
            replacements.append((description.value, in_style(description.value, text)))
            value["description"] = text
        text = copy_entry(doc, source, replacements)
        # After the last variable of a variant (those end in _version), else after the copied one.
        last = source
        for entry in doc.entries(node):
            if entry.key.value.endswith("_version"):
                last = entry
        doc.require_own_line(last)
        plan.edit(rel, insertion(doc, doc.span(last)[1], text))
        plan.values.setdefault(rel, []).append((("variables", variable), value))
        return
    raise RefusedEdit(f"variable '{first_var}' (the first variant's version) is not defined "
                      "in the bundle; add the variant by hand")


def plan_remove_variant(serving: Serving, key: str, name: str,
                        wanted: dict[str | None, Split]) -> Plan:
    """Delete the variant's served entities, routes and `<name>_version` variable; then the
    shares in `wanted`."""
    plan = Plan(serving)
    removed = False
    for path, what in ((ENTITIES, "served entities"), (ROUTES, "routes")):
        for place, doc, _node, pypath, items in _only(serving, key, path, what):
            listed = _dig_list(serving.bundle.data[place.rel], pypath)
            for entry in items:
                item = listed[entry.index] if entry.index < len(listed) else {}
                if path == ENTITIES:
                    named = served_name(item) if isinstance(item, dict) else None
                else:
                    named = _route_name(item) if isinstance(item, dict) else None
                if named == name:
                    doc.require_own_line(entry)
                    plan.edit(place.rel, deletion(doc, entry))
                    plan.drops.setdefault(place.rel, []).append(pypath + (entry.index,))
                    removed = True
                elif path == ROUTES:
                    share = _share(wanted, place, item)
                    if share != item.get("traffic_percentage"):
                        plan.values.setdefault(place.rel, []).append(
                            (pypath + (entry.index, "traffic_percentage"), share))
    if not removed:
        raise InputError(f"endpoint '{key}' serves no variant '{name}'")
    _shares(plan, serving, key, wanted, skip=name)
    variable = f"{name}_version"
    pattern = f"${{var.{variable}}}"
    for rel, doc, node in _variables(serving):
        entry = doc.find(node, variable)
        if entry is None:
            continue
        texts = {r: (splice(d.text, plan.edits.get(r, [])) if plan.edits.get(r) else d.text)
                 for r, d in serving.docs.items()}
        if any(pattern in t for t in texts.values()):
            plan.notes.append(f"{doc.name}: variable '{variable}' is still used; left in place")
            continue
        doc.require_own_line(entry)
        plan.edit(rel, deletion(doc, entry))
        plan.drops.setdefault(rel, []).append(("variables", variable))
    for target, split in wanted.items():
        plan.wanted[(key, target)] = split
    return plan
