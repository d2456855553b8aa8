"""Where the template and the schemas are: inside the installed package, or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# An editable install or a checkout keeps template/ and schemas/ at the repository root.
_CHECKOUT = _PACKAGE.parent.parent


def _shipped(name: str) -> Path:
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _CHECKOUT / name


def template_dir() -> Path:
    """The Cookiecutter template (the folder holding cookiecutter.json)."""
    return _shipped("template")


def schema_path(name: str) -> Path:
    """A JSON schema shipped in schemas/, for example 'spec.schema.json'."""
    return _shipped("schemas") / name
