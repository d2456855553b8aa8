"""The lint rules: each has an id, a severity and a one-line description (docs/lint.md lists them).

Some rules are checked while the bundle is loaded (loader.py) or against the JSON schema
(schema.py); the rest run here on each target's view of the bundle, the configuration the CLI
would deploy for that target.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bundlegen.bundle.servednames import served_name
from bundlegen.lint import refs
from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.loader import Bundle
from bundlegen.lint.values import V, as_bool, join


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    docs: str
    check: Callable[[TargetContext], Iterator[Finding]] | None = None


RULES: dict[str, Rule] = {}


def declare(id: str, severity: str, docs: str) -> None:
    RULES[id] = Rule(id, severity, docs)


def rule(id: str, severity: str, docs: str):
    def register(check):
        RULES[id] = Rule(id, severity, docs, check)
        return check

    return register


# Found while loading the bundle (loader.py, api.py).
declare(
    "bundle-not-found",
    ERROR,
    "A path given to lint has no databricks.yml in it or in a folder above it.",
)
declare("unreadable-file", ERROR, "A bundle file cannot be read (permissions, not UTF-8).")
declare("yaml-syntax", ERROR, "A bundle file is not valid YAML, or is not a mapping.")
declare(
    "duplicate-key",
    ERROR,
    "A mapping has the same key twice (also two `<<` merge keys); the CLI refuses it.",
)
declare(
    "include-invalid",
    ERROR,
    "An `include` entry is absolute, matches no file, matches a file that is not "
    "YAML or JSON, or an included file has an `include` of its own.",
)
declare(
    "merge-conflict",
    ERROR,
    "An override cannot merge with what it overrides (a string over a mapping or a "
    "sequence, for example), or both `targets` and `environments` are set.",
)
declare(
    "internal-error",
    WARNING,
    "bundlegen could not finish checking a bundle (a bug in bundlegen: please "
    "report it); the other bundles are still checked.",
)
declare("unknown-target", ERROR, "The target given with --target is not defined in the bundle.")
# Against the bundle JSON schema (schema.py): warnings, as `databricks bundle validate` has them.
declare("unknown-field", WARNING, "A field the bundle schema does not define (the CLI ignores it).")
declare(
    "wrong-type",
    WARNING,
    "A value of the wrong type for its field, e.g. a string where a mapping is expected.",
)
declare("invalid-enum", WARNING, "A value outside the values the schema allows for its field.")
declare(
    "missing-required", WARNING, "A required field is not set in a target's merged configuration."
)


@dataclass
class TargetContext:
    bundle: Bundle
    target: str | None
    view: dict[str, V]

    def finding(
        self,
        rule_id: str,
        v: V,
        path: str,
        message: str,
        severity: str | None = None,
        at: tuple[int, int] | None = None,
    ) -> Finding:
        line, col = at or (v.line, v.col)
        return Finding(
            severity or RULES[rule_id].severity, v.file, line, col, path, rule_id, message
        )

    @functools.cached_property
    def strings(self) -> list[tuple[V, str]]:
        """Every string with a `${...}` in the view, with its path (walked once per target)."""
        return list(refs.view_strings(self.view))

    def get(self, *path: str | int) -> V | None:
        first = self.view.get(path[0])
        return first.get(*path[1:]) if first is not None else None

    def resolve(self, v: V | None):
        return refs.resolve(self.view, self.target, v)

    def variables(self) -> dict[str, V]:
        var = self.view.get("variables")
        return dict(var.v) if var is not None and var.is_map else {}

    def resources(self, rtype: str) -> list[tuple[str, V]]:
        group = self.get("resources", rtype)
        return (
            [(k, r) for k, r in group.items() if r.is_map]
            if group is not None and group.is_map
            else []
        )


@rule(
    "undefined-variable",
    ERROR,
    "`${var.x}` names a variable that `variables` does not define, or a target "
    "sets a variable that is not defined (a warning when written under a top-level key the CLI "
    "ignores).",
)
def undefined_variable(ctx: TargetContext) -> Iterator[Finding]:
    defined = ctx.variables()
    for v, path in ctx.strings:
        for ref in refs.references(v.v):
            p = refs.parts(ref)
            if p[0] != "var" or len(p) < 2 or p[1] in defined:
                continue
            holder = ctx.bundle.in_ignored_key(v)
            if holder:
                yield ctx.finding(
                    "undefined-variable",
                    v,
                    path,
                    f"${{{ref}}}: no variable {p[1]!r} is defined (written under the top-level "
                    f"key {holder!r}, which the CLI ignores; it fails where it is merged in)",
                    severity=WARNING,
                )
            else:
                yield ctx.finding(
                    "undefined-variable",
                    v,
                    path,
                    f"${{{ref}}}: no variable {p[1]!r} is defined under variables",
                )
    merged = ctx.bundle.merged
    overrides = (
        merged.get("targets", ctx.target, "variables")
        if merged is not None and ctx.target
        else None
    )
    root_vars = merged.get("variables") if merged is not None else None
    for name, value in overrides.items() if overrides is not None else []:
        if root_vars is None or not root_vars.is_map or name not in root_vars.v:
            line, col = overrides.key_loc(name)
            yield ctx.finding(
                "undefined-variable",
                value,
                f"targets.{ctx.target}.variables.{name}",
                f"target {ctx.target!r} sets variable {name!r}, "
                "which is not defined under variables",
                at=(line, col),
            )


def _var_references(v: V | None) -> set[str]:
    out = set()
    for node, _ in refs.strings(v):
        for ref in refs.references(node.v):
            p = refs.parts(ref)
            if p[0] in ("var", "variables") and len(p) >= 2:
                out.add(p[1])
    return out


@rule(
    "variable-cycle",
    ERROR,
    "Variables whose defaults refer to each other in a cycle; none can be resolved.",
)
def variable_cycle(ctx: TargetContext) -> Iterator[Finding]:
    variables = ctx.variables()
    edges = {}
    for name, definition in variables.items():
        default = definition.get("default") if definition.is_map else None
        edges[name] = (
            sorted(_var_references(default) & set(variables)) if default is not None else []
        )
    reported: set[frozenset] = set()
    for start in edges:
        cycle = _find_cycle(start, edges)
        if cycle and frozenset(cycle) not in reported and cycle[0] == min(cycle):
            reported.add(frozenset(cycle))
            default = variables[cycle[0]].get("default")
            chain = " -> ".join(f"var.{n}" for n in cycle + [cycle[0]])
            yield ctx.finding(
                "variable-cycle",
                default,
                f"variables.{cycle[0]}.default",
                f"variables refer to each other in a cycle: {chain}",
            )


def _find_cycle(start: str, edges: dict[str, list[str]]) -> list[str] | None:
    stack = [(start, [start])]
    while stack:
        node, path = stack.pop()
        for nxt in edges.get(node, []):
            if nxt == start:
                return path
            if nxt not in path and len(path) < 50:
                stack.append((nxt, path + [nxt]))
    return None


@rule(
    "required-variable",
    WARNING,
    "A variable with no default and no lookup gets no value in a target; the "
    "CLI needs --var or BUNDLE_VAR_<name> then, which CI may well pass, so this is a warning.",
)
def required_variable(ctx: TargetContext) -> Iterator[Finding]:
    for name, definition in ctx.variables().items():
        if not definition.is_map:
            continue
        if definition.get("default") is not None and definition.v["default"].v is not None:
            continue
        if definition.get("lookup") is not None and definition.v["lookup"].v is not None:
            continue
        # No target in the message: one finding then stands for every target that has it.
        yield ctx.finding(
            "required-variable",
            definition,
            f"variables.{name}",
            f"variable {name!r} has no default, no lookup and no value set by the target: pass "
            f"--var {name}=... or BUNDLE_VAR_{name}, or set a default",
        )


def _python_resources(ctx: TargetContext) -> bool:
    for path in (
        ("python", "resources"),
        ("experimental", "python", "resources"),
        ("experimental", "pydabs"),
    ):
        v = ctx.get(*path)
        if v is not None and v.v:
            return True
    return False


@rule(
    "undefined-resource",
    ERROR,
    "`${resources.<type>.<key>...}` names a resource the target does not define "
    "(a warning when the bundle also defines resources in Python).",
)
def undefined_resource(ctx: TargetContext) -> Iterator[Finding]:
    python = _python_resources(ctx)
    for v, path in ctx.strings:
        for ref in refs.references(v.v):
            p = refs.parts(ref)
            if p[0] != "resources" or len(p) < 3:
                continue
            if ctx.get("resources", p[1], p[2]) is not None:
                continue
            if python:
                yield ctx.finding(
                    "undefined-resource",
                    v,
                    path,
                    f"${{{ref}}}: no resource {p[1]}.{p[2]} in the YAML (it may come from "
                    "the bundle's Python code)",
                    severity=WARNING,
                )
            else:
                yield ctx.finding(
                    "undefined-resource",
                    v,
                    path,
                    f"${{{ref}}}: no resource {p[1]}.{p[2]} is defined",
                )


@rule(
    "duplicate-resource-key",
    ERROR,
    "Two resources share a key (`jobs.etl` and `pipelines.etl`), or one resource is written in "
    "two files; the CLI refuses both (target overrides may repeat a key).",
)
def duplicate_resource_key(ctx: TargetContext) -> Iterator[Finding]:
    # Checked on the files as written, before target overrides merge, as the CLI does: the
    # key alone names a resource for `bundle run`, so it must be unique across types and files.
    first: dict[str, tuple[str, V, tuple[int, int]]] = {}
    for f in ctx.bundle.files:
        res = f.root.get("resources") if f.root is not None else None
        if res is None or not res.is_map:
            continue
        for rtype, group in res.items():
            if not group.is_map:
                continue
            for key, value in group.items():
                at = group.key_loc(key)
                if key not in first:
                    first[key] = (rtype, value, at)
                    continue
                rtype0, value0, at0 = first[key]
                where = f"{value0.file}:{at0[0]}:{at0[1]}"
                what = (
                    f"resource {rtype}.{key} is also written at {where}; write each resource "
                    "in one file"
                    if rtype == rtype0
                    else f"{rtype}.{key} has the same key as {rtype0}.{key} at {where}; "
                    "resource keys must be unique across types"
                )
                yield ctx.finding(
                    "duplicate-resource-key", value, f"resources.{rtype}.{key}", what, at=at
                )


@rule(
    "several-default-targets",
    WARNING,
    "More than one target has `default: true`; the CLI then refuses every command run "
    "without `-t`.",
)
def several_default_targets(ctx: TargetContext) -> Iterator[Finding]:
    targets = ctx.bundle.merged.get("targets") if ctx.bundle.merged is not None else None
    if targets is None or not targets.is_map:
        return
    defaults = [
        (name, t.get("default"))
        for name, t in targets.items()
        if t.is_map and t.get("default") is not None and as_bool(t.v["default"].v)
    ]
    names = ", ".join(name for name, _ in defaults)
    for name, flag in defaults[1:]:
        yield ctx.finding(
            "several-default-targets",
            flag,
            f"targets.{name}.default",
            f"targets {names} are all marked default: true; the CLI refuses any command "
            "without -t (keep one default)",
        )


@rule(
    "run-as-conflict",
    ERROR,
    "`run_as` sets both `user_name` and `service_principal_name`; it must name one.",
)
def run_as_conflict(ctx: TargetContext) -> Iterator[Finding]:
    run_as = ctx.view.get("run_as")
    if run_as is None or not run_as.is_map:
        return
    user, sp = run_as.get("user_name"), run_as.get("service_principal_name")
    if user is None or sp is None:
        return
    if ctx.resolve(user) in ("", None) or ctx.resolve(sp) in ("", None):
        return
    yield ctx.finding(
        "run-as-conflict",
        run_as,
        "run_as",
        "run_as sets both user_name and service_principal_name; keep exactly one",
    )


def _is_development(ctx: TargetContext) -> bool:
    return ctx.resolve(ctx.get("bundle", "mode")) == "development"


@rule(
    "dev-unpaused-preset",
    ERROR,
    "A `mode: development` target sets `presets.trigger_pause_status: UNPAUSED`, "
    "which the CLI refuses.",
)
def dev_unpaused_preset(ctx: TargetContext) -> Iterator[Finding]:
    status = ctx.get("presets", "trigger_pause_status")
    if status is not None and _is_development(ctx) and ctx.resolve(status) == "UNPAUSED":
        yield ctx.finding(
            "dev-unpaused-preset",
            status,
            "presets.trigger_pause_status",
            f"target {ctx.target!r} is in development mode, where the CLI refuses to unpause all "
            "triggers and schedules",
        )


@rule(
    "production-dev-pipeline",
    ERROR,
    "A `mode: production` target deploys a pipeline with `development: true`, which the CLI "
    "refuses.",
)
def production_dev_pipeline(ctx: TargetContext) -> Iterator[Finding]:
    if ctx.resolve(ctx.get("bundle", "mode")) != "production":
        return
    for key, pipeline in ctx.resources("pipelines"):
        dev = pipeline.get("development")
        if dev is not None and as_bool(ctx.resolve(dev)):
            yield ctx.finding(
                "production-dev-pipeline",
                dev,
                f"resources.pipelines.{key}.development",
                f"target {ctx.target!r} is in production mode, where the CLI refuses a pipeline "
                "in development mode",
            )


@rule(
    "dev-unpaused-schedule",
    WARNING,
    "A `mode: development` target deploys a schedule or trigger with "
    "`pause_status: UNPAUSED` (literal or through a variable): every developer's copy would run "
    "on it.",
)
def dev_unpaused_schedule(ctx: TargetContext) -> Iterator[Finding]:
    if not _is_development(ctx):
        return
    resources = ctx.view.get("resources")
    if resources is None:
        return
    stack = [(resources, "resources")]
    while stack:
        node, path = stack.pop()
        if node.is_map:
            for key, child in node.items():
                if key == "pause_status" and ctx.resolve(child) == "UNPAUSED":
                    via = (
                        "" if child.v == "UNPAUSED" else f" ({child.v} is UNPAUSED in this target)"
                    )
                    yield ctx.finding(
                        "dev-unpaused-schedule",
                        child,
                        join(path, key),
                        f"target {ctx.target!r} is in development mode but {join(path, key)} is "
                        f"UNPAUSED{via}: each developer's copy would run on schedule",
                    )
                else:
                    stack.append((child, join(path, key)))
        elif node.is_seq:
            stack.extend((c, join(path, i)) for i, c in enumerate(node.v))


@rule(
    "job-task-reference",
    ERROR,
    "A job task's `depends_on` names a task the job does not have, tasks depend on each other "
    "in a cycle, or a `job_cluster_key` or `environment_key` names a job cluster or environment "
    "the job does not define; the Jobs API refuses the job.",
)
def job_task_reference(ctx: TargetContext) -> Iterator[Finding]:
    for key, job in ctx.resources("jobs"):
        path = f"resources.jobs.{key}"
        tasks = _items(job, "tasks")
        # A key that only the workspace can resolve (None here) makes its set unknowable.
        defined = {
            field: {_text(ctx, x.get(field)) for x in _items(job, holder)}
            for field, holder in (
                ("job_cluster_key", "job_clusters"),
                ("environment_key", "environments"),
            )
        }
        names = {_text(ctx, t.get("task_key")) for t in tasks}
        edges: dict[str, list[str]] = {}
        for i, task in enumerate(tasks):
            tpath = f"{path}.tasks[{i}]"
            name = _text(ctx, task.get("task_key"))
            for j, dep in enumerate(_items(task, "depends_on")):
                dep_key = dep.get("task_key")
                target = _text(ctx, dep_key)
                if target is None:
                    continue
                if target not in names and None not in names:
                    yield ctx.finding(
                        "job-task-reference",
                        dep_key,
                        f"{tpath}.depends_on[{j}].task_key",
                        f"task {name or i!r} depends on {target!r}: job {key!r} has no such task",
                    )
                elif name is not None:
                    edges.setdefault(name, []).append(target)
            inner = task.get("for_each_task", "task")
            for t, tp in ((task, tpath), (inner, f"{tpath}.for_each_task.task")):
                if t is None or not t.is_map:
                    continue
                for field, known in defined.items():
                    ref = t.get(field)
                    value = _text(ctx, ref)
                    if value is not None and value not in known and None not in known:
                        what = "job cluster" if field == "job_cluster_key" else "environment"
                        yield ctx.finding(
                            "job-task-reference",
                            ref,
                            f"{tp}.{field}",
                            f"{field} {value!r}{_via(ref, value)}: job {key!r} defines no "
                            f"{what} with that key",
                        )
        reported: set[str] = set()
        for i, task in enumerate(tasks):
            name = _text(ctx, task.get("task_key"))
            if name is None or name in reported:
                continue
            cycle = _find_cycle(name, edges)
            if cycle and cycle[0] == name:
                reported.update(cycle)
                yield ctx.finding(
                    "job-task-reference",
                    task.get("task_key"),
                    f"{path}.tasks[{i}].depends_on",
                    f"tasks of job {key!r} depend on each other in a cycle: "
                    + " -> ".join(cycle + [name]),
                )


def _items(v: V | None, *path: str) -> list[V]:
    """The mappings of the sequence at path under v (none if it is not a sequence)."""
    seq = v.get(*path) if v is not None else None
    return [x for x in seq.v if x.is_map] if seq is not None and seq.is_seq else []


def _via(v: V, value: str) -> str:
    return "" if v.v == value else f" (from {v.v})"


def _text(ctx: TargetContext, v: V | None) -> str | None:
    """A key's value when it is known in this target (a literal or a resolved reference)."""
    value = ctx.resolve(v) if v is not None else None
    return value if isinstance(value, str) else None


ENGINES = ("terraform", "direct")


@rule("unknown-engine", ERROR, "`bundle.engine` is neither `terraform` nor `direct`.")
def unknown_engine(ctx: TargetContext) -> Iterator[Finding]:
    engine = ctx.get("bundle", "engine")
    value = ctx.resolve(engine)
    if (
        engine is not None
        and value is not refs.UNRESOLVED
        and value is not None
        and value not in ENGINES
    ):
        yield ctx.finding(
            "unknown-engine",
            engine,
            "bundle.engine",
            f"unknown deployment engine {value!r}: use terraform or direct",
        )


def _endpoints(ctx: TargetContext):
    for key, endpoint in ctx.resources("model_serving_endpoints"):
        config = endpoint.get("config")
        if config is not None and config.is_map:
            yield f"resources.model_serving_endpoints.{key}.config", config


def _served(config: V) -> tuple[str, list[V]]:
    for field in ("served_entities", "served_models"):
        seq = config.get(field)
        if seq is not None and seq.is_seq and seq.v:
            return field, [x for x in seq.v if x.is_map]
    return "served_entities", []


@rule(
    "serving-models-and-entities",
    ERROR,
    "A serving endpoint sets both `served_models` and `served_entities`; the API accepts one.",
)
def serving_models_and_entities(ctx: TargetContext) -> Iterator[Finding]:
    for path, config in _endpoints(ctx):
        models, entities = config.get("served_models"), config.get("served_entities")
        if models is not None and entities is not None and models.v and entities.v:
            yield ctx.finding(
                "serving-models-and-entities",
                models,
                join(path, "served_models"),
                "an endpoint takes served_entities or served_models, not both "
                "(served_models is the legacy form of served_entities)",
            )


@rule(
    "serving-duplicate-name",
    ERROR,
    "Two served entities (or models) of one endpoint have the same name.",
)
def serving_duplicate_name(ctx: TargetContext) -> Iterator[Finding]:
    for path, config in _endpoints(ctx):
        field, items = _served(config)
        seen: dict = {}
        for i, item in enumerate(items):
            name_v = item.get("name")
            name = ctx.resolve(name_v)
            if name_v is None or name is refs.UNRESOLVED or name is None:
                continue
            if name in seen:
                yield ctx.finding(
                    "serving-duplicate-name",
                    name_v,
                    f"{path}.{field}[{i}].name",
                    f"served entity name {name!r} is used twice (first at line {seen[name]})",
                )
            else:
                seen[name] = name_v.line


def _routes(config: V) -> list[V]:
    return _items(config, "traffic_config", "routes")


@rule(
    "serving-route-unknown",
    ERROR,
    "A traffic route names a served entity the endpoint does not have (an unnamed entity goes "
    "by the name the API gives it, `<model>-<version>`).",
)
def serving_route_unknown(ctx: TargetContext) -> Iterator[Finding]:
    for path, config in _endpoints(ctx):
        field, items = _served(config)
        names = [_served_name(ctx, item) for item in items]
        if not items or None in names:
            continue  # a name only the workspace knows: nothing to compare with
        for i, route in enumerate(_routes(config)):
            for key in ("served_entity_name", "served_model_name"):
                target_v = route.get(key)
                target = ctx.resolve(target_v)
                if target_v is None or target is refs.UNRESOLVED or target is None:
                    continue
                if target not in names:
                    yield ctx.finding(
                        "serving-route-unknown",
                        target_v,
                        f"{path}.traffic_config.routes[{i}].{key}",
                        f"route to {target!r}, but the endpoint serves only "
                        f"{', '.join(repr(n) for n in names)}",
                    )


def _served_name(ctx: TargetContext, item: V) -> str | None:
    """The route name of a served entity in this target (its own or the API's default)."""
    values: dict = {}
    for key in ("name", "entity_name", "entity_version", "model_name", "model_version"):
        value = ctx.resolve(item.get(key))
        if value is refs.UNRESOLVED:
            return None
        values[key] = value
    external = ctx.resolve(item.get("external_model", "name"))
    if external is refs.UNRESOLVED:
        return None
    values["external_model"] = {"name": external}
    return served_name(values)


@rule(
    "serving-traffic-sum",
    ERROR,
    "The traffic percentages of an endpoint's routes do not add up to 100 "
    "(checked when every percentage is an integer, literally or through a variable of the target).",
)
def serving_traffic_sum(ctx: TargetContext) -> Iterator[Finding]:
    for path, config in _endpoints(ctx):
        routes = _routes(config)
        if not routes:
            continue
        total = 0
        for route in routes:
            pct = ctx.resolve(route.get("traffic_percentage"))
            if isinstance(pct, str) and pct.strip().lstrip("-").isdigit():
                pct = int(pct)
            if isinstance(pct, bool) or not isinstance(pct, int):
                break
            total += pct
        else:
            if total != 100:
                seq = config.get("traffic_config", "routes")
                yield ctx.finding(
                    "serving-traffic-sum",
                    seq,
                    f"{path}.traffic_config.routes",
                    f"traffic percentages add up to {total}, not 100",
                )


@rule("host-not-https", ERROR, "`workspace.host` uses a scheme other than https://.")
def host_not_https(ctx: TargetContext) -> Iterator[Finding]:
    host = ctx.get("workspace", "host")
    value = ctx.resolve(host)
    if isinstance(value, str) and "://" in value and not value.lower().startswith("https://"):
        yield ctx.finding(
            "host-not-https",
            host,
            "workspace.host",
            f"workspace host {value!r} is not https: the CLI sends credentials to it",
        )


def target_checks() -> list[Rule]:
    return [r for r in RULES.values() if r.check is not None]
