"""`bundlegen upgrade`: a project made by an older bundlegen takes this one's template, and
keeps its team's edits (docs/decisions/upgrade.md).

Both the base (what the generating bundlegen renders from the project's spec) and the new
(what this one renders from it) come from the spec as it is now: add-region, remove-region and
traffic keep bundlegen.yml in step with the files, so what they did is in both renders and the
merge sees only the template's changes and the team's hand edits. Each file is merged three
ways (merge3); files only the team has are never read; everything is planned before anything
is written, then written together.
"""

from __future__ import annotations

import difflib
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import bundlegen_model as model
from bundlegen import __version__, fsio
from bundlegen.edit import Edit, FileChange, read_text
from bundlegen.errors import BundlegenError, InputError, InputErrors, Location, RefusedEdit
from bundlegen.project.folder import SPEC_FILE
from bundlegen.project.template import render_spec
from bundlegen.upgrade import baserender, specmigrate
from bundlegen.upgrade.merge3 import Labels, merge
from bundlegen.yaml import tree as yamltree

RECORD = ".bundlegen/generated.yml"
SIMILAR = 0.5  # a file gone and a file new this alike are a rename (git's default, 50%)


@dataclass(kw_only=True)
class Upgrade(Edit):
    """What an upgrade changes, and what to tell the user about it."""

    old: str  # the version that generated the project
    new: str  # this version
    source: str  # where the base was rendered from
    notes: list[str] = field(default_factory=list)  # spec migrations made
    conflicts: list[str] = field(default_factory=list)  # "path: why", one per conflict
    renames: dict[str, str] = field(default_factory=dict)  # old path -> new path


def recorded_version(folder: Path) -> str | None:
    """The bundlegen version the project's record names (None: no record, made by 0.1.0)."""
    path = folder / RECORD
    if not path.is_file():
        return None
    data = yamltree.load(read_text(path, str(path)), str(path))
    version = data.get("bundlegen_version") if isinstance(data, dict) else None
    if not isinstance(version, str) or not baserender.VERSION.fullmatch(version):
        raise InputError("bundlegen_version must be a version such as 0.2.0",
                         Location(str(path)), "bundlegen_version")
    return version


def plan(folder: Path, base: str | None = None,
         notify: Callable[[str], None] = lambda line: None) -> Upgrade:
    """Work out the whole upgrade of the project in folder; nothing is written."""
    spec_file = (folder / SPEC_FILE).resolve()
    if not spec_file.is_file():
        raise InputError(f"not a bundlegen project (no {SPEC_FILE}); upgrade works on the "
                         "projects bundlegen generates", Location(str(folder)))
    recorded = recorded_version(folder)
    if base is None and recorded is not None:
        _not_newer(recorded, RECORD)
    if base is None and recorded is None:
        raise InputError(
            f"no {RECORD}: this project was generated before bundlegen recorded its version "
            "(0.1.0); give --base: the source tree or wheel of the bundlegen that generated it, "
            "or its version (--base 0.1.0 installs it with pip)", Location(str(folder)))
    rendered = _base(spec_file, base if base is not None else recorded, notify)
    old = rendered.version
    if recorded is not None and recorded != old:
        notify(f"warning: {RECORD} names bundlegen {recorded}, the base is {old} "
               f"({rendered.source})")
    _not_newer(old, rendered.source)
    spec, notes = _spec(spec_file, old)
    upgrade = Upgrade(root=folder, old=old, new=__version__, source=rendered.source, notes=notes)
    merge_files(upgrade, rendered.files, render_spec(spec))
    return upgrade


def _not_newer(version: str, where: str) -> None:
    if specmigrate.version_key(version) > specmigrate.version_key(__version__):
        raise RefusedEdit(f"the project's base is bundlegen {version} ({where}), newer than this "
                          f"bundlegen {__version__}; upgrade bundlegen itself first; nothing was "
                          "changed")


def _base(spec_file: Path, base: str, notify) -> baserender.Rendered:
    given = Path(base).expanduser()
    if given.exists():
        with tempfile.TemporaryDirectory(prefix="bundlegen-wheel-") as scratch:
            code = baserender.code_of(given, Path(scratch))
            return baserender.render_with(sys.executable, code, spec_file, str(given))
    if not baserender.VERSION.fullmatch(base):
        raise InputError(f"'{base}' is neither a bundlegen source tree, a wheel nor a version",
                         field="--base")
    if base == __version__:
        files = render_spec(_load(spec_file))
        return baserender.Rendered(base, files, "this bundlegen")
    return baserender.render_released(base, spec_file, notify)


def _load(spec_file: Path) -> dict:
    from bundlegen.project.spec import load_spec

    return load_spec(spec_file)


def _spec(spec_file: Path, old: str) -> tuple[dict, list[str]]:
    """The project's spec as this version reads it: migrated from `old`'s form if need be."""
    if not specmigrate.pending(old, __version__):
        return _load(spec_file), []

    display = str(spec_file)
    spec, said = specmigrate.migrate(
        yamltree.load(read_text(spec_file, display), display), old, __version__)
    e = model
    problems = e.problems(spec)
    if problems:
        raise InputErrors([InputError(f"{message} (after migrating it to {__version__})",
                                      Location(display), e.format_path(path))
                           for path, message in problems])
    return spec, [f"migrated {SPEC_FILE} to bundlegen {__version__}'s form: {s}" for s in said]


# -------------------------------------------------------------------- merging


def merge_files(upgrade: Upgrade, base: dict[str, str], new: dict[str, str]) -> None:
    """Plan the change of every file base or new has, merged with the project's copy."""
    for rel in (*base, *new):
        if rel.startswith("/") or ".." in rel.split("/"):
            raise BundlegenError(f"the render holds a path outside the project: {rel}")
    labels = Labels("project", f"bundlegen {upgrade.old}", f"bundlegen {upgrade.new}")
    changed = {rel for rel in {*base, *new} if base.get(rel) != new.get(rel)}
    user = {rel: _read(upgrade.root, rel) for rel in changed}  # only what the template changed
    upgrade.renames = _renames(base, new, user)
    for rel in sorted(changed):
        if rel in upgrade.renames:
            target = upgrade.renames[rel]
            text = _merge(upgrade, target, base[rel], user[rel], new[target], labels)
            upgrade.change(rel, user[rel], None)
            upgrade.change(target, None, text)
        elif rel not in upgrade.renames.values():
            _one(upgrade, rel, base.get(rel), user[rel], new.get(rel), labels)


def _one(upgrade: Upgrade, rel: str, base: str | None, user: str | None, new: str | None,
         labels: Labels) -> None:
    if base == new or user == new:
        return  # the template did not change it, or the project has the change already
    if user is None:
        if base is None:
            upgrade.change(rel, None, new)
        elif new is not None:
            upgrade.warnings.append(f"{rel}: deleted in the project and changed by the "
                                    "template; left deleted")
        return
    if base is None:  # the project's own file where the template now writes one
        upgrade.conflicts.append(f"{rel}: the template now generates this file and the project "
                                 "has its own; kept as it is (`bundlegen new --spec "
                                 "bundlegen.yml` shows the template's)")
        return
    if new is None:
        if user == base:
            upgrade.change(rel, user, None)
        else:
            upgrade.conflicts.append(f"{rel}: the template no longer generates it and the "
                                     "project changed it; kept as it is (delete it or keep it)")
        return
    upgrade.change(rel, user, _merge(upgrade, rel, base, user, new, labels))


def _merge(upgrade: Upgrade, rel: str, base: str, user: str, new: str, labels: Labels) -> str:
    crlf = "\r\n" in user and "\r\n" not in base
    if crlf:  # a checkout with Windows line ends: merge the lines, keep the line ends
        user = user.replace("\r\n", "\n")
    merged = merge(base, user, new, labels)
    if merged.conflicts:
        upgrade.conflicts.append(f"{rel}: {merged.conflicts} conflict(s) between the project's "
                                 "edits and the template's changes; resolve the <<<<<<< markers")
    return merged.text.replace("\n", "\r\n") if crlf else merged.text


def _read(root: Path, rel: str) -> str | None:
    path = root / rel
    return read_text(path, str(path)) if path.is_file() else None


def _renames(base: dict, new: dict, user: dict) -> dict[str, str]:
    """Files the template moved: gone from one render, new in the other, at least SIMILAR
    alike; only where the project has the old file and not yet the new one."""
    gone = [r for r in base if r not in new and user[r] is not None]
    came = [r for r in new if r not in base and user[r] is None]
    scored = sorted(
        ((difflib.SequenceMatcher(None, base[a].splitlines(), new[b].splitlines(),
                                  autojunk=False).ratio(), a, b) for a in gone for b in came),
        reverse=True)
    pairs: dict[str, str] = {}
    for ratio, a, b in scored:
        if ratio >= SIMILAR and a not in pairs and b not in pairs.values():
            pairs[a] = b
    return pairs


# -------------------------------------------------------------------- writing


def write(upgrade: Upgrade) -> None:
    """Write every change together; created files get the usual modes (scripts executable)."""
    try:
        fsio.commit_all({upgrade.root / c.rel: c.after for c in upgrade.changes})
        mask = os.umask(0)
        os.umask(mask)
        for change in upgrade.changes:
            path = upgrade.root / change.rel
            if change.before is None:
                os.chmod(path, (0o777 if change.after.startswith("#!") else 0o666) & ~mask)
            elif change.after is None:
                _prune(path.parent, upgrade.root)
    except OSError as err:
        raise BundlegenError(
            f"cannot write {err.filename or upgrade.root}: {err.strerror or err}") from None


def _prune(folder: Path, root: Path) -> None:
    """Remove the folders a deletion left empty, up to the project's folder."""
    root = root.resolve()
    folder = folder.resolve()
    while folder != root and root in folder.parents and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def verb(change: FileChange) -> str:
    if change.before is None:
        return "created"
    return "deleted" if change.after is None else "merged"
