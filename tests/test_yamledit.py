"""The edit engine's vocabulary: an entry's span and leading block, inserts that a delete
undoes, and the refusals. (add-region and remove-region are built on these.)"""

from __future__ import annotations

import pytest

from bundlegen.errors import InputError, RefusedEdit
from bundlegen.yaml.doc import Doc, identity
from bundlegen.yaml.edit import (
    copy_entry,
    deletion,
    drop_key,
    in_style,
    insertion,
    key_edit,
    locate,
    remove_anchor,
    scalar_edit,
    splice,
    walk,
)

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


# ------------------------------------------------------------------ values, keys and copies
# (the traffic commands: a number replaced, a key set or dropped, an entry copied)

SPEC = """\
regions:
  - {name: us-east-1, host: h1}   # primary
  - {name: eu-west-1, host: h2, traffic: {a: 50, b: 50}}
serving:
  variants:
    - name: a
      traffic: "90"
  consumers: users
  promote: {variant: b}
"""


def edited(doc, *edits):
    return splice(doc.text, list(edits))


def test_a_value_is_replaced_where_it_is_written_in_its_quoting_style():
    doc = Doc(SPEC, "s.yml")
    node, path = locate(doc, ("serving", "variants", ("item", "name", "a"), "traffic"))
    assert path == ("serving", "variants", 0, "traffic")
    after = edited(doc, scalar_edit(doc, node, in_style(node, "80")))
    assert after == SPEC.replace('traffic: "90"', 'traffic: "80"')


def test_a_key_is_added_to_a_flow_mapping_before_its_brace_and_dropped_with_its_comma():
    doc = Doc(SPEC, "s.yml")
    regions, _ = locate(doc, ("regions",))
    us = doc.entries(regions)[0].value
    eu = doc.entries(regions)[1].value
    added = edited(doc, key_edit(doc, us, "traffic", "{a: 70, b: 30}"))
    assert "  - {name: us-east-1, host: h1, traffic: {a: 70, b: 30}}   # primary\n" in added
    dropped = edited(doc, drop_key(doc, eu, "traffic"))
    assert "  - {name: eu-west-1, host: h2}\n" in dropped
    replaced = edited(doc, key_edit(doc, eu, "traffic", "{a: 60, b: 40}"))
    assert "traffic: {a: 60, b: 40}}" in replaced
    assert drop_key(doc, us, "traffic") is None


def test_a_key_is_added_to_a_block_mapping_as_a_line_before_the_keys_it_must_precede():
    doc = Doc(SPEC, "s.yml")
    serving, _ = locate(doc, ("serving",))
    after = edited(doc, key_edit(doc, serving, "ramp", "{variant: b, steps: [50, 100]}",
                                 before=("promote",)))
    assert "  consumers: users\n  ramp: {variant: b, steps: [50, 100]}\n  promote:" in after
    assert edited(doc, drop_key(doc, serving, "promote")) == SPEC.replace(
        "  promote: {variant: b}\n", "")


def test_a_copied_entry_has_its_values_replaced_and_no_anchor_of_its_own():
    text = "items:\n  - name: a   # first\n    opts: &o {x: 1}\n    version: ${var.a}\n"
    doc = Doc(text, "c.yml")
    items, _ = locate(doc, ("items",))
    first = doc.entries(items)[0]
    name = doc.find(first.value, "name").value
    version = doc.find(first.value, "version").value
    assert copy_entry(doc, first, [(name, "b"), (version, "${var.b}")]) == (
        "  - name: b   # first\n    opts: {x: 1}\n    version: ${var.b}\n")


def test_a_value_shared_through_an_anchor_is_not_replaced():
    doc = Doc("a: &n 90\nb: *n\n", "a.yml")
    with pytest.raises(RefusedEdit, match="shared through a YAML anchor"):
        scalar_edit(doc, doc.find(doc.root, "a").value, "80")
    with pytest.raises(RefusedEdit, match="shared through a YAML anchor"):
        scalar_edit(doc, doc.find(doc.root, "b").value, "80")
