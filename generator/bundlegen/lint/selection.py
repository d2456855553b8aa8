"""Which rules run: `--select`/`--extend-select`/`--ignore`, the `[tool.bundlegen.lint]` section of
a pyproject.toml or the `[lint]` section of a `.bundlegen.toml` (the nearest one at or above the
bundle root), and `# bundlegen: ignore[rule-id]` comments in the bundle's files.

    select         the rules to run, instead of every rule
    extend-select  rules to run besides those `select` names (the config's select, say)
    ignore         rules not to run (wins over both)

The command line wins over the config file for `select`; `extend-select` and `ignore` add up.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bundlegen.errors import InputError, Location
from bundlegen.lint.findings import Finding
from bundlegen.lint.rules import RULES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_FIELDS = ("select", "extend-select", "ignore")
UNUSED = "unused-ignore"


@dataclass(frozen=True)
class Selection:
    select: frozenset[str] | None = None  # None: the default set
    extend: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    source: str = ""  # the config file it was read from, if any

    def enabled(self, rule_id: str) -> bool:
        if rule_id in self.ignore:
            return False
        return self.select is None or rule_id in self.select or rule_id in self.extend

    def over(self, config: Selection) -> Selection:
        """This selection (from the command line) over one read from a config file."""
        return Selection(
            self.select if self.select is not None else config.select,
            self.extend | config.extend,
            self.ignore | config.ignore,
            config.source,
        )


def rule_ids(values, where: str) -> frozenset[str]:
    """Rule ids from the command line or a config file; an unknown one is a usage error."""
    out = set()
    for value in values:
        for rule_id in (x.strip() for x in str(value).split(",")):
            if rule_id and rule_id not in RULES:
                raise InputError(f"unknown rule {rule_id!r} (see docs/lint.md)", field=where)
            if rule_id:
                out.add(rule_id)
    return frozenset(out)


def from_options(select, extend_select, ignore) -> Selection:
    return Selection(
        rule_ids(select, "--select") if select else None,
        rule_ids(extend_select, "--extend-select"),
        rule_ids(ignore, "--ignore"),
    )


def find_config(root: Path) -> Selection:
    """The selection of the nearest config file at or above the bundle root (none: default)."""
    for folder in [root, *root.resolve().parents]:
        own = folder / ".bundlegen.toml"
        if own.is_file():
            return _read(own, ("lint",))
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            data = _load(pyproject)
            tool = data.get("tool")
            ours = tool.get("bundlegen") if isinstance(tool, dict) else None
            if isinstance(ours, dict) and "lint" in ours:
                return _section(pyproject, data, ("tool", "bundlegen", "lint"))
    return Selection()


def _load(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read it: {err}", Location(str(path))) from None
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"not valid TOML: {err}", Location(str(path))) from None


def _read(path: Path, keys: tuple[str, ...]) -> Selection:
    return _section(path, _load(path), keys)


def _section(path: Path, data: dict, keys: tuple[str, ...]) -> Selection:
    section = data
    for key in keys:
        section = section.get(key, {}) if isinstance(section, dict) else {}
    name = ".".join(keys)
    if not isinstance(section, dict):
        raise InputError("must be a table", Location(str(path)), field=name)
    values = {}
    for key, value in section.items():
        where = f"{name}.{key}"
        if key not in CONFIG_FIELDS:
            raise InputError(
                f"unknown setting (expected one of {', '.join(CONFIG_FIELDS)})",
                Location(str(path)),
                field=where,
            )
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise InputError("must be a list of rule ids", Location(str(path)), field=where)
        try:
            values[key] = rule_ids(value, where)
        except InputError as err:
            raise InputError(err.message, Location(str(path)), field=where) from None
    return Selection(
        values.get("select"),
        values.get("extend-select", frozenset()),
        values.get("ignore", frozenset()),
        str(path),
    )


# `# bundlegen: ignore[rule-a, rule-b]`: at the end of a line, for that line; on a line of its
# own, for the next line.
_IGNORE = re.compile(r"(?:^|\s)#\s*bundlegen:\s*ignore\[([^\]]*)\]")


@dataclass
class _Comment:
    line: int  # where it is written
    column: int
    applies_to: int
    ids: list[str]
    used: set[str] = field(default_factory=set)


def suppress(findings: list[Finding], texts: dict[str, str], selection: Selection) -> list[Finding]:
    """Drop the findings an inline comment silences; report each id that silences nothing."""
    comments: dict[tuple[str, int], list[_Comment]] = defaultdict(list)
    for name, text in texts.items():
        if "bundlegen:" not in text:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            m = _IGNORE.search(line)
            if m:
                ids = [x.strip() for x in m.group(1).split(",") if x.strip()]
                own_line = not line[: m.start()].strip()
                c = _Comment(number, m.start() + 1 + (line[m.start()] != "#"), number, ids)
                c.applies_to = number + 1 if own_line else number
                comments[(name, c.applies_to)].append(c)
    if not comments:
        return findings
    kept = []
    for f in findings:
        silenced = False
        for c in comments.get((f.file, f.line), []):
            if f.rule in c.ids:
                c.used.add(f.rule)
                silenced = True
        if not silenced:
            kept.append(f)
    for (name, _), cs in comments.items():
        for c in cs:
            for rule_id in c.ids:
                if rule_id in c.used:
                    continue
                if rule_id not in RULES:
                    why = f"names no rule {rule_id!r}"
                elif not selection.enabled(rule_id):
                    continue  # the rule does not run here: nothing to say
                else:
                    why = f"silences nothing: no {rule_id} finding on line {c.applies_to}"
                kept.append(
                    Finding(
                        RULES[UNUSED].severity,
                        name,
                        c.line,
                        c.column,
                        "",
                        UNUSED,
                        f"# bundlegen: ignore[{rule_id}] {why}; remove it",
                    )
                )
    return kept
