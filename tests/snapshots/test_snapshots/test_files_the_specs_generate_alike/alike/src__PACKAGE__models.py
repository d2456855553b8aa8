"""Unity Catalog models: full names, aliases and the versions behind them."""

from __future__ import annotations

import re
from typing import Any

from .errors import FIRST_DEPLOY_HINT, NotBootstrapped, UsageError

_PART = r"[A-Za-z_][A-Za-z0-9_-]*"
_FULL_NAME = re.compile(rf"^{_PART}\.{_PART}\.{_PART}$")


def check_full_name(name: str, what: str = "--model") -> str:
    """A three-level Unity Catalog name: catalog.schema.model."""
    if not _FULL_NAME.match(name or ""):
        raise UsageError(f"{what} must be <catalog>.<schema>.<name>, not {name!r}")
    return name


def version_behind(w: Any, model: str, alias: str) -> str | None:
    """The version behind `model@alias`, or None when the model or the alias does not exist."""
    from databricks.sdk.errors import NotFound

    try:
        info = w.model_versions.get_by_alias(model, alias)
    except NotFound:
        return None
    return str(info.version)


def require_version(w: Any, model: str, alias: str) -> str:
    version = version_behind(w, model, alias)
    if version is None:
        raise NotBootstrapped(f"no version of {model} behind @{alias}: {FIRST_DEPLOY_HINT}")
    return version


def uri(model: str, version: str) -> str:
    """The MLflow URI of one model version (a fixed version, never an alias, so that what is
    recorded is what was used)."""
    return f"models:/{model}/{version}"
