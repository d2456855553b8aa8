"""The `bundlegen` command line: parse arguments, call the core, print, exit.

This package is the only code that knows exit codes, and with terminal.py (the questions of
interactive `new`) the only code that prints: 0 clean, 1 findings (lint) or conflicts left in
the files (upgrade), 2 bad usage or bad input, 3 an internal error (a bug; set
BUNDLEGEN_DEBUG=1 for the traceback), 130 interrupted (Ctrl-C), as shells report a process
that SIGINT stopped. Exceptions become exit codes here, in `_Group.invoke`, and nowhere else.
Heavy modules are imported inside the commands, so `--help` and `--version` start fast.

Here: the group `cli`, `main` and the options and helpers the commands share. One module per
family of commands: `project` (new, upgrade), `lint`, `regions` (add-region, remove-region,
regions, region set), `traffic`.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from bundlegen import __version__
from bundlegen.errors import BundlegenError

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


def main() -> None:
    cli(prog_name="bundlegen")


PROJECT_DIR = click.option(
    "--project-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="The bundle's folder (where databricks.yml is).",
)
DRY_RUN = click.option("--dry-run", is_flag=True, help="Print the diff; write nothing.")


@contextlib.contextmanager
def locked(project_dir: Path, dry_run: bool, locate: bool = True):
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


def report(edit, dry_run: bool) -> None:
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


# Last, because each module registers its commands on `cli` as it is imported, and needs the
# group and the helpers above to exist by then.
from bundlegen.cli import lint, project, regions, traffic  # noqa: E402, F401
from bundlegen.cli.lint import LINT_FORMATS  # noqa: E402, F401  (tests name it here)
