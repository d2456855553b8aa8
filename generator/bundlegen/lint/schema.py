"""The bundle JSON schema: which one to use, and checking a file against it as the CLI would.

jsonschema-rs says quickly whether a file is valid (the official schema's patterns use `\\p{L}`,
which Python's `re` cannot compile). Only for a file it rejects does a walker written here find
each problem, with the leniency of the CLI: an empty key is absent, a scalar where a string is
expected is converted, `"5"` is an integer, a `${...}` reference may stand for any typed value,
and for a `oneOf` of a mapping and a reference the branch of the value's own type is reported.
Every problem is a warning, as the CLI's `bundle validate` reports them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bundlegen.errors import BundlegenError
from bundlegen.lint.findings import WARNING, Finding
from bundlegen.lint.values import BOOL_WORDS, V, join, kind, plain
from bundlegen.paths import schema_path

SHIPPED = "bundle.schema.json"
_FALLBACK = "using the schema shipped with bundlegen"
CLI_TIMEOUT_SECONDS = 30

_REF = re.compile(r"\$\{[^{}]+\}")
_FULL_REF = re.compile(r"\s*\$\{[^{}]+\}\s*")
_INT_TEXT = re.compile(r"[-+]?[0-9]+")
_FLOAT_TEXT = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")
_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a sequence",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true or false)",
    "null": "nothing",
}


@dataclass
class Schema:
    data: dict
    source: str  # where it came from, for notes and docs
    note: str | None = None  # e.g. why the databricks CLI's schema was not used

    def __post_init__(self):
        self._validator = None
        self._patterns: dict[str, object] = {}
        self.top_level = frozenset(self.data.get("properties", {})) | _ALWAYS_KNOWN

    @property
    def validator(self):
        if self._validator is None:
            import jsonschema_rs

            self._validator = jsonschema_rs.validator_for(self.data)
        return self._validator

    def resolve(self, s):
        seen = 0
        while isinstance(s, dict) and "$ref" in s and seen < 64:
            s = self._pointer(s["$ref"])
            seen += 1
        return s if isinstance(s, dict) else {}

    def _pointer(self, ref: str):
        if not ref.startswith("#"):
            return {}
        node = self.data
        for part in ref[1:].split("/")[1:] if ref.startswith("#/") else []:
            part = part.replace("~1", "/").replace("~0", "~")
            node = node.get(part, {}) if isinstance(node, dict) else {}
        return node

    def matches_pattern(self, pattern: str, text: str) -> bool:
        checker = self._patterns.get(pattern)
        if checker is None:
            import jsonschema_rs

            try:
                checker = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
            except Exception:  # a pattern nobody can compile: do not judge by it
                checker = False
            self._patterns[pattern] = checker
        return True if checker is False else checker.is_valid(text)


# Keys the CLI knows even when a (pruned or older) schema leaves them out.
_ALWAYS_KNOWN = frozenset(
    {
        "bundle",
        "workspace",
        "variables",
        "resources",
        "targets",
        "environments",
        "include",
        "artifacts",
        "sync",
        "permissions",
        "presets",
        "run_as",
        "experimental",
        "python",
        "scripts",
    }
)


def load_schema(option: Path | None, databricks_cli: str | None = None) -> Schema:
    """--bundle-schema FILE, else `databricks bundle schema`, else the shipped schema."""
    if option is not None:
        try:
            return Schema(json.loads(option.read_text(encoding="utf-8")), str(option))
        except FileNotFoundError:
            raise BundlegenError(f"--bundle-schema {option}: no such file") from None
        except (OSError, UnicodeDecodeError) as err:
            raise BundlegenError(f"--bundle-schema {option}: cannot read: {err}") from None
        except json.JSONDecodeError as err:
            raise BundlegenError(f"--bundle-schema {option}: not JSON: {err}") from None
    note = None
    cli = databricks_cli if databricks_cli is not None else shutil.which("databricks")
    if cli:
        try:
            done = subprocess.run(
                [cli, "bundle", "schema"],
                capture_output=True,
                text=True,
                timeout=CLI_TIMEOUT_SECONDS,
                stdin=subprocess.DEVNULL,
            )
            if done.returncode == 0:
                data = json.loads(done.stdout)
                if isinstance(data, dict):
                    return Schema(data, f"{cli} bundle schema")
            note = f"`{cli} bundle schema` failed (exit {done.returncode}); {_FALLBACK}"
        except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError) as err:
            note = f"`{cli} bundle schema` failed ({type(err).__name__}); {_FALLBACK}"
    shipped = schema_path(SHIPPED)
    return Schema(json.loads(shipped.read_text(encoding="utf-8")), f"bundlegen's {SHIPPED}", note)


def check_file(schema: Schema, root: V) -> tuple[list[Finding], list[tuple[V, str, str]]]:
    """Schema findings for one file, and the missing required fields (mapping, field, path),
    which the caller confirms on the merged targets: an override need not repeat them."""
    if schema.validator.is_valid(plain(root)):
        return [], []
    walker = _Walker(schema)
    walker.check(root, schema.data, "")
    return walker.findings, walker.missing


class _Walker:
    def __init__(self, schema: Schema):
        self.schema = schema
        self.findings: list[Finding] = []
        self.missing: list[tuple[V, str, str]] = []

    def warn(
        self, v: V, path: str, rule: str, message: str, at: tuple[int, int] | None = None
    ) -> None:
        line, col = at or (v.line, v.col)
        self.findings.append(Finding(WARNING, v.file, line, col, path, rule, message))

    def check(self, v: V, s, path: str) -> None:
        s = self.schema.resolve(s)
        if not s or v.v is None:
            return
        if "allOf" in s:
            for sub in s["allOf"]:
                self.check(v, sub, path)
        branches = s.get("oneOf") or s.get("anyOf")
        if branches:
            self._branches(v, [self.schema.resolve(b) for b in branches], path)
        if (
            "type" in s
            or "enum" in s
            or "const" in s
            or "properties" in s
            or "items" in s
            or "additionalProperties" in s
            or "required" in s
            or "pattern" in s
        ):
            self._one(v, s, path)

    def _branches(self, v: V, branches: list[dict], path: str) -> None:
        if (
            isinstance(v.v, str)
            and _REF.search(v.v)
            and (
                any(_is_reference_branch(b) for b in branches)
                or any(_accepts(b, "string") for b in branches)
            )
        ):
            return  # a ${...} reference may stand for any value
        own = kind_of(v)
        if any(b == {} for b in branches):
            return
        fitting = [b for b in branches if _accepts(b, own) and not _is_reference_branch(b)]
        if fitting:
            # Several branches of the value's type: use the first that finds nothing.
            if len(fitting) > 1:
                for b in fitting:
                    trial = _Walker(self.schema)
                    trial.check(v, b, path)
                    if not trial.findings and not trial.missing:
                        return
            self.check(v, fitting[0], path)
            return
        lenient = [b for b in branches if _lenient(b, v) and not _is_reference_branch(b)]
        if lenient:
            return
        expected = _expected(branches)
        self.warn(v, path, "wrong-type", f"{_where(path)}expected {expected}, found {_found(v)}")

    def _one(self, v: V, s: dict, path: str) -> None:
        types = s.get("type")
        if types is not None:
            types = types if isinstance(types, list) else [types]
            own = kind_of(v)
            if not any(_type_ok(t, own) for t in types):
                if isinstance(v.v, str) and _FULL_REF.fullmatch(v.v):
                    return  # a reference in place of a typed value: resolved at deploy time
                if not any(_lenient({"type": t}, v) for t in types):
                    expected = " or ".join(_TYPE_WORDS.get(t, t) for t in types)
                    self.warn(
                        v,
                        path,
                        "wrong-type",
                        f"{_where(path)}expected {expected}, found {_found(v)}",
                    )
                return
        if (
            "enum" in s
            and not isinstance(v.v, (dict, list))
            and not (isinstance(v.v, str) and _REF.search(v.v))
            and v.v not in s["enum"]
            and str(v.v) not in [str(e) for e in s["enum"]]
        ):
            allowed = ", ".join(str(e) for e in s["enum"])
            self.warn(
                v, path, "invalid-enum", f"{_where(path)}{_value(v)} is not one of: {allowed}"
            )
        if "const" in s and v.v != s["const"] and not isinstance(v.v, (dict, list)):
            self.warn(v, path, "invalid-enum", f"{_where(path)}{_value(v)} must be {s['const']!r}")
        if (
            "pattern" in s
            and isinstance(v.v, str)
            and not _REF.search(v.v)
            and not self.schema.matches_pattern(s["pattern"], v.v)
        ):
            self.warn(
                v,
                path,
                "wrong-type",
                f"{_where(path)}{_value(v)} does not match {s['pattern']}",
            )
        if v.is_map:
            self._object(v, s, path)
        elif v.is_seq and "items" in s and isinstance(s["items"], dict):
            for i, item in enumerate(v.v):
                self.check(item, s["items"], join(path, i))

    def _object(self, v: V, s: dict, path: str) -> None:
        props = s.get("properties", {})
        extra = s.get("additionalProperties", True)
        for key, child in v.v.items():
            if child.v is None:
                continue  # an empty key is absent
            sub = join(path, key)
            if key in props:
                self.check(child, props[key], sub)
            elif extra is False:
                where = f" in {shown(path)}" if path else " at the top level"
                self.warn(
                    child, sub, "unknown-field", f"unknown field {key!r}{where}", at=v.key_loc(key)
                )
            elif isinstance(extra, dict):
                self.check(child, extra, sub)
        if "file_path" in v.v:
            return  # an alert or dashboard defined in a file: its required fields are there
        for req in s.get("required", []):
            child = v.v.get(req)
            if child is None or child.v is None:
                self.missing.append((v, req, path))


def missing_finding(v: V, field: str, path: str) -> Finding:
    return Finding(
        WARNING,
        v.file,
        v.line,
        v.col,
        join(path, field),
        "missing-required",
        f"{_where(path)}required field {field!r} is not set",
    )


def kind_of(v: V) -> str:
    return {
        "mapping": "object",
        "sequence": "array",
        "boolean": "boolean",
        "integer": "integer",
        "number": "number",
        "string": "string",
        "null": "null",
    }[kind(v)]


def _type_ok(expected: str, own: str) -> bool:
    return expected == own or (expected == "number" and own == "integer")


def _accepts(branch: dict, own: str) -> bool:
    t = branch.get("type")
    if t is None:
        return "properties" in branch and own == "object"
    return any(_type_ok(x, own) for x in (t if isinstance(t, list) else [t]))


def _is_reference_branch(branch: dict) -> bool:
    return branch.get("type") == "string" and "${" in branch.get("pattern", "").replace("\\", "")


def _lenient(branch: dict, v: V) -> bool:
    """What the CLI converts without a word: scalars to strings, "5" to 5, "true" to true."""
    t = branch.get("type")
    x = v.v
    if isinstance(x, (dict, list)) or t is None:
        return False
    types = t if isinstance(t, list) else [t]
    for t in types:
        if t == "string" and "enum" not in branch and "pattern" not in branch:
            return True
        if t == "integer" and (
            isinstance(x, str)
            and _INT_TEXT.fullmatch(x.strip())
            or isinstance(x, float)
            and x.is_integer()
        ):
            return True
        if t == "number" and isinstance(x, str) and _FLOAT_TEXT.fullmatch(x.strip()):
            return True
        if t == "boolean" and isinstance(x, str) and x.strip() in BOOL_WORDS:
            return True
    return False


def _expected(branches: list[dict]) -> str:
    words = []
    for b in branches:
        if _is_reference_branch(b):
            word = "a ${...} reference"
        else:
            t = b.get("type", "object")
            word = " or ".join(_TYPE_WORDS.get(x, x) for x in (t if isinstance(t, list) else [t]))
        if word not in words:
            words.append(word)
    return " or ".join(words)


def _found(v: V) -> str:
    k = kind(v)
    if k in ("mapping", "sequence"):
        return f"a {k}"
    return f"{k} {_value(v)}"


def _value(v: V) -> str:
    text = json.dumps(v.v) if not isinstance(v.v, str) else repr(v.v)
    return text if len(text) <= 60 else text[:57] + "..."


_TARGET_PREFIX = re.compile(r"^(targets|environments)\.[^.]+\.")


def shown(path: str) -> str:
    """A path as messages show it: the same for the root and a target's override (the
    finding's location says which), so a value reached through two YAML aliases is one finding."""
    return _TARGET_PREFIX.sub("", path)


def _where(path: str) -> str:
    return f"{shown(path)}: " if path else ""
