"""`bundlegen new`: a spec (or the embedded default) in, a complete project out."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bundlegen import fsio
from bundlegen.errors import BundlegenError, InputError, InputErrors, Location, RefusedEdit
from bundlegen.project.spec import load_spec
from bundlegen.project.template import Prompter, answer_problems, build_answers, project_of, render


@dataclass(frozen=True)
class Created:
    path: Path
    project: object  # bundlegen_model.Project
    replaced: bool


def create_project(
    spec_path: Path | None,
    output_dir: Path,
    prompter: Prompter | None = None,
    force: bool = False,
) -> Created:
    """Render the project into output_dir/<slug>; refuse an existing folder unless force.

    The project is rendered into a temporary folder first and moved into place, so a failure
    leaves nothing behind. With force, generated files overwrite theirs in the existing
    folder and every other file (a .git folder, notes) is kept.
    """
    spec = load_spec(spec_path) if spec_path is not None else {}
    answers = build_answers(spec, prompter)
    problems = answer_problems(answers)
    if problems:
        where = str(spec_path) if spec_path else "answers"
        raise InputErrors([InputError(p, Location(where)) for p in problems])
    project = project_of(answers)

    if output_dir.exists() and not output_dir.is_dir():
        raise InputError("is not a folder", Location(str(output_dir)))
    target = output_dir / project.slug
    if target.exists() and not force:
        raise RefusedEdit(
            f"{target} already exists; use --force to overwrite the files bundlegen generates"
        )
    output_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".bundlegen-", dir=output_dir))
    try:
        rendered = render(answers, scratch)
        if target.exists():
            _overlay(rendered, target)
            return Created(target, project, replaced=True)
        os.rename(rendered, target)
        return Created(target, project, replaced=False)
    except OSError as err:
        raise BundlegenError(f"cannot write {target}: {err.strerror or err}") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _overlay(source: Path, target: Path) -> None:
    """Copy every file of source over target, each written atomically."""
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = file.relative_to(source)
        fsio.write_bytes_atomic(target / relative, file.read_bytes(), mode=file.stat().st_mode)
