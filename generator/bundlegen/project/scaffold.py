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
from bundlegen.project.template import answer_problems, build_answers, project_of, render
from bundlegen.release import unreleased_note


@dataclass(frozen=True)
class Created:
    path: Path
    project: object  # bundlegen_model.Project
    replaced: bool
    # Why the bundlegen pinned in the project's CI may not be published ("" for a release).
    unreleased_note: str = ""


def create_project(
    spec_path: Path | None,
    output_dir: Path,
    force: bool = False,
    spec: dict | None = None,
) -> Created:
    """Render the project into output_dir/<slug>; refuse an existing folder unless force.

    The project is rendered into a temporary folder first and moved into place, so a failure
    leaves nothing behind. With force, generated files overwrite theirs in the existing
    folder and every other file (a .git folder, notes) is kept. `spec`, when given, is the spec
    already read (and completed by the interview); spec_path then only names it in messages.
    """
    if spec is None:
        spec = load_spec(spec_path) if spec_path is not None else {}
    answers = build_answers(spec)
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
            with fsio.project_lock(target):
                _overlay(rendered, target)
            return Created(target, project, replaced=True, unreleased_note=unreleased_note())
        os.rename(rendered, target)
        return Created(target, project, replaced=False, unreleased_note=unreleased_note())
    except OSError as err:
        raise BundlegenError(f"cannot write {err.filename or target}: {err.strerror or err}; "
                             "no file was changed") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _overlay(source: Path, target: Path) -> None:
    """Copy every file of source over target: all of them, or none (fsio.commit_all)."""
    files = {target / p.relative_to(source): p for p in sorted(source.rglob("*")) if p.is_file()}
    fsio.commit_all({dest: p.read_bytes() for dest, p in files.items()},
                    modes={dest: p.stat().st_mode for dest, p in files.items()})


def next_steps(created: Created) -> list[tuple[str, str]]:
    """What to do after `new`, fitted to what was generated: (command or file, why) pairs."""
    p = created.project
    bundles = ". serving" if p.realtime else "."
    steps = [
        (f"cd {created.path}", ""),
        (f"bundlegen lint {bundles}", "offline checks, as CI runs them"),
        ("databricks bundle validate -t dev", "needs a workspace login"),
    ]
    ci_names = {"github": "GitHub Actions", "azure-devops": "Azure Pipelines",
                "gitlab": "GitLab CI"}
    steps.append(("docs/ci.md", "one-time CI setup for " +
                  ", ".join(ci_names.get(c, c) for c in p.ci) +
                  ": OIDC federation of the deploy service principals"))
    missing = [r.name for r in p.replicas if not r.metastore_id]
    if missing:
        steps.append((f"bundlegen region set {missing[0]} --metastore-id <cloud:region:uuid>",
                      "needed to share the model with " + ", ".join(missing)))
    if p.realtime:
        steps.append(("README.md", "the first deploy to a fresh workspace: jobs bundle and first "
                      "training, then the serving bundle"))
    else:
        steps.append(("README.md", "the first deploy and the scoring jobs"))
    return steps
