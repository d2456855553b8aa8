"""Model serving endpoints: served entities and traffic routes."""

from __future__ import annotations

from collections.abc import Iterator

from bundlegen.bundle.servednames import served_name
from bundlegen.lint import refs
from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.rules.registry import TargetContext, items, rule
from bundlegen.lint.values import V, join


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
            if name_v is None or not isinstance(name, str):
                continue  # unset, unresolved, or not a name (the schema says so)
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
    return items(config, "traffic_config", "routes")


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


@rule(
    "served-models-deprecated",
    WARNING,
    "A serving endpoint uses `served_models`, which the CLI converts to `served_entities` "
    "with a deprecation warning.",
)
def served_models_deprecated(ctx: TargetContext) -> Iterator[Finding]:
    for path, config in _endpoints(ctx):
        models, entities = config.get("served_models"), config.get("served_entities")
        if models is not None and models.v and not (entities is not None and entities.v):
            yield ctx.finding(
                "served-models-deprecated",
                models,
                join(path, "served_models"),
                "served_models is deprecated: write the same entries under served_entities "
                "(entity_name and entity_version for model_name and model_version)",
            )
