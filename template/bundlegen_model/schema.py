"""The spec schema (schemas/spec.schema.json) checked with readable messages, and answers
coerced to the types it says (Cookiecutter renders numbers as strings)."""

from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from bundlegen_model.shipped import shipped

Path_ = tuple  # a path into the document: mapping keys and list indexes

SCHEMA_FILE = "spec.schema.json"



def schema_path() -> Path:
    """The spec schema: schemas/ of the package, in a checkout and in the wheel alike."""
    return shipped("schemas", SCHEMA_FILE)


@lru_cache(maxsize=1)
def load_schema() -> dict:
    return json.loads(schema_path().read_text(encoding="utf-8"))


def format_path(path: Path_) -> str:
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += ("." if out else "") + str(step)
    return out or "(top level)"


_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
}


def kind(value: Any) -> str:
    for name in ("boolean", "integer", "number", "string", "array", "object", "null"):
        if _TYPES[name](value):
            return {"object": "a mapping", "array": "a list", "null": "empty"}.get(
                name, _TYPE_WORDS.get(name, name)
            )
    return type(value).__name__


class Validator:
    """The subset of JSON Schema 2020-12 that spec.schema.json uses, with readable messages.

    jsonschema-rs validates the same file in the test suite, so the schema stays standard;
    this exists because the template must work with only cookiecutter installed.
    """

    def __init__(self, root: dict):
        self.root = root

    def resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            target = self.root
            for part in schema["$ref"].lstrip("#/").split("/"):
                target = target[part]
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **rest}
        return schema

    def types_of(self, schema: dict) -> set[str]:
        schema = self.resolve(schema)
        if "type" in schema:
            return {schema["type"]} if isinstance(schema["type"], str) else set(schema["type"])
        if "enum" in schema:
            return {"string"} if all(isinstance(e, str) for e in schema["enum"]) else set()
        if "oneOf" in schema:
            return set().union(*(self.types_of(s) for s in schema["oneOf"]))
        return set()

    def validate(self, value: Any, schema: dict, path: Path_ = ()) -> list[tuple[Path_, str]]:
        schema = self.resolve(schema)
        custom = schema.get("errorMessage")

        if "oneOf" in schema:
            # Report against the branch whose type matches the value, not "matches no branch".
            branches = [s for s in schema["oneOf"] if self._type_ok(value, self.resolve(s))]
            if not branches:
                words = sorted({_TYPE_WORDS.get(t, t) for t in self.types_of(schema)})
                return [(path, f"must be {' or '.join(words)}, not {kind(value)}")]
            return self.validate(value, branches[0], path)

        if not self._type_ok(value, schema):
            words = sorted(_TYPE_WORDS.get(t, t) for t in self.types_of(schema))
            return [(path, f"must be {' or '.join(words)}, not {kind(value)}")]

        if "enum" in schema and value not in schema["enum"]:
            choices = ", ".join(str(e) for e in schema["enum"])
            hint = _near(value, schema["enum"]) if isinstance(value, str) else ""
            return [(path, f"must be one of {choices}, not {value!r}{hint}")]

        if isinstance(value, str) and (
            len(value) < schema.get("minLength", 0)
            or len(value) > schema.get("maxLength", 10**9)
            or ("pattern" in schema and not re.search(schema["pattern"], value))
        ):
            shown = repr(value) if len(value) <= 60 else f"{value[:40]!r}... ({len(value)} chars)"
            return [(path, f"{shown} {custom or 'is not valid here'}")]
        if (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and (
                value < schema.get("minimum", float("-inf"))
                or value > schema.get("maximum", float("inf"))
            )
        ):
            low, high = schema.get("minimum"), schema.get("maximum")
            return [(path, f"must be from {low} to {high}, not {value}")]
        if isinstance(value, list):
            return self._array(value, schema, path, custom)
        if isinstance(value, dict):
            return self._object(value, schema, path, custom)
        return []

    def _type_ok(self, value: Any, schema: dict) -> bool:
        types = self.types_of(schema)
        return not types or any(_TYPES[t](value) for t in types)

    def _array(self, value: list, schema: dict, path: Path_, custom: str | None):
        if len(value) < schema.get("minItems", 0):
            return [(path, custom or f"must have at least {schema['minItems']} item(s)")]
        if schema.get("uniqueItems"):
            seen = []
            for i, item in enumerate(value):
                if item in seen:
                    return [(path + (i,), f"{item!r} is listed twice")]
                seen.append(item)
        found = []
        if "items" in schema:
            for i, item in enumerate(value):
                found += self.validate(item, schema["items"], path + (i,))
        return found

    def _object(self, value: dict, schema: dict, path: Path_, custom: str | None):
        found = []
        if len(value) < schema.get("minProperties", 0):
            return [(path, custom or "must not be empty")]
        props = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        for key in schema.get("required", []):
            if key not in value:
                found.append((path, f"missing required key '{key}'"))
        for key, item in value.items():
            key = str(key)
            if "propertyNames" in schema:
                for _, message in self.validate(key, schema["propertyNames"], path):
                    found.append((path + (key,), message))
            if key in props:
                found += self.validate(item, props[key], path + (key,))
            elif any(re.search(p, key) for p in patterns):
                continue
            elif schema.get("additionalProperties", True) is False:
                found.append((path + (key,), f"unknown key '{key}'{_near(key, props)}"))
            elif isinstance(schema.get("additionalProperties"), dict):
                found += self.validate(item, schema["additionalProperties"], path + (key,))
        return found


def _near(word: str, choices) -> str:
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _coerce_numbers(value: Any, schema: dict, v: Validator) -> Any:
    """Cookiecutter renders the numbers of its dict defaults to strings; turn them back."""
    schema = v.resolve(schema)
    if "oneOf" in schema:
        for branch in schema["oneOf"]:
            if v._type_ok(value, v.resolve(branch)):
                return _coerce_numbers(value, branch, v)
        return value
    if isinstance(value, str) and "integer" in v.types_of(schema) and re.fullmatch(r"-?\d+", value):
        return int(value)
    if isinstance(value, dict):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        return {
            k: _coerce_numbers(item, props.get(k, extra if isinstance(extra, dict) else {}), v)
            for k, item in value.items()
        }
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_coerce_numbers(item, schema["items"], v) for item in value]
    return value


def coerce_answers(answers: dict) -> dict:
    return _coerce_numbers(answers, load_schema(), Validator(load_schema()))
