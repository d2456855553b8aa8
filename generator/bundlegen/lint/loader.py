"""The bundle as the Databricks CLI loads it, with every value remembering file:line:column.

The root file (databricks.yml), then every file its `include` globs match, merged in that order;
then, per target, the target's overrides merged over the rest (mappings merge, sequences are
concatenated, scalars are replaced; job tasks, job clusters, parameters and environments with
the same key are merged into one). Problems found while loading (bad YAML, duplicate keys, an
include that matches nothing, an override that cannot merge) are findings, not exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bundlegen.bundle.files import display_path, included_files
from bundlegen.bundle.merge import KEYED_LISTS, MERGED_TARGET_FIELDS
from bundlegen.errors import InputError
from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.values import V, join, kind
from bundlegen.yaml.tree import MappingNode, ScalarNode, SequenceNode, compose_first, scalar_12

_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class BundleFile:
    path: Path
    name: str  # as findings show it
    text: str = ""
    root: V | None = None
    # Line spans of top-level keys the CLI ignores (often holders of YAML anchors).
    ignored_spans: list[tuple[str, int, int]] = field(default_factory=list)


@dataclass
class Bundle:
    root_file: BundleFile
    files: list[BundleFile]
    merged: V | None  # every file merged, targets included
    findings: list[Finding]
    target_names: list[str]
    known_top_level: frozenset[str]

    def view(self, target: str | None) -> dict[str, V]:
        return target_view(self, target)

    def in_ignored_key(self, v: V) -> str | None:
        """The ignored top-level key whose text holds this value, if any."""
        for f in self.files:
            if f.name == v.file:
                for key, start, end in f.ignored_spans:
                    if start <= v.line <= end:
                        return key
        return None


class _Converter:
    """PyYAML nodes to V values: YAML 1.2 scalars, merge keys, duplicate keys reported."""

    def __init__(self, name: str, findings: list[Finding]):
        self.name = name
        self.findings = findings
        self.memo: dict[int, V] = {}
        self.open: set[int] = set()  # containers being converted: an alias to one is a loop

    def _syntax(self, node, path: str, message: str) -> tuple[int, int]:
        """Report a YAML structure the CLI refuses, at the node; returns its line and column."""
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        self.findings.append(Finding(ERROR, self.name, line, col, path, "yaml-syntax", message))
        return line, col

    def convert(self, node, path: str = "", at: tuple[int, int] | None = None) -> V:
        """`at` is the position of the key holding the node: findings on a mapping or a
        sequence point at its key, where a person looks, rather than at its first item."""
        if id(node) in self.open:
            line, col = self._syntax(
                node, path, "an alias refers to the value that contains it (a loop)"
            )
            return V(None, self.name, line, col)
        done = self.memo.get(id(node))
        if done is not None:  # an alias: the same value, converted once
            return done
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if at is not None and not isinstance(node, ScalarNode):
            line, col = at
        if isinstance(node, ScalarNode):
            out = V(scalar_12(node), self.name, line, col)
        elif isinstance(node, SequenceNode):
            out = V([], self.name, line, col)
            self.open.add(id(node))
            out.v = [self.convert(item, join(path, i)) for i, item in enumerate(node.value)]
            self.open.discard(id(node))
        else:
            out = V({}, self.name, line, col, keys={})
            self.open.add(id(node))
            self._mapping(node, out, path)
            self.open.discard(id(node))
        self.memo[id(node)] = out
        return out

    def _mapping(self, node: MappingNode, out: V, path: str) -> None:
        merges = []
        seen_merge = None
        for key_node, value_node in node.value:
            kline, kcol = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if key_node.tag == _MERGE_TAG:
                if seen_merge is not None:
                    self._syntax(
                        key_node,
                        join(path, "<<"),
                        f"a second merge key << (first at line {seen_merge}); the CLI refuses it: "
                        "merge several mappings with one key, <<: [*a, *b]",
                    )
                seen_merge = kline
                merges.append(value_node)
                continue
            if not isinstance(key_node, ScalarNode):
                self.findings.append(
                    Finding(
                        ERROR,
                        self.name,
                        kline,
                        kcol,
                        path,
                        "yaml-syntax",
                        "a mapping key must be a plain value, not a mapping or sequence",
                    )
                )
                continue
            key = key_node.value
            if key in out.v:
                self._dup(path, key, kline, kcol, out.keys[key][0])
            out.v[key] = self.convert(value_node, join(path, key), (kline, kcol))
            out.keys[key] = (kline, kcol)
        # Merge keys: explicit keys win, then the first merged mapping that has the key.
        for merge_node in merges:
            sources = merge_node.value if isinstance(merge_node, SequenceNode) else [merge_node]
            for src in sources:
                if not isinstance(src, MappingNode):
                    self._syntax(src, path, "a merge key (<<) must name a mapping")
                    continue
                merged = self.convert(src, path)
                for key, value in merged.v.items():
                    if key not in out.v:
                        out.v[key] = value
                        out.keys[key] = merged.keys.get(key, (value.line, value.col))

    def _dup(self, path: str, key: str, line: int, col: int, first: int) -> None:
        # The CLI's YAML loader keeps the later key without a word: almost surely a mistake.
        self.findings.append(
            Finding(
                WARNING,
                self.name,
                line,
                col,
                join(path, key),
                "duplicate-key",
                f"duplicate key {key!r} (first at line {first}); the later value wins",
            )
        )


def read_file(path: Path, findings: list[Finding], known_top_level: frozenset[str]) -> BundleFile:
    name = display_path(path)
    bf = BundleFile(path, name)
    try:
        bf.text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        findings.append(
            Finding(ERROR, name, 1, 1, "", "unreadable-file", f"cannot read the file: {reason}")
        )
        return bf
    try:
        node = compose_first(bf.text, name)
    except InputError as err:
        loc = err.location
        findings.append(
            Finding(
                ERROR,
                name,
                (loc.line or 1) if loc else 1,
                (loc.column or 1) if loc else 1,
                "",
                "yaml-syntax",
                err.message,
            )
        )
        return bf
    if node is None:  # empty, or only comments: an empty mapping, as the CLI reads it
        bf.root = V({}, name, 1, 1, keys={})
        return bf
    bf.root = _Converter(name, findings).convert(node)
    if bf.root.v is None:  # `---` and nothing else
        bf.root = V({}, name, 1, 1, keys={})
        return bf
    if not bf.root.is_map:
        findings.append(
            Finding(
                ERROR,
                name,
                bf.root.line,
                bf.root.col,
                "",
                "yaml-syntax",
                f"a bundle file must be a mapping, found a {kind(bf.root)}",
            )
        )
        bf.root = None
        return bf
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value not in known_top_level:
            bf.ignored_spans.append(
                (key_node.value, key_node.start_mark.line + 1, value_node.end_mark.line + 1)
            )
    return bf


def load_bundle(root_path: Path, known_top_level: frozenset[str]) -> Bundle:
    findings: list[Finding] = []
    root = read_file(root_path, findings, known_top_level)
    files = [root]
    merged = root.root
    if root.root is not None:
        for path in _included(root, findings):
            bf = read_file(path, findings, known_top_level)
            files.append(bf)
            if bf.root is None:
                continue
            inc = bf.root.get("include")
            if inc is not None and inc.v:
                findings.append(
                    Finding(
                        WARNING,
                        bf.name,
                        inc.line,
                        inc.col,
                        "include",
                        "include-outside-root",
                        "only the root file (databricks.yml) may have an include section; the CLI "
                        "ignores this one",
                    )
                )
            merged = merge(merged, bf.root, findings, "")
    if merged is not None:
        merged = _environments_as_targets(merged, findings)
    targets = merged.get("targets") if merged is not None else None
    names = [k for k, _ in targets.v.items()] if targets is not None and targets.is_map else []
    return Bundle(root, files, merged, findings, names, known_top_level)


def _included(root: BundleFile, findings: list[Finding]) -> list[Path]:
    inc = root.root.get("include")
    if inc is None or inc.v is None or not inc.is_seq:
        return []  # the schema check reports the wrong type
    paths, problems = included_files(root.path, [entry.v for entry in inc.v])
    for problem in problems:
        entry = inc.v[problem.index]
        findings.append(Finding(ERROR, root.name, entry.line, entry.col,
                                f"include[{problem.index}]", "include-invalid", problem.message))
    return paths


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


def _environments_as_targets(merged: V, findings: list[Finding]) -> V:
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
