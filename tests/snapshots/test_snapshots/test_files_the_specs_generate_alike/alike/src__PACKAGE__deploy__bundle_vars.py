"""For CI, before `bundle deploy` of serving/: the version variables, and the first-deploy check.

Both read the target from serving/databricks.yml (its workspace host, and for each served
entity the model and the `${var.<name>}` of its version) and the variant-to-alias mapping
from the deployment job (the `aliases` parameter in resources/deployment.job.yml), then look
the aliases up in that workspace:

    <package> bundle-vars --target prod-<region>       # --var champion_version=3 --var ...
    <package> check-bootstrap --target prod-<region>   # exit 0 ready, 3 first deploy needed
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import NotBootstrapped, UsageError
from .versions import parse_aliases, resolve

SERVING_BUNDLE = Path("serving") / "databricks.yml"
DEPLOYMENT_JOB = Path("resources") / "deployment.job.yml"
_VAR = re.compile(r"^\$\{var\.([A-Za-z0-9_]+)\}$")


@dataclass(frozen=True)
class Entity:
    name: str  # the variant
    model: str  # catalog.schema.model in that workspace
    variable: str | None  # the bundle variable of its version, if it has one


@dataclass(frozen=True)
class ServingTarget:
    name: str
    host: str
    entities: tuple[Entity, ...]


def _load_yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise UsageError(f"{path} not found: run this from the project folder "
                         "(or pass --project-dir)") from None


def load_target(project: Path, target: str) -> ServingTarget:
    bundle = _load_yaml(project / SERVING_BUNDLE)
    targets = bundle.get("targets") or {}
    if target not in targets:
        raise UsageError(f"{SERVING_BUNDLE} has no target {target!r}; it has "
                         + ", ".join(targets))
    spec = targets[target] or {}
    host = ((spec.get("workspace") or {}).get("host")
            or ((bundle.get("workspace") or {}).get("host")) or "")
    endpoints = {**((bundle.get("resources") or {}).get("model_serving_endpoints") or {}),
                 **((spec.get("resources") or {}).get("model_serving_endpoints") or {})}
    entities = []
    for endpoint in endpoints.values():
        for entity in ((endpoint or {}).get("config") or {}).get("served_entities") or []:
            match = _VAR.match(str(entity.get("entity_version", "")))
            entities.append(Entity(entity["name"], entity["entity_name"],
                                   match.group(1) if match else None))
    if not entities:
        raise UsageError(f"target {target} of {SERVING_BUNDLE} serves no model")
    return ServingTarget(target, host, tuple(entities))


def load_aliases(project: Path) -> str:
    """The `aliases` parameter of the deployment job ("" when absent: each variant's own name)."""
    path = project / DEPLOYMENT_JOB
    if not path.exists():
        return ""
    jobs = (_load_yaml(path).get("resources") or {}).get("jobs") or {}
    for parameter in (jobs.get("deployment") or {}).get("parameters") or []:
        if parameter.get("name") == "aliases":
            return str(parameter.get("default") or "")
    return ""


def bundle_vars(w: Any, target: ServingTarget, aliases: dict[str, str]) -> dict[str, str]:
    """{variable: version} for every served entity whose version is a bundle variable."""
    out: dict[str, str] = {}
    by_model: dict[str, list[Entity]] = {}
    for entity in target.entities:
        by_model.setdefault(entity.model, []).append(entity)
    for model, entities in by_model.items():
        resolved = resolve(w, model, [e.name for e in entities], aliases)
        for entity, r in zip(entities, resolved, strict=True):
            if entity.variable:
                out[entity.variable] = r.version
    return out


def format_vars(values: dict[str, str], style: str) -> str:
    if style == "json":
        return json.dumps(values, sort_keys=True)
    return " ".join(f"--var {name}={version}" for name, version in values.items())


def _context(args, ctx) -> tuple[Any, ServingTarget, dict[str, str]]:
    project = Path(args.project_dir)
    target = load_target(project, args.target)
    aliases = parse_aliases(args.aliases if args.aliases is not None else load_aliases(project))
    return ctx.workspace(target.host or None), target, aliases


def run_bundle_vars(args, ctx) -> int:
    w, target, aliases = _context(args, ctx)
    ctx.say(format_vars(bundle_vars(w, target, aliases), args.format))
    return 0


def run_check_bootstrap(args, ctx) -> int:
    w, target, aliases = _context(args, ctx)
    try:
        values = bundle_vars(w, target, aliases)
    except NotBootstrapped as err:
        ctx.say(f"bootstrap needed for {target.name}: {err}")
        return NotBootstrapped.exit_code
    ctx.say(f"ready: {target.name} can deploy serving/ with {format_vars(values, 'args')}")
    return 0


def register(commands) -> None:
    for name, run, text in (
        ("bundle-vars", run_bundle_vars, "Print --var <variant>_version=N for serving/ deploy."),
        ("check-bootstrap", run_check_bootstrap,
         "Exit 0 if the target's aliases resolve, 3 if it needs its first deploy."),
    ):
        p = commands.add_parser(name, help=text)
        p.add_argument("--target", required=True, help="Target of serving/databricks.yml.")
        p.add_argument("--project-dir", default=".", help="The project folder (default: here).")
        p.add_argument("--aliases", default=None,
                       help="variant[=alias],...; default: the deployment job's aliases parameter.")
        if name == "bundle-vars":
            p.add_argument("--format", choices=("args", "json"), default="args")
        p.set_defaults(run=run)
