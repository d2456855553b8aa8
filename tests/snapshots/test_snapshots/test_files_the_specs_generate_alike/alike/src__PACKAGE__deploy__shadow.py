"""shadow-score: shadow variants answer recorded requests next to the champion; never served.

A shadow variant has 0% of live traffic (`bundlegen traffic add-variant --shadow`). This task
takes the newest successful requests the endpoint recorded in its inference table, sends each
to the champion's served entity and to each shadow variant's served entity directly
(`/serving-endpoints/<endpoint>/served-models/<entity>/invocations`, which bypasses the
routes), and compares answers and latency. The comparison is printed and recorded. The task
never changes the endpoint; it fails only when a shadow variant has live traffic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import TaskError, UsageError
from ..runtime import parse_bool

MAX_REQUESTS = 1000
EXAMPLES = 5  # disagreements kept in the record


def invoke(w: Any, endpoint: str, entity: str | None = None) -> Callable[[dict], list]:
    """Send one request body, as it is, to the endpoint (or to one of its served entities,
    whatever the routes say) and return its predictions. Every path that scores requests
    (evaluation, shadow scoring) sends them this way, so each accepts the same bodies: any
    input format of the REST API, with `params`."""
    path = f"/serving-endpoints/{endpoint}/invocations" if entity is None else \
        f"/serving-endpoints/{endpoint}/served-models/{entity}/invocations"

    def query(request: dict) -> list:
        response = w.api_client.do("POST", path, body=request)
        return list((response or {}).get("predictions") or [])

    return query


def _stats(latencies: list[float], errors: int) -> dict:
    from .evaluate import percentile

    if not latencies:
        return {"requests": 0, "errors": errors}
    return {"requests": len(latencies), "errors": errors,
            "p50_ms": round(percentile(latencies, 50), 1),
            "p95_ms": round(percentile(latencies, 95), 1)}


def compare(champion: Callable[[dict], list], shadow: Callable[[dict], list],
            requests: list[dict], *, timer: Callable[[], float]) -> dict:
    """How often the shadow answers as the champion does, and how fast each answers."""
    times: dict[str, list[float]] = {"champion": [], "shadow": []}
    errors = {"champion": 0, "shadow": 0}
    agree, compared, examples = 0, 0, []
    for request in requests:
        answers = {}
        for role, query in (("champion", champion), ("shadow", shadow)):
            start = timer()
            try:
                answers[role] = query(request)
            except Exception:  # an error is an outcome of the comparison, not of the task
                errors[role] += 1
                answers[role] = None
            times[role].append((timer() - start) * 1000)
        if answers["champion"] is None or answers["shadow"] is None:
            continue
        compared += 1
        if answers["champion"] == answers["shadow"]:
            agree += 1
        elif len(examples) < EXAMPLES:
            examples.append({"request": request, "champion": answers["champion"],
                             "shadow": answers["shadow"]})
    return {
        "requests": len(requests),
        "compared": compared,
        "agreement": round(agree / compared, 4) if compared else None,
        "disagreements": examples,
        "champion_latency": _stats(times["champion"], errors["champion"]),
        "shadow_latency": _stats(times["shadow"], errors["shadow"]),
    }


def run_shadow(args, ctx) -> int:
    from ..records import Records
    from .endpoint import get_endpoint, snapshot, split_of, versions_of
    from .versions import order_variants, parse_aliases

    shadows = [name.strip() for name in (args.shadow or "").split(",") if name.strip()]
    if not shadows:
        ctx.say("no shadow variants (the shadow parameter is empty)")
        return 0
    if not 1 <= args.requests <= MAX_REQUESTS:
        raise UsageError(f"--requests must be 1 to {MAX_REQUESTS}")
    w = ctx.workspace()
    records = Records(w, args.records, args.endpoint, clock=ctx.clock,
                      dry_run=parse_bool(args.dry_run))
    config = snapshot(get_endpoint(w, args.endpoint))
    versions, split = versions_of(config), split_of(config)
    unknown = [name for name in shadows if name not in versions]
    if unknown:
        raise UsageError(f"--shadow: {args.endpoint} serves no variant "
                         f"{', '.join(unknown)} (it serves {', '.join(versions)})")
    live = [f"{name} {split[name]}%" for name in shadows if split.get(name, 0) > 0]
    if live:
        raise TaskError(f"a shadow variant must have no live traffic, but {args.endpoint} routes "
                        + ", ".join(live) + " to it: fix the split in serving/databricks.yml")
    champion = order_variants(list(versions), parse_aliases(args.aliases))[0]
    requests = ctx.recorded_requests(w, args.inference_table, args.requests)
    if not requests:
        ctx.say(f"no recorded requests in {args.inference_table} yet; nothing to compare")
        for name in shadows:
            records.write("shadow", args.run_id, outcome="no-requests", variant=name,
                          champion=champion, source=args.inference_table)
        return 0
    for name in shadows:
        result = compare(invoke(w, args.endpoint, champion),
                         invoke(w, args.endpoint, name), requests, timer=ctx.timer)
        agreement = result["agreement"]
        ours, theirs = result["shadow_latency"], result["champion_latency"]
        ctx.say(f"shadow {name} v{versions[name]} against {champion} v{versions[champion]}: "
                f"{result['compared']} of {result['requests']} recorded requests compared, "
                + (f"{agreement:.1%} same answers" if agreement is not None else "none answered")
                + f"; p95 {ours.get('p95_ms', '-')} ms against {theirs.get('p95_ms', '-')} ms, "
                f"errors {ours['errors']} against {theirs['errors']}")
        records.write("shadow", args.run_id, outcome="compared", variant=name, champion=champion,
                      versions={champion: versions[champion], name: versions[name]},
                      source=args.inference_table, **result)
    return 0


def register(commands) -> None:
    p = commands.add_parser("shadow-score",
                            help="Compare shadow variants with the champion on recorded requests.")
    p.add_argument("--shadow", default="", help="Shadow variants, comma-separated.")
    p.add_argument("--endpoint", required=True)
    p.add_argument("--aliases", default="", help="variant[=alias],...; the first is the champion.")
    p.add_argument("--inference-table", required=True,
                   help="<catalog>.<schema>.<table>: the endpoint's inference table.")
    p.add_argument("--requests", type=int, default=100, help="Recorded requests to replay.")
    p.add_argument("--records", required=True, help="Volume of the deployment records.")
    p.add_argument("--run-id", default="manual")
    p.add_argument("--dry-run", default="false", help="true: compare, record nothing.")
    p.set_defaults(run=run_shadow)
