"""`bundlegen region set`: change a region's own settings after add-region.

The change is made to bundlegen.yml and carried to every file the template renders from it,
the way the traffic commands carry theirs (render the spec before and after, make the same
value changes in the user's files): only the lines that change, a refused edit writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bundlegen.edit import Edit
from bundlegen.errors import InputError
from bundlegen.project import specedit
from bundlegen.project.folder import PROJECT, SPEC_FILE, is_project
from bundlegen.project.spec import load_spec
from bundlegen.regions.project import check_region, find, regions_of
from bundlegen.traffic.carry import finish

# A region's own settings, in the order bundlegen.yml writes them: all but its host (another
# workspace is remove-region and add-region) and its traffic (the traffic commands own it).
SETTINGS = tuple(k for k in specedit.REGION_KEYS if k not in ("host", "traffic"))


def option(key: str) -> str:
    return "--" + key.replace("_", "-")


@dataclass
class _Project:
    """What the replay of a spec change needs of a project."""

    folder: Path
    spec: dict


def set_region(folder: Path, name: str, values: dict[str, Any],
               unset: tuple[str, ...] = ()) -> Edit:
    """The changes that give region `name` these settings (and drop the `unset` ones, so the
    project's defaults apply again); nothing is written."""
    if not is_project(folder):
        raise InputError(f"{folder}: not a bundlegen project (no {SPEC_FILE}); region settings "
                         "belong to projects bundlegen generated")
    for key in unset:
        if key not in SETTINGS:
            raise InputError(f"'{key}' is not a region setting (one of {', '.join(SETTINGS)})",
                             field="--unset")
        if key in values:
            raise InputError(f"'{key}' is both set ({option(key)}) and unset", field="--unset")
    if not values and not unset:
        raise InputError("say what to change: " + ", ".join(option(k) for k in SETTINGS)
                         + " or --unset SETTING")
    spec = load_spec(folder / SPEC_FILE)
    regions = regions_of(spec)
    current = find(regions, name)
    if current is None:
        raise InputError(f"unknown region '{name}'; the project's regions: "
                         f"{', '.join(r['name'] for r in regions)}")
    region_name, index = current["name"], regions.index(current)
    ops = [specedit.RegionField(region_name, key, value)
           for key, value in values.items() if current.get(key) != value]
    ops += [specedit.RegionField(region_name, key, None) for key in unset if key in current]
    new_spec = specedit.apply_to_data(spec, ops)
    check_region(new_spec, index, folder / SPEC_FILE, {k: option(k) for k in SETTINGS})
    said = [f"{k} {v}" for k, v in values.items()]
    said += [f"{k} back to the project's default" for k in unset]
    summary = [f"Set region {region_name}'s {', '.join(said)}"]
    if "metastore_id" in values and index > 0:
        summary.append("  the primary region shares the model with it when its sharing job "
                       "runs next (deploy the primary region first)")
    if not ops:
        return Edit(root=folder, kind=PROJECT,
                    summary=[f"Nothing to change: region {region_name} has these settings "
                             "already"])
    return finish(_Project(folder, spec), ops, None, summary)
