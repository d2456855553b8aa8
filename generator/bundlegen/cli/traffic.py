"""`bundlegen traffic`: show and change the traffic split of serving endpoints."""

from __future__ import annotations

import click

from bundlegen.cli import DRY_RUN, PROJECT_DIR, cli, locked, report
from bundlegen.traffic.formats import FORMATS as TRAFFIC_FORMATS


@cli.group()
def traffic() -> None:
    """Show and change the traffic split: A/B splits, canary ramps, shadow variants, promotion.

    In a bundlegen project every command keeps bundlegen.yml, serving/databricks.yml and the
    deployment job in step; `show` and `set` also work on any bundle with serving endpoints.
    Edits change only the numbers and entries concerned and are written together; --dry-run
    prints the diff instead.
    """


_ENDPOINT = click.option("--endpoint", metavar="KEY",
                         help="The endpoint (its resource key or name), when the bundle has "
                              "several.")


@traffic.command("show")
@PROJECT_DIR
@click.option("--target", "-t", help="Only this target (in a project, a region's name works too).")
@_ENDPOINT
@click.option("--format", "fmt", type=click.Choice(sorted(TRAFFIC_FORMATS)), default="text",
              show_default=True, help="Output format.")
def traffic_show(project_dir, target, endpoint, fmt) -> None:
    """Each target's endpoint: its variants, the alias and version each serves, their share."""
    from bundlegen.traffic.commands import show

    click.echo(TRAFFIC_FORMATS[fmt](show(project_dir, target, endpoint)), nl=False)


@traffic.command("set")
@click.argument("assignments", nargs=-1, metavar="NAME=PCT...")
@_ENDPOINT
@click.option("--target", "-t", help="Change only this target (in a project: a region's own "
                                     "split); default: every target.")
@PROJECT_DIR
@DRY_RUN
def traffic_set(assignments, endpoint, target, project_dir, dry_run) -> None:
    """Set the shares of variants: integers from 0 to 100; variants not named keep theirs, and
    the split must add up to 100."""
    from bundlegen.traffic.commands import set_split

    with locked(project_dir, dry_run):
        report(set_split(project_dir, assignments, endpoint, target), dry_run)


@traffic.command("add-variant")
@click.argument("name")
@click.option("--alias", help="Unity Catalog alias whose version it serves (default: NAME).")
@click.option("--traffic", "pct", metavar="PCT", help="Its share (default 0), taken from --from.")
@click.option("--from", "source", metavar="VARIANT",
              help="The variant that gives up the share (needed when there are several).")
@click.option("--shadow", is_flag=True, help="A shadow variant: 0%, never served, scored by the "
                                             "deployment workflow on recorded requests.")
@PROJECT_DIR
@DRY_RUN
def traffic_add_variant(name, alias, pct, source, shadow, project_dir, dry_run) -> None:
    """Add variant NAME: a served entity, its route and its version variable, in every target."""
    from bundlegen.traffic.commands import add_variant

    with locked(project_dir, dry_run):
        report(add_variant(project_dir, name, alias, pct, source, shadow), dry_run)


@traffic.command("remove-variant")
@click.argument("name")
@click.option("--to", metavar="VARIANT",
              help="The variant that takes its share (needed when there are several).")
@PROJECT_DIR
@DRY_RUN
def traffic_remove_variant(name, to, project_dir, dry_run) -> None:
    """Remove variant NAME (never the first, the champion, nor the last)."""
    from bundlegen.traffic.commands import remove_variant

    with locked(project_dir, dry_run):
        report(remove_variant(project_dir, name, to), dry_run)


@traffic.command("promote")
@click.argument("name")
@PROJECT_DIR
@DRY_RUN
def traffic_promote(name, project_dir, dry_run) -> None:
    """Request that NAME's version becomes the champion's, once; the split does not change."""
    from bundlegen.traffic.commands import promote

    with locked(project_dir, dry_run):
        report(promote(project_dir, name), dry_run)


@traffic.command("ramp")
@click.argument("name")
@click.option("--steps", metavar="PCT,PCT,...",
              help="Shares of NAME, increasing, ending at 100: the first is committed now, the "
                   "deployment workflow goes through the others with each newer version.")
@click.option("--off", is_flag=True, help="Drop NAME's ramp plan (its share stays).")
@PROJECT_DIR
@DRY_RUN
def traffic_ramp(name, steps, off, project_dir, dry_run) -> None:
    """Plan a canary ramp of NAME: each newer version is raised step by step and promoted."""
    from bundlegen.traffic.commands import ramp

    with locked(project_dir, dry_run):
        report(ramp(project_dir, name, steps, off), dry_run)
