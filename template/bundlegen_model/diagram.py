"""The Mermaid flowchart of a project's regions (the generated README's picture)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bundlegen_model.project import Project

# --------------------------------------------------------------------------- the diagram
# A Mermaid flowchart of the deployment: one box per region, the model, the Delta Share from
# the primary region to each replica, each endpoint with its traffic split. The generated
# README renders it from the Project; `bundlegen regions --format mermaid` renders it from a
# project's files (or any bundle's targets), through the same `mermaid()`.
# A region is a run of whole lines that names only itself (and the primary it shares from):
# appending a region only appends lines (tests/test_template_additive.py).


@dataclass(frozen=True)
class Endpoint:
    name: str
    routes: tuple  # (served entity, traffic percentage) pairs


@dataclass(frozen=True)
class DiagramRegion:
    name: str
    role: str  # "primary" or "replica"
    target: str
    model: str = ""  # the full name of the model served there ("" for another bundle)
    trains: bool = False  # training runs there
    shared_from: str = ""  # the region whose model this one mounts by Delta Sharing
    share: str = ""  # the share's name
    endpoints: tuple = ()  # Endpoint, ...
    jobs: tuple = ()  # scoring jobs besides the endpoint: "batch scoring", ...
    host: str = ""  # shown when there is no model: another bundle's target


def diagram_regions(project: Project, endpoints: dict | None = None) -> list[DiagramRegion]:
    """The regions of a project as the diagram shows them. `endpoints` (region name to
    Endpoints, read from serving/databricks.yml) replaces what the spec says is served."""
    jobs = tuple(job for on, job in ((project.batch, "batch scoring"),
                                     (project.asynchronous, "async scoring")) if on)
    out = []
    for r in project.regions:
        if endpoints is not None:
            served = tuple(endpoints.get(r.name, ()))
        else:  # the region's own split when it has one (regions[].traffic), else the project's
            served = (Endpoint(project.endpoint_name, r.split),) if project.realtime else ()
        out.append(DiagramRegion(
            name=r.name, role=r.role, target=r.target,
            model=f"{r.model_catalog}.{project.schema}.{project.model_name}",
            trains=r.is_primary,
            shared_from="" if r.is_primary else project.primary.name,
            share=project.share_name, endpoints=served, jobs=jobs,
        ))
    return out


def mermaid_id(text: str) -> str:
    """A node id: letters, digits and underscores only."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "x"


def mermaid_label(text: str) -> str:
    """A label for inside double quotes. Mermaid's entity codes (#quot;) come out garbled in
    subgraph titles, so the characters it would read as syntax or HTML become look-alikes."""
    text = re.sub(r"#(?=\w+;)", "\uff03", str(text))  # '#name;' would be read as an entity
    return text.translate(str.maketrans({'"': "'", "`": "'", "<": "\u2039", ">": "\u203a"}))


class _Ids:
    """Unique node ids; a clash (two names that read alike as ids) gets a suffix, so earlier
    nodes keep their ids whatever comes after them."""

    def __init__(self):
        self.taken: set[str] = set()

    def __call__(self, *parts: str) -> str:
        base = "_".join(mermaid_id(p) for p in parts)
        found, n = base, 1
        while found in self.taken:
            n += 1
            found = f"{base}_{n}"
        self.taken.add(found)
        return found


def mermaid(regions: list[DiagramRegion]) -> str:
    """The flowchart, without a final line break."""
    def q(text) -> str:
        return '"' + mermaid_label(text) + '"'

    ids = _Ids()
    models: dict[str, str] = {}  # region name -> the id of its model
    lines = ["flowchart LR"]
    for r in regions:
        rid = ids("r", r.name)
        lines.append(f"  subgraph {rid}[{q(f'{r.name} ({r.role}, {r.target})')}]")
        model = models[r.name] = ids(rid, "model") if r.model else ""
        if model:
            lines.append(f"    {model}[({q(r.model)})]")
        elif r.host:
            lines.append(f"    {ids(rid, 'host')}[{q(r.host.split('://', 1)[-1])}]")
        if r.trains and model:
            lines.append(f"    {ids(rid, 'training')}[[{q('training job')}]] --> {model}")
        for e in r.endpoints:
            eid = ids(rid, "ep", e.name)
            lines.append(f"    {eid}{{{{{q(f'endpoint {e.name}')}}}}}")
            if model:
                lines.append(f"    {model} --> {eid}")
            for entity, percent in e.routes:
                lines.append(f"    {eid} -- {q(f'{percent}%')} --> {ids(eid, entity)}[{q(entity)}]")
        for job in r.jobs:
            lines.append(f"    {model} --> {ids(rid, job)}[[{q(f'{job} job')}]]" if model
                         else f"    {ids(rid, job)}[[{q(f'{job} job')}]]")
        lines.append("  end")
        if model and models.get(r.shared_from):
            label = f"Delta Sharing: {r.share}" if r.share else "Delta Sharing"
            lines.append(f"  {models[r.shared_from]} -. {q(label)} .-> {model}")
    return "\n".join(lines)
