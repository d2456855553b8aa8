"""The questions interactive `bundlegen new` asks: one plain value at a time, each checked as
it is given against the spec's own rules (schemas/spec.schema.json and the template's checks).

This module decides what to ask, with which default, and what an answer means; it never reads
or prints. The CLI supplies an `Asker` that talks to the terminal, so the same interview runs
under a pseudo-terminal, in tests with scripted answers, or anywhere else.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import bundlegen_model as model

# A check turns the typed text into the value to store, or says in a sentence why it cannot.
Check = Callable[[str], Any]


class Invalid(ValueError):
    """An answer the spec's rules refuse; the message is what the person reads."""


class Asker(Protocol):
    def ask(self, question: str, default: str, check: Check) -> Any:
        """Ask until `check` accepts the answer (an empty answer means the default)."""

    def confirm(self, question: str, default: bool) -> bool: ...

    def say(self, text: str) -> None: ...


@dataclass
class Interview:
    """Builds a spec from a partial one (a --spec file, or nothing) and the person's answers.

    Only what the partial spec leaves out is asked. Settings with a sensible default that few
    change at the start (slug, dev/staging workspaces, Delta Sharing names, CLI version, per-region
    sizes) are not asked; they are in the spec file and can be changed later.
    """

    asker: Asker
    spec: dict

    def run(self) -> dict:
        spec = self.spec = copy.deepcopy(self.spec)
        if "project_name" not in spec:
            spec["project_name"] = self._ask(("project_name",), "Project name", "Fraud Detection")
        if "cloud" not in spec:
            spec["cloud"] = self._ask(("cloud",), "Cloud (aws, azure, gcp)", "aws", _word)
        if "regions" not in spec:
            self._regions()
        first = _slug(spec).split("_")[0]
        if "model" not in spec:
            spec["model"] = {}
            for field, text, default in (
                ("catalog", "Unity Catalog catalog of the model", "ml"),
                ("schema", "Schema of the model", first),
                ("name", "Model name", f"{first}_model"),
            ):
                spec["model"][field] = self._ask(("model", field), text, default)
        serving = spec.setdefault("serving", {})
        if "architectures" not in serving:
            serving["architectures"] = self._ask(
                ("serving", "architectures"),
                "Serving architectures (real-time, batch, async; comma-separated)",
                "real-time, batch", _words,
            )
        if "real-time" in serving["architectures"]:
            if "endpoint_name" not in serving:
                serving["endpoint_name"] = self._ask(
                    ("serving", "endpoint_name"), "Serving endpoint name", f"{first}-scoring"
                )
            if "variants" not in serving:
                self._variants(serving)
        if "ci" not in spec:
            ci = self._ask(("ci",), "CI/CD system (github, azure-devops, gitlab; "
                           "comma-separated for several)", "github", _words)
            spec["ci"] = ci[0] if len(ci) == 1 else ci
        if "service_principal" not in spec:
            spec["service_principal"] = self._ask(
                ("service_principal",),
                "Service principal that staging and production deploy and run as",
                f"{_slug(spec).replace('_', '-')}-deployer",
            )
        if "notifications" not in spec:
            emails = self._ask(("notifications", "emails"),
                               "Emails told when a job fails (comma-separated; blank: none)",
                               "", _items)
            if emails:
                spec["notifications"] = {"emails": emails}
        return spec

    # ---- the loops

    def _regions(self) -> None:
        demo = model.DEMO.get(self.spec.get("cloud"), [])
        regions = self.spec["regions"] = []
        while True:
            i = len(regions)
            region: dict[str, Any] = {}
            regions.append(region)
            role = "primary region, where the model is trained" if i == 0 else "a replica"
            name_default, host_default = demo[i] if i < len(demo) else ("", "")
            region["name"] = self._ask(("regions", i, "name"), f"Region {i + 1} ({role})",
                                       name_default)
            region["host"] = self._ask(("regions", i, "host"),
                                       f"Workspace URL in {region['name']}", host_default)
            if i > 0:
                metastore = self._ask(
                    ("regions", i, "metastore_id"),
                    f"Global metastore ID of {region['name']}, to share the model with it "
                    "(blank: set it later with `bundlegen region set`)", "", _optional)
                if metastore:
                    region["metastore_id"] = metastore
            if not self.asker.confirm("Add another region?", default=len(regions) < len(demo)):
                return

    def _variants(self, serving: dict) -> None:
        while True:
            variants = serving["variants"] = []
            while True:
                i = len(variants)
                left = 100 - sum(v["traffic"] for v in variants)
                variant: dict[str, Any] = {}
                variants.append(variant)
                defaults = ("champion", "challenger")
                role = " (the champion, which the others fall back to)" if i == 0 else ""
                variant["name"] = self._ask(
                    ("serving", "variants", i, "name"), f"Variant {i + 1} name{role}",
                    defaults[i] if i < len(defaults) else "",
                )
                variant["traffic"] = self._ask(
                    ("serving", "variants", i, "traffic"),
                    f"Percent of traffic to {variant['name']}",
                    str(90 if i == 0 and left == 100 else left), _integer,
                )
                total = sum(v["traffic"] for v in variants)
                if not self.asker.confirm("Add another variant?", default=total < 100):
                    break
            problem = _problem(self.spec, ("serving", "variants"))
            if problem is None:
                return
            self.asker.say(f"{problem}; give the variants again.")

    # ---- one question

    def _ask(self, path: tuple, question: str, default: str, convert: Check = str) -> Any:
        optional = convert in (_optional, _items)  # a blank answer leaves the setting out

        def check(text: str) -> Any:
            value = convert(text.strip())
            if value in ("", []) and not optional:
                raise Invalid("an answer is needed here")
            problem = _problem(_with(self.spec, path, value), path)
            if problem is not None:
                raise Invalid(problem)
            return value

        return self.asker.ask(question, default, check)


def _with(spec: dict, path: tuple, value: Any) -> dict:
    """A copy of spec with value at path (mappings and lists created on the way)."""
    candidate = copy.deepcopy(spec)
    node: Any = candidate
    for step, after in zip(path, path[1:], strict=False):
        if isinstance(node, list):
            node = node[step]
        else:
            node = node.setdefault(step, [] if isinstance(after, int) else {})
    if isinstance(node, list) and path[-1] >= len(node):
        node.append(value)
    else:
        node[path[-1]] = value
    if value in ("", []) and isinstance(node, dict):
        del node[path[-1]]  # a blank optional answer: the setting is left out
    return candidate


def _problem(spec: dict, path: tuple) -> str | None:
    """The first thing the spec's rules say about path or what is under it, if anything.

    The validator checks the rules only once the schema holds, so the fields of a region or
    variant not asked yet stand in with harmless values while its earlier answers are checked.
    """
    e = model
    candidate = copy.deepcopy(spec)
    for key, field, value in (("regions", "host", "https://workspace.invalid"),
                              ("variants", "traffic", 0)):
        items = (candidate.get("serving") or {} if key == "variants" else candidate).get(key)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                item.setdefault(field, value)
    for where, message in e.problems(candidate):
        if tuple(where[: len(path)]) == tuple(path):
            return message
    return None


def _slug(spec: dict) -> str:
    from slugify import slugify  # Cookiecutter's own slugify, as cookiecutter.json derives it

    return spec.get("project_slug") or slugify(spec.get("project_name", ""), separator="_")


def _word(text: str) -> str:
    return text.lower()


def _words(text: str) -> list[str]:
    return [word.strip().lower() for word in text.split(",") if word.strip()]


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _optional(text: str) -> str:
    return text


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Invalid(f"'{text}' is not a whole number of percent") from None


def spec_text(spec: dict) -> str:
    """The spec as the summary shows it and as a saved spec file holds it."""
    import yaml

    return yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=100)


def save_spec(spec: dict, path) -> None:
    """Write the spec to path, atomically."""
    from pathlib import Path

    from bundlegen import fsio

    fsio.write_bytes_atomic(Path(path), spec_text(spec).encode("utf-8"))
