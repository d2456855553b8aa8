"""The Cookiecutter template, driven from Python: answers in, a rendered project out.

bundlegen renders through Cookiecutter's own `generate_files`, hooks and Jinja extensions, so
`bundlegen new` and `cookiecutter template/` produce the same project for the same answers.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections import OrderedDict
from pathlib import Path
from typing import Any

import bundlegen_model as model
from bundlegen.errors import BundlegenError
from bundlegen.paths import template_dir

# Keys of the answers whose value is a whole collection: a spec replaces them, never merges.
COLLECTIONS = {"regions", "variants", "architectures", "emails", "ci"}


@contextlib.contextmanager
def _template_on_path():
    """Cookiecutter imports `_extensions` from the template folder; so does bundlegen."""
    folder = str(template_dir())
    added = folder not in sys.path
    if added:
        sys.path.append(folder)
    try:
        yield
    finally:
        if added:
            sys.path.remove(folder)


@contextlib.contextmanager
def _hook_scratch():
    """Cookiecutter writes each rendered hook to a temporary file it never deletes
    (`hooks.run_script_with_context`, delete=False): point the tempfile module at a folder of
    ours while it renders, and remove that folder after, so no render leaves a file in /tmp."""
    import shutil
    import tempfile

    scratch = tempfile.mkdtemp(prefix="bundlegen-hooks-")
    before, tempfile.tempdir = tempfile.tempdir, scratch
    try:
        yield
    finally:
        tempfile.tempdir = before
        shutil.rmtree(scratch, ignore_errors=True)


def template_context() -> OrderedDict:
    with (template_dir() / "cookiecutter.json").open(encoding="utf-8") as handle:
        return json.load(handle, object_pairs_hook=OrderedDict)


def _merge(default: Any, given: Any, key: str | None = None) -> Any:
    if isinstance(default, dict) and isinstance(given, dict) and key not in COLLECTIONS:
        merged = OrderedDict(default)
        for k, v in given.items():
            merged[k] = _merge(default.get(k), v, k)
        return merged
    return given


def build_answers(spec: dict) -> OrderedDict:
    """The answers for the template: the spec's values, and for what it leaves out the
    template's defaults (rendered as Cookiecutter renders them).
    """
    from cookiecutter.environment import StrictEnvironment
    from cookiecutter.prompt import render_variable

    raw = template_context()
    with _template_on_path():
        env = StrictEnvironment(context={"cookiecutter": raw})
    answers: OrderedDict = OrderedDict()
    # Cookiecutter's order: plain and choice variables first, then dicts (which may use them).
    for dicts in (False, True):
        for key, default in raw.items():
            if key.startswith("_") or isinstance(default, dict) != dicts:
                continue
            if isinstance(default, list):  # a choice: the first option is the default
                rendered = [render_variable(env, option, answers) for option in default]
            else:
                rendered = render_variable(env, default, answers)
            if key in spec and not (dicts and isinstance(spec[key], dict)):
                answers[key] = spec[key]
            elif key in spec:
                answers[key] = _merge(rendered, spec[key])
            else:
                answers[key] = rendered[0] if isinstance(default, list) else rendered
    for key, value in raw.items():
        if key.startswith("_"):
            answers[key] = value
    return answers


def answer_problems(answers: dict) -> list[str]:
    """The template's own verdict on a set of answers (what its pre_gen hook checks)."""
    clean = model.coerce_answers({k: v for k, v in answers.items() if not k.startswith("_")})
    return [f"{model.format_path(path)}: {message}" for path, message in model.problems(clean)]


def project_of(answers: dict) -> model.Project:
    """The normalized project (regions, variants, targets) the files are rendered from."""
    return model.Project(answers)


@functools.cache
def _compiled():
    """The template's files compiled once and kept between runs: every command renders the
    template (add-region, remove-region and traffic twice, the old spec and the new), and
    compiling is most of a first render. Jinja checks each entry against the file's source
    checksum and the Python version, and the folder is per bundlegen version, so an edited
    template or another interpreter never runs a stale entry. Where the user's cache folder
    cannot be written, the cache lives as long as the process."""
    import os
    import tempfile

    from jinja2 import BytecodeCache, FileSystemBytecodeCache

    from bundlegen import __version__

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "bundlegen" / f"jinja-{__version__}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()  # writable
        return FileSystemBytecodeCache(str(folder))
    except OSError:
        pass

    class InMemory(BytecodeCache):
        def __init__(self):
            self.store: dict[str, bytes] = {}

        def load_bytecode(self, bucket):  # keyed by file name and source checksum
            if bucket.key in self.store:
                bucket.bytecode_from_string(self.store[bucket.key])

        def dump_bytecode(self, bucket):
            self.store[bucket.key] = bucket.bytecode_to_string()

    return InMemory()


def render(answers: dict, output_dir: Path) -> Path:
    """Render the template into output_dir (which must not hold the project yet)."""
    import logging

    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.generate import generate_files

    # Cookiecutter logs a failing hook with its traceback; bundlegen reports it in one line.
    logging.getLogger("cookiecutter").addHandler(logging.NullHandler())
    logging.getLogger("cookiecutter").propagate = False

    # Cookiecutter passes `_jinja2_env_vars` to the Jinja environment it makes for each render.
    env_vars = {**answers.get("_jinja2_env_vars", {}), "bytecode_cache": _compiled()}
    context = {
        "cookiecutter": {**answers, "_jinja2_env_vars": env_vars},
        "_cookiecutter": {k: v for k, v in answers.items() if not k.startswith("_")},
    }
    try:
        with _template_on_path(), _hook_scratch():
            return Path(
                generate_files(
                    repo_dir=str(template_dir()),
                    context=context,
                    output_dir=str(output_dir),
                    accept_hooks=True,
                )
            )
    except CookiecutterException as err:
        raise BundlegenError(f"the template could not render these answers: {err}") from None


def render_spec(spec: dict) -> dict[str, str]:
    """Every file the template renders for a spec: {path in the project, with '/': text}.

    The replay the editing commands are built on: add-region, remove-region and traffic
    render the old spec and the new one and carry the difference over to the user's files.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bundlegen-") as tmp:
        return read_tree(render(build_answers(spec), Path(tmp)))


def read_tree(root: Path) -> dict[str, str]:
    """Every file under root as text: {path with '/': text}."""
    return {p.relative_to(root).as_posix(): p.read_bytes().decode("utf-8")
            for p in sorted(root.rglob("*")) if p.is_file()}
