"""The name a served entity goes by in traffic routes: its own, else the one the API gives it.

Unnamed, a served entity of a Unity Catalog model is named `<model>-<version>` after the last
part of the three-part name (`ml.fraud.model` version 3 is `model-3`, as the routes of
published bundles show); an external model after its name with '.' and ':' made '-'.
"""

from __future__ import annotations

import re
from typing import Any

# Dots outside `${...}`: `${var.catalog}.${var.schema}.model` has three parts.
_PARTS = re.compile(r"(?:\$\{[^}]*\}|[^.])+")


def served_name(entity: dict) -> str | None:
    """The entity's route name, from plain values (None when it cannot be told)."""
    name = entity.get("name")
    if isinstance(name, str) and name:
        return name
    external = entity.get("external_model")
    if isinstance(external, dict) and isinstance(external.get("name"), str):
        return re.sub(r"[.:]", "-", external["name"])
    model = entity.get("entity_name") or entity.get("model_name")
    version = entity.get("entity_version") or entity.get("model_version")
    if not isinstance(model, str) or not _scalar(version):
        return None
    parts = _PARTS.findall(model)
    return f"{parts[-1] if len(parts) == 3 else model}-{version}"


def _scalar(value: Any) -> bool:
    return value is not None and not isinstance(value, (dict, list, bool))
