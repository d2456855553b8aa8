"""The rule registry: each rule has an id, a severity and a one-line description, and the rules
that run on a target's view have a check. Shared helpers of the rule modules live here too."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from bundlegen.lint import refs
from bundlegen.lint.findings import Finding
from bundlegen.lint.loader import Bundle
from bundlegen.lint.values import V


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    docs: str
    check: Callable[[TargetContext], Iterator[Finding]] | None = None


RULES: dict[str, Rule] = {}


def declare(id: str, severity: str, docs: str) -> None:
    RULES[id] = Rule(id, severity, docs)


def rule(id: str, severity: str, docs: str):
    def register(check):
        RULES[id] = Rule(id, severity, docs, check)
        return check

    return register


@dataclass
class TargetContext:
    bundle: Bundle
    target: str | None
    view: dict[str, V]
    values: dict[str, str] = field(default_factory=dict)  # lint's --var NAME=VALUE

    def given(self, name: str) -> str | None:
        """The value the command line gives a variable, as the CLI takes it: --var, else
        BUNDLE_VAR_<name> in the environment."""
        return self.values.get(name, os.environ.get(f"BUNDLE_VAR_{name}"))

    def finding(
        self,
        rule_id: str,
        v: V,
        path: str,
        message: str,
        severity: str | None = None,
        at: tuple[int, int] | None = None,
    ) -> Finding:
        line, col = at or (v.line, v.col)
        return Finding(
            severity or RULES[rule_id].severity, v.file, line, col, path, rule_id, message
        )

    @functools.cached_property
    def strings(self) -> list[tuple[V, str]]:
        """Every string with a `${...}` in the view, with its path (walked once per target)."""
        return list(refs.view_strings(self.view))

    def folder_of(self, v: V) -> str:
        """The folder of the file a value was written in (paths in it are relative to it)."""
        for f in self.bundle.files:
            if f.name == v.file:
                return str(f.path.parent)
        return str(self.bundle.root_file.path.parent)

    def get(self, *path: str | int) -> V | None:
        first = self.view.get(path[0])
        return first.get(*path[1:]) if first is not None else None

    def resolve(self, v: V | None):
        return refs.resolve(self.view, self.target, v)

    def variables(self) -> dict[str, V]:
        var = self.view.get("variables")
        return dict(var.v) if var is not None and var.is_map else {}

    def resources(self, rtype: str) -> list[tuple[str, V]]:
        group = self.get("resources", rtype)
        return (
            [(k, r) for k, r in group.items() if r.is_map]
            if group is not None and group.is_map
            else []
        )


def target_checks() -> list[Rule]:
    return [r for r in RULES.values() if r.check is not None]


def find_cycle(start: str, edges: dict[str, list[str]]) -> list[str] | None:
    stack = [(start, [start])]
    while stack:
        node, path = stack.pop()
        for nxt in edges.get(node, []):
            if nxt == start:
                return path
            if nxt not in path and len(path) < 50:
                stack.append((nxt, path + [nxt]))
    return None


def job_tasks(job: V, path: str) -> Iterator[tuple[V, str]]:
    """Each task of a job with its path, and the task inside a for_each_task after its holder."""
    for i, task in enumerate(items(job, "tasks")):
        tpath = f"{path}.tasks[{i}]"
        yield task, tpath
        inner = task.get("for_each_task", "task")
        if inner is not None and inner.is_map:
            yield inner, f"{tpath}.for_each_task.task"


def items(v: V | None, *path: str) -> list[V]:
    """The mappings of the sequence at path under v (none if it is not a sequence)."""
    seq = v.get(*path) if v is not None else None
    return [x for x in seq.v if x.is_map] if seq is not None and seq.is_seq else []


def elements(v: V | None) -> list[V]:
    """The elements of a sequence (none if v is not one)."""
    return list(v.v) if v is not None and v.is_seq else []


def via(v: V, value: str) -> str:
    return "" if v.v == value else f" (from {v.v})"


def text(ctx: TargetContext, v: V | None) -> str | None:
    """A key's value when it is known in this target (a literal or a resolved reference)."""
    value = ctx.resolve(v) if v is not None else None
    return value if isinstance(value, str) else None
