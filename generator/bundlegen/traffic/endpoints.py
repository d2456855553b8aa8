"""Edits of the serving endpoints of a bundle (bundle/serving): the split and the variants,
made at node positions.

After an edit the files are read again: every file must read as before except the values the
edit meant to change, and every view must come out as planned (yaml/verify).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from bundlegen.bundle.servednames import served_name
from bundlegen.bundle.serving import ENTITIES, ROUTES, Place, Serving, View, route_name
from bundlegen.errors import InputError, RefusedEdit
from bundlegen.traffic.splits import Split
from bundlegen.yaml import tree as yamltree
from bundlegen.yaml import verify
from bundlegen.yaml.doc import Doc
from bundlegen.yaml.edit import (
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

_VAR = re.compile(r"^\$\{var\.([A-Za-z0-9_]+)\}$")


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
    name = route_name(route)
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
                    named = route_name(item) if isinstance(item, dict) else None
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
