"""Every option of every command says what it does, with its choices and its default."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from bundlegen.cli import cli


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield path + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, path + (name,))


COMMANDS = list(_commands(cli))


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_option_is_described_with_its_choices_and_default(path, command):
    shown = CliRunner().invoke(cli, [*path, "--help"], terminal_width=200).output
    assert command.help, f"bundlegen {' '.join(path)} has no description"
    for option in command.params:
        if not isinstance(option, click.Option) or option.hidden:
            continue
        assert option.help, f"bundlegen {' '.join(path)} {option.opts[0]} has no help text"
        line = next(text for text in shown.splitlines() if option.opts[-1] in text)
        if isinstance(option.type, click.Choice):
            assert "|".join(option.type.choices) in shown, f"{option.opts[0]}: choices not shown"
        has_default = option.default not in (None, False) and not option.is_flag \
            and option.default is not getattr(click.core, "UNSET", object())
        if has_default and not callable(option.default):
            assert option.show_default, f"{option.opts[0]}: default {option.default!r} not shown"
        assert line.strip(), option.opts
