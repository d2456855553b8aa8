"""The README tells the truth: its command reference is the CLI's, its first commands are the
ones CI runs, its diagram is the demo project's, and every link in the docs leads somewhere.

The command reference is checked against the Click command tree (what `--help` prints): each
command and group has a section `### `bundlegen ...`` with its usage line as `--help` prints
it, a table with exactly its options (and their defaults) and the exit codes it can return.
A renamed, added or removed option or command fails here until the README says the same.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from support import DEFAULT_SPEC, ROOT

import bundlegen_model as model
from bundlegen.cli import INTERNAL_ERROR, cli
from bundlegen.errors import BundlegenError
from bundlegen.project.template import build_answers

README = ROOT / "README.md"
FINDINGS = 1  # what lint returns for errors found


def commands(command: click.Command = cli, path: tuple[str, ...] = ("bundlegen",), parent=None):
    """(path, command, context) of the root and every command under it, depth first."""
    ctx = click.Context(command, info_name=path[-1], parent=parent, **command.context_settings)
    yield path, command, ctx
    for name in sorted(getattr(command, "commands", {})):
        yield from commands(command.commands[name], path + (name,), ctx)


def reference() -> dict[str, str]:
    """The README's command reference: section title (`bundlegen lint`) -> its text."""
    text = README.read_text()
    start = text.index("\n## Command reference\n")
    end = text.index("\n## ", start + 1)
    parts = re.split(r"^### `([^`]+)`\n", text[start:end], flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))  # [before, title, body, title, ...]


def option_rows(section: str) -> dict[str, str]:
    """Each option table row by its option names: '--target -t' -> the row."""
    rows = {}
    for line in section.splitlines():
        if line.startswith("| `-"):
            cell = line.split("|")[1]
            names = re.findall(r"`(--?[a-z][a-z-]*)", cell)
            rows[" ".join(sorted(names))] = line
    return rows


def exit_codes(section: str, path: tuple[str, ...]) -> set[int]:
    """The codes written `N` from 'Exit codes' to the end of the section (where they stand)."""
    at = section.find("Exit codes")
    assert at >= 0, f"{' '.join(path)}: no 'Exit codes' in its section"
    return {int(code) for code in re.findall(r"`(\d)`", section[at:])}


def test_every_command_has_a_section_and_every_section_a_command():
    documented = set(reference())
    existing = {" ".join(path) for path, _, _ in commands()}
    assert documented == existing, (
        f"in the CLI, not in the README: {sorted(existing - documented)}; "
        f"in the README, not in the CLI: {sorted(documented - existing)}")


@pytest.mark.parametrize("path", [" ".join(p) for p, _, _ in commands()])
def test_the_section_matches_the_help(path):
    command, ctx = next((c, x) for p, c, x in commands() if " ".join(p) == path)
    section = reference()[path]

    usage = command.get_usage(ctx)
    assert f"```text\n{usage}\n```" in section, f"{path}: the usage line must read: {usage}"

    options = [p for p in command.params if isinstance(p, click.Option)]
    options += [ctx.command.get_help_option(ctx)]
    if len(path.split()) > 1:  # --help is documented once, on `bundlegen`
        options = [o for o in options if "--help" not in o.opts]
    expected = {" ".join(sorted(o.opts + o.secondary_opts)): o for o in options}
    rows = option_rows(section)
    assert set(rows) == set(expected), (
        f"{path}: options of the CLI {sorted(expected)}, of the README {sorted(rows)}")

    for names, option in expected.items():
        row = rows[names]
        long = max(option.opts, key=len)
        if isinstance(option.type, click.Choice):
            shown = re.findall(r"`([A-Za-z][A-Za-z-]*)`", row.split("|")[1])
            assert sorted(shown) == sorted(option.type.choices), f"{path} {long}: the choices"
        elif not option.is_flag:
            metavar = option.metavar or option.type.get_metavar(option, ctx) or option.type.name.upper()
            assert f"`{long} {metavar}`" in row, f"{path}: write `{long} {metavar}` as --help does"
        default = row.split("|")[2].strip()
        if option.required:
            assert default == "required", f"{path} {long}: required"
        elif option.default not in (None, False) and option.show_default:
            assert default == f"`{option.default}`", f"{path} {long}: the default is {option.default}"
        elif option.is_flag:
            assert default == "", f"{path} {long}: a flag has no default to show"


@pytest.mark.parametrize("path", [" ".join(p) for p, _, _ in commands()])
def test_the_section_gives_every_exit_code_the_command_can_return(path):
    codes = {0, click.UsageError.exit_code, BundlegenError.exit_code, INTERNAL_ERROR}
    if path in ("bundlegen", "bundlegen lint", "bundlegen upgrade"):
        codes.add(FINDINGS)
    assert exit_codes(reference()[path], tuple(path.split())) == codes


def test_the_two_commands_at_the_top_are_what_ci_runs(tmp_path):
    text = README.read_text()
    first = re.search(r"^```bash\n(.*?)```", text, re.MULTILINE | re.DOTALL)[1].splitlines()
    assert [line.split("#")[0].strip() for line in first] == [
        "pip install . && bundlegen new --no-input",
        'pip install -e ".[test]" && python -m pytest -q',
    ]
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'pip install --quiet -e ".[test]"' in ci and "\npython -m pytest -q\n" in ci
    bundlegen = Path(sys.executable).parent / "bundlegen"
    done = subprocess.run([str(bundlegen), "new", "--no-input"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "fraud_detection" / "databricks.yml").is_file()


def test_the_wheel_carries_the_template_and_schemas():
    """`pip install .` must work without the checkout: pyproject ships both in the package."""
    text = (ROOT / "pyproject.toml").read_text()
    assert '"template" = "bundlegen/template"' in text and '"schemas" = "bundlegen/schemas"' in text


def test_the_diagram_is_the_demo_projects():
    found = re.search(r"^```mermaid\n(.*?)\n```$", README.read_text(), re.MULTILINE | re.DOTALL)
    assert found[1] == model.Project(build_answers(DEFAULT_SPEC)).diagram


# ---------------------------------------------------------------- links


def documents() -> list[Path]:
    return [README, *sorted((ROOT / "docs").rglob("*.md")), ROOT / "examples" / "README.md",
            *sorted((ROOT / "examples").glob("*/README.md"))]


def anchors(path: Path) -> set[str]:
    """GitHub's ids of a Markdown file's headings."""
    found = set()
    for heading in re.findall(r"^#{1,6} (.+)$", path.read_text(), re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


@pytest.mark.parametrize("doc", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_somewhere(doc):
    text = re.sub(r"^```.*?^```", "", doc.read_text(), flags=re.MULTILINE | re.DOTALL)
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"^[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        path = (doc.parent / file).resolve() if file else doc
        if not path.exists() or (anchor and path.suffix == ".md" and anchor not in anchors(path)):
            broken.append(target)
    assert not broken, f"{doc.relative_to(ROOT)}: links that lead nowhere: {broken}"
