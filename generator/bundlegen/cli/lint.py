"""`bundlegen lint`: check bundles offline; exit 1 when there are errors."""

from __future__ import annotations

from pathlib import Path

import click

from bundlegen.cli import cli
from bundlegen.errors import InputError

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
              help="Also run these rules, beside those select names.")
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
    values = _var_values(var)
    schema = load_schema(bundle_schema)
    if schema.note:
        click.echo(f"note: {schema.note}", err=True)
    result = lint_paths(list(paths) or [Path(".")], schema, target, selection, values)
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
        if name in values:  # as the CLI, which refuses to assign a variable twice
            raise InputError(f"{name!r} is given twice", field="--var")
        values[name] = value
    return values
