"""Every job task of resources/*.job.yml calls a command of this package with options it takes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from document_scoring.tasks import parser

PROJECT = Path(__file__).resolve().parents[1]
BUNDLE = yaml.safe_load((PROJECT / "databricks.yml").read_text())


def _jobs(document: dict):
    yield from ((document.get("resources") or {}).get("jobs") or {}).items()
    for target in (document.get("targets") or {}).values():
        yield from (((target or {}).get("resources") or {}).get("jobs") or {}).items()


def wheel_tasks() -> list:
    found = {}
    for path in sorted((PROJECT / "resources").glob("*.yml")):
        for key, job in _jobs(yaml.safe_load(path.read_text()) or {}):
            defaults = {p["name"]: str(p.get("default", "")) for p in job.get("parameters") or []}
            for task in job.get("tasks") or []:
                if "python_wheel_task" in task:
                    found[f"{key}.{task['task_key']}"] = (task["python_wheel_task"], defaults)
    return sorted(found.items())


def _resolve(value: str, defaults: dict[str, str]) -> str:
    """Fill in what Databricks fills in: job parameters, run ids, task values, variables."""

    def job_parameter(match: re.Match) -> str:
        return defaults.get(match.group(1), "")

    def variable(match: re.Match) -> str:
        """The variable's default, else its value in the first target that sets it."""
        name = match.group(1)
        values = [((BUNDLE.get("variables") or {}).get(name) or {}).get("default")]
        values += [((t or {}).get("variables") or {}).get(name)
                   for t in (BUNDLE.get("targets") or {}).values()]
        found = [v for v in values if isinstance(v, (str, int, float))]
        return str(found[0]) if found else "x"

    value = re.sub(r"\{\{job\.parameters\.(\w+)\}\}", job_parameter, value)
    value = re.sub(r"\$\{var\.(\w+)\}", variable, value)
    value = re.sub(r"\{\{job\.run_id\}\}", "123", value)
    value = re.sub(r"\{\{tasks\.[\w.]+\}\}", "1", value)
    return re.sub(r"\$\{[\w.]+\}", "x", value)


TASKS = wheel_tasks()


def test_the_jobs_have_wheel_tasks():
    assert TASKS


@pytest.mark.parametrize("name,task", TASKS, ids=[name for name, _ in TASKS])
def test_each_task_parses(name, task):
    wheel, defaults = task
    assert wheel["package_name"] == wheel["entry_point"] == "document_scoring"
    argv = [_resolve(str(a), defaults) for a in wheel["parameters"]]
    args = parser().parse_args(argv)
    assert callable(args.run)


def test_the_entry_point_is_the_console_script():
    text = (PROJECT / "pyproject.toml").read_text()
    assert '\ndocument_scoring = "document_scoring.tasks:main"\n' in text
