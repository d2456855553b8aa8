"""Which model version each variant serves: the version behind its Unity Catalog alias.

A variant follows the alias of its own name unless `--aliases` says otherwise
("champion,challenger=candidate": challenger follows @candidate). The first variant listed
there is the base: a variant whose alias has no version yet (a challenger before any model
has beaten the champion) serves the base variant's version, so the split stays valid. The
base alias itself must resolve; if it does not, the workspace has not had its first deploy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from ..models import require_version, version_behind

VARIANT_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"


@dataclass(frozen=True)
class Resolved:
    variant: str
    alias: str
    version: str
    fallback: bool = False  # the alias has no version: the base variant's version is served

    def describe(self) -> str:
        if self.fallback:
            return f"{self.variant}: version {self.version} (@{self.alias} has no version yet)"
        return f"{self.variant}: version {self.version} (@{self.alias})"


def parse_aliases(text: str) -> dict[str, str]:
    """"champion,challenger=candidate" -> {"champion": "champion", "challenger": "candidate"}."""
    aliases: dict[str, str] = {}
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        variant, _, alias = item.partition("=")
        variant, alias = variant.strip(), (alias.strip() or variant.strip())
        for name in (variant, alias):
            if not name or set(name) - set(VARIANT_CHARS):
                raise UsageError(f"--aliases: {item!r} is not <variant> or <variant>=<alias>")
        if variant in aliases:
            raise UsageError(f"--aliases: variant {variant!r} is listed twice")
        aliases[variant] = alias
    return aliases


def order_variants(variants: list[str], aliases: dict[str, str]) -> list[str]:
    """The variants with the base first: the order of --aliases, then any others."""
    listed = [v for v in aliases if v in variants]
    return listed + [v for v in variants if v not in listed]


def resolve(w: Any, model: str, variants: list[str], aliases: dict[str, str]) -> list[Resolved]:
    """The version each variant serves, in the order of `variants` (see the module docstring)."""
    if not variants:
        raise UsageError("there are no variants to resolve")
    base = order_variants(variants, aliases)[0]
    base_alias = aliases.get(base, base)
    base_version = require_version(w, model, base_alias)
    found: dict[str, str | None] = {base_alias: base_version}
    resolved = []
    for variant in variants:
        alias = aliases.get(variant, variant)
        if alias not in found:
            found[alias] = version_behind(w, model, alias)
        version = found[alias]
        resolved.append(Resolved(variant, alias, version or base_version, version is None))
    return resolved


def alias_versions(w: Any, model: str, aliases: list[str]) -> dict[str, str | None]:
    """The version behind each alias right now (None: no such alias)."""
    return {alias: version_behind(w, model, alias) for alias in dict.fromkeys(aliases)}


def as_versions(resolved: list[Resolved]) -> dict[str, str]:
    return {r.variant: r.version for r in resolved}


def run_resolve(args, ctx) -> int:
    """resolve-versions: print what each variant will serve; sets the task value `versions`."""
    from ..models import check_full_name
    from .endpoint import get_endpoint, served_names

    model = check_full_name(args.model)
    w = ctx.workspace()
    variants = served_names(get_endpoint(w, args.endpoint))
    resolved = resolve(w, model, variants, parse_aliases(args.aliases))
    ctx.say(f"{args.endpoint}: versions of {model}")
    for r in resolved:
        ctx.say(f"  {r.describe()}")
    ctx.task_values.set("versions", json.dumps(as_versions(resolved), sort_keys=True))
    return 0


def register(commands) -> None:
    p = commands.add_parser("resolve-versions", help="Resolve each variant's alias to a version.")
    p.add_argument("--endpoint", required=True, help="Serving endpoint name.")
    p.add_argument("--model", required=True, help="<catalog>.<schema>.<name> in this region.")
    p.add_argument("--aliases", default="", help="variant[=alias],...; the first is the base.")
    p.set_defaults(run=run_resolve)
