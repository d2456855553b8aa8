"""The traffic commands in a bundlegen project: the spec, the serving bundle and the
deployment job changed together (docs/decisions/traffic-commands.md).

Every command works out the new spec first (bundlegen.yml is what the template renders from),
then the same change three ways: the spec's text (specedit), the serving bundle's text at node
positions (endpoints: numbers replaced, entries copied or deleted), and the values the template
derives from the spec in other files (the deployment job's `aliases`, `ramp`, `promote` and
`shadow` parameters, say), carried over from the difference of two renders (valuediff,
textdiff). The whole plan is first made on the render of the old spec and must give the
render of the new one exactly, so an unedited project stays what `bundlegen new` makes from
its bundlegen.yml.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import bundlegen_model as model
from bundlegen.bundle.serving import Serving
from bundlegen.edit import Edit
from bundlegen.errors import InputError, RefusedEdit
from bundlegen.project import specedit
from bundlegen.project.folder import SERVING, SPEC_FILE
from bundlegen.project.spec import load_spec
from bundlegen.project.template import build_answers, project_of
from bundlegen.traffic import splits
from bundlegen.traffic.carry import finish
from bundlegen.traffic.endpoints import (
    plan_add_variant,
    plan_remove_variant,
    plan_split,
)
from bundlegen.traffic.splits import Split
from bundlegen_model import YAML_NON_STRING

STAGING = "staging"


class State:
    """A project as the commands see it: its spec, the model the template renders, its
    serving bundle and its endpoint."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.spec = load_spec(folder / SPEC_FILE)
        self.project = project_of(build_answers(self.spec))
        if not self.project.realtime or not (folder / SERVING / "databricks.yml").is_file():
            raise InputError(f"{folder}: this project has no real-time endpoint "
                             "(serving/databricks.yml); the traffic commands have nothing "
                             "to change")
        self.serving = Serving(folder / SERVING)
        # The endpoint bundlegen.yml describes: the template keys it by its name.
        key = self.project.endpoint_name.replace("-", "_")
        keys = self.serving.keys()  # a list of resource keys: Serving is not a mapping
        if key not in keys:
            raise InputError(f"{folder / SERVING / 'databricks.yml'}: no endpoint '{key}' "
                             f"(serving.endpoint_name {self.project.endpoint_name} "
                             f"in {SPEC_FILE}); was it renamed by hand?")
        self.key = key
        p = self.project
        self.variants = [v.name for v in p.variants]
        self.first = p.variants[0]
        self.shadows = {v.name for v in p.variants if v.shadow}
        self.split: Split = {v.name: v.traffic for v in p.variants}
        self.overrides = {r.name: r.traffic for r in p.regions
                          if isinstance(_raw_region(self.spec, r.name).get("traffic"), dict)}

    def variant(self, name: str, what: str = "variant") -> None:
        if name not in self.variants:
            raise InputError(f"unknown {what} '{name}'; the endpoint's variants: "
                             f"{', '.join(self.variants)}")

    def check_endpoint(self, given: str | None) -> None:
        """--endpoint, if given, must be the project's endpoint (its key or a name)."""
        if given is not None and self.serving.endpoint(given) != self.key:
            raise RefusedEdit(f"endpoint '{given}' is not the one {SPEC_FILE} describes "
                              f"('{self.key}'); bundlegen does not manage it: change it by hand")

    def region_of(self, target: str):
        for region in self.project.regions:
            if target in (region.name, region.target):
                return region
        if target == STAGING:
            raise RefusedEdit(
                "staging takes the project's split (it rehearses what production will do); "
                "set the split without --target, or give a production target")
        targets = ", ".join(r.target for r in self.project.regions)
        raise InputError(f"unknown target '{target}'; the project's production targets: {targets}",
                         field="--target")

    def following(self) -> list[str]:
        """The targets that serve the project's split: staging and the regions without a
        split of their own."""
        return [STAGING] + [r.target for r in self.project.regions if r.name not in self.overrides]

    def splits(self) -> dict[str, Split]:
        """Every split a command may have to change: the project's ('') and the regions'."""
        return {"": dict(self.split), **{name: dict(s) for name, s in self.overrides.items()}}

    def wanted(self, project: Split, regions: dict[str, Split]) -> dict[str, Split]:
        """The split of each target of the serving bundle."""
        out = {STAGING: project}
        for region in self.project.regions:
            out[region.target] = regions.get(region.name, project)
        return out


def _overridden(st: State, new: dict[str, Split]) -> list[str]:
    """Summary lines for the regions whose own split the command changes or replaces."""
    lines = []
    for region, old in st.overrides.items():
        if new[region] == old:
            continue
        if new[region] == new[""]:
            lines.append(f"  {region} had its own split ({splits.describe(old)}); it now follows "
                         f"the project's ({splits.describe(new[region])})")
        else:
            lines.append(f"  {region} keeps a split of its own, changed from "
                         f"{splits.describe(old)} to {splits.describe(new[region])}")
    return lines


def _raw_region(spec: dict, name: str) -> dict:
    regions = spec.get("regions")
    if isinstance(regions, dict):
        return regions.get(name) or {}
    return next((r for r in regions if r.get("name") == name), {})


def _where(label: str) -> str:
    return f"in region '{label}'" if label else "of the project"


# -------------------------------------------------------------------- the commands


def set_split(folder: Path, assignments: Split, endpoint: str | None,
              target: str | None) -> Edit:
    st = State(folder)
    st.check_endpoint(endpoint)
    for name, pct in assignments.items():
        st.variant(name)
        if name in st.shadows and pct:
            raise RefusedEdit(f"'{name}' is a shadow variant: it gets no live traffic, so its "
                              "share stays 0; nothing was changed")
    if target is None:
        new = {**st.split, **assignments}
        splits.require_total(new, "of the project")
        _check_ramp(st, new, "")
        ops = [specedit.VariantField(n, "traffic", pct) for n, pct in new.items()
               if st.split[n] != pct]
        targets = st.following()
        summary = [f"Set the split of {st.key} to {splits.describe(new)} in {', '.join(targets)}"]
        summary += [f"  {r} keeps its own split ({splits.describe(s)}); change it with "
                    f"--target {model.target_name(r)}" for r, s in st.overrides.items()]
    else:
        region = st.region_of(target)
        new = {**region.traffic, **assignments}
        splits.require_total(new, f"of {region.target}")
        _check_ramp(st, new, region.name)
        own = None if new == st.split else new
        ops = [specedit.RegionTraffic(region.name, own)]
        targets = [region.target]
        summary = [f"Set the split of {st.key} to {splits.describe(new)} in {region.target}"
                   + (" (the project's split again)" if own is None else
                      " (its own split; the project's stays " + splits.describe(st.split) + ")")]
    return finish(st, ops, lambda s: plan_split(s, st.key, {t: new for t in targets}), summary)


def _check_ramp(st: State, split: Split, label: str) -> None:
    p = st.project
    if p.ramp_variant and p.ramp_steps and split.get(p.ramp_variant, 0) >= p.ramp_steps[0]:
        raise RefusedEdit(
            f"'{p.ramp_variant}' has a ramp through {', '.join(map(str, p.ramp_steps))}%: its "
            f"committed share {_where(label)} must stay below {p.ramp_steps[0]}%; change the ramp "
            f"with `bundlegen traffic ramp {p.ramp_variant} --steps ...` first")


def add_variant(folder: Path, name: str, alias: str | None, traffic: int | None,
                source: str | None, shadow: bool) -> Edit:
    st = State(folder)
    for value, what in ((name, "a variant name"), (alias, "an alias")):
        if value is not None and (not _NAME(value) or YAML_NON_STRING.match(value)):
            raise InputError(f"'{value}' cannot be {what}: use lowercase letters, digits and '_', "
                             "starting with a letter (at most 40)")
    if name in st.variants:
        raise RefusedEdit(f"variant '{name}' exists already; nothing was changed")
    alias = alias or name
    pct = traffic or 0
    if shadow and pct:
        raise RefusedEdit("a shadow variant gets no live traffic: drop --traffic (it starts and "
                          "stays at 0%)")
    fields = {"name": name, "traffic": pct}
    if alias != name:
        fields["alias"] = alias
    if shadow:
        fields["shadow"] = True
    ops: list[specedit.Op] = [specedit.AddVariant(fields)]
    every = st.splits()
    if pct:
        source = _giver(st, source, "--from", f"gives up the {pct}%")
        for label, split in every.items():
            if split[source] < pct:
                raise RefusedEdit(f"'{source}' has {split[source]}% {_where(label)}; it cannot "
                                  f"give {pct}% to '{name}'; nothing was changed")
    new = {}
    for label, split in every.items():
        split = dict(split)
        if pct:
            split[source] -= pct
        split[name] = pct
        new[label] = split
    if pct:
        ops.append(specedit.VariantField(source, "traffic", new[""][source]))
    ops += [specedit.RegionTraffic(r, new[r]) for r in st.overrides]
    wanted = st.wanted(new[""], {r: new[r] for r in st.overrides})
    kind = "shadow variant" if shadow else "variant"
    summary = [f"Added {kind} {name} to {st.key} at {pct}%"
               + (f", taken from {source}" if pct else "")
               + f": {splits.describe(new[''])}",
               f"  it serves the version behind @{alias} (the champion's until @{alias} exists)"]
    if shadow:
        summary.append("  the deployment workflow scores it on recorded requests against "
                       f"{st.first.name}; it is never served")
    summary += _overridden(st, new)
    return finish(st, ops, lambda s: plan_add_variant(s, st.key, name, alias, pct, wanted,
                                                        st.first.alias), summary)


def _NAME(value: str) -> bool:
    return bool(re.fullmatch(r"[a-z][a-z0-9_]{0,39}", value))


def _giver(st: State, given: str | None, option: str, what: str,
           exclude: str | None = None) -> str:
    """The variant named by --from/--to, or the only live variant there is besides `exclude`."""
    live = [v for v in st.variants if v not in st.shadows and v != exclude]
    if given is not None:
        st.variant(given)
        if given in st.shadows:
            raise RefusedEdit(f"'{given}' is a shadow variant, which gets no live traffic; "
                              f"give another {option}")
        if given == exclude:
            raise InputError(f"{option} must name another variant than '{exclude}'")
        return given
    if len(live) == 1:
        return live[0]
    raise RefusedEdit(f"say which variant {what} with {option} (one of {', '.join(live)}); "
                      "nothing was changed")


def remove_variant(folder: Path, name: str, to: str | None) -> Edit:
    st = State(folder)
    st.variant(name)
    if len(st.variants) == 1:
        raise RefusedEdit(f"'{name}' is the endpoint's last variant; an endpoint must serve "
                          "something; nothing was changed")
    if name == st.first.name:
        raise RefusedEdit(
            f"'{name}' is the first variant, the champion (@{st.first.alias}) every other "
            "variant falls back to and batch scoring and training use; it cannot be removed "
            f"(to replace its version, `bundlegen traffic promote` another variant)")
    every = st.splits()
    share = max(split[name] for split in every.values())
    receiver = _giver(st, to, "--to", f"takes the share of '{name}'", exclude=name) \
        if share or to is not None else None
    new = {}
    for label, split in every.items():
        split = dict(split)
        moved = split.pop(name)
        if receiver is not None:
            split[receiver] += moved
        new[label] = split
    ops: list[specedit.Op] = [specedit.RemoveVariant(name)]
    if receiver is not None and new[""][receiver] != st.split[receiver]:
        ops.append(specedit.VariantField(receiver, "traffic", new[""][receiver]))
    ops += [specedit.RegionTraffic(r, new[r]) for r in st.overrides]
    p = st.project
    summary = [f"Removed variant {name} from {st.key}"
               + (f"; its share went to {receiver}" if receiver and share else "")
               + f": {splits.describe(new[''])}"]
    if p.ramp_variant == name:
        ops.append(specedit.ServingKey("ramp", None))
        summary.append("  its ramp plan is gone too")
    if p.promote_variant == name:
        ops.append(specedit.ServingKey("promote", None))
        summary.append("  its promotion request is gone too")
    summary += _overridden(st, new)
    wanted = st.wanted(new[""], {r: new[r] for r in st.overrides})
    return finish(st, ops, lambda s: plan_remove_variant(s, st.key, name, wanted), summary)


def _live_challenger(st: State, name: str, verb: str) -> None:
    st.variant(name)
    alias = next(v.alias for v in st.project.variants if v.name == name)
    if name == st.first.name or alias == st.first.alias:
        raise RefusedEdit(f"'{name}' serves @{st.first.alias}, the champion, already; "
                          f"{verb} another variant; nothing was changed")
    if name in st.shadows:
        raise RefusedEdit(f"'{name}' is a shadow variant, which is never served; {verb} a live "
                          "variant; nothing was changed")


def promote(folder: Path, name: str, now: datetime | None = None) -> Edit:
    st = State(folder)
    _live_challenger(st, name, "promote")
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    request = {"variant": name, "request": stamp}
    alias = next(v.alias for v in st.project.variants if v.name == name)
    summary = [f"Requested the promotion of {name}: request {name}:{stamp}. The next run of the "
               f"deployment workflow moves @{st.first.alias} to the version behind @{alias} "
               f"(keeping the old one as @previous_{st.first.alias}), evaluates, and moves it "
               "back if that fails; each request runs once"]
    if st.project.promote_variant:
        summary.append(f"  it replaces the request {st.project.promote_param}")
    return finish(st, [specedit.ServingKey("promote", request)], None, summary)


def ramp(folder: Path, name: str, steps_text: str | None, off: bool = False) -> Edit:
    if off:
        return _ramp_off(State(folder), name)
    if steps_text is None:
        raise InputError("give the ramp's steps with --steps (for example 5,25,50,100), or "
                         "--off to drop the ramp plan")
    steps = splits.parse_steps(steps_text)
    st = State(folder)
    _live_challenger(st, name, "ramp")
    first, rest = steps[0], steps[1:]
    new = {label: splits.with_share(split, name, first) for label, split in st.splits().items()}
    ops: list[specedit.Op] = [specedit.VariantField(n, "traffic", pct)
                              for n, pct in new[""].items() if st.split[n] != pct]
    ops += [specedit.RegionTraffic(r, None if new[r] == new[""] else new[r]) for r in st.overrides]
    ops.append(specedit.ServingKey("ramp", {"variant": name, "steps": rest}))
    summary = [f"Planned a ramp of {name} ({st.key}): {splits.describe(new[''])} committed; "
               f"a newer version behind @{_alias(st, name)} goes live at {first}%, then "
               f"{', '.join(f'{s}%' for s in rest)}, evaluated at each step, and is promoted "
               "at 100%"]
    if st.project.ramp_variant and st.project.ramp_variant != name:
        summary.append(f"  it replaces the ramp of {st.project.ramp_variant}")
    summary += _overridden(st, new)
    wanted = st.wanted(new[""], {r: new[r] for r in st.overrides})
    return finish(st, ops, lambda s: plan_split(s, st.key, wanted), summary)


def _ramp_off(st: State, name: str) -> Edit:
    """Drop the ramp plan; the committed split stays as it is."""
    st.variant(name)
    planned = st.project.ramp_variant
    if planned != name:
        raise RefusedEdit(f"'{name}' has no ramp plan"
                          + (f" (the plan is {planned}'s)" if planned else "")
                          + "; nothing was changed")
    summary = [f"Dropped the ramp of {name}: its newer versions go live at its committed share "
               f"({st.split[name]}%) and stay there"]
    return finish(st, [specedit.ServingKey("ramp", None)], None, summary)


def _alias(st: State, name: str) -> str:
    return next(v.alias for v in st.project.variants if v.name == name)
