"""Traffic splits: what people type on the command line, and the arithmetic of shares.

A split is an ordered mapping variant -> integer percent. Shares move in whole percents and a
split always adds up to 100 (the platform refuses anything else), so proportional moves round
by the largest remainder: each variant gets the floor of its exact share, and the percents
left over go to the largest fractional parts, ties to the variant listed first.

Standard library only.
"""

from __future__ import annotations

import re
from itertools import pairwise

from bundlegen.errors import InputError, RefusedEdit

Split = dict[str, int]

_ASSIGNMENT = re.compile(r"^(?P<name>[^=\s]+)=(?P<pct>.*)$")


def percent(text: str, what: str) -> int:
    """A whole percentage from 0 to 100, or a message saying what is wrong with it."""
    text = text.strip()
    if re.fullmatch(r"-\s*\d+(\.\d*)?", text):
        raise InputError(f"{what}: '{text}' is negative; a share is a whole percentage "
                         "from 0 to 100")
    if re.fullmatch(r"\+?\d+\.\d*|\+?\.\d+", text):
        raise InputError(f"{what}: '{text}' is not a whole number; shares are integer percentages "
                         "(the platform takes nothing else)")
    if not re.fullmatch(r"\+?\d+", text):
        raise InputError(f"{what}: '{text}' is not a percentage; give a whole number from 0 to 100")
    value = int(text)
    if value > 100:
        raise InputError(f"{what}: {value} is more than 100")
    return value


def parse_assignments(items: list[str] | tuple[str, ...]) -> Split:
    """NAME=PCT arguments as a split (not yet checked against any endpoint)."""
    if not items:
        raise InputError("give the new shares as NAME=PCT, for example champion=80 challenger=20")
    out: Split = {}
    for item in items:
        match = _ASSIGNMENT.match(item.strip())
        if not match:
            raise InputError(f"'{item}' is not NAME=PCT (for example challenger=20)")
        name = match.group("name")
        if name in out:
            raise InputError(f"'{name}' is given twice")
        out[name] = percent(match.group("pct"), name)
    return out


def parse_steps(text: str) -> list[int]:
    """Ramp steps such as "5,25,50,100": at least two, strictly increasing, ending at 100."""
    parts = [p for p in (text or "").replace(" ", "").split(",")]
    if not text or not text.strip() or any(p == "" for p in parts):
        raise InputError(f"--steps '{text}' is not a list of percentages such as 5,25,50,100")
    steps = [percent(p, "--steps") for p in parts]
    if len(steps) < 2:
        raise InputError("--steps needs at least two steps: the share committed now, and "
                         "100, where the variant is promoted (for example 10,100)")
    if steps[0] < 1:
        raise InputError("--steps: the first step must be at least 1%: it is the share the new "
                         "version is first exposed at")
    for before, after in pairwise(steps):
        if after <= before:
            raise InputError(f"--steps {text}: steps must increase strictly "
                             f"({before} then {after})")
    if steps[-1] != 100:
        raise InputError(f"--steps {text}: the last step must be 100 (where the variant is "
                         f"promoted), not {steps[-1]}")
    return steps


def describe(split: Split) -> str:
    """'champion 90%, challenger 10%'."""
    return ", ".join(f"{name} {pct}%" for name, pct in split.items())


def require_total(split: Split, where: str) -> None:
    total = sum(split.values())
    if total != 100:
        terms = " + ".join(f"{name} {pct}" for name, pct in split.items())
        raise RefusedEdit(f"the split {where} would add up to {total}% ({terms}), not 100%; "
                          "nothing was changed")


def with_share(split: Split, name: str, share: int) -> Split:
    """`name` at `share`, the others sharing the rest in proportion to their current shares."""
    others = {k: v for k, v in split.items() if k != name}
    weight = sum(others.values())
    rest = 100 - share
    if weight == 0:
        if rest and others:
            raise RefusedEdit("the other variants have no share to scale; set the split with "
                              "`bundlegen traffic set` instead")
        return {k: (share if k == name else 0) for k in split}
    exact = {k: rest * v / weight for k, v in others.items()}
    floors = {k: int(x) for k, x in exact.items()}
    left = rest - sum(floors.values())
    order = sorted(others, key=lambda k: (-(exact[k] - floors[k]), list(split).index(k)))
    for k in order[:left]:
        floors[k] += 1
    return {k: (share if k == name else floors[k]) for k in split}
