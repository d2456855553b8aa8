"""The Databricks CLI's merge of bundle data (libs/dyn/merge and bundle/config/mutator/merge_*).

Plain data here (what `yamltree.load` returns); lint merges its position-carrying values with
the same rules and the same KEYED_LISTS (lint/loader.py).

- A null on either side leaves the other as it is; mappings merge by key; sequences are
  concatenated; any other value is replaced by the later one.
- The files of a bundle merge in load order (the root, then its includes).
- A target's view: the merged top level with the target's overrides merged over it, then the
  items of keyed lists (job tasks by task_key, ...) with the same key merged into one.
"""

from __future__ import annotations

from typing import Any

# Top-level keys a target may override by merging (bundle/config/root.go in the CLI).
MERGED_TARGET_FIELDS = ("bundle", "workspace", "artifacts", "resources", "sync", "permissions",
                        "presets")
# Lists whose items with the same key merge into one after the target overrides
# (bundle/config/mutator/merge_job_clusters.go, merge_job_tasks.go, merge_job_parameters.go,
# merge_pipeline_clusters.go); a pipeline cluster without a label is the "default" one.
KEYED_LISTS = {
    "jobs": {
        "tasks": "task_key",
        "job_clusters": "job_cluster_key",
        "parameters": "name",
        "environments": "environment_key",
    },
    "pipelines": {"clusters": "label"},
}


def merge(a: Any, b: Any) -> Any:
    """b merged over a; neither is changed (merged mappings and lists are new ones)."""
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for key, value in b.items():
            out[key] = merge(out[key], value) if key in out else value
        return out
    if isinstance(a, list) and isinstance(b, list):
        return a + b
    return b


def merge_files(datas: list[Any]) -> dict:
    """The data of a bundle's files merged in load order ({} when there is none)."""
    out: Any = None
    for data in datas:
        if isinstance(data, dict):
            out = merge(out, data)
    return out if isinstance(out, dict) else {}


def target_view(merged: dict, target: str | None) -> dict:
    """What the CLI deploys for a target (None: the bundle without its targets), for the keys
    that matter to reading resources: the top level's with the target's merged over them."""
    view = {k: v for k, v in merged.items() if k not in ("targets", "environments")}
    targets = merged.get("targets") or merged.get("environments")
    mine = targets.get(target) if isinstance(targets, dict) and target is not None else None
    if isinstance(mine, dict):
        for key in MERGED_TARGET_FIELDS:
            if key in mine:
                view[key] = merge(view.get(key), mine[key])
    if isinstance(view.get("resources"), dict):
        view["resources"] = merge_keyed_lists(view["resources"])
    return view


def merge_keyed_lists(resources: dict) -> dict:
    """Items of a keyed list with the same key merged into the first of them."""
    out = dict(resources)
    for rtype, lists in KEYED_LISTS.items():
        group = resources.get(rtype)
        if not isinstance(group, dict):
            continue
        new_group = dict(group)
        for name, res in group.items():
            if not isinstance(res, dict):
                continue
            for list_key, item_key in lists.items():
                seq = res.get(list_key)
                if isinstance(seq, list):
                    new_group[name] = res = {**res, list_key: _by_key(seq, item_key)}
        out[rtype] = new_group
    return out


def _by_key(items: list, item_key: str) -> list:
    out: list = []
    index: dict = {}
    for item in items:
        key = item.get(item_key) if isinstance(item, dict) else None
        if key is None and item_key == "label" and isinstance(item, dict):
            key = "default"
        if key is None or isinstance(key, (dict, list)):
            out.append(item)
        elif key in index:
            out[index[key]] = merge(out[index[key]], item)
        else:
            index[key] = len(out)
            out.append(item)
    return out
