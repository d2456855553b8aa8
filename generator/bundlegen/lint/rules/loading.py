"""Rules found while the bundle is loaded (loader.py) or checked against the JSON schema
(schema.py): declared here so they have an id, a severity and docs."""

from __future__ import annotations

from bundlegen.lint.findings import ERROR, WARNING
from bundlegen.lint.rules.registry import declare

# Found while loading the bundle (loader.py, api.py).
declare(
    "bundle-not-found",
    ERROR,
    "A path given to lint has no databricks.yml in it or in a folder above it.",
)
declare("unreadable-file", ERROR, "A bundle file cannot be read (permissions, not UTF-8).")
declare(
    "yaml-syntax",
    ERROR,
    "A bundle file is not valid YAML, is not a mapping, or has a YAML structure the CLI "
    "refuses (a non-scalar key, two `<<` merge keys in one mapping).",
)
declare(
    "duplicate-key",
    WARNING,
    "A mapping has the same key twice; the CLI keeps the later value without a word "
    "(two `<<` merge keys in one mapping are a `yaml-syntax` error).",
)
declare(
    "include-invalid",
    ERROR,
    "An `include` entry is absolute, matches no file, or matches a file that is not YAML or JSON.",
)
declare(
    "include-outside-root",
    WARNING,
    "An included file has an `include` section of its own; the CLI applies only the root "
    "file's includes and warns.",
)
declare(
    "merge-conflict",
    ERROR,
    "An override cannot merge with what it overrides (a `${...}` reference over a mapping or a "
    "sequence, for example), or both `targets` and `environments` are set. A plain scalar where "
    "the schema wants a mapping is a `wrong-type` warning instead: the CLI drops it.",
)
declare(
    "internal-error",
    ERROR,
    "bundlegen could not finish checking a bundle (a bug in bundlegen: please "
    "report it); the other bundles are still checked, and the gate fails.",
)
declare("unknown-target", ERROR, "The target given with --target is not defined in the bundle.")
# Against the bundle JSON schema (schema.py): warnings, as `databricks bundle validate` has them.
declare("unknown-field", WARNING, "A field the bundle schema does not define (the CLI ignores it).")
declare(
    "wrong-type",
    WARNING,
    "A value of the wrong type for its field, e.g. a string where a mapping is expected.",
)
declare("invalid-enum", WARNING, "A value outside the values the schema allows for its field.")
declare(
    "missing-required", WARNING, "A required field is not set in a target's merged configuration."
)
declare(
    "unused-ignore",
    WARNING,
    "A `# bundlegen: ignore[rule-id]` comment silences no finding (or names no rule); remove it "
    "so it cannot hide a later one.",
)
