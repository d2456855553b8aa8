"""Delta Sharing, Databricks to Databricks: the primary region shares the model with a replica.

For one replica region: the share exists, holds the model (and the tables given), a recipient
stands for the replica's metastore (by its global metastore ID), and the recipient may read
the share. Each step first looks and only adds what is missing, so the job can run again at
any time: after adding a region it creates that region's recipient and grant and nothing else.
The tasks of several replicas run in parallel; one creating what another just created is fine.
Nothing is ever removed here (removing a region is a deliberate, manual step).
"""

from __future__ import annotations

import re
from typing import Any

from .errors import TaskError, UsageError
from .models import check_full_name

METASTORE_ID = re.compile(r"^(aws|azure|gcp):[a-z0-9-]+:[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")


def check_metastore_id(metastore_id: str, recipient: str) -> str:
    if not metastore_id:
        raise UsageError(
            f"--metastore-id is empty for recipient {recipient}. In the replica region's "
            "workspace run `databricks metastores summary` and copy its global_metastore_id "
            "(<cloud>:<region>:<uuid>). Put it in bundlegen.yml (regions[].metastore_id of that "
            "region) and, since editing bundlegen.yml does not rewrite files, also as the "
            "--metastore-id of this region's task in resources/sharing.job.yml; then deploy "
            "and run share_model again"
        )
    if not METASTORE_ID.match(metastore_id):
        raise UsageError(f"--metastore-id {metastore_id!r} is not a global metastore ID "
                         "(<cloud>:<region>:<uuid>, from `databricks metastores summary`)")
    return metastore_id


def _exists(error: Exception) -> bool:
    from databricks.sdk.errors import ResourceConflict

    return isinstance(error, ResourceConflict) or "already exists" in str(error).lower()


def ensure_share(w: Any, share: str) -> list[str]:
    from databricks.sdk.errors import NotFound

    try:
        w.shares.get(share)
        return []
    except NotFound:
        pass
    try:
        w.shares.create(share, comment="Models shared with the replica regions (bundlegen).")
    except Exception as err:
        if not _exists(err):
            raise
        return []  # another replica's task created it a moment ago
    return [f"created share {share}"]


def ensure_objects(w: Any, share: str, objects: list[tuple[str, str]]) -> list[str]:
    """Add each (name, type) missing from the share: ("<catalog>.<schema>.<model>", "MODEL")."""
    from databricks.sdk.service.sharing import (
        SharedDataObject,
        SharedDataObjectDataObjectType,
        SharedDataObjectUpdate,
        SharedDataObjectUpdateAction,
    )

    present = {o.name for o in (w.shares.get(share, include_shared_data=True).objects or [])}
    done = []
    for name, kind in objects:
        if name in present:
            continue
        update = SharedDataObjectUpdate(
            action=SharedDataObjectUpdateAction.ADD,
            data_object=SharedDataObject(
                name=name, data_object_type=SharedDataObjectDataObjectType(kind)
            ),
        )
        try:
            w.shares.update(share, updates=[update])
        except Exception as err:
            if not _exists(err):
                raise
            continue
        done.append(f"added {kind.lower()} {name} to share {share}")
    return done


def ensure_recipient(w: Any, recipient: str, metastore_id: str) -> list[str]:
    from databricks.sdk.errors import NotFound
    from databricks.sdk.service.sharing import AuthenticationType

    try:
        info = w.recipients.get(recipient)
    except NotFound:
        info = None
    if info is not None:
        if (info.data_recipient_global_metastore_id or "") != metastore_id:
            raise TaskError(
                f"recipient {recipient} exists for metastore "
                f"{info.data_recipient_global_metastore_id or '(open sharing)'}, "
                f"not {metastore_id}: "
                "check the metastore ID, or drop the recipient (databricks recipients delete) "
                "and run again"
            )
        return []
    try:
        w.recipients.create(
            recipient,
            AuthenticationType.DATABRICKS,
            data_recipient_global_metastore_id=metastore_id,
            comment="A replica region's metastore (bundlegen).",
        )
    except Exception as err:
        if not _exists(err):
            raise
        return []
    return [f"created recipient {recipient} for metastore {metastore_id}"]


def ensure_grant(w: Any, share: str, recipient: str) -> list[str]:
    from databricks.sdk.service.sharing import PermissionsChange

    granted = w.shares.share_permissions(share).privilege_assignments or []
    for assignment in granted:
        privileges = {getattr(p, "value", p) for p in assignment.privileges or []}
        if assignment.principal == recipient and "SELECT" in privileges:
            return []
    change = PermissionsChange(principal=recipient, add=["SELECT"])
    w.shares.update_permissions(share, changes=[change])
    return [f"granted SELECT on share {share} to {recipient}"]


def check_inputs(*, model: str, tables: list[str], recipient: str, metastore_id: str) -> None:
    check_metastore_id(metastore_id, recipient)
    check_full_name(model)
    for table in tables:
        check_full_name(table, "--tables")


def share_with(
    w: Any, *, share: str, model: str, tables: list[str], recipient: str, metastore_id: str
) -> list[str]:
    """Everything a replica needs to read the model; returns what was added (empty: nothing)."""
    check_inputs(model=model, tables=tables, recipient=recipient, metastore_id=metastore_id)
    done = ensure_share(w, share)
    done += ensure_objects(w, share, [(model, "MODEL")] + [(t, "TABLE") for t in tables])
    done += ensure_recipient(w, recipient, metastore_id)
    done += ensure_grant(w, share, recipient)
    return done


def run_share(args, ctx) -> int:
    tables = [t.strip() for t in (args.tables or "").split(",") if t.strip()]
    check_inputs(model=args.model, tables=tables, recipient=args.recipient,
                 metastore_id=args.metastore_id)  # before connecting: fail fast and clearly
    done = share_with(ctx.workspace(), share=args.share, model=args.model, tables=tables,
                      recipient=args.recipient, metastore_id=args.metastore_id)
    for line in done:
        ctx.say(line)
    ctx.say(f"{args.recipient} can read share {args.share}"
            + ("" if done else " (nothing was missing)"))
    return 0


def register(commands) -> None:
    p = commands.add_parser("share", help="Share the model with one replica region (idempotent).")
    p.add_argument("--share", required=True)
    p.add_argument("--model", required=True, help="<catalog>.<schema>.<name> in this metastore.")
    p.add_argument("--tables", default="", help="Tables to share too, comma-separated.")
    p.add_argument("--recipient", required=True, help="Recipient name for the replica region.")
    p.add_argument("--metastore-id", default="", help="The replica's global metastore ID.")
    p.set_defaults(run=run_share)
