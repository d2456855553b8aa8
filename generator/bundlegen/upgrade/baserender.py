"""Rendering a spec into {relative path: text}: with this bundlegen, or with another version's
own code and template (a source tree, a wheel, or a released version installed into a
throw-away environment), in a subprocess so that its modules never mix with these.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bundlegen.errors import BundlegenError, InputError, Location
from bundlegen.project.template import read_tree

DISTRIBUTION = "bundlegen"
VERSION = re.compile(r"\d+(\.\d+)*([a-z]+\d*)?(\.(post|dev)\d+)?")


# Run by another bundlegen's interpreter: argv[1] the code to put first on sys.path ('' for
# none: an installed one), argv[2] where to write its version, the rest `bundlegen new`'s
# arguments. The command line is the one interface every version keeps (0.1.0 has it too), so
# no module of another version is imported by name.
_SCRIPT = """
import runpy, sys
from pathlib import Path
code, version = sys.argv[1], sys.argv[2]
if code:
    sys.path.insert(0, code)
    # a source tree's domain package (template/bundlegen_model, from 0.2.0 on) goes with it
    if (Path(code).parent / "template" / "bundlegen_model").is_dir():
        sys.path.insert(0, str(Path(code).parent / "template"))
import bundlegen
if code and not Path(bundlegen.__file__).resolve().is_relative_to(Path(code).resolve()):
    sys.exit(f"bundlegen was imported from {bundlegen.__file__}, not from {code}")
Path(version).write_text(bundlegen.__version__)
sys.argv = ["bundlegen", *sys.argv[3:]]
runpy.run_module("bundlegen", run_name="__main__")
"""


@dataclass(frozen=True)
class Rendered:
    version: str
    files: dict[str, str]
    source: str  # what rendered it, for the output: a path, "this bundlegen", ...


def render_with(python: str, code: Path | None, spec_file: Path, source: str) -> Rendered:
    """`bundlegen new --spec spec_file` with the bundlegen that `python` imports (code first
    on its path), in a scratch folder; what it generated, read back."""
    with tempfile.TemporaryDirectory(prefix="bundlegen-base-") as tmp:
        version, out = Path(tmp) / "version", Path(tmp) / "out"
        argv = [python, "-c", _SCRIPT, str(code or ""), str(version),
                "new", "--spec", str(spec_file), "--output-dir", str(out), "--no-input"]
        # TMPDIR: an older bundlegen leaves Cookiecutter's hook files behind; here they go too.
        run = subprocess.run(argv, capture_output=True, text=True, cwd=tmp,
                             stdin=subprocess.DEVNULL, env={**os.environ, "TMPDIR": tmp})
        made = [p for p in out.iterdir() if p.is_dir()] if out.is_dir() else []
        if run.returncode != 0 or len(made) != 1 or not version.is_file():
            last = (run.stderr.strip().splitlines() or ["no output"])[-1]
            raise BundlegenError(f"{source} could not render {spec_file}: {last}")
        return Rendered(version.read_text().strip(), read_tree(made[0]), source)


def code_of(path: Path, scratch: Path) -> Path:
    """The folder to import `bundlegen` from: a source tree's generator/, a folder holding the
    package, or a wheel unpacked into scratch."""
    if path.is_file() and path.suffix == ".whl":
        try:
            with zipfile.ZipFile(path) as wheel:
                wheel.extractall(scratch)
        except (zipfile.BadZipFile, OSError) as err:
            raise InputError(f"not a readable wheel: {err}", Location(str(path)),
                             "--base") from None
        found = scratch
    elif (path / "generator" / "bundlegen" / "__init__.py").is_file():
        found = path / "generator"
    elif (path / "bundlegen" / "__init__.py").is_file():
        found = path
    else:
        raise InputError("not a bundlegen source tree (no generator/bundlegen/) nor a wheel",
                         Location(str(path)), "--base")
    if not (found / "bundlegen" / "__init__.py").is_file():
        raise InputError("the wheel holds no bundlegen package", Location(str(path)), "--base")
    return found


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def install_commands(version: str, venv: Path) -> list[list[str]]:
    """The commands that install a released bundlegen into a new environment."""
    return [
        [sys.executable, "-m", "venv", str(venv)],
        [str(venv_python(venv)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         f"{DISTRIBUTION}=={version}"],
    ]


def render_released(version: str, spec_file: Path, notify: Callable[[str], None]) -> Rendered:
    """Install bundlegen==version into a throw-away environment (from the package index: a
    network action the user asked for) and render with it."""
    with tempfile.TemporaryDirectory(prefix="bundlegen-venv-") as tmp:
        venv = Path(tmp) / "venv"
        notify(f"Installing {DISTRIBUTION}=={version} into a throw-away environment with pip "
               "(this downloads it from your package index)")
        for argv in install_commands(version, venv):
            run = subprocess.run(argv, capture_output=True, text=True)
            if run.returncode != 0:
                last = (run.stderr.strip().splitlines() or ["no output"])[-1]
                raise BundlegenError(f"could not install {DISTRIBUTION}=={version}: {last}; "
                                     "give --base a source tree or a wheel of that version")
        return render_with(str(venv_python(venv)), None, spec_file,
                           f"{DISTRIBUTION}=={version} installed with pip")
