"""Properties of edits, over random cases (hypothesis):

- any interleaving of add-region and remove-region in which every added region is removed
  again gives back every file byte for byte;
- an edit that fails or is interrupted at any file, at any step, leaves every file as it was,
  symbolic links included, and leaves no temporary file behind;
- `commit_all` on any mix of files (new, replaced, deleted, behind a link) writes all of them
  or, failing anywhere, none.

The example counts are small (the `edits` profile) so that the suite stays fast; a failing
case is shrunk and printed by hypothesis.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bundlegen import fsio
from bundlegen.edit import commit
from bundlegen.errors import BundlegenError
from bundlegen.regions import commands as regions

settings.register_profile(
    "edits", max_examples=25, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
EDITS = settings.get_profile("edits")

SHOP = Path(__file__).parent / "data" / "edits" / "shop"
REGIONS = ["eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1"]
HOSTS = {r: f"https://dbc-{5000000000000000 + i}.cloud.databricks.com" for i, r in enumerate(REGIONS)}


def state(root: Path) -> dict[str, tuple[str, bytes]]:
    """Every entry under root: a link by where it points, a file by its bytes."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = ("link", os.readlink(p).encode())
        elif p.is_file():
            out[rel] = ("file", p.read_bytes())
    return out


@contextmanager
def scratch():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


class Fault(Exception):
    """Raised by an injected fault that is not an OSError (as Ctrl-C is not)."""


FAULTS = st.sampled_from([
    OSError(errno.EACCES, "Permission denied"),
    OSError(errno.ENOSPC, "No space left on device"),
    OSError(errno.EPERM, "Operation not permitted"),
    KeyboardInterrupt(),
])
STEPS = st.sampled_from(["mkstemp", "write", "link", "replace", "replace"])  # most steps: replace


@contextmanager
def fault_at(step: str, n: int, fault: BaseException):
    """The n-th call of one of the system calls an edit makes raises fault (once)."""
    calls = {"count": 0}
    real = {"mkstemp": tempfile.mkstemp, "link": os.link, "replace": os.replace,
            "write": os.fsync}

    def hook(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == n:
            raise fault
        return real[step](*args, **kwargs)

    where = {"mkstemp": (fsio.tempfile, "mkstemp"), "link": (fsio.os, "link"),
             "replace": (fsio.os, "replace"), "write": (fsio.os, "fsync")}[step]
    with mock.patch.object(*where, hook):
        yield calls


def interleavings():
    """Sequences of (verb, region) where each region is added once, then removed once."""
    @st.composite
    def build(draw):
        chosen = draw(st.lists(st.sampled_from(REGIONS), min_size=1, max_size=3, unique=True))
        events = draw(st.permutations([r for r in chosen for _ in (0, 1)]))
        seen: set[str] = set()
        out = []
        for region in events:
            out.append(("remove" if region in seen else "add", region))
            seen.add(region)
        return out
    return build()


def apply(folder: Path, verb: str, region: str) -> None:
    if verb == "add":
        commit(regions.add_region(folder, region, HOSTS[region]))
    else:
        commit(regions.remove_region(folder, region))


@EDITS
@given(interleavings())
def test_edits_followed_by_their_inverses_give_back_every_byte(ops):
    with scratch() as tmp:
        bundle = Path(shutil.copytree(SHOP, tmp / "shop"))
        for verb, region in ops:
            apply(bundle, verb, region)
        assert state(bundle) == state(SHOP)


@EDITS
@given(interleavings(), st.data(), STEPS, st.integers(1, 4), FAULTS)
def test_an_edit_failing_at_any_file_and_step_leaves_the_bundle_as_it_was(ops, data, step, n, fault):
    with scratch() as tmp:
        bundle = Path(shutil.copytree(SHOP, tmp / "shop"))
        upto = data.draw(st.integers(0, len(ops) - 1), label="edits made before the failing one")
        for verb, region in ops[:upto]:
            apply(bundle, verb, region)
        before = state(bundle)
        verb, region = ops[upto]
        plan = (regions.add_region(bundle, region, HOSTS[region]) if verb == "add"
                else regions.remove_region(bundle, region))
        with fault_at(step, n, fault) as calls:
            try:
                commit(plan)
                failed = False
            except (BundlegenError, KeyboardInterrupt):
                failed = True
        if failed:
            assert calls["count"] >= n
            assert state(bundle) == before
        else:  # no fault, or one the edit works around (no hard link: a copy): done whole
            assert step == "link" and not isinstance(fault, KeyboardInterrupt) or calls["count"] < n
            expected = Path(shutil.copytree(SHOP, tmp / "expected"))
            for verb, region in ops[: upto + 1]:
                apply(expected, verb, region)
            assert state(bundle) == state(expected)
        assert not [p for p in bundle.rglob(".*") if p.suffix in (".tmp", ".bak")]


def file_sets():
    """A folder's files (some behind a link) and a change to each of some of them."""
    names = st.sampled_from(["a.yml", "b.yml", "sub/c.yml", "sub/deeper/d.yml", "e.txt"])
    content = st.one_of(st.none(), st.text(max_size=20))  # None: absent / deleted
    return st.tuples(
        st.dictionaries(names, st.tuples(st.text(max_size=20), st.booleans()), max_size=5),
        st.dictionaries(names, content, min_size=2, max_size=5),
    )


@EDITS
@given(file_sets(), STEPS, st.integers(1, 4), FAULTS)
def test_commit_all_writes_every_file_or_none(files, step, n, fault):
    existing, changes = files
    with scratch() as tmp:
        root, elsewhere = tmp / "project", tmp / "elsewhere"
        for rel, (text, linked) in existing.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if linked:  # the file lives elsewhere; the project has a link to it
                target = elsewhere / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
                path.symlink_to(target)
            else:
                path.write_text(text)
        before = {**state(root), **{f"elsewhere/{k}": v for k, v in state(elsewhere).items()}}

        with fault_at(step, n, fault) as calls:
            try:
                fsio.commit_all({root / rel: text for rel, text in changes.items()})
                failed = False
            except (OSError, KeyboardInterrupt):
                failed = True

        after = {**state(root), **{f"elsewhere/{k}": v for k, v in state(elsewhere).items()}}
        if failed:
            assert calls["count"] >= n
            assert after == before
        else:
            assert step == "link" and not isinstance(fault, KeyboardInterrupt) or calls["count"] < n
            for rel, text in changes.items():
                path = root / rel
                if text is None:
                    assert not os.path.lexists(path)
                else:
                    assert path.read_bytes() == text.encode()
                    assert path.is_symlink() == (rel in existing and existing[rel][1])
        assert not [p for p in tmp.rglob(".*") if p.suffix in (".tmp", ".bak")]
