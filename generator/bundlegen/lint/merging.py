"""The Databricks CLI's merge, on values that remember file:line:column: the included files
merged in order, `environments` read as `targets`, and one target's view (its overrides merged
over the rest; keyed lists such as job tasks merged by key). An override that cannot merge is a
finding, not an exception.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bundlegen.bundle.merge import KEYED_LISTS, MERGED_TARGET_FIELDS
from bundlegen.lint.findings import ERROR, Finding
from bundlegen.lint.values import V, join, kind

if TYPE_CHECKING:
    from bundlegen.lint.loader import Bundle


def merge(a: V | None, b: V | None, findings: list[Finding], path: str) -> V | None:
    """The CLI's merge: maps merge, sequences concatenate, scalars are replaced, empty is absent."""
    if a is None or a.v is None:
        return b if b is not None and b.v is not None else a
    if b is None or b.v is None:
        return a
    if a.is_map and b.is_map:
        out = dict(a.v)
        keys = dict(a.keys or {})
        for k, bv in b.v.items():
            out[k] = merge(out[k], bv, findings, join(path, k)) if k in out else bv
            if k not in keys and b.keys:
                keys[k] = b.keys.get(k, (bv.line, bv.col))
        return V(out, a.file, a.line, a.col, keys=keys, srcs=a.sources() + b.sources())
    if a.is_seq and b.is_seq:
        return V(a.v + b.v, a.file, a.line, a.col)
    if a.is_map or a.is_seq or b.is_map or b.is_seq:
        # The CLI first drops a plain scalar where the schema wants a container (the schema
        # check warns about it), so the merge keeps the container; a ${...} reference it keeps.
        scalar = b if a.is_map or a.is_seq else a
        if not (isinstance(scalar.v, str) and "${" in scalar.v):
            return a if scalar is b else b
        findings.append(
            Finding(
                ERROR,
                b.file,
                b.line,
                b.col,
                path,
                "merge-conflict",
                f"cannot merge a {kind(b)} over the {kind(a)} at {a.file}:{a.line}:{a.col}: "
                f"an override must have the same shape as the value it overrides",
            )
        )
    return b


def environments_as_targets(merged: V, findings: list[Finding]) -> V:
    """`environments` is the old name of `targets`; the CLI refuses both at once."""
    env = merged.get("environments")
    if env is None or env.v is None:
        return merged
    tgt = merged.get("targets")
    if tgt is not None and tgt.v is not None:
        findings.append(
            Finding(
                ERROR,
                env.file,
                env.line,
                env.col,
                "environments",
                "merge-conflict",
                "both targets and environments are set; use targets only",
            )
        )
        return merged
    out = dict(merged.v)
    out["targets"] = out.pop("environments")
    return V(out, merged.file, merged.line, merged.col, keys=merged.keys, srcs=merged.srcs)


def target_view(bundle: Bundle, target: str | None) -> dict[str, V]:
    """The configuration the CLI deploys for one target (None: the bundle without targets)."""
    findings = bundle.findings
    root = bundle.merged
    view: dict[str, V] = (
        {}
        if root is None
        else {
            k: v
            for k, v in root.v.items()
            if k in bundle.known_top_level and k not in ("targets", "environments")
        }
    )
    t = root.get("targets", target) if (root is not None and target is not None) else None
    if t is not None and t.is_map:
        prefix = f"targets.{target}"
        for f in MERGED_TARGET_FIELDS:
            if f in t.v:
                view[f] = (
                    merge(view.get(f), t.v[f], findings, join(prefix, f)) if f in view else t.v[f]
                )
        if t.get("run_as") is not None and t.v["run_as"].v is not None:
            view["run_as"] = t.v["run_as"]
        bundle_extra = {
            k: t.v[k]
            for k in ("mode", "compute_id", "cluster_id")
            if k in t.v and t.v[k].v is not None
        }
        if "git" in t.v:
            bundle_extra["git"] = t.v["git"]
        if bundle_extra:
            extra = V(
                bundle_extra, t.file, t.line, t.col, keys={k: t.key_loc(k) for k in bundle_extra}
            )
            view["bundle"] = merge(view.get("bundle"), extra, findings, "bundle")
        tv = t.get("variables")
        if tv is not None and tv.is_map:
            view["variables"] = _override_variables(view.get("variables"), tv)
    res = view.get("resources")
    if res is not None and res.is_map:
        view["resources"] = _merge_keyed_lists(res, findings)
    return view


def _override_variables(defined: V | None, overrides: V) -> V:
    """Target values replace a variable's default or lookup; the rest of its definition stays."""
    out = dict(defined.v) if defined is not None and defined.is_map else {}
    for name, value in overrides.items():
        base = out.get(name)
        base_map = dict(base.v) if base is not None and base.is_map else {}
        is_complex = isinstance(base_map.get("type"), V) and base_map["type"].v == "complex"
        if (
            value.is_map
            and ("default" in value.v or "lookup" in value.v)
            and not (
                is_complex and not set(value.v) <= {"default", "lookup", "description", "type"}
            )
        ):
            base_map.pop("default", None) if "lookup" in value.v else None
            base_map.pop("lookup", None) if "default" in value.v else None
            for k in ("default", "lookup"):
                if k in value.v and value.v[k].v is not None:
                    base_map[k] = value.v[k]
        else:  # shorthand: the value itself (for a complex variable, a mapping or sequence)
            base_map.pop("lookup", None)
            base_map["default"] = value
        anchor = base if base is not None else value
        out[name] = V(base_map, anchor.file, anchor.line, anchor.col, keys={})
    anchor = defined if defined is not None else overrides
    return V(
        out, anchor.file, anchor.line, anchor.col, keys=dict(defined.keys or {}) if defined else {}
    )


def _merge_keyed_lists(resources: V, findings: list[Finding]) -> V:
    out = dict(resources.v)
    for rtype, lists in KEYED_LISTS.items():
        group = resources.get(rtype)
        if group is None or not group.is_map:
            continue
        new_group = dict(group.v)
        for name, res in group.items():
            if not res.is_map:
                continue
            new_res = None
            for list_key, item_key in lists.items():
                seq = res.get(list_key)
                if seq is None or not seq.is_seq:
                    continue
                merged_items: list[V] = []
                index: dict = {}
                changed = False
                for item in seq.v:
                    key_v = item.get(item_key) if item.is_map else None
                    key = (
                        key_v.v
                        if key_v is not None
                        else ("default" if item_key == "label" and item.is_map else None)
                    )
                    if key is None or isinstance(key, (dict, list)):
                        merged_items.append(item)
                    elif key in index:
                        i = index[key]
                        merged_items[i] = merge(
                            merged_items[i],
                            item,
                            findings,
                            f"resources.{rtype}.{name}.{list_key}[{i}]",
                        )
                        changed = True
                    else:
                        index[key] = len(merged_items)
                        merged_items.append(item)
                if changed:
                    new_res = new_res or dict(res.v)
                    new_res[list_key] = V(merged_items, seq.file, seq.line, seq.col)
            if new_res is not None:
                new_group[name] = V(
                    new_res, res.file, res.line, res.col, keys=res.keys, srcs=res.sources()
                )
        out[rtype] = V(
            new_group, group.file, group.line, group.col, keys=group.keys, srcs=group.sources()
        )
    return V(
        out,
        resources.file,
        resources.line,
        resources.col,
        keys=resources.keys,
        srcs=resources.sources(),
    )
