"""Names and values as YAML text: what YAML would read as something else, and scalars
written so that they read back as the same value."""

from __future__ import annotations

import json
import re
from typing import Any

# Plain scalars that YAML 1.1 reads as booleans, null or numbers: refused as names, so every
# generated file reads back with the strings the user wrote.
YAML_NON_STRING = re.compile(
    r"^(y|yes|n|no|true|false|on|off|null|~|[-+]?(\.[0-9]+|[0-9][0-9_]*)(\.[0-9_]*)?([eE][-+]?[0-9]+)?)$",
    re.IGNORECASE,
)
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

_PLAIN = re.compile(r"^[A-Za-z0-9_./@-][A-Za-z0-9 _./:@-]*$")


def yaml_scalar(value: Any) -> str:
    """A value as YAML flow text that reads back as the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_scalar(v)}" for k, v in value.items()) + "}"
    text = str(value)
    if _PLAIN.match(text) and not YAML_NON_STRING.match(text) and not text.endswith(" "):
        return text
    return json.dumps(text)
