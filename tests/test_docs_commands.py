"""Every command of the README, docs/ and examples/ runs, as written, against the installed
bundlegen; every `bundlegen ...` written inline in their prose names options that exist.

The convention for writers is in tests/doccommands.py and docs/README.md: bash blocks run,
console blocks run and their output is compared, `<!-- not run: REASON -->` excludes a block
that needs a workspace or the network, `<!-- run in: WHERE -->` says where a block starts.
"""

from __future__ import annotations

import re
import shlex
import textwrap

import click
import pytest
from doccommands import TRAFFIC_PENDING, blocks, run_document
from support import ROOT

from bundlegen.cli import cli


def documents():
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")),
            ROOT / "examples" / "README.md", *sorted((ROOT / "examples").glob("*/README.md"))]


def name(path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.slow
@pytest.mark.parametrize("doc", documents(), ids=name)
def test_every_command_of_the_document_runs(doc, tmp_path):
    run_document(doc, ROOT, tmp_path)


def test_the_docs_run_commands_at_all():
    runnable = [b for doc in documents() for b in blocks(doc) if b.runs]
    assert len(runnable) >= 20


@pytest.mark.parametrize("doc", documents(), ids=name)
def test_markers_give_a_reason_and_stand_before_a_runnable_block(doc):
    for block in blocks(doc):
        if block.marker is None:
            continue
        kind, value = block.marker
        assert value, f"{block}: `{kind}:` needs a reason or a place"
        assert block.lang in ("bash", "console"), f"{block}: a marker before a {block.lang or 'plain'} block"


def test_traffic_blocks_run_once_bundlegen_traffic_exists():
    pending = [str(b) for doc in documents() for b in blocks(doc)
               if b.marker and b.marker[0] == "not run" and TRAFFIC_PENDING in b.marker[1]]
    if "traffic" in cli.commands:
        assert not pending, ("bundlegen traffic exists now: remove the 'not run' marker of these "
                             f"blocks so they run (and fix them until they pass): {pending}")


# ---------------------------------------------------------------- inline commands


def _command(words: list[str]) -> tuple[click.Command, list[str]] | None:
    """The command a `bundlegen ...` word list calls, and the words after its name."""
    command: click.Command = cli
    rest = words[1:]
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        if rest[0] not in command.commands:
            return None
        command, rest = command.commands[rest[0]], rest[1:]
    return command, rest


def _options(command: click.Command) -> set[str]:
    names = {"--help", "-h"}
    for param in command.params:
        if isinstance(param, click.Option):
            names.update(param.opts + param.secondary_opts)
    return names


def inline_commands(doc):
    text = re.sub(r"^\s*```.*?^\s*```", "", doc.read_text(), flags=re.MULTILINE | re.DOTALL)
    yield from re.findall(r"`(bundlegen [^`]+)`", text.replace("\n", " "))


@pytest.mark.parametrize("doc", documents(), ids=name)
def test_inline_commands_name_commands_and_options_that_exist(doc):
    wrong = []
    for span in inline_commands(doc):
        try:
            words = shlex.split(span.split("|")[0].split(">")[0])
        except ValueError:
            words = span.split()
        found = _command(words)
        if found is None:
            if words[1] == "traffic" and "traffic" not in cli.commands:
                continue  # documented ahead of the traffic commands' merge
            wrong.append(f"{span}: no such command")
            continue
        command, rest = found
        options = _options(command)
        for word in rest:
            if word.startswith("-") and word.split("=")[0] not in options and word != "...":
                wrong.append(f"{span}: {command.name} has no option {word.split('=')[0]}")
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------- the runner itself


def _doc(tmp_path, text):
    path = tmp_path / "doc.md"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize("text, message", [
    ("```bash\nbundlegen regions --formt text\n```\n", "the block failed"),
    ("```console\n$ bundlegen regions --format json | head -1\n[\n```\n", "printed\n{\n"),
    ("```bash\ndatabricks bundle deploy -t prod\n```\n", "needs a workspace or the network"),
    ("```console\n$ pip install bundlegen\n```\n", "needs a workspace or the network"),
    ("<!-- run in: nowhere -->\n```bash\ntrue\n```\n", "not a folder of the repository"),
])
def test_the_runner_fails_a_document_that_is_wrong(tmp_path, text, message):
    with pytest.raises(AssertionError, match=re.escape(message)):
        run_document(_doc(tmp_path, text), ROOT, tmp_path / "sandbox")


def test_the_runner_runs_in_order_where_it_is_told_and_skips_what_is_marked(tmp_path):
    doc = _doc(tmp_path, """\
        <!-- run in: empty -->
        ```bash
        echo one > note.txt
        ```

        ```console
        $ cat note.txt
        one
        $ false
        [exit code 1]
        ```

        <!-- not run: would fail -->
        ```bash
        exit 3
        ```

        <!-- run in: project -->
        ```bash
        test -f bundlegen.yml
        ```
        """)
    assert run_document(doc, ROOT, tmp_path / "sandbox") == 3
