"""Rules found while the bundle is loaded (loader.py) or checked against the JSON schema
(schema.py): declared here so they have an id, a severity and docs."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

import yaml

from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.rules.registry import TargetContext, declare, rule

# Found while loading the bundle (loader.py, api.py).
declare(
    "bundle-not-found",
    ERROR,
    "A path given to lint has no databricks.yml in it or in a folder above it.",
)
declare("unreadable-file", ERROR, "A bundle file cannot be read (permissions, not UTF-8).")
declare(
    "yaml-syntax",
    ERROR,
    "A bundle file is not valid YAML, is not a mapping, or has a YAML structure the CLI "
    "refuses (a non-scalar key, two `<<` merge keys in one mapping).",
)
declare(
    "duplicate-key",
    WARNING,
    "A mapping has the same key twice; the CLI keeps the later value without a word "
    "(two `<<` merge keys in one mapping are a `yaml-syntax` error).",
)
declare(
    "include-invalid",
    ERROR,
    "An `include` entry is absolute, matches no file, or matches a file that is not YAML or JSON.",
)
declare(
    "include-outside-root",
    WARNING,
    "An included file has an `include` section of its own; the CLI applies only the root "
    "file's includes and warns.",
)
declare(
    "merge-conflict",
    ERROR,
    "An override cannot merge with what it overrides (a `${...}` reference over a mapping or a "
    "sequence, for example), or both `targets` and `environments` are set. A plain scalar where "
    "the schema wants a mapping is a `wrong-type` warning instead: the CLI drops it.",
)
declare(
    "internal-error",
    ERROR,
    "bundlegen could not finish checking a bundle (a bug in bundlegen: please "
    "report it); the other bundles are still checked, and the gate fails.",
)
declare("unknown-target", ERROR, "The target given with --target is not defined in the bundle.")
# Against the bundle JSON schema (schema.py): warnings, as `databricks bundle validate` has them.
declare("unknown-field", WARNING, "A field the bundle schema does not define (the CLI ignores it).")
declare(
    "wrong-type",
    WARNING,
    "A value of the wrong type for its field, e.g. a string where a mapping is expected.",
)
declare("invalid-enum", WARNING, "A value outside the values the schema allows for its field.")
declare(
    "missing-required", WARNING, "A required field is not set in a target's merged configuration."
)
declare(
    "unused-ignore",
    WARNING,
    "A `# bundlegen: ignore[rule-id]` comment silences no finding (or names no rule); remove it "
    "so it cannot hide a later one.",
)


@rule(
    "unknown-top-level-key",
    WARNING,
    "A top-level key the CLI does not know whose value is not a YAML anchor (nor a mapping or "
    "sequence made only of anchors): the CLI warns `unknown field` and ignores it. Keys that "
    "only hold anchors for `<<` merges and `*aliases` are fine.",
)
def unknown_top_level_key(ctx: TargetContext) -> Iterator[Finding]:
    for f in ctx.bundle.files:
        if f.root is None or not f.ignored_spans:
            continue
        holders = _anchor_holders(f.text)
        for key, _, _ in f.ignored_spans:
            if key in holders or key in _TOLERATED:
                continue
            value = f.root.get(key)
            if value is None or value.v is None:
                continue
            yield ctx.finding(
                "unknown-top-level-key",
                value,
                key,
                f"unknown top-level key {key!r}: the CLI ignores it (a key that only holds YAML "
                "anchors is fine)",
                at=f.root.key_loc(key),
            )


# Read by the CLI before the configuration is checked, so never reported as unknown.
_TOLERATED = frozenset({"$schema"})


@functools.lru_cache(maxsize=32)
def _anchor_holders(text: str) -> frozenset[str]:
    """Top-level keys whose value is an anchor container (libs/dyn/convert/normalize.go):
    an anchored or aliased value, or a non-empty mapping or sequence of anchor containers."""
    try:
        events = iter(yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
        for event in events:
            if isinstance(event, yaml.MappingStartEvent):
                break
        else:
            return frozenset()
        out = set()
        for event in events:
            if isinstance(event, yaml.MappingEndEvent):
                break
            key = event.value if isinstance(event, yaml.ScalarEvent) else None
            if key is None:
                _container(event, events)  # a non-scalar key: skip it
            if _container(next(events), events) and key is not None:
                out.add(key)
        return frozenset(out)
    except (yaml.YAMLError, StopIteration):
        return frozenset()


def _container(event, events) -> bool:
    """Consume the node that starts with event; whether it is an anchor container."""
    if isinstance(event, yaml.AliasEvent):
        return True
    anchored = getattr(event, "anchor", None) is not None
    if isinstance(event, yaml.ScalarEvent):
        return anchored
    is_map = isinstance(event, yaml.MappingStartEvent)
    end = yaml.MappingEndEvent if is_map else yaml.SequenceEndEvent
    count, every = 0, True
    for child in events:
        if isinstance(child, end):
            break
        if is_map:
            _container(child, events)  # the key
            child = next(events)
        count += 1
        every = _container(child, events) and every
    return anchored or (count > 0 and every)


@rule(
    "root-path-glob",
    ERROR,
    "The path of the bundle's folder holds a glob character (`*`, `?`, `[`, `]`, `^`); the CLI "
    "refuses every command there, as it would read the path as a pattern.",
)
def root_path_glob(ctx: TargetContext) -> Iterator[Finding]:
    root = os.path.abspath(ctx.bundle.root_file.path.parent)
    found = next((c for c in "*?[]^" if c in root), None)
    if found and ctx.bundle.root_file.root is not None:
        yield ctx.finding(
            "root-path-glob",
            ctx.bundle.root_file.root,
            "",
            f"the bundle's folder {root} holds the glob character {found!r}: the CLI refuses "
            "to run there; rename the folder",
            at=(1, 1),
        )
