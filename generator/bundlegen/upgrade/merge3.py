"""A line-based three-way merge, as diff3 and `git merge-file` do it, in pure Python.

Both sides are compared with the base (difflib, no junk heuristics). Where both sides keep a
base line, the three texts are in step ("sync" points); between two sync points a region
changed on one side only takes that side, a region changed the same way on both takes it
once, and a region changed differently on both is a conflict. Changes on adjacent lines
conflict, as in git: neither side's edit was made knowing the other.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Merged:
    text: str
    conflicts: int  # how many conflict regions the text holds (0: a clean merge)


@dataclass(frozen=True)
class Labels:
    ours: str = "ours"
    base: str = "base"
    theirs: str = "theirs"


def _matches(base: list[str], other: list[str]) -> list[tuple[int, int, int]]:
    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    return [block for block in matcher.get_matching_blocks() if block.size]


def _sync_points(base: list[str], ours: list[str], theirs: list[str]):
    """(base, ours, theirs, length) runs where all three hold the same lines, in order,
    ending with an empty run at the three ends."""
    a_blocks, b_blocks = _matches(base, ours), _matches(base, theirs)
    out = []
    i = j = 0
    while i < len(a_blocks) and j < len(b_blocks):
        a_base, a_at, a_len = a_blocks[i]
        b_base, b_at, b_len = b_blocks[j]
        start = max(a_base, b_base)
        end = min(a_base + a_len, b_base + b_len)
        if start < end:
            out.append((start, a_at + start - a_base, b_at + start - b_base, end - start))
        if a_base + a_len < b_base + b_len:
            i += 1
        else:
            j += 1
    out.append((len(base), len(ours), len(theirs), 0))
    return out


def regions(base: list[str], ours: list[str], theirs: list[str]):
    """The merge as a list of ("same", lines) and ("conflict", base, ours, theirs)."""
    out: list[tuple] = []
    z = a = b = 0  # where base, ours and theirs stand
    for z_sync, a_sync, b_sync, length in _sync_points(base, ours, theirs):
        z_part, a_part, b_part = base[z:z_sync], ours[a:a_sync], theirs[b:b_sync]
        if a_part == b_part:
            out.append(("same", a_part))
        elif a_part == z_part:
            out.append(("same", b_part))
        elif b_part == z_part:
            out.append(("same", a_part))
        else:
            out.append(("conflict", z_part, a_part, b_part))
        out.append(("same", base[z_sync : z_sync + length]))
        z, a, b = z_sync + length, a_sync + length, b_sync + length
    return out


def _block(marker: str, lines: list[str]) -> list[str]:
    out = [marker]
    out += lines
    if out[-1] and not out[-1].endswith("\n"):
        out[-1] += "\n"  # a side without a final newline: the marker still starts a line
    return out


def merge(base: str, ours: str, theirs: str, labels: Labels = Labels()) -> Merged:
    """Merge the changes base->ours and base->theirs. A conflict is written as git does with
    merge.conflictStyle=diff3: ours, the base, then theirs, between markers."""
    split = [t.splitlines(keepends=True) for t in (base, ours, theirs)]
    out: list[str] = []
    conflicts = 0
    for region in regions(*split):
        if region[0] == "same":
            out += region[1]
            continue
        _, z_part, a_part, b_part = region
        conflicts += 1
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n"
        out += _block(f"<<<<<<< {labels.ours}\n", a_part)
        out += _block(f"||||||| {labels.base}\n", z_part)
        out += _block("=======\n", b_part)
        out.append(f">>>>>>> {labels.theirs}\n")
    return Merged("".join(out), conflicts)
