"""The serving endpoints of a bundle: what each target deploys and where it is written.

An endpoint is `resources.model_serving_endpoints.<key>`, written at the top level of any file
of the bundle, in a target, or both. The Databricks CLI merges a target's definition over the
top-level one (mappings merge, lists are appended: bundle/merge), so what a target deploys,
its *view*, comes from the top-level definitions and the target's. A *place* is one
definition in one file. Views are read from the data (anchors and merge keys resolved, as
the CLI reads them); edits (traffic/endpoints) are made at the places.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bundlegen.bundle.merge import merge
from bundlegen.bundle.model import Bundle, Docs, read_bundle
from bundlegen.bundle.servednames import served_name
from bundlegen.errors import InputError
from bundlegen.yaml.doc import Doc, Entry
from bundlegen.yaml.edit import locate

ENDPOINTS = ("resources", "model_serving_endpoints")
ENTITIES = ("config", "served_entities")
ROUTES = ("config", "traffic_config", "routes")


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


class Serving:
    """The serving endpoints of the bundle in a folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.bundle: Bundle = read_bundle(folder)
        self.places = self._places()

    @property
    def docs(self) -> Docs:
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
    routes = [(route_name(r), r.get("traffic_percentage"))
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


def route_name(route: dict) -> Any:
    return route.get("served_entity_name") or route.get("served_model_name")
