"""Is the endpoint good enough to keep? Health, edge cases, then a bounded load test.

- Health: the endpoint is READY, no update is in progress, every served entity of the live
  configuration is deployed (an earlier update that failed left the live one serving).
- Edge cases: the requests in data/edge_cases.jsonl, each with its expected outcome: "ok"
  (predictions come back, one per record, within `predictions_in` if given) or "error" (the
  endpoint refuses the request with a 4xx; a 5xx or an answer is a failure).
- Load test: one warm-up request, then `requests` requests, `concurrency` at a time, stopped
  after `max_seconds`. It passes when p95 latency is within the region's budget and the error
  rate at most `max_error_rate`. Latency is measured by the caller, the job, in the region.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Any

from ..errors import TaskError, UsageError
from ..runtime import parse_bool

EDGE_CASES = "edge_cases.jsonl"
MAX_REQUESTS = 1000
MAX_CONCURRENCY = 16


@dataclass(frozen=True)
class EdgeCase:
    name: str
    request: dict
    expect: str  # "ok" or "error"
    predictions_in: tuple | None = None


@dataclass
class Budget:
    p95_ms: float
    max_error_rate: float = 0.01
    requests: int = 50
    concurrency: int = 4
    max_seconds: float = 120.0


@dataclass
class Report:
    passed: bool = True
    reasons: list[str] = field(default_factory=list)
    health: str = ""
    edge_cases: list[dict] = field(default_factory=list)
    latency: dict = field(default_factory=dict)

    def fail(self, reason: str) -> None:
        self.passed = False
        self.reasons.append(reason)

    def as_dict(self) -> dict:
        return asdict(self)


# ------------------------------------------------------------------ data


def parse_edge_cases(text: str, source: str = EDGE_CASES) -> list[EdgeCase]:
    cases = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            item = json.loads(line)
        except ValueError as err:
            raise UsageError(f"{where}: not JSON: {err}") from None
        if not isinstance(item, dict) or not isinstance(item.get("request"), dict):
            raise UsageError(f"{where}: needs a \"request\" object")
        expect = item.get("expect", "ok")
        if expect not in ("ok", "error"):
            raise UsageError(f"{where}: \"expect\" must be \"ok\" or \"error\", not {expect!r}")
        allowed = item.get("predictions_in")
        cases.append(EdgeCase(str(item.get("name") or where), item["request"], expect,
                              tuple(allowed) if allowed is not None else None))
    return cases


def load_edge_cases(path: str | None = None) -> list[EdgeCase]:
    """The edge cases shipped in the package, or those of another file (--edge-cases)."""
    if path:
        with open(path, encoding="utf-8") as handle:
            return parse_edge_cases(handle.read(), path)
    text = resources.files(__package__.rsplit(".", 1)[0]).joinpath("data", EDGE_CASES)
    return parse_edge_cases(text.read_text(encoding="utf-8"))


def load_test_requests(count: int) -> list[dict]:
    """`count` single-record requests drawn from the example data (features.py)."""
    from ..features import feature_records, generate

    return [{"dataframe_records": [record]}
            for record in feature_records(generate(count, seed=1234))]


# ------------------------------------------------------------------ checks


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def _is_client_error(err: Exception) -> bool:
    from databricks.sdk.errors import BadRequest

    return isinstance(err, BadRequest)


def _short(err: Exception) -> str:
    text = str(err).splitlines()[0] if str(err) else ""
    return f"{type(err).__name__}: {text[:200]}"


def check_health(endpoint: Any, report: Report) -> None:
    from .endpoint import _entity_problems, _state

    ready, update = _state(endpoint)
    report.health = f"{ready}, {update}"
    if ready != "READY":
        report.fail(f"endpoint is {ready}")
    if update == "IN_PROGRESS":
        report.fail("a configuration update is still in progress")
    for problem in _entity_problems(endpoint):
        report.fail(f"served entity {problem}")


def run_edge_cases(query: Callable[[dict], list], cases: list[EdgeCase], report: Report) -> None:
    for case in cases:
        records = case.request.get("dataframe_records")
        try:
            predictions = query(case.request)
        except Exception as err:  # whatever the endpoint answers is the result
            if case.expect == "error" and _is_client_error(err):
                outcome, detail = True, f"refused as expected ({_short(err)})"
            elif case.expect == "error":
                outcome, detail = False, f"expected a 4xx refusal, got {_short(err)}"
            else:
                outcome, detail = False, f"failed: {_short(err)}"
        else:
            if case.expect == "error":
                outcome, detail = False, "expected a 4xx refusal, got predictions"
            elif isinstance(records, list) and len(predictions or []) != len(records):
                outcome = False
                detail = f"{len(predictions or [])} prediction(s) for {len(records)} record(s)"
            elif case.predictions_in is not None and any(
                p not in case.predictions_in for p in predictions
            ):
                outcome = False
                detail = f"predictions {predictions} not all in {list(case.predictions_in)}"
            else:
                outcome, detail = True, f"answered {predictions}"
        report.edge_cases.append({"name": case.name, "passed": outcome, "detail": detail})
        if not outcome:
            report.fail(f"edge case {case.name!r}: {detail}")


def load_test(
    query: Callable[[dict], list],
    requests: list[dict],
    budget: Budget,
    report: Report,
    *,
    timer: Callable[[], float],
) -> None:
    def one(request: dict) -> tuple[float, str | None]:
        start = timer()
        try:
            query(request)
            error = None
        except Exception as err:  # refused, 5xx or timed out: all count as errors
            error = _short(err)
        return (timer() - start) * 1000, error

    if not requests:
        raise UsageError("the load test needs at least one request")
    one(requests[0])  # warm-up: a scaled-to-zero endpoint's cold start is not the steady state
    latencies: list[float] = []
    errors: list[str] = []
    deadline = timer() + budget.max_seconds
    workers = max(1, budget.concurrency)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for start in range(0, len(requests), workers):
            if start and timer() >= deadline:  # the first round always runs
                break
            for ms, error in pool.map(one, requests[start : start + workers]):
                latencies.append(ms)
                if error:
                    errors.append(error)
    sent = len(latencies)
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    rate = len(errors) / sent
    report.latency = {"requests": sent, "errors": len(errors), "error_rate": round(rate, 4),
                      "p50_ms": round(p50, 1), "p95_ms": round(p95, 1),
                      "budget_p95_ms": budget.p95_ms}
    if sent < len(requests):
        report.fail(f"load test stopped at its {budget.max_seconds:.0f} s limit after {sent} of "
                    f"{len(requests)} requests")
    if p95 > budget.p95_ms:
        report.fail(f"p95 latency {p95:.0f} ms is over the budget of {budget.p95_ms:.0f} ms "
                    f"(p50 {p50:.0f} ms)")
    if rate > budget.max_error_rate:
        report.fail(f"error rate {rate:.1%} is over {budget.max_error_rate:.1%} "
                    f"({len(errors)} of {sent} requests failed, first: {errors[0]})")


def querier(w: Any, endpoint: str) -> Callable[[dict], list]:
    """Send one request body as it is (any input format the endpoint takes, and `params`)."""
    from .shadow import invoke

    return invoke(w, endpoint)


def evaluate(
    w: Any,
    endpoint_name: str,
    budget: Budget,
    cases: list[EdgeCase],
    requests: list[dict],
    *,
    timer: Callable[[], float],
) -> Report:
    from .endpoint import get_endpoint

    report = Report()
    check_health(get_endpoint(w, endpoint_name), report)
    if not report.passed:
        return report  # no point in querying an endpoint that is not up
    query = querier(w, endpoint_name)
    run_edge_cases(query, cases, report)
    load_test(query, requests, budget, report, timer=timer)
    return report


# ------------------------------------------------------------------ the task


def budget_of(args) -> Budget:
    """The load test's budget from the command line, refusing an unbounded test."""
    if args.latency_budget_ms <= 0:
        raise UsageError("--latency-budget-ms must be positive")
    if not 1 <= args.requests <= MAX_REQUESTS or not 1 <= args.concurrency <= MAX_CONCURRENCY:
        raise UsageError(f"--requests must be 1 to {MAX_REQUESTS} and --concurrency 1 to "
                         f"{MAX_CONCURRENCY}: the load test is bounded")
    return Budget(args.latency_budget_ms, args.max_error_rate, args.requests, args.concurrency,
                  args.max_seconds)


def judge(w: Any, ctx: Any, records: Any, args, **extra: Any) -> Report:
    """Evaluate the endpoint as it is now, say how it went and record the verdict (with the
    configuration and the version behind each alias, what a rollback restores)."""
    from ..models import check_full_name
    from .endpoint import get_endpoint, snapshot, versions_of
    from .versions import alias_versions, parse_aliases

    model = check_full_name(args.model)
    budget = budget_of(args)
    config = snapshot(get_endpoint(w, args.endpoint))
    aliases = parse_aliases(args.aliases)
    served = versions_of(config)
    alias_list = [aliases.get(v, v) for v in served]
    report = evaluate(w, args.endpoint, budget, load_edge_cases(args.edge_cases),
                      load_test_requests(args.requests), timer=ctx.timer)

    ctx.say(f"{args.endpoint} in {args.region}: health {report.health}")
    for case in report.edge_cases:
        ctx.say(f"  edge case {case['name']}: {'ok' if case['passed'] else 'FAILED'}, "
                f"{case['detail']}")
    if report.latency:
        lat = report.latency
        ctx.say(f"  load test: {lat['requests']} requests, p50 {lat['p50_ms']} ms, "
                f"p95 {lat['p95_ms']} ms (budget {lat['budget_p95_ms']:.0f}), "
                f"errors {lat['errors']}")
    records.write(
        "evaluation", args.run_id,
        outcome="passed" if report.passed else "failed",
        region=args.region,
        config=config,
        versions=served,
        aliases={v: aliases.get(v, v) for v in served},
        alias_versions=alias_versions(w, model, alias_list),
        report=report.as_dict(),
        reasons=report.reasons,
        **extra,
    )
    return report


def run_evaluate(args, ctx) -> int:
    """evaluate: judge the endpoint as it is now and record the verdict."""
    from ..records import Records

    budget_of(args)
    w = ctx.workspace()
    records = Records(w, args.records, args.endpoint, clock=ctx.clock,
                      dry_run=parse_bool(args.dry_run))
    report = judge(w, ctx, records, args)
    if not report.passed:
        raise TaskError("evaluation failed: " + "; ".join(report.reasons))
    ctx.say(f"{args.endpoint} passed: it is now the configuration a rollback returns to")
    return 0


def add_evaluation_arguments(p) -> None:
    """What every command that evaluates the endpoint takes (evaluate, ramp, promote)."""
    p.add_argument("--endpoint", required=True)
    p.add_argument("--model", required=True, help="<catalog>.<schema>.<name> in this region.")
    p.add_argument("--aliases", default="", help="variant[=alias],...; recorded with the verdict.")
    p.add_argument("--region", required=True, help="For the record and the messages.")
    p.add_argument("--latency-budget-ms", type=float, required=True, help="p95 budget.")
    p.add_argument("--max-error-rate", type=float, default=0.01)
    p.add_argument("--requests", type=int, default=50, help="Load test size (bounded).")
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--max-seconds", type=float, default=120.0, help="Load test time limit.")
    p.add_argument("--edge-cases", default="", help="JSON lines file; default: the package's.")
    p.add_argument("--records", required=True, help="Volume of the deployment records.")
    p.add_argument("--run-id", default="manual")
    p.add_argument("--dry-run", default="false", help="true: evaluate, record nothing.")


def register(commands) -> None:
    p = commands.add_parser("evaluate", help="Health, edge cases and a load test of the endpoint.")
    add_evaluation_arguments(p)
    p.set_defaults(run=run_evaluate)
