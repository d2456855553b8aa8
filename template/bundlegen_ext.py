"""Checks and derived names shared by the Cookiecutter template and the bundlegen CLI.

Cookiecutter loads this module as a Jinja extension (cookiecutter.json `_extensions`); the
bundlegen CLI imports the same file. It needs only the standard library and Jinja, so the
template works with nothing but cookiecutter installed.

- `problems(answers)` checks a spec or the Cookiecutter answers against
  ../schemas/spec.schema.json and the rules a schema cannot express, and returns
  (path, message) pairs.
- `Project(answers)` is the normalized view every template file renders from.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import pass_context
from jinja2.ext import Extension

Path_ = tuple  # a path into the document: mapping keys and list indexes

SCHEMA_FILE = "spec.schema.json"

# The workspace host suffixes of each cloud (commercial, government and sovereign clouds).
HOST_SUFFIXES = {
    "aws": (".cloud.databricks.com", ".cloud.databricks.us", ".cloud.databricks.mil"),
    "azure": (".azuredatabricks.net", ".databricks.azure.us", ".databricks.azure.cn"),
    "gcp": (".gcp.databricks.com",),
}
CLOUD_NAMES = {"aws": "AWS", "azure": "Azure", "gcp": "GCP"}
A_CLOUD = {"aws": "an AWS", "azure": "an Azure", "gcp": "a GCP"}

# How each cloud names its regions, with an example for the message.
REGION_PATTERNS = {
    "aws": (re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$"), "us-east-1"),
    "azure": (re.compile(r"^[a-z]+[0-9]?$"), "westeurope"),
    "gcp": (re.compile(r"^[a-z]+-[a-z]+[0-9]+$"), "europe-west1"),
}

# Demo workspaces of the embedded default spec, per cloud (two regions).
DEMO = {
    "aws": [
        ("us-east-1", "https://dbc-1234567890123456.cloud.databricks.com"),
        ("eu-west-1", "https://dbc-6543210987654321.cloud.databricks.com"),
    ],
    "azure": [
        ("eastus2", "https://adb-1234567890123456.7.azuredatabricks.net"),
        ("westeurope", "https://adb-6543210987654321.1.azuredatabricks.net"),
    ],
    "gcp": [
        ("us-central1", "https://1234567890123456.7.gcp.databricks.com"),
        ("europe-west1", "https://6543210987654321.1.gcp.databricks.com"),
    ],
}

# Plain scalars that YAML 1.1 reads as booleans, null or numbers: refused as names, so every
# generated file reads back with the strings the user wrote.
_YAML_NON_STRING = re.compile(
    r"^(y|yes|n|no|true|false|on|off|null|~|[-+]?(\.[0-9]+|[0-9][0-9_]*)(\.[0-9_]*)?([eE][-+]?[0-9]+)?)$",
    re.IGNORECASE,
)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# --------------------------------------------------------------------------- CI/CD pins
# What the generated CI files pin (docs/decisions/ci-auth-and-pins.md). Third-party GitHub
# Actions are pinned to a full commit SHA, with the tag it was taken from as a comment; verify
# a new pin with `git ls-remote https://github.com/OWNER/REPO refs/tags/TAG` before changing it.
# Generated projects keep them current with Dependabot (.github/dependabot.yml).
ACTION_PINS = {
    "actions/checkout": ("de0fac2e4500dabe0009e67214ff5f5447ce83dd", "v6.0.2"),
    "actions/setup-python": ("a309ff8b426b58ec0e2a45f0f869d46889d02405", "v6.2.0"),
    # The action installs the CLI version given in its `version:` input (the bundle's version).
    "databricks/setup-cli": ("6bb7075f85b326f8b9ce160933dfe9bcd63c8121", "v1.13.0"),
}
CI_PYTHON_VERSION = "3.12"  # the Python CI runs the project's tests and tools with
UV_VERSION = "0.13.9"  # builds the project's wheel (databricks.yml artifacts) in CI
# The generated package's databricks-sdk floor, per CI system: Route.served_entity_name needs
# 0.58; the OIDC auth types need github-oidc 0.51, env-oidc (GitLab) 0.55, azure-devops-oidc 0.68.
SDK_FLOORS = {"github": "0.58.0", "gitlab": "0.58.0", "azure-devops": "0.68.0"}
DEFAULT_BRANCH = "main"  # deploys to staging
RELEASE_BRANCH = "release"  # deploys to production (GitHub and Azure DevOps: also v* tags)


def generator_version() -> str:
    """The version of bundlegen this template belongs to ("" when it cannot be found).

    The template sits beside the package: template/ and generator/bundlegen/ in a checkout
    (and in the clone Cookiecutter makes of the repository), bundlegen/template/ inside the
    installed package.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "generator" / "bundlegen" / "__init__.py",
                      here.parent / "__init__.py"):
        if candidate.is_file():
            text = candidate.read_text(encoding="utf-8")
            found = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
            if found:
                return found.group(1)
    return ""



# --------------------------------------------------------------------------- schema checks


def schema_path() -> Path:
    """The spec schema: ../schemas beside the template, in a checkout and in the wheel alike."""
    return Path(__file__).resolve().parent.parent / "schemas" / SCHEMA_FILE


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


def _kind(value: Any) -> str:
    for name in ("boolean", "integer", "number", "string", "array", "object", "null"):
        if _TYPES[name](value):
            return {"object": "a mapping", "array": "a list", "null": "empty"}.get(
                name, _TYPE_WORDS.get(name, name)
            )
    return type(value).__name__


class _Validator:
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
                return [(path, f"must be {' or '.join(words)}, not {_kind(value)}")]
            return self.validate(value, branches[0], path)

        if not self._type_ok(value, schema):
            words = sorted(_TYPE_WORDS.get(t, t) for t in self.types_of(schema))
            return [(path, f"must be {' or '.join(words)}, not {_kind(value)}")]

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


def _coerce_numbers(value: Any, schema: dict, v: _Validator) -> Any:
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
    return _coerce_numbers(answers, load_schema(), _Validator(load_schema()))


# --------------------------------------------------------------------------- semantic checks


def _entries(value: Any, key: str) -> list[tuple[Path_, str, dict]]:
    """(path, name, settings) of a list-of-mappings or a mapping keyed by name."""
    if isinstance(value, list):
        return [((key, i), item.get("name"), item) for i, item in enumerate(value)]
    if isinstance(value, dict):
        return [((key, name), name, item or {}) for name, item in value.items()]
    return []


def _rules(spec: dict) -> list[tuple[Path_, str]]:
    found: list[tuple[Path_, str]] = []
    cloud = spec.get("cloud")

    def host_rule(path: Path_, host: Any) -> None:
        if not isinstance(host, str) or cloud not in HOST_SUFFIXES:
            return
        domain = host[len("https://") :].rstrip("/").lower()
        for other, suffixes in HOST_SUFFIXES.items():
            if other != cloud and domain.endswith(suffixes):
                found.append(
                    (path, f"{host} is {A_CLOUD[other]} workspace, but cloud is {cloud}")
                )

    regions = _entries(spec.get("regions"), "regions")
    seen_names: dict[str, Path_] = {}
    seen_hosts: dict[str, str] = {}
    for path, name, region in regions:
        # In the list form the name is a field of the item; in the mapping form, its key.
        name_path = path + ("name",) if isinstance(path[-1], int) else path
        if name in seen_names:
            found.append((name_path, f"region '{name}' is listed twice"))
        seen_names.setdefault(name, path)
        pattern, example = REGION_PATTERNS.get(cloud, (None, None))
        if pattern and isinstance(name, str) and not pattern.match(name):
            found.append(
                (name_path, f"'{name}' is not {A_CLOUD[cloud]} region name (like {example})")
            )
        host = region.get("host")
        host_rule(path + ("host",), host)
        if isinstance(host, str):
            key = host.rstrip("/").lower()
            if key in seen_hosts:
                found.append((path + ("host",),
                              f"{host} is already the host of region '{seen_hosts[key]}'"))
            seen_hosts.setdefault(key, name)
        metastore = region.get("metastore_id")
        if isinstance(metastore, str) and cloud:
            m_cloud, m_region, _ = metastore.split(":", 2)
            if m_cloud != cloud or m_region != name:
                found.append((path + ("metastore_id",),
                              f"{metastore} is a metastore of {m_cloud}:{m_region}, "
                              f"not of {cloud}:{name}"))

    envs = spec.get("environments") or {}
    for env_name, env in envs.items() if isinstance(envs, dict) else []:
        if isinstance(env, dict):
            host_rule(("environments", env_name, "host"), env.get("host"))

    serving = spec.get("serving") or {}
    variants = _entries(serving.get("variants"), "variants")
    seen_variants: set[str] = set()
    total = 0
    for path, name, variant in variants:
        path = ("serving",) + path
        if name in seen_variants:
            name_path = path + ("name",) if isinstance(path[-1], int) else path
            found.append((name_path, f"variant '{name}' is listed twice"))
        seen_variants.add(name)
        traffic = variant.get("traffic")
        if isinstance(traffic, int) and not isinstance(traffic, bool):
            total += traffic
    if variants and total != 100:
        found.append((("serving", "variants"),
                      f"traffic of the variants sums to {total}; it must be 100"))
    found += _traffic_rules(serving, variants, regions)

    found += _non_string_words(spec, ())
    return found


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _traffic_rules(serving: dict, variants: list, regions: list) -> list[tuple[Path_, str]]:
    """Shadow variants, per-region splits, the ramp plan and the promotion request."""
    found: list[tuple[Path_, str]] = []
    names = [name for _, name, _ in variants]
    if not names:
        return found
    first = names[0]
    first_alias = (variants[0][2].get("alias") or first)
    shadows = {name for _, name, v in variants if v.get("shadow") is True}
    listing = ", ".join(names)
    for path, name, variant in variants:
        path = ("serving",) + path
        if variant.get("shadow") is True:
            if name == first:
                found.append((path + ("shadow",), f"'{name}' is the first variant, the champion "
                              "the others fall back to; it cannot be a shadow variant"))
            traffic = variant.get("traffic")
            if _is_int(traffic) and traffic != 0:
                found.append((path + ("traffic",), f"'{name}' is a shadow variant, which gets no "
                              f"live traffic: its traffic must be 0, not {traffic}"))

    splits = {"": {name: v.get("traffic") for _, name, v in variants}}
    for path, region_name, region in regions:
        split = region.get("traffic")
        if not isinstance(split, dict):
            continue
        where = path + ("traffic",)
        unknown = [k for k in split if k not in names]
        missing = [n for n in names if n not in split]
        for k in unknown:
            found.append((where + (k,), f"'{k}' is not a variant (the variants: {listing})"))
        if missing:
            found.append((where, f"must give the percent of every variant; missing: "
                          f"{', '.join(missing)}"))
        if unknown or missing or not all(_is_int(v) for v in split.values()):
            continue
        total = sum(split.values())
        if total != 100:
            found.append((where,
                          f"traffic of region '{region_name}' sums to {total}; it must be 100"))
        for k in shadows:
            if split[k] != 0:
                found.append((where + (k,), f"'{k}' is a shadow variant, which gets no live "
                              f"traffic: its traffic must be 0, not {split[k]}"))
        splits[f" in region '{region_name}'"] = split

    def variant_rule(key: str, what: str) -> str | None:
        value = (serving.get(key) or {}).get("variant")
        if not isinstance(value, str):
            return None
        where = ("serving", key, "variant")
        if value not in names:
            found.append((where, f"'{value}' is not a variant (the variants: {listing})"))
        elif value == first or (dict((n, v.get("alias") or n) for _, n, v in variants)[value]
                                == first_alias):
            found.append((where, f"'{value}' serves @{first_alias}, the champion, already; "
                          f"{what} another variant"))
        elif value in shadows:
            found.append((where, f"'{value}' is a shadow variant, which is never served; "
                          f"{what} a live variant"))
        else:
            return value
        return None

    ramped = variant_rule("ramp", "ramp")
    variant_rule("promote", "promote")
    steps = (serving.get("ramp") or {}).get("steps")
    if isinstance(steps, list) and steps and all(_is_int(s) for s in steps):
        where = ("serving", "ramp", "steps")
        if any(b <= a for a, b in zip(steps, steps[1:], strict=False)) or steps[-1] != 100:
            found.append((where, f"{steps} must increase strictly and end at 100, "
                          "such as [25, 50, 100]"))
        elif ramped is not None:
            for label, split in splits.items():
                share = split.get(ramped)
                if _is_int(share) and share >= steps[0]:
                    found.append((where, f"the first step, {steps[0]}, must be above the "
                                  f"committed share of '{ramped}' ({share}%{label})"))
    return found


def _non_string_words(value: Any, path: Path_) -> list[tuple[Path_, str]]:
    """Names YAML would read back as true/false/null or a number are refused."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if str(key).startswith("_"):
                continue
            if isinstance(key, str) and _YAML_NON_STRING.match(key):
                found.append((path + (key,), f"'{key}' would be read by YAML as a boolean, "
                              "null or number; choose another name"))
            found += _non_string_words(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _non_string_words(item, path + (i,))
    elif isinstance(value, str) and _YAML_NON_STRING.match(value):
        found.append((path, f"'{value}' would be read by YAML as a boolean, null or number; "
                      "quote-proof names only"))
    return found


def problems(spec: dict) -> list[tuple[Path_, str]]:
    """Every problem of a spec or of Cookiecutter answers: schema first, then the rules."""
    if not isinstance(spec, dict):
        return [((), f"must be a mapping of settings, not {_kind(spec)}")]
    found = _Validator(load_schema()).validate(spec, load_schema())
    if found:
        return found
    return _rules(spec)


# --------------------------------------------------------------------------- the project model


@dataclass(frozen=True)
class Region:
    name: str
    host: str
    role: str  # "primary" or "replica"
    target: str
    key: str  # the name as an identifier, for task keys and variable names
    catalog: str  # writable catalog in this region
    model_catalog: str  # where the model is read in this region
    metastore_id: str
    service_principal: str
    service_principal_is_id: bool
    workload_size: str
    scale_to_zero: bool
    latency_budget_ms: int
    split: tuple = ()  # ((variant, percent), ...): the region's split, its own or the project's

    @property
    def is_primary(self) -> bool:
        return self.role == "primary"

    @property
    def traffic(self) -> dict[str, int]:
        return dict(self.split)


@dataclass(frozen=True)
class Variant:
    name: str
    traffic: int
    alias: str
    shadow: bool = False

    @property
    def spec_text(self) -> str:
        """The variant as bundlegen.yml writes it (bundlegen traffic writes the same)."""
        alias = f", alias: {self.alias}" if self.alias != self.name else ""
        shadow = ", shadow: true" if self.shadow else ""
        return f"{{name: {self.name}, traffic: {self.traffic}{alias}{shadow}}}"


@dataclass(frozen=True)
class Environment:
    name: str  # dev or staging
    host: str
    catalog: str


class Project:
    """Normalized answers: defaults filled in, regions and variants as ordered lists."""

    def __init__(self, answers: dict):
        a = coerce_answers({k: v for k, v in answers.items() if not str(k).startswith("_")})
        self.answers = a
        self.name: str = a["project_name"]
        self.slug: str = a["project_slug"]
        self.dash_slug = self.slug.replace("_", "-")
        self.cloud: str = a["cloud"]
        self.cloud_name = CLOUD_NAMES[self.cloud]
        model = a["model"]
        self.catalog, self.schema, self.model_name = (
            model["catalog"], model["schema"], model["name"]
        )
        serving = a["serving"]
        self.endpoint_name: str = serving["endpoint_name"]
        self.architectures: list[str] = list(serving.get("architectures", ["real-time", "batch"]))
        self.realtime = "real-time" in self.architectures
        self.batch = "batch" in self.architectures
        self.asynchronous = "async" in self.architectures
        self.consumers: str = serving.get("consumers", "users")
        self.variants = [
            Variant(name, int(v["traffic"]), v.get("alias") or name, v.get("shadow") is True)
            for _, name, v in _entries(serving["variants"], "variants")
        ]
        ramp = serving.get("ramp") or {}
        self.ramp_variant: str = ramp.get("variant", "")
        self.ramp_steps: list[int] = [int(step) for step in ramp.get("steps", [])]
        promote = serving.get("promote") or {}
        self.promote_variant: str = promote.get("variant", "")
        self.promote_request: str = promote.get("request", "")
        ci = a.get("ci", "github")
        self.ci: list[str] = [ci] if isinstance(ci, str) else list(ci)
        sharing = a.get("sharing") or {}
        self.share_name: str = sharing.get("share_name") or f"{self.slug}_models"
        self.shared_catalog: str = sharing.get("catalog") or f"{self.catalog}_shared"
        self.cli_version: str = a.get("databricks_cli_version") or "1.13.0"
        self.emails: list[str] = list((a.get("notifications") or {}).get("emails", []))
        default_sp = a.get("service_principal") or f"{self.dash_slug}-deployer"

        self.regions: list[Region] = []
        for i, (_, name, r) in enumerate(_entries(a["regions"], "regions")):
            primary = i == 0
            sp = r.get("service_principal") or default_sp
            self.regions.append(
                Region(
                    name=name,
                    host=r["host"].rstrip("/"),
                    role="primary" if primary else "replica",
                    target=f"prod-{name}",
                    key=name.replace("-", "_"),
                    catalog=r.get("catalog") or self.catalog,
                    model_catalog=self.catalog if primary else self.shared_catalog,
                    metastore_id=r.get("metastore_id", ""),
                    service_principal=sp,
                    service_principal_is_id=bool(_UUID.match(sp)),
                    workload_size=r.get("workload_size") or serving.get("workload_size", "Small"),
                    scale_to_zero=r.get("scale_to_zero", serving.get("scale_to_zero", False)),
                    latency_budget_ms=int(
                        r.get("latency_budget_ms") or serving.get("latency_budget_ms", 500)
                    ),
                    split=tuple((v.name, int((r.get("traffic") or {}).get(v.name, v.traffic)))
                                for v in self.variants),
                )
            )
        self.primary = self.regions[0]
        self.replicas = self.regions[1:]
        sharing_provider = sharing.get("provider_name")
        self.provider_name: str = sharing_provider or f"{self.primary.key}_{self.slug}"

        envs = a.get("environments") or {}
        self.dev = Environment(
            "dev",
            (envs.get("dev") or {}).get("host", self.primary.host).rstrip("/"),
            (envs.get("dev") or {}).get("catalog", f"{self.catalog}_dev"),
        )
        self.staging = Environment(
            "staging",
            (envs.get("staging") or {}).get("host", self.primary.host).rstrip("/"),
            (envs.get("staging") or {}).get("catalog", f"{self.catalog}_staging"),
        )
        self.default_service_principal = default_sp
        self.default_service_principal_is_id = bool(_UUID.match(default_sp))

    @property
    def model_full_name(self) -> str:
        return f"{self.catalog}.{self.schema}.{self.model_name}"

    # ---- traffic: the deployment job's parameters (docs/decisions/traffic-commands.md)
    @property
    def aliases_param(self) -> str:
        """variant[=alias],...: the alias each variant serves, the base (champion) first."""
        return ",".join(
            v.name if v.alias == v.name else f"{v.name}={v.alias}" for v in self.variants
        )

    @property
    def ramp_param(self) -> str:
        """variant:step,step,... ("" without a ramp plan)."""
        if not self.ramp_variant:
            return ""
        return f"{self.ramp_variant}:{','.join(str(s) for s in self.ramp_steps)}"

    @property
    def promote_param(self) -> str:
        """variant:request time, the id of a one-time promotion request ("" without one)."""
        return f"{self.promote_variant}:{self.promote_request}" if self.promote_variant else ""

    @property
    def challenger_alias(self) -> str:
        """The alias validation moves to a better model: the first live variant after the base's."""
        live = [v for v in self.variants[1:] if not v.shadow]
        return live[0].alias if live else "challenger"

    @property
    def shadow_param(self) -> str:
        return ",".join(v.name for v in self.variants if v.shadow)

    # ---- CI/CD (the generated CI files, scripts/ and docs/ci.md)
    default_branch = DEFAULT_BRANCH
    release_branch = RELEASE_BRANCH
    ci_python_version = CI_PYTHON_VERSION
    uv_version = UV_VERSION

    @property
    def sdk_floor(self) -> str:
        return max((SDK_FLOORS[ci] for ci in self.ci), key=lambda v: tuple(map(int, v.split("."))))

    @property
    def bundlegen_version(self) -> str:
        return generator_version()

    @property
    def targets(self) -> list[str]:
        """The targets CI deploys: staging, then prod-<region> for each region, primary first."""
        return ["staging"] + [r.target for r in self.regions]

    @property
    def diagram(self) -> str:
        """The Mermaid flowchart of the regions (the README's picture)."""
        return mermaid(diagram_regions(self))

    @staticmethod
    def uses(action: str) -> str:
        """`owner/repo@<full sha> # <tag>` for a `uses:` line of a GitHub workflow."""
        sha, tag = ACTION_PINS[action]
        return f"{action}@{sha} # {tag}"


# --------------------------------------------------------------------------- the diagram
# A Mermaid flowchart of the deployment: one box per region, the model, the Delta Share from
# the primary region to each replica, each endpoint with its traffic split. The generated
# README renders it from the Project; `bundlegen regions --format mermaid` renders it from a
# project's files (or any bundle's targets), through the same `mermaid()`.
# A region is a run of whole lines that names only itself (and the primary it shares from):
# appending a region only appends lines (tests/test_template_additive.py).


@dataclass(frozen=True)
class Endpoint:
    name: str
    routes: tuple  # (served entity, traffic percentage) pairs


@dataclass(frozen=True)
class DiagramRegion:
    name: str
    role: str  # "primary" or "replica"
    target: str
    model: str = ""  # the full name of the model served there ("" for another bundle)
    trains: bool = False  # training runs there
    shared_from: str = ""  # the region whose model this one mounts by Delta Sharing
    share: str = ""  # the share's name
    endpoints: tuple = ()  # Endpoint, ...
    jobs: tuple = ()  # scoring jobs besides the endpoint: "batch scoring", ...
    host: str = ""  # shown when there is no model: another bundle's target


def diagram_regions(project: Project, endpoints: dict | None = None) -> list[DiagramRegion]:
    """The regions of a project as the diagram shows them. `endpoints` (region name to
    Endpoints, read from serving/databricks.yml) replaces what the spec says is served."""
    jobs = tuple(job for on, job in ((project.batch, "batch scoring"),
                                     (project.asynchronous, "async scoring")) if on)
    out = []
    for r in project.regions:
        if endpoints is not None:
            served = tuple(endpoints.get(r.name, ()))
        else:  # the region's own split when it has one (regions[].traffic), else the project's
            served = (Endpoint(project.endpoint_name, r.split),) if project.realtime else ()
        out.append(DiagramRegion(
            name=r.name, role=r.role, target=r.target,
            model=f"{r.model_catalog}.{project.schema}.{project.model_name}",
            trains=r.is_primary,
            shared_from="" if r.is_primary else project.primary.name,
            share=project.share_name, endpoints=served, jobs=jobs,
        ))
    return out


def mermaid_id(text: str) -> str:
    """A node id: letters, digits and underscores only."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "x"


def mermaid_label(text: str) -> str:
    """A label for inside double quotes. Mermaid's entity codes (#quot;) come out garbled in
    subgraph titles, so the characters it would read as syntax or HTML become look-alikes."""
    text = re.sub(r"#(?=\w+;)", "\uff03", str(text))  # '#name;' would be read as an entity
    return text.translate(str.maketrans({'"': "'", "`": "'", "<": "\u2039", ">": "\u203a"}))


class _Ids:
    """Unique node ids; a clash (two names that read alike as ids) gets a suffix, so earlier
    nodes keep their ids whatever comes after them."""

    def __init__(self):
        self.taken: set[str] = set()

    def __call__(self, *parts: str) -> str:
        base = "_".join(mermaid_id(p) for p in parts)
        found, n = base, 1
        while found in self.taken:
            n += 1
            found = f"{base}_{n}"
        self.taken.add(found)
        return found


def mermaid(regions: list[DiagramRegion]) -> str:
    """The flowchart, without a final line break."""
    def q(text) -> str:
        return '"' + mermaid_label(text) + '"'

    ids = _Ids()
    models: dict[str, str] = {}  # region name -> the id of its model
    lines = ["flowchart LR"]
    for r in regions:
        rid = ids("r", r.name)
        lines.append(f"  subgraph {rid}[{q(f'{r.name} ({r.role}, {r.target})')}]")
        model = models[r.name] = ids(rid, "model") if r.model else ""
        if model:
            lines.append(f"    {model}[({q(r.model)})]")
        elif r.host:
            lines.append(f"    {ids(rid, 'host')}[{q(r.host.split('://', 1)[-1])}]")
        if r.trains and model:
            lines.append(f"    {ids(rid, 'training')}[[{q('training job')}]] --> {model}")
        for e in r.endpoints:
            eid = ids(rid, "ep", e.name)
            lines.append(f"    {eid}{{{{{q(f'endpoint {e.name}')}}}}}")
            if model:
                lines.append(f"    {model} --> {eid}")
            for entity, percent in e.routes:
                lines.append(f"    {eid} -- {q(f'{percent}%')} --> {ids(eid, entity)}[{q(entity)}]")
        for job in r.jobs:
            lines.append(f"    {model} --> {ids(rid, job)}[[{q(f'{job} job')}]]" if model
                         else f"    {ids(rid, job)}[[{q(f'{job} job')}]]")
        lines.append("  end")
        if model and models.get(r.shared_from):
            label = f"Delta Sharing: {r.share}" if r.share else "Delta Sharing"
            lines.append(f"  {models[r.shared_from]} -. {q(label)} .-> {model}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- Jinja extension


@pass_context
def _project(context) -> Project:
    answers = context["cookiecutter"]
    key = json.dumps({k: v for k, v in answers.items() if not str(k).startswith("_")},
                     sort_keys=True, default=str)
    cached = _PROJECTS.get(key)
    if cached is None:
        cached = _PROJECTS[key] = Project(answers)
    return cached


_PROJECTS: dict[str, Project] = {}


def _answer_problems(answers: dict) -> list[str]:
    clean = coerce_answers({k: v for k, v in answers.items() if not str(k).startswith("_")})
    return [f"{format_path(path)}: {message}" for path, message in problems(clean)]


_PLAIN = re.compile(r"^[A-Za-z0-9_./@-][A-Za-z0-9 _./:@-]*$")


def yaml_scalar(value: Any) -> str:
    """A value as YAML flow text that reads back as the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_scalar(v)}" for k, v in value.items()) + "}"
    text = str(value)
    if _PLAIN.match(text) and not _YAML_NON_STRING.match(text) and not text.endswith(" "):
        return text
    return json.dumps(text)


class BundlegenExtension(Extension):
    """Adds `project()` and the helpers the template's files render with."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.globals["project"] = _project
        environment.filters["answer_problems"] = _answer_problems
        environment.filters["demo_region"] = lambda cloud, i: DEMO[cloud][i][0]
        environment.filters["demo_host"] = lambda cloud, i: DEMO[cloud][i][1]
        # A double-quoted YAML scalar (JSON string syntax is valid YAML).
        environment.filters["yq"] = lambda value: json.dumps(str(value))
        environment.filters["yaml_scalar"] = yaml_scalar
        environment.filters["entries"] = lambda value: _entries(value, "")
