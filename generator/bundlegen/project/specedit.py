"""Changes of a project's spec (bundlegen.yml) for the traffic commands, made twice: to its
data, which the template renders, and to its text at node positions, which the user keeps.

A change is a list of operations. `apply_to_data` gives the new spec; `apply_to_text` edits
the file (list or mapping form, block or flow style) and then reads it again: it must read as
exactly the new spec, or the edit is refused.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from bundlegen.errors import RefusedEdit
from bundlegen.yaml import verify
from bundlegen.yaml.doc import Doc
from bundlegen.yaml.edit import deletion, drop_key, insertion, key_edit, locate, splice
from bundlegen_model import Variant, yaml_scalar

# Where a key of `serving` goes when it is added: before the first of these the file has (the
# template writes ramp before promote).
_BEFORE = {"ramp": ("promote",), "promote": ()}
# The order of a region's keys in bundlegen.yml, as the template writes them.
REGION_KEYS = ("host", "catalog", "metastore_id", "service_principal", "workload_size",
                "scale_to_zero", "latency_budget_ms", "traffic")


@dataclass(frozen=True)
class VariantField:
    variant: str
    key: str
    value: Any


@dataclass(frozen=True)
class AddVariant:
    fields: dict  # name, traffic, and alias / shadow when they are not the defaults


@dataclass(frozen=True)
class RemoveVariant:
    variant: str


@dataclass(frozen=True)
class RegionTraffic:
    region: str
    split: dict | None  # None: the region follows the project's split


@dataclass(frozen=True)
class RegionField:
    region: str
    key: str  # a per-region setting: metastore_id, workload_size, catalog...
    value: Any  # None removes it (the region takes the project's default again)


@dataclass(frozen=True)
class ServingKey:
    key: str  # "ramp" or "promote"
    value: Any  # None removes it


Op = VariantField | AddVariant | RemoveVariant | RegionTraffic | RegionField | ServingKey


# -------------------------------------------------------------------- the data


def _collection(spec: dict, path: tuple) -> Any:
    node = spec
    for step in path:
        node = node[step]
    return node


def _variant(spec: dict, name: str) -> dict:
    variants = spec["serving"]["variants"]
    if isinstance(variants, dict):
        if variants.get(name) is None:
            variants[name] = {}
        return variants[name]
    return next(v for v in variants if v.get("name") == name)


def _region(spec: dict, name: str) -> dict:
    regions = spec["regions"]
    if isinstance(regions, dict):
        if regions.get(name) is None:
            regions[name] = {}
        return regions[name]
    return next(r for r in regions if r.get("name") == name)


def _region_op(op: RegionTraffic | RegionField) -> tuple[str, str, Any]:
    """(region, key, value) of an operation on one region's settings."""
    if isinstance(op, RegionTraffic):
        return op.region, "traffic", None if op.split is None else dict(op.split)
    return op.region, op.key, op.value


def apply_to_data(spec: dict, ops: list[Op]) -> dict:
    out = copy.deepcopy(spec)
    for op in ops:
        if isinstance(op, VariantField):
            _variant(out, op.variant)[op.key] = op.value
        elif isinstance(op, AddVariant):
            variants = out["serving"]["variants"]
            if isinstance(variants, dict):
                variants[op.fields["name"]] = {k: v for k, v in op.fields.items() if k != "name"}
            else:
                variants.append(dict(op.fields))
        elif isinstance(op, RemoveVariant):
            variants = out["serving"]["variants"]
            if isinstance(variants, dict):
                del variants[op.variant]
            else:
                variants[:] = [v for v in variants if v.get("name") != op.variant]
        elif isinstance(op, RegionTraffic | RegionField):
            region, key, value = _region_op(op)
            region = _region(out, region)
            if value is None:
                region.pop(key, None)
            else:
                region[key] = copy.deepcopy(value)
        elif isinstance(op, ServingKey):
            if op.value is None:
                out["serving"].pop(op.key, None)
            else:
                out["serving"][op.key] = copy.deepcopy(op.value)
    return out


# -------------------------------------------------------------------- the text


def _find_item(doc: Doc, path: tuple, name: str):
    """The mapping node of a variant or region, in the list or the mapping form."""
    node, _ = locate(doc, path)
    entry = doc.find(node, ("item", "name", name)) or doc.find(node, name)
    if entry is None:
        raise RefusedEdit(f"{doc.name}: cannot find '{name}' under {'.'.join(path)}; "
                          "was it renamed by hand?")
    return node, entry


def apply_to_text(doc: Doc, ops: list[Op], expected: dict) -> str:
    """The spec file with the operations made at node positions; it must read as `expected`."""
    scalar = yaml_scalar
    edits = []
    for op in ops:
        if isinstance(op, VariantField):
            _, entry = _find_item(doc, ("serving", "variants"), op.variant)
            edits.append(key_edit(doc, entry.value, op.key, scalar(op.value)))
        elif isinstance(op, AddVariant):
            node, _ = locate(doc, ("serving", "variants"))
            items = doc.entries(node)
            if not items:
                raise RefusedEdit(f"{doc.name}: serving.variants is empty or not where bundlegen "
                                  "writes it")
            doc.require_block(node, "serving.variants")
            last = items[-1]
            doc.require_own_line(last)
            pad = " " * doc.entry_column(last)
            fields = op.fields
            if last.key is None:
                text = Variant(fields["name"], fields["traffic"],
                               fields.get("alias", fields["name"]),
                               fields.get("shadow", False)).spec_text
                line = f"{pad}- {text}\n"
            else:
                rest = {k: v for k, v in fields.items() if k != "name"}
                line = f"{pad}{fields['name']}: {scalar(rest)}\n"
            edits.append(insertion(doc, doc.span(last)[1], line))
        elif isinstance(op, RemoveVariant):
            node, entry = _find_item(doc, ("serving", "variants"), op.variant)
            doc.require_block(node, "serving.variants")
            doc.require_own_line(entry)
            edits.append(deletion(doc, entry))
        elif isinstance(op, RegionTraffic | RegionField):
            region, key, value = _region_op(op)
            _, entry = _find_item(doc, ("regions",), region)
            if value is None:
                edit = drop_key(doc, entry.value, key)
                if edit is not None:
                    edits.append(edit)
            else:
                later = REGION_KEYS[REGION_KEYS.index(key) + 1:] if key in REGION_KEYS else ()
                edits.append(key_edit(doc, entry.value, key, scalar(value), later))
        elif isinstance(op, ServingKey):
            node, _ = locate(doc, ("serving",))
            if node is None:
                raise RefusedEdit(f"{doc.name}: has no 'serving' section")
            if op.value is None:
                edit = drop_key(doc, node, op.key)
                if edit is not None:
                    edits.append(edit)
            else:
                edits.append(key_edit(doc, node, op.key, scalar(op.value), _BEFORE[op.key]))
    try:
        text = splice(doc.text, edits)
    except ValueError:
        raise RefusedEdit(
            f"{doc.name}: two changes fall on the same text; edit it by hand"
        ) from None
    verify.reads_as(text, doc.name, expected, "the edit would not read as intended (anchors "
                    "or an unusual layout?); change it by hand")
    return text
