"""promote: a variant takes over as champion, once per promotion request.

`bundlegen traffic promote NAME` writes the deployment job's `promote` parameter,
"variant:<UTC time of the request>", which is the request's id. This task carries a request
out once; the deployment records remember it whatever the outcome. In the primary region it
moves the champion's alias (the base variant's, the first of `--aliases`) to the version behind
the variant's alias, keeps the version it had as @previous_<champion alias>, serves the
versions the aliases now give at the same split, and evaluates. If that fails it moves both
aliases back, restores the configuration before, and fails. A replica region reads the aliases
through the share and cannot move them: it records the request and serves what the primary
region promoted from its next deploy on. The end of a ramp (ramp.py) promotes the same way.
"""

from __future__ import annotations

from typing import Any

from ..errors import TaskError, UsageError
from ..runtime import parse_bool
from .versions import VARIANT_CHARS


def parse_request(text: str) -> tuple[str, str] | None:
    """"challenger:20250611T101500Z" -> ("challenger", the request id); "" -> None."""
    text = (text or "").strip()
    if not text:
        return None
    variant, sep, stamp = text.partition(":")
    if not sep or not variant or not stamp or set(variant) - set(VARIANT_CHARS):
        raise UsageError(f"--request: {text!r} is not <variant>:<request time>")
    return variant, text


def _set(w: Any, model: str, alias: str, version: str | None) -> None:
    if version is None:
        w.registered_models.delete_alias(model, alias)
    else:
        w.registered_models.set_alias(model, alias, int(version))


def promote(w: Any, ctx: Any, records: Any, args, *, variant: str, request: str, serve: dict,
            restore: dict, limiter: Any) -> None:
    """Promote `variant`, then serve the split of `serve` with the versions the aliases give
    and evaluate; on failure the aliases go back and `restore` is served again."""
    from ..models import check_full_name, require_version, version_behind
    from .endpoint import apply, describe, same, snapshot, wait_until_settled, with_versions
    from .evaluate import judge
    from .versions import as_versions, order_variants, parse_aliases, resolve

    model = check_full_name(args.model)
    aliases = parse_aliases(args.aliases)
    served = [e["name"] for e in serve["served_entities"]]
    base = order_variants(served, aliases)[0]
    base_alias, alias = aliases.get(base, base), aliases.get(variant, variant)
    fields = {"request": request, "variant": variant, "alias": alias, "champion_alias": base_alias}
    if variant not in served or variant == base or alias == base_alias:
        why = (f"{args.endpoint} serves no variant {variant!r}" if variant not in served
               else f"{variant} serves @{base_alias}, the champion, already")
        records.write("promotion", args.run_id, outcome="refused", reasons=[why], **fields)
        raise UsageError(f"promotion {request} refused: {why}")

    previous = f"previous_{base_alias}"
    old = new = earlier = None
    moved: list[str] = []
    if args.role == "primary":
        new = version_behind(w, model, alias)
        if new is None:
            why = f"no version of {model} is behind @{alias}"
            records.write("promotion", args.run_id, outcome="refused", reasons=[why], **fields)
            raise TaskError(f"promotion {request} refused: {why}")
        old = require_version(w, model, base_alias)
        earlier = version_behind(w, model, previous)
        if old != new:
            _set(w, model, previous, old)
            _set(w, model, base_alias, new)
            moved = [f"@{base_alias}: version {old} -> {new}",
                     f"@{previous}: version {earlier or 'none'} -> {old}"]
        note = "; ".join(moved) or f"@{base_alias} is on version {new} already"
    else:
        note = (f"aliases not moved: a replica reads them through the share; the primary "
                f"region moves @{base_alias}")
    ctx.say(f"promoting {variant}: {note}")

    config = with_versions(serve, model, as_versions(resolve(w, model, served, aliases)))
    reasons: list[str] = []
    try:
        current = snapshot(wait_until_settled(w, args.endpoint, clock=ctx.clock, sleep=ctx.sleep,
                                              raise_on_failed=False, say=ctx.say))
        if not same(current, config):
            ctx.say(f"  serving {describe(config)}")
            apply(w, args.endpoint, config, limiter=limiter, clock=ctx.clock, sleep=ctx.sleep,
                  say=ctx.say)
        report = judge(w, ctx, records, args, promotion=request)
        reasons = report.reasons
    except TaskError as err:
        reasons = [str(err)]
    if reasons:
        if moved:
            _set(w, model, base_alias, old)
            _set(w, model, previous, earlier)
        current = snapshot(wait_until_settled(w, args.endpoint, clock=ctx.clock, sleep=ctx.sleep,
                                              raise_on_failed=False, say=ctx.say))
        if not same(current, restore):
            apply(w, args.endpoint, restore, limiter=limiter, clock=ctx.clock, sleep=ctx.sleep,
                  say=ctx.say)
        records.write("promotion", args.run_id, outcome="failed", reasons=reasons,
                      from_version=old, to_version=new, moved_aliases=moved, config=config,
                      restored_config=restore, **fields)
        back = f"; @{base_alias} is back on version {old}" if moved else ""
        raise TaskError(f"promotion of {variant} failed: " + "; ".join(reasons)
                        + f"{back}; the endpoint serves {describe(restore)} again")
    records.write("promotion", args.run_id,
                  outcome="promoted" if args.role == "primary" else "primary-only",
                  from_version=old, to_version=new, moved_aliases=moved, alias_note=note,
                  config=config, **fields)
    ctx.say(f"{variant} promoted; {args.endpoint} serves {describe(config)}")


def run_promote(args, ctx) -> int:
    from ..models import check_full_name
    from ..records import Records
    from .endpoint import limiter_for, snapshot, wait_until_settled
    from .evaluate import budget_of

    found = parse_request(args.request)
    if found is None:
        ctx.say("no promotion requested (the promote parameter is empty)")
        return 0
    variant, request = found
    check_full_name(args.model)
    budget_of(args)
    dry_run = parse_bool(args.dry_run)
    w = ctx.workspace()
    records = Records(w, args.records, args.endpoint, clock=ctx.clock, dry_run=dry_run)
    done = records.find("promotion", request=request)
    if done:
        ctx.say(f"promotion request {request} was carried out in run {done[-1]['run_id']} "
                f"({done[-1]['outcome']}); a request runs once")
        return 0
    if dry_run:
        ctx.say(f"dry run: would promote {variant} (request {request})")
        return 0
    current = snapshot(wait_until_settled(w, args.endpoint, clock=ctx.clock, sleep=ctx.sleep,
                                          say=ctx.say))
    promote(w, ctx, records, args, variant=variant, request=request, serve=current,
            restore=current, limiter=limiter_for(records, ctx))
    return 0


def register(commands) -> None:
    from .evaluate import add_evaluation_arguments

    p = commands.add_parser("promote", help="Carry out a promotion request, once.")
    p.add_argument("--request", default="",
                   help="variant:<request time> (the job's promote parameter).")
    p.add_argument("--role", required=True, choices=("primary", "replica"),
                   help="The primary region moves aliases; a replica cannot.")
    add_evaluation_arguments(p)
    p.set_defaults(run=run_promote)
