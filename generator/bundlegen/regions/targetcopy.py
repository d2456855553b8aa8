"""A target's text copied under a new name with a new workspace host (add-region in any
bundle): block style, flow style (`{...}`) and empty targets (`dev:`, `dev: null`)."""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode

from bundlegen.errors import RefusedEdit
from bundlegen.yaml.doc import AliasNode, Doc, Entry
from bundlegen.yaml.edit import drop_key, key_edit, remove_anchor, splice, walk


def host_entry(doc: Doc, target: Entry) -> Entry | None:
    workspace = doc.find(target.value, "workspace")
    return doc.find(workspace.value, "host") if workspace is not None else None


def copy_target(doc: Doc, entry: Entry, new: str, host: str | None) -> str:
    """The text of a target entry under a new name, with the host, without `default: true`
    and without the anchors it defines (its aliases then repeat the original's)."""
    value = entry.value
    if isinstance(value, AliasNode):
        where = doc.location(value.start_mark.index)
        raise RefusedEdit(f"target '{entry.key.value}' at {where} is an alias; copy it by hand")
    flow = entry.parent.flow_style  # an entry of `targets: {...}`: its text, not its lines
    if flow:
        start, end = entry.key.start_mark.index, flow_end(doc, entry)
    else:
        doc.require_own_line(entry)
        start, end = doc.span(entry)
    edits = [(entry.key.start_mark.index, entry.key.end_mark.index, new)]
    unit = doc.indent_unit()
    if isinstance(value, MappingNode):
        default = doc.find(value, "default")
        if (
            default is not None
            and isinstance(default.value, ScalarNode)
            and default.value.value in ("true", "True", "TRUE")
        ):
            edits.append(drop_key(doc, value, "default"))
    if host is not None:
        edits.extend(_host_edits(doc, entry, host, unit))
    elif isinstance(value, ScalarNode) and value.value and not is_null(value):
        where = doc.location(value.start_mark.index)
        raise RefusedEdit(
            f"target '{entry.key.value}' at {where} is not a mapping; copy it by hand"
        )
    for node in walk(value):
        edit = remove_anchor(doc, node)
        if edit and not any(s < edit[1] and edit[0] < e for s, e, _ in edits if s != e):
            edits.append(edit)
    text = splice(doc.text[start:end], [(s - start, e - start, r) for s, e, r in edits])
    return text if flow or text.endswith(("\n", "\r")) else text + doc.newline


def flow_end(doc: Doc, entry: Entry) -> int:
    """Where an entry of a flow mapping ends (`dev:` and `dev` too, whose empty value the
    parser places at the next token)."""
    value = entry.value
    if not (isinstance(value, ScalarNode) and not value.style and not value.value):
        return doc.entry_content_end(entry)
    at = entry.key.end_mark.index
    after = doc.text[at:].lstrip(" \t")
    if not after.startswith(":"):
        return at
    rest = after[1:]
    return len(doc.text) - len(rest) + (len(rest) - len(rest.lstrip(" \t")))  # `dev: ` ends here


def flow_deletion(doc: Doc, entry: Entry) -> tuple[int, int, str]:
    """An edit removing an entry of a flow mapping with the `, ` before it (or after it, for
    the first)."""
    entries = doc.entries(entry.parent)
    if entry.index > 0:
        return flow_end(doc, entries[entry.index - 1]), flow_end(doc, entry), ""
    if len(entries) > 1:
        return entry.key.start_mark.index, entries[1].key.start_mark.index, ""
    return entry.key.start_mark.index, flow_end(doc, entry), ""


def is_null(node: Node) -> bool:
    """An empty value written out: `null`, `~` (what `dev:` leaves unsaid)."""
    return isinstance(node, ScalarNode) and not node.style and node.value in _NULLS


_NULLS = ("", "~", "null", "Null", "NULL")


def _host_edits(doc: Doc, target: Entry, host: str, unit: int) -> list[tuple[int, int, str]]:
    """Edits giving a copied target the new host: replace it, or add it (and workspace)."""
    nl = doc.newline
    value = target.value
    name = target.key.value
    if isinstance(value, ScalarNode):
        if not is_null(value):
            where = doc.location(value.start_mark.index)
            raise RefusedEdit(f"target '{name}' at {where} is not a mapping; copy it by hand")
        if target.parent.flow_style:  # `dev: null`, `dev:` or `dev` in `{...}`
            mapping = f"{{workspace: {{host: {host}}}}}"
            if value.value:
                return [(value.start_mark.index, value.end_mark.index, mapping)]
            at = target.key.end_mark.index
            after = doc.text[at:].lstrip(" \t")
            if after.startswith(":"):
                return [(len(doc.text) - len(after) + 1, flow_end(doc, target), f" {mapping}")]
            return [(at, at, f": {mapping}")]
        edits = []
        if value.value:  # `dev: null`: the value goes, the lines below give the target one
            at = doc.text.index(":", target.key.end_mark.index) + 1
            edits.append((at, value.end_mark.index, ""))
        col = doc.entry_column(target) + unit
        at = doc.line_end(doc.line_of(target.key.start_mark.index))
        return edits + [lines_at(doc, at, f"{' ' * col}workspace:{nl}"
                                           f"{' ' * (col + unit)}host: {host}{nl}")]
    if isinstance(value, MappingNode) and value.flow_style:
        return [_flow_host_edit(doc, value, name, host)]
    return [_host_edit(doc, target, host, unit)]


def _flow_host_edit(doc: Doc, value: MappingNode, name: str, host: str) -> tuple[int, int, str]:
    """The host of a target written `{...}`: replaced, or added with its workspace."""
    workspace = doc.find(value, "workspace")
    if workspace is None:
        return key_edit(doc, value, "workspace", f"{{host: {host}}}")
    ws = workspace.value
    if is_null(ws):
        return key_edit(doc, value, "workspace", f"{{host: {host}}}")
    if isinstance(ws, MappingNode) and not isinstance(ws, AliasNode) and ws.flow_style:
        return key_edit(doc, ws, "host", host)
    where = doc.location(ws.start_mark.index)
    raise RefusedEdit(f"workspace of target '{name}' at {where} is not a mapping "
                      "(an alias?); copy the target by hand")


def _host_edit(doc: Doc, target: Entry, host: str, unit: int) -> tuple[int, int, str]:
    """The edit giving a copied block-style target the new host."""
    nl = doc.newline
    value = target.value
    name = target.key.value
    doc.require_block(value, f"target '{name}'")
    workspace = doc.find(value, "workspace")
    if workspace is None:
        last = doc.entries(value)[-1]
        col = doc.entry_column(last)
        at = doc.span(last)[1]
        return lines_at(doc, at, f"{' ' * col}workspace:{nl}{' ' * (col + unit)}host: {host}{nl}")
    ws = workspace.value
    if isinstance(ws, ScalarNode) and not ws.value:
        col = doc.entry_column(workspace) + unit
        at = doc.line_end(doc.line_of(workspace.key.start_mark.index))
        return lines_at(doc, at, f"{' ' * col}host: {host}{nl}")
    if not isinstance(ws, MappingNode) or isinstance(ws, AliasNode):
        where = doc.location(ws.start_mark.index)
        raise RefusedEdit(f"workspace of target '{name}' at {where} is not a mapping "
                          "(an alias?); copy the target by hand")
    doc.require_block(ws, f"workspace of target '{name}'")
    entry = doc.find(ws, "host")
    if entry is None:
        last = doc.entries(ws)[-1]
        at = doc.span(last)[1]
        return lines_at(doc, at, f"{' ' * doc.entry_column(last)}host: {host}{nl}")
    node = entry.value
    if isinstance(node, ScalarNode) and not node.value and node.tag.endswith(":null"):
        at = doc.text.index(":", entry.key.end_mark.index) + 1  # `host:` with nothing after
        return at, at, f" {host}"
    if isinstance(node, (ScalarNode, AliasNode)):
        # A comment after the old host is about the old host: it goes with it.
        end = node.end_mark.index
        rest = doc.line_text(doc.line_of(end))[doc.column(end):]
        if rest.strip().startswith("#"):
            end += len(rest)
        return node.start_mark.index, end, host
    where = doc.location(node.start_mark.index)
    raise RefusedEdit(f"host of target '{name}' at {where} is not a value; copy it by hand")


def lines_at(doc: Doc, at: int, lines: str) -> tuple[int, int, str]:
    """An edit inserting lines at a line end; the file's last line may lack its break."""
    if at == len(doc.text) and doc.text and not doc.text.endswith(("\n", "\r")):
        lines = doc.newline + lines
    return at, at, lines

