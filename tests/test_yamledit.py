"""The edit engine's vocabulary: an entry's span and leading block, inserts that a delete
undoes, and the refusals. (add-region and remove-region are built on these.)"""

from __future__ import annotations

import pytest
from bundlegen.errors import InputError, RefusedEdit
from bundlegen.yamledit import Doc, deletion, identity, insertion, remove_anchor, splice, walk

TEXT = """\
targets:
  dev:
    mode: development   # a comment on a line stays with it
    # a deeper comment after the last key belongs to dev

  # prod: leading comment at the entry's column
  prod:
    mode: production
# a comment at column 0 belongs to nobody
tasks:
  - task_key: a
  -
    task_key: b
"""


def entry(doc, *path):
    node, found = doc.root, None
    for step in path:
        found = doc.find(node, step)
        node = found.value
    return found


def lines_of(doc, start, end):
    return doc.text[start:end].splitlines()


def test_a_span_takes_the_deeper_comments_after_the_entry_and_not_the_others():
    doc = Doc(TEXT, "t.yml")
    assert lines_of(doc, *doc.span(entry(doc, "targets", "dev"))) == TEXT.splitlines()[1:4]
    assert lines_of(doc, *doc.span(entry(doc, "targets", "prod"))) == ["  prod:", "    mode: production"]


def test_the_leading_block_is_the_comments_at_the_entry_column_and_the_blank_lines_above():
    doc = Doc(TEXT, "t.yml")
    prod = entry(doc, "targets", "prod")
    assert doc.text[doc.leading_start(prod) : doc.span(prod)[0]] == (
        "\n  # prod: leading comment at the entry's column\n"
    )
    assert doc.blank_separated(entry(doc, "targets").value)


def test_list_items_are_found_by_identity_and_start_at_their_dash():
    doc = Doc(TEXT, "t.yml")
    b = doc.find(entry(doc, "tasks").value, ("item", "task_key", "b"))
    assert doc.text[doc.span(b)[0] : doc.span(b)[1]] == "  -\n    task_key: b\n"
    assert identity(b.value) == ("item", "task_key", "b")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("final", [True, False], ids=["final-newline", "no-final-newline"])
def test_a_delete_undoes_an_insert_byte_for_byte(newline, final):
    text = "targets:\n  dev:\n    mode: development".replace("\n", newline) + (newline if final else "")
    doc = Doc(text, "t.yml")
    dev = entry(doc, "targets", "dev")
    inserted = splice(text, [insertion(doc, doc.span(dev)[1], "\n  prod:\n    mode: production\n")])
    assert inserted.replace(newline, "\n").startswith("targets:\n  dev:\n    mode: development\n\n  prod:\n")
    if newline == "\r\n":
        assert "\n" not in inserted.replace("\r\n", ""), "a bare line feed in a CRLF file"
    again = Doc(inserted, "t.yml")
    assert splice(inserted, [deletion(again, entry(again, "targets", "prod"))]) == text


def test_anchors_are_removed_where_they_are_defined_aliases_stay():
    text = "a: &one\n  x: &two 1\n  y: *two\n"
    doc = Doc(text, "t.yml")
    edits = [e for e in (remove_anchor(doc, n) for n in walk(doc.root)) if e]
    assert splice(text, edits) == "a:\n  x: 1\n  y: *two\n"


def test_flow_style_and_shared_lines_are_refused_with_where_they_are():
    doc = Doc("targets: {dev: {mode: development}}\nlist:\n  - a: 1\n    b: 2\n", "t.yml")
    with pytest.raises(RefusedEdit, match=r"cannot edit flow-style mapping 'targets' at t.yml:1; use block style"):
        doc.require_block(entry(doc, "targets").value, "'targets'")
    item = doc.entries(entry(doc, "list").value)[0]
    with pytest.raises(RefusedEdit, match=r"t.yml:3:5: it shares its line with another"):
        doc.require_own_line(doc.entries(item.value)[0])


def test_a_file_that_does_not_parse_says_where():
    with pytest.raises(InputError, match=r"^t.yml:2:4: invalid YAML: mapping values are not allowed"):
        Doc("a: 1\n  b: 2\n", "t.yml")


def test_a_byte_order_mark_does_not_shift_positions():
    doc = Doc("\ufefftargets:\n  dev: {}\n", "t.yml")
    dev = entry(doc, "targets", "dev")
    assert doc.text[doc.start(dev) :].startswith("dev:")
