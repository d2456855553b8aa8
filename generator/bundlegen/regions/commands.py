"""add-region, remove-region and regions, for a bundlegen project or any other bundle.

A folder is a bundlegen project when its bundlegen.yml (the spec the project was generated
from) sits next to databricks.yml, and so is its serving/ folder (projectfolder.locate, as
traffic decides); its regions are edited through the template
(projectregions). Any other bundle has its targets copied and deleted as text
(bundleregions). Both compute every change first and return a Edit; `commit` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bundlegen.bundle.model import read_bundle, reference_target
from bundlegen.edit import Edit, commit
from bundlegen.errors import InputError
from bundlegen.project.folder import PROJECT, locate
from bundlegen.regions import bundle as bundleregions
from bundlegen.regions import project as projectregions

__all__ = ["Edit", "Listing", "add_region", "commit", "list_regions", "remove_region"]


def add_region(folder: Path, name: str, host: str, source: str | None = None,
               target_name: str | None = None, metastore_id: str | None = None) -> Edit:
    """The changes that add a region; nothing is written."""
    found = locate(folder)
    folder = found.root
    if found.kind == PROJECT:
        _no_target_name(target_name)
        return projectregions.add(folder, name, host, source, metastore_id)
    if metastore_id is not None:
        raise InputError("only a bundlegen project shares its model by metastore ID",
                         field="--metastore-id")
    return bundleregions.add(folder, name, host, source, target_name)


def _no_target_name(target_name: str | None) -> None:
    if target_name is not None:
        raise InputError("a bundlegen project names its targets prod-<region>; "
                         "--target-name is for other bundles", field="--target-name")


def remove_region(folder: Path, name: str, target_name: str | None = None) -> Edit:
    """The changes that remove a region; nothing is written."""
    found = locate(folder)
    folder = found.root
    if found.kind == PROJECT:
        _no_target_name(target_name)
        return projectregions.remove(folder, name)
    return bundleregions.remove(folder, name, target_name)


@dataclass
class Listing:
    folder: Path
    kind: str
    regions: list[dict]  # region, target, host, role, mode, endpoints, traffic
    primary: str | None  # the primary's target
    other_targets: list[str] = field(default_factory=list)  # targets without a workspace host
    project: object = None  # a bundlegen project's model (bundlegen_model.Project)


def list_regions(folder: Path) -> Listing:
    found = locate(folder)
    folder, kind = found.root, found.kind
    if kind == PROJECT:
        project = projectregions.project(folder)
        rows = projectregions.rows(folder, project)
        return Listing(folder, kind, rows, rows[0]["target"], project=project)
    bundle = read_bundle(folder)
    rows, hostless = bundleregions.rows(bundle)
    primary = reference_target(bundle)
    return Listing(folder, kind, rows, primary.name if primary else None, hostless)
