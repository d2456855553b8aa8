"""Roll back: restore the last configuration that passed evaluation and move the aliases back.

Runs when the update or the evaluation of this job run failed. It reads the deployment
records: the newest passed evaluation of the endpoint holds the configuration to restore
(versions and split) and the version that was behind each alias then. In the primary region
it moves every alias that has moved since back to that version (an alias that did not exist
then is removed), so the next `bundle deploy`, which resolves the aliases, deploys the good
versions again. A replica region reads the aliases through the share and cannot move them;
it restores its endpoint only. Every rollback is recorded with the reason.
"""

from __future__ import annotations

from typing import Any

from ..errors import TaskError
from ..runtime import parse_bool


def failure_reasons(records: Any, run_id: str) -> list[str]:
    """Why this run failed, from its own records (an update that failed, a failed evaluation)."""
    reasons: list[str] = []
    for record in records.of_run(run_id):
        if record.get("outcome") == "failed":
            reasons += record.get("reasons") or []
    return reasons or ["the update or the evaluation task failed before recording a reason "
                       "(see the failed task's output)"]


def move_aliases_back(
    w: Any, model: str, wanted: dict[str, str | None], *, dry_run: bool
) -> list[str]:
    """Put each alias back on the version it had in the good configuration."""
    from ..models import version_behind

    moved = []
    for alias, version in sorted(wanted.items()):
        now = version_behind(w, model, alias)
        if now == version:
            continue
        if version is None:
            moved.append(f"@{alias}: removed (was version {now})")
            if not dry_run:
                w.registered_models.delete_alias(model, alias)
        else:
            moved.append(f"@{alias}: version {now} -> {version}")
            if not dry_run:
                w.registered_models.set_alias(model, alias, int(version))
    return moved


def rollback(args, ctx) -> int:
    from ..models import check_full_name
    from ..records import Records
    from .endpoint import apply, describe, limiter_for, same, snapshot, wait_until_settled

    model = check_full_name(args.model)
    dry_run = parse_bool(args.dry_run)
    w = ctx.workspace()
    records = Records(w, args.records, args.endpoint, clock=ctx.clock, dry_run=dry_run)
    reasons = failure_reasons(records, args.run_id)
    ctx.say(f"rolling back {args.endpoint}: " + "; ".join(reasons))

    good = records.last_passed()
    if good is None and dry_run:
        ctx.say("dry run: no passed evaluation on record (dry runs record none), so nothing "
                "would be restored")
        return 0
    if good is None:
        records.write("rollback-noop", args.run_id, outcome="nothing-to-restore", reasons=reasons)
        raise TaskError(
            f"no configuration of {args.endpoint} has passed evaluation yet, so there is nothing "
            "to roll back to; the endpoint stays as it is. Fix the cause and deploy again"
        )
    endpoint = wait_until_settled(w, args.endpoint, clock=ctx.clock, sleep=ctx.sleep,
                                  say=ctx.say, raise_on_failed=False)
    current = snapshot(endpoint)
    target = good["config"]
    ctx.say(f"  now:      {describe(current)}")
    ctx.say(f"  restore:  {describe(target)} "
            f"(passed in run {good.get('run_id')}, {good.get('time')})")

    restored = False
    if same(current, target):
        ctx.say("  the endpoint already serves that configuration")
    elif dry_run:
        ctx.say("  dry run: the endpoint is not changed")
    else:
        try:
            apply(w, args.endpoint, target, limiter=limiter_for(records, ctx), clock=ctx.clock,
                  sleep=ctx.sleep, timeout_s=args.timeout_minutes * 60, say=ctx.say)
        except TaskError as err:
            records.write("rollback", args.run_id, outcome="failed", reasons=reasons,
                          error=str(err), from_config=current, config=target,
                          restored_from_run=good.get("run_id"))
            raise TaskError(f"rollback of {args.endpoint} failed: {err}") from None
        restored = True

    if args.role == "primary":
        moved = move_aliases_back(w, model, good.get("alias_versions") or {}, dry_run=dry_run)
        alias_note = "; ".join(moved) if moved else "aliases already on the good versions"
    else:
        moved = []
        alias_note = ("aliases not moved: a replica reads them through the share; they are "
                      "owned by the primary region")
    ctx.say(f"  {alias_note}")
    records.write(
        "rollback" if restored else "rollback-noop", args.run_id,
        outcome="restored" if restored else "already-restored",
        reasons=reasons, from_config=current, config=target,
        restored_from_run=good.get("run_id"), moved_aliases=moved, alias_note=alias_note,
    )
    ctx.say(f"{args.endpoint} serves the last configuration that passed; this run still fails "
            "because of: " + "; ".join(reasons))
    return 0


def register(commands) -> None:
    p = commands.add_parser("rollback", help="Restore the last configuration that passed.")
    p.add_argument("--endpoint", required=True)
    p.add_argument("--model", required=True, help="<catalog>.<schema>.<name> in this region.")
    p.add_argument("--role", required=True, choices=("primary", "replica"),
                   help="The primary region moves aliases back; a replica cannot.")
    p.add_argument("--records", required=True, help="Volume of the deployment records.")
    p.add_argument("--run-id", default="manual", help="The failed job run.")
    p.add_argument("--dry-run", default="false", help="true: report, change nothing.")
    p.add_argument("--timeout-minutes", type=float, default=40.0)
    p.set_defaults(run=rollback)
