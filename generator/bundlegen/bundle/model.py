"""The bundle of a folder for the commands that edit it: every file's text, nodes and data,
and its targets, each with the files and entries where it is written.

Each file is read and parsed once: a file that may hold targets with positions (Doc, its data
from the same nodes), any other for its data alone, with the faster parser lint uses; its
positions are parsed only if a command asks for them (traffic does, for endpoints).

Reading follows the CLI (bundle/files, bundle/merge): the include patterns resolved as the CLI
resolves them, the files merged as it merges them. The *reference* target, which add-region
copies by default, is also the bundle's primary (docs/decisions/regions-of-any-bundle.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode

from bundlegen.bundle.files import included_files, require_root
from bundlegen.bundle.merge import merge, merge_files, target_view
from bundlegen.edit import read_text
from bundlegen.errors import InputError
from bundlegen.yaml import tree as yamltree
from bundlegen.yaml.doc import Doc, Entry


@dataclass
class Target:
    name: str
    places: list[tuple[str, Entry]] = field(default_factory=list)  # (file, entry) defining it
    data: dict = field(default_factory=dict)  # merged over its files

    @property
    def mode(self) -> str | None:
        return self.data.get("mode")

    @property
    def is_default(self) -> bool:
        return self.data.get("default") is True

    @property
    def host(self) -> str | None:
        workspace = self.data.get("workspace")
        host = workspace.get("host") if isinstance(workspace, dict) else None
        return host if isinstance(host, str) and host else None


@dataclass
class Bundle:
    folder: Path
    root: str  # the root file, relative to folder
    docs: Docs  # every file read, the root first
    data: dict[str, Any]  # their data, as the Databricks CLI reads them
    targets: dict[str, Target]
    holders: list[str]  # files with a `targets` key, the root first

    @cached_property
    def merged(self) -> dict:
        """Every file's data merged as the CLI merges them (targets not applied)."""
        return merge_files(list(self.data.values()))

    def display(self, rel: str) -> str:
        return str(self.folder / rel)

    def where(self, target: Target) -> str:
        rel, entry = target.places[0]
        doc = self.docs[rel]
        return f"{doc.name}:{doc.line_of(doc.start(entry)) + 1}"

    def other_hosts(self) -> list[str]:
        hosts = [t.host for t in self.targets.values() if t.host]
        for data in self.data.values():
            workspace = data.get("workspace") if isinstance(data, dict) else None
            if isinstance(workspace, dict) and isinstance(workspace.get("host"), str):
                hosts.append(workspace["host"])
        return hosts


class Docs(Mapping):
    """The files of a bundle as Docs, in load order, each parsed with positions when first
    asked for."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.texts: dict[str, str] = {}
        self._built: dict[str, Doc] = {}

    def read(self, rel: str) -> str:
        display = str(self.folder / rel)
        self.texts[rel] = read_text(self.folder / rel, display)
        return self.texts[rel]

    def __getitem__(self, rel: str) -> Doc:
        doc = self._built.get(rel)
        if doc is None:
            doc = self._built[rel] = Doc(self.texts[rel], str(self.folder / rel))
        return doc

    def __iter__(self):
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)


def read_bundle(folder: Path) -> Bundle:
    """The bundle in folder: each file read and parsed once (the include patterns resolved as
    the CLI resolves them), its targets with where each is written and their merged data."""
    root_path = require_root(folder)
    root = root_path.name
    docs = Docs(folder)
    docs.read(root)
    data = {root: docs[root].data()}
    includes = data[root].get("include") if isinstance(data[root], dict) else None
    paths, problems = included_files(root_path, includes if isinstance(includes, list) else [])
    if problems:
        entry = yamltree.get(docs[root].root, "include", problems[0].index)
        raise InputError(problems[0].message, yamltree.location(entry, docs[root].name))
    for path in paths:
        rel = os.path.relpath(path, folder).replace(os.sep, "/")
        text = docs.read(rel)
        name = str(folder / rel)
        data[rel] = docs[rel].data() if "targets" in text else yamltree.load(text, name)
    targets: dict[str, Target] = {}
    holders = []
    for rel in docs:
        if "targets" not in docs.texts[rel]:
            continue
        doc = docs[rel]
        node = yamltree.get(doc.root, "targets") if isinstance(doc.root, MappingNode) else None
        if node is None and not _has_key(doc, "targets"):
            continue
        holders.append(rel)
        values = data[rel].get("targets") if isinstance(data[rel], dict) else None
        for entry in doc.entries(node):
            name = entry.key.value
            target = targets.setdefault(name, Target(name))
            target.places.append((rel, entry))
            value = values.get(name) if isinstance(values, dict) else None
            if isinstance(value, dict):
                target.data = merge(target.data, value)
    return Bundle(folder, root, docs, data, targets, holders)


def _has_key(doc: Doc, key: str) -> bool:
    return isinstance(doc.root, MappingNode) and any(k.value == key for k, _ in doc.root.value)


def reference_target(bundle: Bundle) -> Target | None:
    """The target add-region copies by default, which is also the bundle's primary region."""
    targets = list(bundle.targets.values())
    for target in targets:
        if target.mode == "production":
            return target
    for target in targets:
        if target.is_default:
            return target
    return targets[0] if targets else None


def endpoints(bundle: Bundle, target: str) -> dict[str, dict]:
    """The serving endpoints a target deploys, by name, each with its routes: {served entity:
    percentage}, as the CLI merges the bundle's files and the target's overrides (routes
    written at the top level and in the target are both deployed). A percentage is as written
    (it may be a ${var...} reference)."""
    view = target_view(bundle.merged, target)
    resources = view.get("resources")
    served = resources.get("model_serving_endpoints") if isinstance(resources, dict) else None
    found: dict[str, dict] = {}
    for key, value in served.items() if isinstance(served, dict) else []:
        value = value if isinstance(value, dict) else {}
        config = value.get("config") if isinstance(value.get("config"), dict) else {}
        split = (config.get("traffic_config")
                 if isinstance(config.get("traffic_config"), dict) else {})
        routes = split.get("routes") if isinstance(split.get("routes"), list) else []
        name = value["name"] if isinstance(value.get("name"), str) else key
        found[name] = {
            str(r.get("served_entity_name") or r.get("served_model_name")):
                r.get("traffic_percentage")
            for r in routes if isinstance(r, dict)
        }
    return found


