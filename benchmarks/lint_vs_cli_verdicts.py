"""How much of what the Databricks CLI refuses does `bundlegen lint` catch? (on demand, not a test)

    python benchmarks/lint_vs_cli_verdicts.py CASES [--list misses|warned|false] [--strict]
                                               [--bundle-schema FILE]

CASES is a folder of the CLI's acceptance cases, for example `acceptance/bundle` of a checkout
of databricks/cli (not shipped with bundlegen: the cases are the CLI's). Each case is a folder
with a `databricks.yml` and the `output.txt` the CLI recorded for its `script`; the verdict is
read from the output: an `Error:` line is a reject, else a `Warning:` line a warning, else the
CLI accepted the bundle. Lint runs on the folder as it is in the checkout, with the environment
a case sets for the whole script (`export BUNDLE_VAR_x=...`, `export DATABRICKS_BUNDLE_ENGINE`,
a single-valued `EnvMatrix` in its test.toml), against the official schema in ../shared when it
is there (else `--bundle-schema`, else the shipped one). With `--strict`, a warning counts as an
error in the cases whose script runs `bundle validate --strict`.

Printed: per verdict, how many cases lint reports (an error for a reject, any finding for a
warning, an error for an accepted bundle: a false alarm); and the rejects of `bundle validate`
itself (an `Error:` in the output of a `bundle validate` command), which lint stands in for.
Many rejects are out of reach offline: the workspace, the deployment state, a build or a script
that fails when it runs, command-line arguments. `--list` names the cases of one kind.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "generator"))

from bundlegen.lint import lint_paths, load_schema  # noqa: E402

_EXPORT = re.compile(
    r"^export (DATABRICKS_BUNDLE_ENGINE|DATABRICKS_BUNDLE_RESTRICTED_CODE_EXECUTION|BUNDLE_VAR_\w+)"
    r"=(\S+)$",
    re.M,
)
OFFICIAL = ROOT.parent / "shared" / "databricks-bundle-schema" / "jsonschema.json"
_MATRIX = re.compile(r'^EnvMatrix\.(\w+)\s*=\s*\[\s*"([^"]*)"\s*\]', re.M)
_COMMAND = re.compile(r"^>>> .*?\[CLI\] (bundle \w+)", re.M)


def case_env(case: Path, cases: Path) -> dict[str, str]:
    env: dict[str, str] = {}
    script = case / "script"
    if script.is_file():
        for name, value in _EXPORT.findall(script.read_text(errors="replace")):
            env.setdefault(name, value.strip("\"'"))
    for folder in (case, *case.parents):
        toml = folder / "test.toml"
        if toml.is_file():
            for name, value in _MATRIX.findall(toml.read_text(errors="replace")):
                env.setdefault(name, value)
        if folder == cases:
            break
    return env


@contextmanager
def environment(env: dict[str, str]):
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def validate_rejects(output: str) -> bool:
    parts = _COMMAND.split(output)
    return any(cmd == "bundle validate" and re.search(r"^Error: ", body, re.M)
               for cmd, body in zip(parts[1::2], parts[2::2], strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=Path)
    parser.add_argument("--list", choices=("misses", "warned", "false"))
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--bundle-schema", type=Path,
                        default=OFFICIAL if OFFICIAL.is_file() else None)
    args = parser.parse_args()
    schema = load_schema(args.bundle_schema, databricks_cli="")
    tally = {k: [0, 0] for k in ("reject", "warn", "accept", "validate")}
    for output in sorted(args.cases.rglob("output.txt")):
        case = output.parent
        if not (case / "databricks.yml").is_file():
            continue
        text = output.read_text(errors="replace")
        errors = re.findall(r"^Error: (.*)$", text, re.M)
        warnings = re.findall(r"^Warning: (.*)$", text, re.M)
        script = case / "script"
        script_text = script.read_text(errors="replace") if script.is_file() else ""
        strict = args.strict and "--strict" in script_text
        with environment(case_env(case, args.cases)):
            findings = lint_paths([case], schema).findings
        error = any(f.severity == "error" or (strict and f.severity == "warning") for f in findings)
        name = case.relative_to(args.cases).as_posix()
        kind = "reject" if errors else "warn" if warnings else "accept"
        hit = error if kind != "warn" else bool(findings)
        tally[kind][0] += 1
        tally[kind][1] += hit
        if kind == "reject" and validate_rejects(text):
            tally["validate"][0] += 1
            tally["validate"][1] += hit
        if args.list == "misses" and kind == "reject" and not hit:
            print(f"miss  {name}: {errors[0][:100]}")
        if args.list == "warned" and kind == "warn" and not hit:
            print(f"miss  {name}: {warnings[0][:100]}")
        if args.list == "false" and kind == "accept" and hit:
            first = next(f for f in findings if f.severity == "error")
            print(f"false {name}: [{first.rule}] {first.message[:100]}")
    for kind, label, what in (("reject", "CLI rejects", "an error"),
                              ("validate", "`bundle validate` rejects", "an error"),
                              ("warn", "CLI warns", "a finding"),
                              ("accept", "CLI accepts", "an error (false alarm)")):
        total, hit = tally[kind]
        share = f"{100 * hit / total:.0f}%" if total else "-"
        print(f"{label:28} {total:4} cases, {hit:4} get {what} ({share})")


if __name__ == "__main__":
    main()
