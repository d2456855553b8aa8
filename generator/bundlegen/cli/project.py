"""`bundlegen new` and `bundlegen upgrade`: a project made from a spec, and brought to this
bundlegen's template."""

from __future__ import annotations

from pathlib import Path

import click

from bundlegen.cli import DRY_RUN, cli, locked


@cli.command()
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(path_type=Path, dir_okay=True),
    help="Spec file (bundlegen.yml). Without it, the embedded demo spec is the default.",
)
@click.option(
    "--output-dir",
    "-o",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="Folder in which the project folder is created.",
)
@click.option(
    "--no-input", is_flag=True, help="Do not prompt; use defaults for what the spec leaves out."
)
@click.option("--force", is_flag=True, help="Overwrite the generated files of an existing project.")
def new(spec_path: Path | None, output_dir: Path, no_input: bool, force: bool) -> None:
    """Create a project: OUTPUT_DIR/<project_slug>/ from a spec, through the template."""
    from bundlegen.project.scaffold import create_project, next_steps

    if spec_path is not None and not spec_path.exists():
        raise click.BadParameter(f"{spec_path}: no such file", param_hint="--spec")
    from bundlegen.terminal import interview

    spec = None if no_input else interview(spec_path)
    if spec is None and not no_input:  # "no" at the summary: the person's choice, not an error
        click.echo("Not generated; nothing was written.")
        return
    created = create_project(spec_path, output_dir, force=force, spec=spec)
    p = created.project
    regions = ", ".join(f"{r.name} ({r.role})" for r in p.regions)
    verb = "Updated" if created.replaced else "Created"
    click.echo(f"{verb} {created.path}")
    click.echo(f"  {p.cloud_name}, {len(p.regions)} region(s): {regions}")
    if p.realtime:
        split = ", ".join(f"{v.name} {v.traffic}%" for v in p.variants)
        click.echo(f"  endpoint {p.endpoint_name}: {split}")
    click.echo(f"  CI: {', '.join(p.ci)}")
    click.echo("Next:")
    steps = next_steps(created)
    width = min(max(len(what) for what, _ in steps), 34)
    for what, why in steps:
        click.echo(f"  {what:{width}}  # {why}" if why else f"  {what}")
    if created.unreleased_note:
        click.echo(f"note: {created.unreleased_note}", err=True)


@cli.command()
@click.option("--project-dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("."), show_default=True, help="The project's folder (bundlegen.yml).")
@click.option("--base", metavar="PATH_OR_VERSION",
              help="The bundlegen that generated the project: a source tree, a wheel, or a "
                   "version to install with pip. Default: the version .bundlegen/generated.yml "
                   "names (needed for projects made before it existed).")
@DRY_RUN
@click.pass_context
def upgrade(ctx, project_dir, base, dry_run) -> None:
    """Bring the project to this bundlegen's template, keeping the team's edits.

    A three-way merge per file of what the generating bundlegen renders from bundlegen.yml,
    what this one renders, and the project. Exit code 1 when there are conflicts.
    """
    from bundlegen.upgrade import plan as core

    with locked(project_dir, dry_run, locate=False):
        up = core.plan(project_dir, base, notify=lambda line: click.echo(line, err=True))
        click.echo(f"Upgrading {project_dir} from bundlegen {up.old} to {up.new} "
                   f"(base: {up.source})")
        for line in up.notes:
            click.echo(f"  {line}")
        for warning in up.warnings:
            click.echo(f"warning: {warning}", err=True)
        if dry_run:
            click.echo(up.diff(), nl=False)
        else:
            core.write(up)
    renamed = {new: old for old, new in up.renames.items()}
    for change in up.changes:
        if change.rel in up.renames:
            continue
        what = f"renamed {renamed[change.rel]} ->" if change.rel in renamed else core.verb(change)
        click.echo(f"  {what:8} {change.rel}")
    if not up.changes and not up.conflicts:
        click.echo("Nothing to change: the project has every change of the template.")
    for conflict in up.conflicts:
        click.echo(f"conflict: {conflict}")
    if up.conflicts:
        click.echo(f"{len(up.conflicts)} conflict(s)"
                   f"{' (nothing was written)' if dry_run else ''}", err=True)
        ctx.exit(1)
