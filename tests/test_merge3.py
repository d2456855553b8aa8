"""The three-way merge under `bundlegen upgrade`: line by line, as diff3 and git merge-file."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bundlegen.upgrade.merge3 import Labels, merge

BASE = "name: fraud\njobs:\n  train:\n    schedule: daily\n    retries: 1\nserving:\n  size: Small\n"


def test_changes_on_different_lines_both_arrive():
    ours = BASE.replace("name: fraud\n", "name: fraud  # the team's comment\n")
    theirs = BASE.replace("size: Small", "size: Medium")
    merged = merge(BASE, ours, theirs)
    assert merged.conflicts == 0
    assert merged.text == ours.replace("size: Small", "size: Medium")


def test_the_same_change_on_both_sides_is_made_once():
    both = BASE.replace("retries: 1", "retries: 2")
    assert merge(BASE, both, both).text == both


def test_lines_added_at_the_end_and_changed_at_the_top_both_arrive():
    ours = BASE + "extra: true\n"
    theirs = "# generated\n" + BASE
    assert merge(BASE, ours, theirs).text == "# generated\n" + BASE + "extra: true\n"


def test_different_changes_of_one_line_conflict_with_git_diff3_markers():
    ours = BASE.replace("retries: 1", "retries: 3")
    theirs = BASE.replace("retries: 1", "retries: 2")
    merged = merge(BASE, ours, theirs, Labels("project", "bundlegen 0.1.0", "bundlegen 0.2.0"))
    assert merged.conflicts == 1
    assert merged.text == BASE.replace(
        "    retries: 1\n",
        "<<<<<<< project\n    retries: 3\n||||||| bundlegen 0.1.0\n    retries: 1\n"
        "=======\n    retries: 2\n>>>>>>> bundlegen 0.2.0\n",
    )


def test_a_deleted_line_against_an_edited_line_conflicts():
    ours = BASE.replace("    retries: 1\n", "")
    theirs = BASE.replace("retries: 1", "retries: 2")
    assert merge(BASE, ours, theirs).conflicts == 1


def test_a_side_without_a_final_newline_still_leaves_markers_on_their_own_lines():
    merged = merge("a\n", "b", "c")
    assert merged.text == "<<<<<<< ours\nb\n||||||| base\na\n=======\nc\n>>>>>>> theirs\n"


def test_two_unrelated_new_files_conflict_as_a_whole():
    merged = merge("", "mine\n", "theirs\n")
    assert merged.conflicts == 1
    assert "mine\n" in merged.text and "theirs\n" in merged.text


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("ours, theirs", [
    (BASE.replace("fraud", "fraud  # ours"), BASE.replace("Small", "Large")),
    (BASE + "tail: 1\n", BASE.replace("daily", "weekly")),
    (BASE.replace("    retries: 1\n", ""), BASE.replace("name: fraud\n", "")),
    (BASE.replace("retries: 1", "retries: 3"), BASE.replace("retries: 1", "retries: 2")),
])
def test_agrees_with_git_merge_file(tmp_path, ours, theirs):
    files = []
    for name, text in (("ours", ours), ("base", BASE), ("theirs", theirs)):
        (tmp_path / name).write_text(text)
        files.append(str(tmp_path / name))
    git = subprocess.run(["git", "merge-file", "-p", "--diff3", *files],
                         capture_output=True, text=True)
    merged = merge(BASE, ours, theirs)
    assert merged.conflicts == git.returncode
    assert merged.text == git.stdout.replace(f"<<<<<<< {files[0]}", "<<<<<<< ours").replace(
        f"||||||| {files[1]}", "||||||| base").replace(f">>>>>>> {files[2]}", ">>>>>>> theirs")


# Texts from few distinct lines, so that the diffs are ambiguous and the regions many.
LINES = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "d\n", "\n", "  x: 1\n"]), max_size=12)
TEXTS = st.builds(lambda lines, end: "".join(lines) + end, LINES, st.sampled_from(["", "e"]))


@settings(max_examples=300, deadline=None)
@given(TEXTS, TEXTS)
def test_a_side_that_did_not_change_takes_the_other(base, other):
    assert merge(base, base, other) == merge(base, other, base)
    assert merge(base, base, other).text == other
    assert merge(base, base, other).conflicts == 0


@settings(max_examples=300, deadline=None)
@given(TEXTS, TEXTS)
def test_the_same_change_on_both_sides_merges_cleanly(base, other):
    assert merge(base, other, other).text == other
    assert merge(base, other, other).conflicts == 0


@settings(max_examples=300, deadline=None)
@given(TEXTS, TEXTS, TEXTS)
def test_the_sides_are_symmetric(base, ours, theirs):
    one, two = merge(base, ours, theirs), merge(base, theirs, ours)
    assert one.conflicts == two.conflicts
    if not one.conflicts:
        assert one.text == two.text


LINE_LISTS = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "\n"]), max_size=8)


@settings(max_examples=300, deadline=None)
@given(LINE_LISTS, LINE_LISTS, LINE_LISTS, LINE_LISTS)
def test_changes_apart_from_each_other_both_arrive(top, new_top, bottom, new_bottom):
    middle = "--- kept by both ---\n"  # a line neither side touches keeps the edits apart
    base = "".join(top) + middle + "".join(bottom)
    ours = "".join(new_top) + middle + "".join(bottom)
    theirs = "".join(top) + middle + "".join(new_bottom)
    merged = merge(base, ours, theirs)
    assert merged.conflicts == 0
    assert merged.text == "".join(new_top) + middle + "".join(new_bottom)
