"""The lint rules, one module per family (docs/lint.md lists them).

Some rules are checked while the bundle is loaded (loader.py) or against the JSON schema
(schema.py); the rest run on each target's view of the bundle, the configuration the CLI would
deploy for that target. Importing this package registers every rule.
"""

from __future__ import annotations

import importlib

from bundlegen.lint.rules.registry import RULES, Rule, TargetContext, target_checks

# Imported in this order, so the rules register (and docs/lint.md lists them) family by family.
FAMILIES = (
    "loading",
    "variables",
    "resources",
    "required",
    "targets",
    "workspace",
    "scripts",
    "paths",
    "files",
    "deprecated",
    "jobs",
    "wheels",
    "serving",
    "apps",
)
for _family in FAMILIES:
    importlib.import_module(f"bundlegen.lint.rules.{_family}")

__all__ = ["FAMILIES", "RULES", "Rule", "TargetContext", "target_checks"]
