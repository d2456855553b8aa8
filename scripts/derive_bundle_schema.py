"""Derive schemas/bundle.schema.json, the bundle schema bundlegen ships, from the official one.

    python scripts/derive_bundle_schema.py ../shared/databricks-bundle-schema/jsonschema.json

The official schema (what `databricks bundle schema` prints) is close to 1 MB. `bundlegen lint`
uses it when given (--bundle-schema) or when a databricks CLI is on PATH; otherwise it falls
back to this derived copy: the same structure for the resource types bundlegen generates and
their neighbours, any value for the other resource types, and no descriptions.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KEPT_RESOURCES = {
    "jobs",
    "model_serving_endpoints",
    "registered_models",
    "schemas",
    "catalogs",
    "experiments",
    "quality_monitors",
    "volumes",
    "pipelines",
}
DROPPED_KEYWORDS = {
    "description",
    "markdownDescription",
    "enumDescriptions",
    "deprecationMessage",
    "doNotSuggest",
    "x-databricks-launch-stage",
    "x-databricks-preview",
    "markdownEnumDescriptions",
}
RESOURCES = "github.com/databricks/cli/bundle/config.Resources"


def _strip(node, names: bool = False):
    """Drop annotations; `names` is true inside `properties`, whose keys are field names."""
    if isinstance(node, dict):
        return {
            k: _strip(v, k == "properties" and not names)
            for k, v in node.items()
            if names or k not in DROPPED_KEYWORDS
        }
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def _get(defs: dict, ref: str):
    node = {"$defs": defs}
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def _refs(node, out: set[str]):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            out.add(node["$ref"])
        for v in node.values():
            _refs(v, out)
    elif isinstance(node, list):
        for v in node:
            _refs(v, out)


def derive(official: dict) -> dict:
    schema = _strip(official)
    resources = _get(schema["$defs"], "#/$defs/" + RESOURCES)
    props = resources["oneOf"][0]["properties"]
    for name in list(props):
        if name not in KEPT_RESOURCES:
            props[name] = {}  # any value: only the official schema knows this resource type
    # Keep only the definitions still reachable from the root.
    reachable: set[str] = set()
    todo: set[str] = set()
    _refs({k: v for k, v in schema.items() if k != "$defs"}, todo)
    while todo:
        ref = todo.pop()
        if ref in reachable:
            continue
        reachable.add(ref)
        _refs(_get(schema["$defs"], ref), todo)
    pruned: dict = {}
    for ref in sorted(reachable):
        parts = ref[len("#/$defs/") :].split("/")
        node = pruned
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = _get(schema["$defs"], ref)
    schema["$defs"] = pruned
    return schema


def main() -> None:
    source = Path(
        sys.argv[1] if len(sys.argv) > 1 else "../shared/databricks-bundle-schema/jsonschema.json"
    )
    target = Path(__file__).resolve().parent.parent / "schemas" / "bundle.schema.json"
    derived = derive(json.loads(source.read_text(encoding="utf-8")))
    target.write_text(json.dumps(derived, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {target} ({target.stat().st_size // 1024} KiB) from {source}")


if __name__ == "__main__":
    main()
