"""The serving endpoint: read its configuration, change the versions it serves, wait for it.

A configuration is kept as plain data in the shape of the REST API,
{"served_entities": [...], "traffic_config": {"routes": [...]}}, so that it can be recorded
as JSON and sent back unchanged by a rollback.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from ..errors import TaskError
from ..runtime import parse_bool

READY_TIMEOUT_S = 40 * 60


def get_endpoint(w: Any, name: str) -> Any:
    from databricks.sdk.errors import NotFound

    try:
        return w.serving_endpoints.get(name)
    except NotFound:
        raise TaskError(
            f"serving endpoint {name} does not exist in this workspace: deploy serving/ for this "
            "target first (README.md, First deploy)"
        ) from None


def _entity_input_fields() -> set[str]:
    from databricks.sdk.service.serving import ServedEntityInput

    return {f.name for f in fields(ServedEntityInput)}


def snapshot(endpoint: Any) -> dict:
    """The endpoint's live configuration: what update_config would need to recreate it."""
    config = endpoint.config
    keep = _entity_input_fields()
    entities = [{k: v for k, v in e.as_dict().items() if k in keep}
                for e in (config.served_entities if config else None) or []]
    routes = [{"served_entity_name": r.served_entity_name or r.served_model_name,
               "traffic_percentage": r.traffic_percentage}
              for r in ((config.traffic_config.routes
                         if config and config.traffic_config else None) or [])]
    return {"served_entities": entities, "traffic_config": {"routes": routes}}


def served_names(endpoint: Any) -> list[str]:
    names = [e["name"] for e in snapshot(endpoint)["served_entities"]]
    if not names:
        raise TaskError(f"serving endpoint {endpoint.name} serves nothing yet")
    return names


def with_versions(config: dict, model: str, versions: dict[str, str]) -> dict:
    """The same configuration (same split) with each listed variant serving model/version."""
    out = copy.deepcopy(config)
    for entity in out["served_entities"]:
        if entity["name"] in versions:
            entity["entity_name"] = model
            entity["entity_version"] = str(versions[entity["name"]])
    return out


def split_of(config: dict) -> dict[str, int]:
    """{variant: percent} in the order of the routes."""
    return {str(r.get("served_entity_name")): int(r.get("traffic_percentage") or 0)
            for r in (config.get("traffic_config") or {}).get("routes", [])}


def with_split(config: dict, split: dict[str, int]) -> dict:
    """The same configuration (same versions) with the routes' percentages of `split`."""
    out = copy.deepcopy(config)
    for route in out["traffic_config"]["routes"]:
        name = route.get("served_entity_name")
        if name in split:
            route["traffic_percentage"] = int(split[name])
    return out


def with_share(split: dict[str, int], variant: str, share: int) -> dict[str, int]:
    """`variant` at `share` percent, the others sharing the rest in proportion to their shares.

    Whole percents summing to 100: each gets the floor of its exact share and the percents
    left over go to the largest remainders, ties to the variant listed first (bundlegen's
    `traffic ramp` rounds the same way).
    """
    others = {k: v for k, v in split.items() if k != variant}
    weight = sum(others.values())
    rest = 100 - share
    if weight == 0:
        return {k: (share if k == variant else 0) for k in split}
    exact = {k: rest * v / weight for k, v in others.items()}
    floors = {k: int(x) for k, x in exact.items()}
    order = sorted(others, key=lambda k: (-(exact[k] - floors[k]), list(split).index(k)))
    for k in order[: rest - sum(floors.values())]:
        floors[k] += 1
    return {k: (share if k == variant else floors[k]) for k in split}


# What "the same configuration" means here: which version each variant serves, and the split.
# Other fields (workload size, scale to zero) are the bundle's, carried along unchanged; the
# server may fill in defaults for them, which must not count as a difference.
KEY_FIELDS = ("name", "entity_name", "entity_version")


def _normal(config: dict) -> str:
    entities = sorted(({k: str(e.get(k)) for k in KEY_FIELDS}
                       for e in config.get("served_entities", [])), key=lambda e: e["name"])
    routes = sorted((str(r.get("served_entity_name")), int(r.get("traffic_percentage") or 0))
                    for r in (config.get("traffic_config") or {}).get("routes", []))
    return json.dumps({"e": entities, "r": routes}, sort_keys=True)


def same(a: dict, b: dict) -> bool:
    """The same versions served by the same variants at the same split."""
    return _normal(a) == _normal(b)


def versions_of(config: dict) -> dict[str, str]:
    return {e["name"]: str(e.get("entity_version")) for e in config["served_entities"]}


def describe(config: dict) -> str:
    """"champion v3 90%, challenger v4 10%"."""
    traffic = {r.get("served_entity_name"): r.get("traffic_percentage")
               for r in config["traffic_config"]["routes"]}
    return ", ".join(
        f"{e['name']} v{e.get('entity_version')} {traffic.get(e['name'], 0)}%"
        for e in config["served_entities"]
    )


def _state(endpoint: Any) -> tuple[str, str]:
    state = endpoint.state
    ready = getattr(getattr(state, "ready", None), "value", "UNKNOWN")
    update = getattr(getattr(state, "config_update", None), "value", "UNKNOWN")
    return ready, update


def _entity_problems(endpoint: Any, *, pending: bool = False) -> list[str]:
    """Served entities that are not deployed: of the live config, or of the pending one (an
    update in progress, or the one that failed)."""
    config = endpoint.pending_config if pending else endpoint.config
    problems = []
    for entity in (config.served_entities if config else None) or []:
        state = entity.state
        deployment = getattr(getattr(state, "deployment", None), "value", "UNKNOWN")
        if deployment != "DEPLOYMENT_READY":
            message = getattr(state, "deployment_state_message", "") or ""
            problems.append(f"{entity.name} is {deployment}" + (f": {message}" if message else ""))
    return problems


def wait_until_settled(
    w: Any,
    name: str,
    *,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    timeout_s: float = READY_TIMEOUT_S,
    poll_s: float = 15.0,
    expect: dict | None = None,
    raise_on_failed: bool = True,
    say: Callable[[str], None] = lambda text: None,
) -> Any:
    """Wait until no configuration update is in progress, and return the endpoint.

    With `expect`, wait until the endpoint serves that configuration (an update just sent may
    take a moment to show as in progress); a failed or cancelled update raises. Without it, a
    failed update of the past counts as settled when `raise_on_failed` is false.
    """
    deadline = clock() + timeout_s
    grace = 3  # polls during which a just-sent update may still show the state before it
    seen_progress = False
    while True:
        endpoint = get_endpoint(w, name)
        ready, update = _state(endpoint)
        seen_progress = seen_progress or update == "IN_PROGRESS"
        stale = expect is not None and not seen_progress and grace > 0
        if update in ("UPDATE_FAILED", "UPDATE_CANCELED") and not stale:
            if raise_on_failed or expect is not None:
                detail = "; ".join(_entity_problems(endpoint, pending=True)
                                   or _entity_problems(endpoint)) or "no detail from the endpoint"
                raise TaskError(f"endpoint {name}: configuration update {update}: {detail}")
            return endpoint
        if update == "NOT_UPDATING":
            if expect is None or same(snapshot(endpoint), expect):
                return endpoint
            if not stale:
                raise TaskError(f"endpoint {name} is not updating, but does not serve the "
                                f"configuration sent: it serves {describe(snapshot(endpoint))}")
        if expect is not None and not seen_progress:
            grace -= 1
        if clock() >= deadline:
            raise TaskError(f"endpoint {name} still {update} after {timeout_s / 60:.0f} min")
        say(f"  {name}: {ready}, {update}; checking again in {poll_s:.0f} s")
        sleep(poll_s)


def apply(
    w: Any,
    name: str,
    config: dict,
    *,
    limiter: Any,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    timeout_s: float = READY_TIMEOUT_S,
    say: Callable[[str], None] = lambda text: None,
) -> Any:
    """Send `config` to the endpoint (throttled) and wait until it is served and ready."""
    from databricks.sdk.service.serving import ServedEntityInput, TrafficConfig

    waited = limiter.acquire()
    if waited:
        say(f"  waited {waited:.0f} s for the endpoint update limit of this workspace")
    from databricks.sdk.errors import ResourceConflict

    try:
        w.serving_endpoints.update_config(
            name=name,
            served_entities=[ServedEntityInput.from_dict(e) for e in config["served_entities"]],
            traffic_config=TrafficConfig.from_dict(config["traffic_config"]),
        )
    except ResourceConflict as err:
        # Another update started after the wait: sending ours anyway could undo it, so stop
        # with a reason the records keep (rollback and the next run read it).
        first = (str(err).splitlines() or [""])[0]
        raise TaskError(f"endpoint {name}: another configuration update started before this "
                        f"one was sent ({first}); nothing was changed") from None
    endpoint = wait_until_settled(w, name, clock=clock, sleep=sleep, timeout_s=timeout_s,
                                  expect=config, say=say)
    ready, _ = _state(endpoint)
    if ready != "READY":
        detail = "; ".join(_entity_problems(endpoint))
        raise TaskError(f"endpoint {name} is {ready} after the update"
                        + (f": {detail}" if detail else ""))
    return endpoint


def limiter_for(records: Any, ctx: Any) -> Any:
    """The endpoint update limiter of this workspace, fed with the operations already recorded."""
    from ..throttle import WINDOW_SECONDS, RateLimiter

    history = records.operation_times(since=ctx.clock() - WINDOW_SECONDS)
    return RateLimiter(clock=ctx.clock, sleep=ctx.sleep, history=history)


def update_endpoint(args, ctx) -> int:
    """update-endpoint: bring the endpoint to the resolved versions, keeping its traffic split."""
    from ..models import check_full_name
    from ..records import Records
    from .versions import as_versions, parse_aliases, resolve

    model = check_full_name(args.model)
    dry_run = parse_bool(args.dry_run)
    w = ctx.workspace()
    records = Records(w, args.records, args.endpoint, clock=ctx.clock, dry_run=dry_run)
    endpoint = wait_until_settled(w, args.endpoint, clock=ctx.clock, sleep=ctx.sleep,
                                  raise_on_failed=False, say=ctx.say)
    current = snapshot(endpoint)
    if args.versions:
        try:
            versions = {str(k): str(v) for k, v in json.loads(args.versions).items()}
        except (ValueError, AttributeError):
            raise TaskError(f"--versions must be a JSON object of variant: version, not "
                            f"{args.versions!r}") from None
    else:
        variants = served_names(endpoint)
        versions = as_versions(resolve(w, model, variants, parse_aliases(args.aliases)))
    desired = with_versions(current, model, versions)
    ctx.say(f"{args.endpoint} now: {describe(current)}")
    if same(current, desired):
        records.write("unchanged", args.run_id, outcome="unchanged", config=current)
        ctx.say(f"{args.endpoint} already serves the resolved versions; nothing to update")
        return 0
    ctx.say(f"{args.endpoint} to:  {describe(desired)}")
    if dry_run:
        ctx.say("dry run: the endpoint is not changed")
        return 0
    try:
        apply(w, args.endpoint, desired, limiter=limiter_for(records, ctx), clock=ctx.clock,
              sleep=ctx.sleep, timeout_s=args.timeout_minutes * 60, say=ctx.say)
    except TaskError as err:
        records.write("update", args.run_id, outcome="failed", reasons=[str(err)],
                      previous_config=current, config=desired)
        raise
    records.write("update", args.run_id, outcome="applied", previous_config=current, config=desired)
    ctx.say(f"{args.endpoint} is ready and serves {describe(desired)}")
    return 0


def register(commands) -> None:
    p = commands.add_parser("update-endpoint", help="Serve the resolved versions; wait.")
    p.add_argument("--endpoint", required=True)
    p.add_argument("--model", required=True, help="<catalog>.<schema>.<name> in this region.")
    p.add_argument("--versions", default="",
                   help='JSON {"variant": version} from resolve-versions; empty: resolve again.')
    p.add_argument("--aliases", default="", help="variant[=alias],... (when --versions is empty).")
    p.add_argument("--records", required=True, help="Volume of the deployment records.")
    p.add_argument("--run-id", default="manual", help="Job run id, for the records.")
    p.add_argument("--dry-run", default="false", help="true: report, change nothing.")
    p.add_argument("--timeout-minutes", type=float, default=READY_TIMEOUT_S / 60)
    p.set_defaults(run=update_endpoint)
