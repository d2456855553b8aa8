"""The `bundlegen` command line: parse arguments, call the core, print, exit.

This is the only module that knows exit codes, and with terminal.py (the questions of
interactive `new`) the only one that prints: 0 clean, 1 findings (lint) or conflicts left in
the files (upgrade), 2 bad usage or bad input, 3 an internal error (a bug; set
BUNDLEGEN_DEBUG=1 for the traceback), 130 interrupted (Ctrl-C), as shells report a process
that SIGINT stopped.
Heavy modules are imported inside the commands, so `--help` and `--version` start fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from bundlegen import __version__
from bundlegen.errors import BundlegenError, InputError
from bundlegen.regions.formats import FORMATS
from bundlegen.traffic.formats import FORMATS as TRAFFIC_FORMATS

INTERNAL_ERROR = 3
INTERRUPTED = 130


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BundlegenError as err:
            for line in str(err).splitlines():
                click.echo(f"error: {line}", err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:  # an edit under way was undone by fsio.commit_all
            click.echo("bundlegen: interrupted", err=True)
            ctx.exit(INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # the reader went away (`... | head`): not an error of ours
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except Exception as err:  # a bug: say so in one line, not with a traceback
            if os.environ.get("BUNDLEGEN_DEBUG"):
                raise
            click.echo(
                f"bundlegen: internal error: {type(err).__name__}: {err} "
                "(set BUNDLEGEN_DEBUG=1 for details, and please report it)",
                err=True,
            )
            ctx.exit(INTERNAL_ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bundlegen")
def cli() -> None:
    """Scaffold and maintain multi-region ML serving projects as Databricks Asset Bundles."""


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


LINT_FORMATS = ("text", "json", "github", "sarif", "junit")  # bundlegen.lint.reporters.REPORTERS


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--target", "-t", help="Lint only this target (default: every target).")
@click.option(
    "--bundle-schema",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Bundle JSON schema (`databricks bundle schema` output). Default: the databricks CLI's "
    "on PATH, else the schema shipped with bundlegen.",
)
@click.option("--format", "fmt", type=click.Choice(LINT_FORMATS), default="text", show_default=True,
              help="text: file:line:column lines; json: a document; github: workflow "
                   "annotations; sarif: for code scanning; junit: a test report.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--select", multiple=True, metavar="RULES",
              help="Run only these rules (comma-separated ids; replaces the config's select).")
@click.option("--extend-select", multiple=True, metavar="RULES",
              help="Also run these rules (e.g. rules that are off by default).")
@click.option("--ignore", multiple=True, metavar="RULES", help="Do not run these rules.")
@click.option("--var", "var", multiple=True, metavar="NAME=VALUE",
              help="A variable's value, as `databricks bundle validate --var` takes it "
                   "(repeatable; BUNDLE_VAR_<name> in the environment counts too).")
@click.pass_context
def lint(
    ctx: click.Context,
    paths: tuple[Path, ...],
    target: str | None,
    bundle_schema: Path | None,
    fmt: str,
    strict: bool,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    var: tuple[str, ...],
) -> None:
    """Check bundles offline. PATH: a bundle folder, its databricks.yml or a file in it (default .).

    Exit code 0 when there is no error (warnings allowed), 1 when there are errors, 2 for bad usage.
    """
    from bundlegen.lint import lint_paths, load_schema
    from bundlegen.lint import strict as make_strict
    from bundlegen.lint.reporters import REPORTERS
    from bundlegen.lint.selection import from_options

    selection = from_options(select, extend_select, ignore)
    schema = load_schema(bundle_schema)
    if schema.note:
        click.echo(f"note: {schema.note}", err=True)
    result = lint_paths(list(paths) or [Path(".")], schema, target, selection, _var_values(var))
    if strict:
        result.findings = make_strict(result.findings)
    click.echo(REPORTERS[fmt](result), nl=False)
    if fmt == "text":
        summary = f"{len(result.bundles)} bundle(s), {len(result.files)} file(s): "
        summary += f"{result.errors} error(s), {result.warnings} warning(s)"
        click.echo(summary, err=True)
    ctx.exit(1 if result.errors else 0)

def _var_values(assignments: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        if not sep or not name:
            raise InputError(f"expected NAME=VALUE, got {assignment!r}", field="--var")
        values[name] = value
    return values


_PROJECT_DIR = click.option(
    "--project-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="The bundle's folder (where databricks.yml is).",
)
_DRY_RUN = click.option("--dry-run", is_flag=True, help="Print the diff; write nothing.")


@contextlib.contextmanager
def _locked(project_dir: Path, dry_run: bool, locate: bool = True):
    """An edit holds its project's lock from its first read to its last write, so two edits
    never interleave (a dry run only reads, and takes no lock). `locate=False` locks the
    folder as given, for a command that says itself what is wrong with it."""
    if dry_run:
        yield
        return
    from bundlegen.fsio import project_lock
    from bundlegen.project.folder import locate as find

    with project_lock(find(project_dir).root if locate else project_dir):
        yield


def _report(edit, dry_run: bool) -> None:
    """An edit shown and written: warnings, then the diff (--dry-run) or the summary and the
    files written. Every command that edits files reports through here."""
    from bundlegen.edit import commit

    for warning in edit.warnings:
        click.echo(f"warning: {warning}", err=True)
    if dry_run and edit.changes:
        for line in edit.summary:  # what the diff would do, on stderr: stdout stays a patch
            click.echo(f"would: {line.strip()}" if not line.startswith(" ") else line, err=True)
        click.echo(edit.diff(), nl=False)
        return
    if edit.changes and not dry_run:
        commit(edit)
    for line in edit.summary:
        click.echo(line)
    for change in edit.changes:
        what = (
            "created" if change.before is None else "deleted" if change.after is None else "edited"
        )
        click.echo(f"  {what:8} {change.rel}")


@cli.command("add-region")
@click.argument("name")
@click.option("--host", required=True, help="Workspace URL of the region, https://...")
@_PROJECT_DIR
@click.option("--from", "source", metavar="TARGET",
              help="Region or target to copy (default: the primary region; in another bundle "
                   "the production target, else the default target).")
@click.option("--target-name", help="Name of the new target, in a bundle bundlegen did not "
                                    "generate (default: prod-NAME after a production target, "
                                    "else NAME).")
@click.option("--metastore-id", help="Global metastore ID of the region (cloud:region:uuid), "
                                     "which the primary region shares the model with.")
@_DRY_RUN
def add_region(name, host, project_dir, source, target_name, metastore_id, dry_run) -> None:
    """Add region NAME: its target(s) and everything the project keeps per region."""
    from bundlegen.regions.commands import add_region as plan

    with _locked(project_dir, dry_run):
        _report(plan(project_dir, name, host, source, target_name, metastore_id), dry_run)


@cli.command("remove-region")
@click.argument("name")
@_PROJECT_DIR
@click.option("--target-name", help="The target to remove, when prod-NAME and NAME both exist.")
@_DRY_RUN
def remove_region(name, project_dir, target_name, dry_run) -> None:
    """Remove region NAME: what add-region added. Never the primary or the last region."""
    from bundlegen.regions.commands import remove_region as plan

    with _locked(project_dir, dry_run):
        _report(plan(project_dir, name, target_name), dry_run)


@cli.command("regions")
@_PROJECT_DIR
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
@_PROJECT_DIR
@_DRY_RUN
def region_set(name, metastore_id, workload_size, scale_to_zero, latency_budget_ms, catalog,
               service_principal, unset, project_dir, dry_run) -> None:
    """Set region NAME's settings in bundlegen.yml and in every file generated from them."""
    from bundlegen.regions.settings import set_region

    given = {"catalog": catalog, "metastore_id": metastore_id,
             "service_principal": service_principal, "workload_size": workload_size,
             "scale_to_zero": scale_to_zero, "latency_budget_ms": latency_budget_ms}
    values = {k: v for k, v in given.items() if v is not None}
    with _locked(project_dir, dry_run):
        _report(set_region(project_dir, name, values, tuple(unset)), dry_run)


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
@_PROJECT_DIR
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
@_PROJECT_DIR
@_DRY_RUN
def traffic_set(assignments, endpoint, target, project_dir, dry_run) -> None:
    """Set the shares of variants: integers from 0 to 100; variants not named keep theirs, and
    the split must add up to 100."""
    from bundlegen.traffic.commands import set_split

    with _locked(project_dir, dry_run):
        _report(set_split(project_dir, assignments, endpoint, target), dry_run)


@traffic.command("add-variant")
@click.argument("name")
@click.option("--alias", help="Unity Catalog alias whose version it serves (default: NAME).")
@click.option("--traffic", "pct", metavar="PCT", help="Its share (default 0), taken from --from.")
@click.option("--from", "source", metavar="VARIANT",
              help="The variant that gives up the share (needed when there are several).")
@click.option("--shadow", is_flag=True, help="A shadow variant: 0%, never served, scored by the "
                                             "deployment workflow on recorded requests.")
@_PROJECT_DIR
@_DRY_RUN
def traffic_add_variant(name, alias, pct, source, shadow, project_dir, dry_run) -> None:
    """Add variant NAME: a served entity, its route and its version variable, in every target."""
    from bundlegen.traffic.commands import add_variant

    with _locked(project_dir, dry_run):
        _report(add_variant(project_dir, name, alias, pct, source, shadow), dry_run)


@traffic.command("remove-variant")
@click.argument("name")
@click.option("--to", metavar="VARIANT",
              help="The variant that takes its share (needed when there are several).")
@_PROJECT_DIR
@_DRY_RUN
def traffic_remove_variant(name, to, project_dir, dry_run) -> None:
    """Remove variant NAME (never the first, the champion, nor the last)."""
    from bundlegen.traffic.commands import remove_variant

    with _locked(project_dir, dry_run):
        _report(remove_variant(project_dir, name, to), dry_run)


@traffic.command("promote")
@click.argument("name")
@_PROJECT_DIR
@_DRY_RUN
def traffic_promote(name, project_dir, dry_run) -> None:
    """Request that NAME's version becomes the champion's, once; the split does not change."""
    from bundlegen.traffic.commands import promote

    with _locked(project_dir, dry_run):
        _report(promote(project_dir, name), dry_run)


@traffic.command("ramp")
@click.argument("name")
@click.option("--steps", metavar="PCT,PCT,...",
              help="Shares of NAME, increasing, ending at 100: the first is committed now, the "
                   "deployment workflow goes through the others with each newer version.")
@click.option("--off", is_flag=True, help="Drop NAME's ramp plan (its share stays).")
@_PROJECT_DIR
@_DRY_RUN
def traffic_ramp(name, steps, off, project_dir, dry_run) -> None:
    """Plan a canary ramp of NAME: each newer version is raised step by step and promoted."""
    from bundlegen.traffic.commands import ramp

    with _locked(project_dir, dry_run):
        _report(ramp(project_dir, name, steps, off), dry_run)


@cli.command()
@click.option("--project-dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("."), show_default=True, help="The project's folder (bundlegen.yml).")
@click.option("--base", metavar="PATH_OR_VERSION",
              help="The bundlegen that generated the project: a source tree, a wheel, or a "
                   "version to install with pip. Default: the version .bundlegen/generated.yml "
                   "names (needed for projects made before it existed).")
@_DRY_RUN
@click.pass_context
def upgrade(ctx, project_dir, base, dry_run) -> None:
    """Bring the project to this bundlegen's template, keeping the team's edits.

    A three-way merge per file of what the generating bundlegen renders from bundlegen.yml,
    what this one renders, and the project. Exit code 1 when there are conflicts.
    """
    from bundlegen.upgrade import plan as core

    with _locked(project_dir, dry_run, locate=False):
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


def main() -> None:
    cli(prog_name="bundlegen")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
