"""The bundle as the Databricks CLI loads it, with every value remembering file:line:column.

The root file (databricks.yml), then every file its `include` globs match, merged in that order;
then, per target, the target's overrides merged over the rest (mappings merge, sequences are
concatenated, scalars are replaced; job tasks, job clusters, parameters and environments with
the same key are merged into one). Problems found while loading (bad YAML, duplicate keys, an
include that matches nothing, an override that cannot merge) are findings, not exceptions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from bundlegen.bundle.files import display_path, included_files, stray_yaml
from bundlegen.bundle.syncglob import files_under
from bundlegen.errors import InputError
from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.merging import environments_as_targets, merge, target_view
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

    @functools.cached_property
    def all_files(self) -> list[str] | None:
        """Every file under the bundle's folder, as the CLI lists them to match sync patterns
        (None when there are too many to be worth it; walked once)."""
        return files_under(self.root_file.path.parent, limit=200_000)

    @functools.cached_property
    def stray_files(self) -> list[Path]:
        """YAML files in the bundle's folder that it does not include (walked once)."""
        return stray_yaml(self.root_file.path.parent, {f.path.resolve() for f in self.files})

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
        merged = environments_as_targets(merged, findings)
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
