"""The check every edit passes before it is written: what was spliced reads as what was meant.

Edits change a user's YAML as text, at node positions; anchors, aliases, merge keys or an
unusual layout could make the new text mean something else. So the new text is parsed again
and its data compared with the data intended; any difference refuses the whole edit, and
nothing is written. One place for the parse-and-compare of add-region and remove-region (any
bundle, and a project's files), of the traffic commands' bundle edits and of the spec edits.
"""

from __future__ import annotations

from typing import Any

from bundlegen.errors import InputError, RefusedEdit
from bundlegen.yaml.doc import Doc
from bundlegen.yaml.edit import Unverifiable, data_without

NOTHING = "nothing was changed"


def reparse(text: str, name: str) -> Doc:
    """The edited text parsed; an edit that breaks the YAML is refused."""
    try:
        return Doc(text, name)
    except InputError as err:
        raise RefusedEdit(f"the edit of {name} would not parse ({err}); {NOTHING}") from None


def reads_as(text: str, name: str, expected: Any, why: str) -> Doc:
    """The edited text must read as the expected data; `why` says what a difference means."""
    doc = reparse(text, name)
    if doc.data() != expected:
        raise RefusedEdit(f"{name}: {why}; {NOTHING}")
    return doc


def without(doc: Doc, where: list[tuple[tuple, Any]]) -> tuple[Any, list[Any]]:
    """A file's data with some entries taken out, and those entries (data_without), for an
    edit's expectations; entries that cannot be found again refuse the edit."""
    try:
        return data_without(doc, where)
    except Unverifiable as err:
        raise RefusedEdit(f"the edit did not come out as planned ({err}); {NOTHING}") from None


def reads_as_added(before: Any, after: str | Doc, name: str, where: list[tuple[tuple, Any]],
                   added: list[Any], why: str) -> Doc:
    """After an insert: the file reads as `before` (its data) plus exactly the entries at
    `where`, whose values are `added`."""
    doc = after if isinstance(after, Doc) else reparse(after, name)
    rest, taken = without(doc, where)
    if rest != before or taken != added:
        raise RefusedEdit(f"{name}: {why}; {NOTHING}")
    return doc


def reads_as_removed(before: Doc, after: str, where: list[tuple[tuple, Any]], why: str) -> Doc:
    """After a delete: the file reads as before without exactly the entries at `where`."""
    expected, _ = without(before, where)
    return reads_as(after, before.name, expected, why)
