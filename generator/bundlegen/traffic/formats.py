"""How `bundlegen traffic show` prints: one function per --format, each returning text.

Standard library only: the CLI reads the names of the formats for its --help.
"""

from __future__ import annotations

import json
from collections.abc import Callable


def _source(row: dict) -> str:
    """Where a variant's version comes from: '@champion -> ${var.champion_version}'."""
    version = row["version"] if row["version"] is not None else "?"
    if row["alias"]:
        return f"@{row['alias']} -> {version}"
    if row["entity"]:
        return f"{row['entity']} version {version}"
    return "(no served entity)"


def _traffic(row: dict) -> str:
    pct = row["traffic"]
    return "no route" if pct is None else f"{pct}%" if isinstance(pct, int) else str(pct)


def text(document: dict) -> str:
    lines = []
    for target in document["targets"]:
        for endpoint in target["endpoints"]:
            own = "  (its own split)" if endpoint["split"] == "region" else ""
            lines.append(f"{target['target'] or '(no targets)'}: endpoint {endpoint['name']}"
                         f" ({endpoint['key']}){own}")
            rows = endpoint["variants"]
            width = max((len(r["name"]) for r in rows), default=0)
            share = max((len(_traffic(r)) for r in rows), default=0)
            source = max((len(_source(r)) for r in rows), default=0)
            for r in rows:
                notes = []
                if r["shadow"]:
                    notes.append("shadow: scored on recorded requests, never served")
                if r["ramp"]:
                    notes.append("ramp " + ", ".join(f"{s}%" for s in r["ramp"]))
                cells = [r["name"].ljust(width), _traffic(r).rjust(share),
                         _source(r).ljust(source), "; ".join(notes)]
                lines.append(("  " + "  ".join(cells)).rstrip())
    if not lines:
        lines.append("no serving endpoint")
    ramp, promote = document.get("ramp"), document.get("promote")
    if ramp:
        lines.append(f"ramp: a newer version of {ramp['variant']} goes live at its committed "
                     "share, then " + ", ".join(f"{s}%" for s in ramp["steps"])
                     + ", evaluated at each step; promoted at 100%")
    if promote:
        lines.append(f"promotion requested: {promote['variant']} (request {promote['request']}; "
                     "the deployment workflow carries it out once)")
    return "\n".join(lines) + "\n"


def as_json(document: dict) -> str:
    return json.dumps(document, indent=2) + "\n"


FORMATS: dict[str, Callable[[dict], str]] = {"text": text, "json": as_json}
