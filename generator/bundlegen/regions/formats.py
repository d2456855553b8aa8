"""How `bundlegen regions` shows a listing: one function per --format, each returning text.

Standard library only at import: the CLI reads the names of the formats for its --help.
"""

from __future__ import annotations

import json
from collections.abc import Callable


def text(listing) -> str:
    # Another bundle's targets have modes of their own (development, production, none).
    mode = listing.kind != "bundlegen project"
    head = ("REGION", "TARGET", "ROLE", *(("MODE",) if mode else ()), "HOST", "ENDPOINT")
    rows = [
        (r["region"], r["target"], r["role"], *((r["mode"] or "-",) if mode else ()),
         r["host"] or "-", ", ".join(r["endpoints"]) or "-")
        for r in listing.regions
    ]
    widths = [max(len(str(row[i])) for row in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in [head, *rows]]
    if not rows:
        lines = ["no target names a workspace host"]
    if listing.other_targets:
        names = [f"{t} (primary)" if t == listing.primary else t for t in listing.other_targets]
        lines.append(f"targets without a workspace host: {', '.join(names)}")
    return "\n".join(lines) + "\n"


def as_json(listing) -> str:
    document = {
        "project": str(listing.folder),
        "kind": listing.kind,
        "primary": listing.primary,
        "regions": listing.regions,
        "other_targets": listing.other_targets,
    }
    return json.dumps(document, indent=2) + "\n"


def mermaid(listing) -> str:
    """A Mermaid flowchart: regions, the Delta Share to each replica, endpoints and splits.

    For a bundlegen project, the regions, model and share come from its spec and the
    endpoints and splits from serving/databricks.yml: an unedited project gets exactly the
    diagram of its README. Another bundle shows its targets with hosts and endpoints.
    """
    import bundlegen_model as model

    def served(row: dict) -> tuple:
        return tuple(model.Endpoint(name, tuple(routes.items()))
                     for name, routes in row["traffic"].items())

    if listing.project is not None:
        regions = model.diagram_regions(listing.project,
                                    {r["region"]: served(r) for r in listing.regions})
    else:
        regions = [model.DiagramRegion(name=r["region"], role=r["role"], target=r["target"],
                                   host=r["host"], endpoints=served(r))
                   for r in listing.regions]
    return model.mermaid(regions) + "\n"


FORMATS: dict[str, Callable] = {"text": text, "json": as_json, "mermaid": mermaid}
