"""The domain of bundlegen: a spec, its checks, clouds and regions, the project and its diagram.

One package for the Cookiecutter template and the bundlegen CLI. It lives in the template's
folder, which Cookiecutter puts on sys.path for the template's Jinja extension
(bundlegen_ext.py, a thin adapter), so `cookiecutter <repo> --directory template` works with
only Cookiecutter installed; the wheel installs it as a package of its own beside bundlegen
(docs/decisions/code-layout.md). Standard library only.

- `clouds`: workspace hosts, region names and the production target of a region;
- `schema`, `rules`: `problems(spec)` checks a spec or the Cookiecutter answers against
  schemas/spec.schema.json and the rules a schema cannot express;
- `project`: `Project(answers)`, the normalized view every template file renders from;
- `diagram`: the Mermaid flowchart of the regions;
- `pins`: what the generated CI files pin;
- `yamlwords`: names YAML would misread, and scalars written to read back the same.
"""

from bundlegen_model.clouds import (
    A_CLOUD,
    CLOUD_NAMES,
    DEMO,
    HOST_SUFFIXES,
    REGION_PATTERNS,
    cloud_of,
    region_of,
    target_name,
)
from bundlegen_model.diagram import DiagramRegion, Endpoint, diagram_regions, mermaid
from bundlegen_model.project import Environment, Project, Region, Variant
from bundlegen_model.rules import entries, problems
from bundlegen_model.schema import Validator, coerce_answers, format_path, load_schema
from bundlegen_model.yamlwords import YAML_NON_STRING, yaml_scalar

__all__ = [
    "A_CLOUD",
    "CLOUD_NAMES",
    "DEMO",
    "HOST_SUFFIXES",
    "REGION_PATTERNS",
    "YAML_NON_STRING",
    "DiagramRegion",
    "Endpoint",
    "Environment",
    "Project",
    "Region",
    "Validator",
    "Variant",
    "cloud_of",
    "coerce_answers",
    "diagram_regions",
    "entries",
    "format_path",
    "load_schema",
    "mermaid",
    "problems",
    "region_of",
    "target_name",
    "yaml_scalar",
]
