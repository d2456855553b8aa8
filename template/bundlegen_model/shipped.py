"""Where the files beside this package are, wherever it is installed.

- a checkout, or the clone Cookiecutter makes of the repository: template/bundlegen_model,
  with schemas/ and generator/bundlegen/ at the repository's root;
- the wheel: bundlegen_model/ beside bundlegen/ (which holds schemas/), and a copy inside
  bundlegen/template/ (the template ships whole).
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def shipped(*parts: str) -> Path:
    """A file of the bundlegen package (such as schemas/spec.schema.json), found from here."""
    for base in (_HERE.parent.parent, _HERE.parent.parent / "generator" / "bundlegen",
                 _HERE.parent / "bundlegen"):
        if base.joinpath(*parts).is_file():
            return base.joinpath(*parts)
    return _HERE.parent.parent.joinpath(*parts)  # a checkout's path, for the error message
