"""ramp: raise a new version of a variant step by step, evaluating each step; promote at 100.

The plan is the deployment job's `ramp` parameter, "variant:25,50,100", which
`bundlegen traffic ramp` writes. It applies when this run's update gave the variant a newer
version (the one behind its alias) that the champion does not serve yet: the deploy exposed it
at the variant's committed share and the evaluate task passed it there. Each step then sets the
variant's share (the others keep their proportions of the rest), waits until the endpoint
serves it and evaluates it as the evaluate task does. A step that fails restores the last step
that passed, moves the variant's alias back to the version it had before (primary region),
records why and fails the task. At 100 the variant is promoted (promote.py): the champion's
alias moves to its version and the endpoint returns to the committed split.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import TaskError, UsageError
from ..runtime import parse_bool
from .versions import VARIANT_CHARS


@dataclass(frozen=True)
class Plan:
    variant: str
    steps: tuple[int, ...]


def parse_plan(text: str) -> Plan | None:
    """"challenger:25,50,100" -> Plan; "" -> None (no ramp planned)."""
    text = (text or "").strip()
    if not text:
        return None
    variant, sep, rest = text.partition(":")
    problem = f"--plan: {text!r} is not <variant>:<step>,<step>,... ending at 100"
    if not sep or not variant or set(variant) - set(VARIANT_CHARS):
        raise UsageError(problem)
    try:
        steps = tuple(int(step) for step in rest.split(","))
    except ValueError:
        raise UsageError(problem) from None
    if (not all(1 <= s <= 100 for s in steps) or steps[-1] != 100
            or any(b <= a for a, b in zip(steps, steps[1:], strict=False))):
        raise UsageError(f"{problem}, strictly increasing")
    return Plan(variant, steps)


def _newer(after: str, before: str | None) -> bool:
    if before is None:
        return True
    if after.isdigit() and before.isdigit():
        return int(after) > int(before)
    return after != before


def new_version(records: Any, run_id: str, variant: str) -> tuple[str | None, str] | None:
    """(version before, version now) when this run's update gave the variant a newer version
    (not an older one: that is an alias moved back, after a rollback or a failed ramp)."""
    from .endpoint import versions_of

    for record in records.of_run(run_id):
        if record.get("event") == "update" and record.get("outcome") == "applied":
            before = versions_of(record["previous_config"]).get(variant)
            after = versions_of(record["config"]).get(variant)
            if after is not None and _newer(after, before):
                return before, after
    return None


def _restore(w: Any, ctx: Any, records: Any, args, *, plan: Plan, step: int, good: dict,
             old: str | None, new: str, reasons: list[str], limiter: Any) -> TaskError:
    """After a failed step: the last step that passed again, the variant's alias moved back."""
    from .endpoint import apply, describe, same, snapshot, split_of, wait_until_settled
    from .rollback import move_aliases_back
    from .versions import parse_aliases

    endpoint = wait_until_settled(w, args.endpoint, clock=ctx.clock, sleep=ctx.sleep,
                                  raise_on_failed=False, say=ctx.say)
    current = snapshot(endpoint)
    restored = not same(current, good)
    if restored:
        try:
            apply(w, args.endpoint, good, limiter=limiter, clock=ctx.clock, sleep=ctx.sleep,
                  say=ctx.say)
        except TaskError as err:
            records.write("rollback", args.run_id, outcome="failed", ramp_failed=True,
                          variant=plan.variant, failed_step=step, reasons=reasons,
                          error=str(err), from_config=current, config=good)
            raise TaskError(f"ramp of {plan.variant} failed at {step}% and restoring the last "
                            f"step that passed failed too: {err}") from None
    alias = parse_aliases(args.aliases).get(plan.variant, plan.variant)
    if args.role == "primary":
        from ..models import check_full_name

        moved = move_aliases_back(w, check_full_name(args.model), {alias: old}, dry_run=False)
        note = "; ".join(moved) or f"@{alias} already on version {old}"
    else:
        moved, note = [], (f"@{alias} not moved: a replica reads it through the share; the "
                           "primary region owns it")
    records.write("rollback" if restored else "rollback-noop", args.run_id,
                  outcome="restored" if restored else "already-restored", ramp_failed=True,
                  variant=plan.variant, version=new, failed_step=step, reasons=reasons,
                  from_config=current, config=good, moved_aliases=moved, alias_note=note)
    share = split_of(good).get(plan.variant, 0)
    ctx.say(f"  restored {describe(good)}; {note}")
    return TaskError(f"ramp of {plan.variant} version {new} failed at {step}%: "
                     + "; ".join(reasons)
                     + f". It serves the last step that passed ({plan.variant} {share}%); {note}")


def run_ramp(args, ctx) -> int:
    from ..models import check_full_name
    from ..records import Records
    from .endpoint import (
        apply,
        describe,
        limiter_for,
        snapshot,
        split_of,
        versions_of,
        wait_until_settled,
        with_share,
        with_split,
    )
    from .evaluate import budget_of, judge
    from .promote import promote
    from .versions import order_variants, parse_aliases

    plan = parse_plan(args.plan)
    if plan is None:
        ctx.say("no ramp planned (the ramp parameter is empty)")
        return 0
    check_full_name(args.model)
    budget_of(args)
    dry_run = parse_bool(args.dry_run)
    w = ctx.workspace()
    records = Records(w, args.records, args.endpoint, clock=ctx.clock, dry_run=dry_run)
    endpoint = wait_until_settled(w, args.endpoint, clock=ctx.clock, sleep=ctx.sleep, say=ctx.say)
    committed = snapshot(endpoint)
    versions = versions_of(committed)
    if plan.variant not in versions:
        raise UsageError(f"--plan: {args.endpoint} serves no variant {plan.variant!r} "
                         f"(it serves {', '.join(versions)})")
    base = order_variants(list(versions), parse_aliases(args.aliases))[0]
    if plan.variant == base:
        raise UsageError(f"--plan: {plan.variant} is the champion (the base variant); a ramp "
                         "raises another variant and then promotes it")
    change = new_version(records, args.run_id, plan.variant)
    if change is None:
        ctx.say(f"{plan.variant} got no new version in this run; nothing to ramp")
        return 0
    old, new = change
    if versions.get(base) == new:
        ctx.say(f"the champion serves version {new} already; nothing to ramp")
        return 0
    split = split_of(committed)
    steps = [s for s in plan.steps if s > split.get(plan.variant, 0)]
    ctx.say(f"ramping {plan.variant} version {new} from {split.get(plan.variant, 0)}% through "
            + ", ".join(f"{s}%" for s in steps))
    if dry_run:
        ctx.say("dry run: the endpoint is not changed")
        return 0
    # Where the variant's alias goes back to if a step fails: the version it had when the
    # endpoint last passed before this run (none: the alias did not exist, it is removed).
    earlier = records.last_passed(exclude_run=args.run_id)
    alias = parse_aliases(args.aliases).get(plan.variant, plan.variant)
    if earlier is not None:
        old = (earlier.get("alias_versions") or {}).get(alias)
    limiter = limiter_for(records, ctx)
    good = committed
    for step in steps:
        config = with_split(committed, with_share(split, plan.variant, step))
        ctx.say(f"step {step}%: {describe(config)}")
        try:
            apply(w, args.endpoint, config, limiter=limiter, clock=ctx.clock, sleep=ctx.sleep,
                  say=ctx.say)
        except TaskError as err:
            records.write("ramp-step", args.run_id, outcome="failed", variant=plan.variant,
                          step=step, reasons=[str(err)], previous_config=good, config=config)
            raise _restore(w, ctx, records, args, plan=plan, step=step, good=good, old=old,
                           new=new, reasons=[str(err)], limiter=limiter) from None
        records.write("ramp-step", args.run_id, outcome="applied", variant=plan.variant,
                      step=step, previous_config=good, config=config)
        report = judge(w, ctx, records, args,
                       ramp={"variant": plan.variant, "step": step, "version": new})
        if not report.passed:
            raise _restore(w, ctx, records, args, plan=plan, step=step, good=good, old=old,
                           new=new, reasons=report.reasons, limiter=limiter)
        good = config
    ctx.say(f"{plan.variant} version {new} passed every step; promoting it")
    promote(w, ctx, records, args, variant=plan.variant,
            request=f"ramp:{plan.variant}:{new}:{args.run_id}", serve=committed, restore=good,
            limiter=limiter)
    return 0


def register(commands) -> None:
    from .evaluate import add_evaluation_arguments

    p = commands.add_parser("ramp", help="Raise a new version step by step; promote at 100%%.")
    p.add_argument("--plan", default="", help="variant:step,step,... (the job's ramp parameter).")
    p.add_argument("--role", required=True, choices=("primary", "replica"),
                   help="The primary region moves aliases; a replica cannot.")
    add_evaluation_arguments(p)
    p.set_defaults(run=run_ramp)
