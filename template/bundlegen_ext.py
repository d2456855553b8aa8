"""The template's Jinja extension: a thin adapter from Jinja to the domain in bundlegen_model.

Cookiecutter loads it by name (cookiecutter.json `_extensions`) with the template's folder on
sys.path, so bundlegen_model, beside this file, imports with only Cookiecutter installed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jinja2 import pass_context
from jinja2.ext import Extension

# Cookiecutter appends the template's folder to sys.path: an older bundlegen installed in the
# same environment must not lend this template its model.
_HERE = str(Path(__file__).resolve().parent)
if "bundlegen_model" not in sys.modules and sys.path[:1] != [_HERE]:
    sys.path.insert(0, _HERE)

from bundlegen_model import (  # noqa: E402
    DEMO,
    Project,
    coerce_answers,
    entries,
    format_path,
    problems,
    yaml_scalar,
)


@pass_context
def _project(context) -> Project:
    answers = context["cookiecutter"]
    key = json.dumps({k: v for k, v in answers.items() if not str(k).startswith("_")},
                     sort_keys=True, default=str)
    cached = _PROJECTS.get(key)
    if cached is None:
        cached = _PROJECTS[key] = Project(answers)
    return cached


_PROJECTS: dict[str, Project] = {}


def _answer_problems(answers: dict) -> list[str]:
    clean = coerce_answers({k: v for k, v in answers.items() if not str(k).startswith("_")})
    return [f"{format_path(path)}: {message}" for path, message in problems(clean)]


class BundlegenExtension(Extension):
    """Adds `project()` and the helpers the template's files render with."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.globals["project"] = _project
        environment.filters["answer_problems"] = _answer_problems
        environment.filters["demo_region"] = lambda cloud, i: DEMO[cloud][i][0]
        environment.filters["demo_host"] = lambda cloud, i: DEMO[cloud][i][1]
        # A double-quoted YAML scalar (JSON string syntax is valid YAML).
        environment.filters["yq"] = lambda value: json.dumps(str(value))
        environment.filters["yaml_scalar"] = yaml_scalar
        environment.filters["entries"] = lambda value: entries(value, "")
