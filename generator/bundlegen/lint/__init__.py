"""`bundlegen lint`: offline checks of any Databricks bundle, with file:line:column per finding.

    result = lint_paths([Path(".")], schema=load_schema(None))

Core code only: it never prints. The CLI picks a reporter from `bundlegen.lint.reporters`.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bundlegen.bundle.files import display_path, find_root
from bundlegen.lint.findings import ERROR, WARNING, Finding, strict
from bundlegen.lint.loader import Bundle, load_bundle
from bundlegen.lint.rules import RULES, TargetContext, target_checks
from bundlegen.lint.schema import Schema, check_file, load_schema, missing_finding
from bundlegen.lint.selection import Selection, find_config, suppress

__all__ = [
    "ERROR",
    "WARNING",
    "Finding",
    "LintResult",
    "RULES",
    "Selection",
    "lint_paths",
    "load_schema",
    "strict",
]


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every file linted, as findings name them
    bundles: list[str] = field(default_factory=list)  # root file of every bundle linted

    @property
    def errors(self) -> int:
        return sum(f.severity == ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == WARNING for f in self.findings)


# Findings about lint's own run rather than the bundle: never deselected.
_ALWAYS = frozenset({"bundle-not-found", "internal-error"})


def lint_paths(
    paths: list[Path],
    schema: Schema,
    target: str | None = None,
    selection: Selection | None = None,
    values: dict[str, str] | None = None,
) -> LintResult:
    """Lint the bundle of each path (a bundle folder, its databricks.yml, or a file in it).
    Paths must exist; one broken bundle is reported and the others are still linted.
    `selection` (the command line's) goes over each bundle's config file; a bad config file
    raises InputError. `values` are variable values, as `databricks bundle validate --var`."""
    result = LintResult()
    roots: list[Path] = []
    seen: set[str] = set()
    for path in paths:
        root = find_root(path)
        if root is None:
            name = display_path(path)
            result.findings.append(
                Finding(
                    ERROR,
                    name,
                    1,
                    1,
                    "",
                    "bundle-not-found",
                    "no databricks.yml here or in any folder above",
                )
            )
            result.files.append(name)
        elif os.path.realpath(root) not in seen:
            seen.add(os.path.realpath(root))
            roots.append(root)
    for root in roots:
        chosen = (selection or Selection()).over(find_config(root))
        try:
            bundle = load_bundle(root, schema.top_level)
            findings = lint_bundle(bundle, schema, target, chosen, values)
        except Exception as err:  # a bug must not hide the other bundles' findings
            if os.environ.get("BUNDLEGEN_DEBUG"):
                raise
            name = display_path(root)
            result.bundles.append(name)
            result.files.append(name)
            result.findings.append(
                Finding(
                    ERROR,  # unchecked is not clean: the gate fails closed
                    name,
                    1,
                    1,
                    "",
                    "internal-error",
                    f"bundlegen could not check this bundle: {type(err).__name__}: {err}",
                )
            )
            continue
        result.bundles.append(bundle.root_file.name)
        result.files.extend(f.name for f in bundle.files)
        result.findings.extend(findings)
    result.findings = _unique(result.findings)
    return result


def lint_bundle(
    bundle: Bundle,
    schema: Schema,
    target: str | None = None,
    selection: Selection | None = None,
    values: dict[str, str] | None = None,
) -> list[Finding]:
    chosen = selection or Selection()
    found = _lint_bundle(bundle, schema, target, chosen, values or {})
    found = [f for f in found if f.rule in _ALWAYS or chosen.enabled(f.rule)]
    found = suppress(found, {f.name: f.text for f in bundle.files}, chosen)
    return [f for f in found if f.rule in _ALWAYS or chosen.enabled(f.rule)]


def _lint_bundle(
    bundle: Bundle, schema: Schema, target: str | None, chosen: Selection, values: dict[str, str]
) -> list[Finding]:
    found: list[Finding] = []
    missing = []
    for f in bundle.files:
        if f.root is not None:
            schema_found, file_missing = check_file(schema, f.root)
            found += schema_found
            missing += file_missing
    if bundle.merged is None:
        return bundle.findings + found
    if target is not None and target not in bundle.target_names:
        names = ", ".join(bundle.target_names) or "none"
        rf = bundle.root_file
        found.append(
            Finding(
                ERROR,
                rf.name,
                1,
                1,
                "targets",
                "unknown-target",
                f"no target {target!r} in this bundle (targets: {names})",
            )
        )
        return bundle.findings + found
    targets = [target] if target else (bundle.target_names or [None])
    checks = [r for r in target_checks() if chosen.enabled(r.id)]
    per_target: dict[tuple, list[str]] = defaultdict(list)
    views = {}
    for name in targets:
        view = bundle.view(name)
        views[name] = view
        ctx = TargetContext(bundle, name, view, values)
        for rule in checks:
            for finding in rule.check(ctx):
                if name not in per_target[finding_key(finding)]:
                    per_target[finding_key(finding)].append(name)
    found += _required_confirmed(missing, views)
    for key, names in per_target.items():
        finding = Finding(*key)
        if (
            len(names) < len(targets)
            and names != [None]
            and len(bundle.target_names) > 1
            and f"target {names[0]!r}" not in finding.message
        ):
            label = "target" if len(names) == 1 else "targets"
            finding = Finding(*key[:6], f"{finding.message} ({label} {', '.join(names)})")
        found.append(finding)
    # A schema warning where a rule reports the same spot says less: keep the rule's.
    ruled = {
        (f.file, f.line, f.column) for f in found + bundle.findings if f.rule not in _SCHEMA_RULES
    }
    found = [
        f
        for f in found
        if RULES[f.rule].check is not None
        or f.rule not in _SCHEMA_RULES
        or (f.file, f.line, f.column) not in ruled
    ]
    return bundle.findings + found


_SCHEMA_RULES = frozenset({"unknown-field", "wrong-type", "invalid-enum", "missing-required"})


def finding_key(f: Finding) -> tuple:
    return (f.severity, f.file, f.line, f.column, f.path, f.rule, f.message)


def _required_confirmed(missing, views) -> list[Finding]:
    """A required field missing in a file counts only if some target's merged value lacks it."""
    if not missing:
        return []
    index: dict[int, list] = defaultdict(list)
    for view in views.values():
        stack = list(view.values())
        seen = set()
        while stack:
            v = stack.pop()
            if id(v) in seen:
                continue
            seen.add(id(v))
            if v.is_map:
                for src in v.sources():
                    index[id(src)].append(v)
                stack.extend(v.v.values())
            elif v.is_seq:
                stack.extend(v.v)
    out = []
    for mapping, field_name, path in missing:
        merged = index.get(id(mapping))
        if merged and all(
            m.get(field_name) is not None and m.v[field_name].v is not None for m in merged
        ):
            continue
        out.append(missing_finding(mapping, field_name, path))
    return out


def _unique(findings: list[Finding]) -> list[Finding]:
    seen = set()
    out = []
    for f in sorted(findings, key=Finding.sort_key):
        key = (f.severity, f.file, f.line, f.column, f.rule, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
