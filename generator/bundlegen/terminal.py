"""The questions of interactive `bundlegen new` on the terminal.

Beside the cli/ package, the one other module that talks to the person at the keyboard: what
to ask and what an answer means is bundlegen.project.interview's; this module reads the
answers, shows the refusals and the spec, and asks before anything is written.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click


class TerminalAsker:
    """The interview's questions on the terminal: the default shown in brackets, a refused
    answer explained and asked again, end of input a usage error (exit 2)."""

    def _read(self, prompt: str) -> str:
        click.echo(prompt, nl=False)
        line = sys.stdin.readline()
        if not line:
            raise click.UsageError(
                "input ended before every question was answered; use --no-input"
            )
        return line.rstrip("\r\n")

    def ask(self, question, default, check):
        from bundlegen.project.interview import Invalid

        shown = f" [{default}]" if default else ""
        while True:
            text = self._read(f"{question}{shown}: ").strip() or default
            try:
                return check(text)
            except Invalid as err:
                click.echo(f"  {err}", err=True)

    def confirm(self, question, default):
        shown = "Y/n" if default else "y/N"
        while True:
            text = self._read(f"{question} [{shown}]: ").strip().lower()
            if not text:
                return default
            if text in ("y", "yes", "n", "no"):
                return text.startswith("y")
            click.echo("  answer y or n", err=True)

    def say(self, text):
        click.echo(text, err=True)


def interview(spec_path: Path | None) -> dict | None:
    """Ask for what the spec leaves out, show the result, and offer to save it; None when the
    person says no to generating."""
    from bundlegen.project.interview import Interview, save_spec, spec_text
    from bundlegen.project.spec import load_spec

    asker = TerminalAsker()
    spec = Interview(asker, load_spec(spec_path) if spec_path else {}).run()
    click.echo("\nThe spec:\n")
    click.echo("  " + spec_text(spec).rstrip("\n").replace("\n", "\n  "))
    click.echo()
    if not asker.confirm("Generate the project?", default=True):
        return None
    save = asker.ask("Also save the spec to a file (blank: no; the project keeps it as "
                     "bundlegen.yml)", "", str)
    if save:
        save_spec(spec, Path(save))
        click.echo(f"Saved the spec to {save}")
    return spec
