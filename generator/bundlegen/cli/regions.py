"""`bundlegen add-region`, `remove-region`, `regions` and `region set`."""

from __future__ import annotations

import click

from bundlegen.cli import DRY_RUN, PROJECT_DIR, cli, locked, report
from bundlegen.regions.formats import FORMATS


@cli.command("add-region")
@click.argument("name")
@click.option("--host", required=True, help="Workspace URL of the region, https://...")
@PROJECT_DIR
@click.option("--from", "source", metavar="TARGET",
              help="Region or target to copy (default: the primary region; in another bundle "
                   "the production target, else the default target).")
@click.option("--target-name", help="Name of the new target, in a bundle bundlegen did not "
                                    "generate (default: prod-NAME after a production target, "
                                    "else NAME).")
@click.option("--metastore-id", help="Global metastore ID of the region (cloud:region:uuid), "
                                     "which the primary region shares the model with.")
@DRY_RUN
def add_region(name, host, project_dir, source, target_name, metastore_id, dry_run) -> None:
    """Add region NAME: its target(s) and everything the project keeps per region."""
    from bundlegen.regions.commands import add_region as plan

    with locked(project_dir, dry_run):
        report(plan(project_dir, name, host, source, target_name, metastore_id), dry_run)


@cli.command("remove-region")
@click.argument("name")
@PROJECT_DIR
@click.option("--target-name", help="The target to remove, when prod-NAME and NAME both exist.")
@DRY_RUN
def remove_region(name, project_dir, target_name, dry_run) -> None:
    """Remove region NAME: what add-region added. Never the primary or the last region."""
    from bundlegen.regions.commands import remove_region as plan

    with locked(project_dir, dry_run):
        report(plan(project_dir, name, target_name), dry_run)


@cli.command("regions")
@PROJECT_DIR
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="text",
              show_default=True, help="text: a table; json: a document; mermaid: a diagram.")
def regions(project_dir, fmt) -> None:
    """List the regions (targets) with host, role, serving endpoints and traffic split."""
    from bundlegen.regions.commands import list_regions

    click.echo(FORMATS[fmt](list_regions(project_dir)), nl=False)


@cli.group()
def region() -> None:
    """Change one region's settings in a bundlegen project (after new or add-region)."""


@region.command("set")
@click.argument("name")
@click.option("--metastore-id", help="Global metastore ID of the region (cloud:region:uuid), "
                                     "which the primary region shares the model with.")
@click.option("--workload-size", type=click.Choice(["Small", "Medium", "Large"]),
              help="Serving compute per served entity in this region.")
@click.option("--scale-to-zero/--no-scale-to-zero", default=None,
              help="Let the region's endpoint scale to zero when idle (default: the project's).")
@click.option("--latency-budget-ms", type=int,
              help="p95 latency the region's deployment workflow must meet, in milliseconds.")
@click.option("--catalog", help="Writable catalog in the region's metastore (inference tables, "
                                "scoring output).")
@click.option("--service-principal", help="Service principal the region's targets run as.")
@click.option("--unset", multiple=True, metavar="SETTING",
              help="Drop the region's own value of SETTING (for example workload_size), so the "
                   "project's default applies; repeatable.")
@PROJECT_DIR
@DRY_RUN
def region_set(name, metastore_id, workload_size, scale_to_zero, latency_budget_ms, catalog,
               service_principal, unset, project_dir, dry_run) -> None:
    """Set region NAME's settings in bundlegen.yml and in every file generated from them."""
    from bundlegen.regions.settings import set_region

    given = {"catalog": catalog, "metastore_id": metastore_id,
             "service_principal": service_principal, "workload_size": workload_size,
             "scale_to_zero": scale_to_zero, "latency_budget_ms": latency_budget_ms}
    values = {k: v for k, v in given.items() if v is not None}
    with locked(project_dir, dry_run):
        report(set_region(project_dir, name, values, tuple(unset)), dry_run)
