"""Lines a change of the spec adds to a text file the template renders (a CI file, the
README), made in the user's copy where the lines around them are found.

The YAML files get whole entries (yamldiff.py); other text files get the same treatment line
by line: `text_hunks` finds the lines the newer render adds, each anchored by the lines
around it, and `add_hunks` and `remove_hunks` make or undo them in the user's file. A traffic
change also replaces lines (`text_changes`, `apply_text_changes`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from bundlegen.project.yamldiff import NotAdditive

CONTEXT = 3


@dataclass
class Hunk:
    """Lines added at one place of a text file, with the lines around that place."""

    lines: list[str]
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


def text_hunks(old: str, new: str, name: str) -> list[Hunk]:
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    hunks = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag != "insert":
            raise NotAdditive(name, f"line {i1 + 1} changes")
        hunks.append(Hunk(b[j1:j2], a[max(0, i1 - CONTEXT) : i1], a[i1 : i1 + CONTEXT]))
    return hunks


def _score(lines: list[str], start: int, end: int, hunk: Hunk) -> tuple[int, bool]:
    """How many lines of context around lines[start:end] are those of the hunk, and whether
    one of them has text (blank lines alone anchor nothing)."""
    score, text = 0, False
    for k in range(1, len(hunk.before) + 1):
        if start - k < 0 or lines[start - k] != hunk.before[-k]:
            break
        score, text = score + 1, text or bool(hunk.before[-k].strip())
    else:
        score += start - len(hunk.before) == 0  # the context reaches the top of the file
    for k in range(len(hunk.after)):
        if end + k >= len(lines) or lines[end + k] != hunk.after[k]:
            break
        score, text = score + 1, text or bool(hunk.after[k].strip())
    else:
        score += end + len(hunk.after) == len(lines)
    return score, text


def _best(candidates: list[tuple[int, int]], lines: list[str],
          hunk: Hunk) -> tuple[int, int] | None:
    scored = [(*_score(lines, s, e, hunk), s, e) for s, e in candidates]
    scored = [(score, s, e) for score, text, s, e in scored if text]
    if not scored:
        return None
    top = max(score for score, _, _ in scored)
    best = [(s, e) for score, s, e in scored if score == top]
    return best[0] if len(best) == 1 else None


@dataclass
class Change:
    """Lines of a text file replaced at one place (`old` empty: an insertion), with context."""

    old: list[str]
    new: list[str]
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


def text_changes(old: str, new: str) -> list[Change]:
    """Every difference of two renders of a text file, as replacements with their context."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [
        Change(a[i1:i2], b[j1:j2], a[max(0, i1 - CONTEXT) : i1], a[i2 : i2 + CONTEXT])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def apply_text_changes(text: str, changes: list[Change]) -> tuple[str, list[Change]]:
    """Make each change where its old lines are (the best context decides between several
    places); the changes whose place is not found are returned, not made."""
    lines = text.splitlines(keepends=True)
    places, skipped = [], []
    for change in changes:
        n = len(change.old)
        found = [(p, p + n) for p in range(len(lines) - n + 1) if lines[p : p + n] == change.old]
        unique = len(found) == 1 and any(line.strip() for line in change.old)
        place = (found[0] if unique
                 else _best(found, lines, Hunk(change.new, change.before, change.after)))
        if place is None:
            skipped.append(change)
        else:
            places.append((place, change))
    for (start, end), change in sorted(places, key=lambda p: -p[0][0]):
        if start == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += "\n"  # appending after a last line that had no line break
        lines[start:end] = change.new
    return "".join(lines), skipped


def add_hunks(text: str, hunks: list[Hunk]) -> tuple[str, list[Hunk]]:
    """Insert each hunk where its context is; the hunks whose place is not found are
    returned, not inserted."""
    return _as_changes(text, hunks, lambda h: Change([], h.lines, h.before, h.after))


def remove_hunks(text: str, hunks: list[Hunk]) -> tuple[str, list[Hunk]]:
    """Delete each hunk's lines where they are, with the best-matching context."""
    return _as_changes(text, hunks, lambda h: Change(h.lines, [], h.before, h.after))


def _as_changes(text: str, hunks: list[Hunk], to_change) -> tuple[str, list[Hunk]]:
    changes = [to_change(h) for h in hunks]
    after, missed = apply_text_changes(text, changes)
    missed_ids = {id(c) for c in missed}
    return after, [h for h, c in zip(hunks, changes, strict=True) if id(c) in missed_ids]
