"""A strict reader of the Mermaid flowchart subset bundlegen writes, for the tests.

No Mermaid parser runs offline in Python, so this accepts only forms whose meaning is
certain (each was checked against Mermaid 11's own parser when this was written) and refuses
everything else, so a diagram it reads is one GitHub renders:

    flowchart LR
    subgraph ID["label"]  ...  end
    ID SHAPE                                   (a node: ["..."] [("...")] [["..."]] {{"..."}} ("...") (["..."]))
    NODE LINK NODE                             (NODE: ID or ID SHAPE; LINK: --> or -- "label" -->,
                                                -.-> or -. "label" .->)

Ids are letters, digits and underscores, start with a letter and are no keyword; labels are
always double-quoted and hold no double quote, backtick, < or >, and no entity code (#quot;,
which Mermaid garbles in subgraph titles).
Every node gets its shape once, every id a link names has one, subgraphs close.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADER = re.compile(r"^flowchart (LR|RL|TB|TD|BT)$")
ID = r"[A-Za-z][A-Za-z0-9_]*"
LABEL = r'"([^"<>`\n]*)"'
SHAPES = {  # opening -> closing
    "[": "]", "[(": ")]", "[[": "]]", "{{": "}}", "(": ")", "([": "])",
}
_SHAPE = "|".join(
    re.escape(o) + LABEL + re.escape(c) for o, c in sorted(SHAPES.items(), key=lambda s: -len(s[0]))
)
NODE = re.compile(rf"^({ID})(?:({_SHAPE}))?$")
LINK = re.compile(rf"^(-->|-- {LABEL} -->|-\.->|-\. {LABEL} \.->)$")
SUBGRAPH = re.compile(rf"^subgraph ({ID})\[{LABEL}\]$")
KEYWORDS = {"end", "subgraph", "graph", "flowchart", "style", "classDef", "class", "click",
            "linkStyle", "direction", "default", "call", "href", "interpolate"}
ENTITY = re.compile(r"#(\w+);")


class MermaidError(ValueError):
    pass


@dataclass
class Graph:
    direction: str
    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (shape, label)
    edges: list[tuple[str, str, str, str]] = field(default_factory=list)  # (from, link, label, to)
    subgraphs: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # id -> (label, nodes)

    def label(self, node: str) -> str:
        return self.nodes[node][1]

    def edges_from(self, node: str) -> list[tuple[str, str, str, str]]:
        return [e for e in self.edges if e[0] == node]


def _label(text: str, where: str) -> str:
    if ENTITY.search(text):
        raise MermaidError(f"{where}: an entity code in label {text!r}")
    return text


NODE_AT = re.compile(rf"({ID})((?:{_SHAPE})?)")
LINK_AT = re.compile(rf"(-->|-- {LABEL} -->|-\.->|-\. {LABEL} \.->)")


def _node(line: str, pos: int, graph: Graph, where: str, inside: list[str]) -> tuple[str, int]:
    found = NODE_AT.match(line, pos)
    if not found:
        raise MermaidError(f"{where}: no node at column {pos + 1} of {line!r}")
    node, shape = found[1], found[2]
    if node in KEYWORDS:
        raise MermaidError(f"{where}: {node!r} is a keyword")
    if node in graph.subgraphs:
        raise MermaidError(f"{where}: {node!r} is a subgraph")
    if shape:
        if node in graph.nodes:
            raise MermaidError(f"{where}: {node!r} gets a shape twice")
        opening = next(o for o in sorted(SHAPES, key=len, reverse=True) if shape.startswith(o + '"'))
        label = shape[len(opening) + 1 : -len(SHAPES[opening]) - 1]
        graph.nodes[node] = (opening + SHAPES[opening], _label(label, where))
        if inside:
            graph.subgraphs[inside[-1]][1].append(node)
    return node, found.end()


def _statement(line: str, graph: Graph, where: str, inside: list[str], used: list[tuple[str, str]]):
    """NODE, or NODE LINK NODE ..., with one space around each link."""
    node, pos = _node(line, 0, graph, where, inside)
    used.append((node, where))
    while pos < len(line):
        link = LINK_AT.match(line, pos + 1) if line[pos] == " " else None
        if not link or line[link.end() : link.end() + 1] != " ":
            raise MermaidError(f"{where}: no link at column {pos + 1} of {line!r}")
        target, pos = _node(line, link.end() + 1, graph, where, inside)
        kind = "-.->" if link[1].startswith("-.") else "-->"
        label = link[2] if link[2] is not None else (link[3] or "")
        graph.edges.append((node, kind, _label(label, where), target))
        used.append((target, where))
        node = target


def parse(text: str) -> Graph:
    """The graph of a diagram; MermaidError for anything outside the subset."""
    lines = [line.rstrip() for line in text.split("\n")]
    if text.endswith("\n"):
        lines.pop()
    if not lines or not HEADER.match(lines[0]):
        raise MermaidError("line 1: must be 'flowchart LR' (or another direction)")
    graph = Graph(lines[0].split()[1])
    inside: list[str] = []
    used: list[tuple[str, str]] = []
    for number, raw in enumerate(lines[1:], start=2):
        where = f"line {number}"
        line = raw.strip()
        if raw != raw.rstrip() or "\t" in raw:
            raise MermaidError(f"{where}: tabs or trailing spaces")
        if not line or line.startswith("%%"):
            continue
        if line.startswith("subgraph"):
            found = SUBGRAPH.match(line)
            if not found:
                raise MermaidError(f"{where}: not a subgraph: {line!r}")
            name = found[1]
            if name in graph.subgraphs or name in graph.nodes or name in KEYWORDS:
                raise MermaidError(f"{where}: subgraph id {name!r} is taken")
            graph.subgraphs[name] = (_label(found[2], where), [])
            inside.append(name)
        elif line == "end":
            if not inside:
                raise MermaidError(f"{where}: 'end' without a subgraph")
            inside.pop()
        else:
            _statement(line, graph, where, inside, used)
    if inside:
        raise MermaidError(f"subgraph {inside[-1]!r} is not closed")
    for node, where in used:
        if node not in graph.nodes:
            raise MermaidError(f"{where}: {node!r} has no shape and label")
    return graph
