"""The rules of a spec that its schema cannot express, and `problems`: schema, then rules."""

from __future__ import annotations

from typing import Any

from bundlegen_model.clouds import A_CLOUD, HOST_SUFFIXES, REGION_PATTERNS
from bundlegen_model.schema import Path_, Validator, kind, load_schema
from bundlegen_model.yamlwords import YAML_NON_STRING

# --------------------------------------------------------------------------- semantic checks


def entries(value: Any, key: str) -> list[tuple[Path_, str, dict]]:
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

    regions = entries(spec.get("regions"), "regions")
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
    variants = entries(serving.get("variants"), "variants")
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
            if isinstance(key, str) and YAML_NON_STRING.match(key):
                found.append((path + (key,), f"'{key}' would be read by YAML as a boolean, "
                              "null or number; choose another name"))
            found += _non_string_words(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _non_string_words(item, path + (i,))
    elif isinstance(value, str) and YAML_NON_STRING.match(value):
        found.append((path, f"'{value}' would be read by YAML as a boolean, null or number; "
                      "quote-proof names only"))
    return found


def problems(spec: dict) -> list[tuple[Path_, str]]:
    """Every problem of a spec or of Cookiecutter answers: schema first, then the rules."""
    if not isinstance(spec, dict):
        return [((), f"must be a mapping of settings, not {kind(spec)}")]
    found = Validator(load_schema()).validate(spec, load_schema())
    if found:
        return found
    return _rules(spec)
