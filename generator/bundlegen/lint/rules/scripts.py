"""`scripts` and `artifacts`: what the CLI runs on the machine that deploys."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator

from bundlegen.lint import refs
from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.rules.registry import TargetContext, items, rule

# Only these are resolved before a script runs (validate/scripts.go).
_SCRIPT_ENV_PREFIXES = ("bundle", "workspace", "var", "variables")


@rule(
    "script-invalid",
    ERROR,
    "A script has no `content`, uses `${...}` in its content (declare an `env` entry and use "
    "`$NAME`), or an `env` value refers to something other than `${bundle.*}`, "
    "`${workspace.*}` or `${var.*}`, which are all that is resolved before scripts run.",
)
def script_invalid(ctx: TargetContext) -> Iterator[Finding]:
    scripts = ctx.view.get("scripts")
    for key, script in scripts.v.items() if scripts is not None and scripts.is_map else []:
        content = script.get("content") if script.is_map else None
        if content is None or content.v in (None, ""):
            yield ctx.finding(
                "script-invalid",
                content or script,
                f"scripts.{key}.content",
                f"script {key!r} has no content",
                at=scripts.key_loc(key) if content is None else None,
            )
            continue
        found = refs.REFERENCE.search(str(content.v))
        if found:
            yield ctx.finding(
                "script-invalid",
                content,
                f"scripts.{key}.content",
                f"{found.group(0)} in script {key!r}: the CLI does not interpolate script "
                "content; declare it under env (MY_VAR: ...) and use $MY_VAR",
            )
        env = script.get("env")
        for name, value in env.items() if env is not None and env.is_map else []:
            for ref in refs.references(str(value.v)):
                if ref.split(".")[0].split("[")[0] not in _SCRIPT_ENV_PREFIXES:
                    yield ctx.finding(
                        "script-invalid",
                        value,
                        f"scripts.{key}.env.{name}",
                        f"${{{ref}}} cannot be used in a script's env: only ${{bundle.*}}, "
                        "${workspace.*} and ${var.*} are resolved before scripts run",
                    )


# The hooks the CLI runs around its phases (config/experimental.go ScriptHook).
HOOKS = ("preinit", "postinit", "prebuild", "postbuild", "predeploy", "postdeploy")
RESTRICTED = "DATABRICKS_BUNDLE_RESTRICTED_CODE_EXECUTION"


@rule(
    "restricted-code-execution",
    ERROR,
    f"`{RESTRICTED}` is set in lint's environment, and the bundle runs code of its own on the "
    "deploying machine: a `python` (or `experimental.python`) section, whose resources and "
    "mutators the CLI loads by running Python, or an `experimental.scripts` hook. The CLI "
    "refuses both in restricted mode (`python_mutator.go`, `scripts/scripts.go`).",
)
def restricted_code_execution(ctx: TargetContext) -> Iterator[Finding]:
    if os.environ.get(RESTRICTED) is None:
        return
    for path in ("python", "experimental.python"):
        section = ctx.get(*path.split("."))
        if section is not None and section.items():  # any setting enables it (getOpts)
            yield ctx.finding(
                "restricted-code-execution",
                section,
                path,
                f"{path} runs Python code, which the CLI does not allow when {RESTRICTED} is set",
            )
            break
    scripts = ctx.get("experimental", "scripts")
    for hook in HOOKS:
        command = scripts.get(hook) if scripts is not None and scripts.is_map else None
        if command is not None and command.v not in (None, ""):
            yield ctx.finding(
                "restricted-code-execution",
                command,
                f"experimental.scripts.{hook}",
                f"the {hook} script cannot run: the CLI runs no scripts when {RESTRICTED} is set",
            )


EXECUTABLES = ("bash", "sh", "cmd")


@rule(
    "artifact-invalid",
    ERROR,
    "An artifact has no settings, its `executable` is not bash, sh or cmd, or a `files` source "
    "is a glob with a "
    "syntax error (an unclosed `[`, an empty `[]`, a trailing backslash).",
)
def artifact_invalid(ctx: TargetContext) -> Iterator[Finding]:
    artifacts = ctx.view.get("artifacts")
    for key, artifact in artifacts.v.items() if artifacts is not None and artifacts.is_map else []:
        if artifact.v is None:
            yield ctx.finding(
                "artifact-invalid",
                artifact,
                f"artifacts.{key}",
                f"artifact {key!r} is not properly configured: it has no settings",
                at=artifacts.key_loc(key),
            )
    for key, artifact in _artifacts(ctx):
        path = f"artifacts.{key}"
        executable = artifact.get("executable")
        value = ctx.resolve(executable)
        if isinstance(value, str) and value and value not in EXECUTABLES:
            yield ctx.finding(
                "artifact-invalid",
                executable,
                f"{path}.executable",
                f"{value} is not supported as an artifact executable: use bash, sh or cmd",
            )
        for i, item in enumerate(items(artifact, "files")):
            source = item.get("source")
            if source is not None and isinstance(source.v, str) and bad_glob(source.v):
                yield ctx.finding(
                    "artifact-invalid",
                    source,
                    f"{path}.files[{i}].source",
                    f"{source.v}: syntax error in the glob pattern",
                )


@rule(
    "artifact-no-files",
    WARNING,
    "An artifact without a `build` command lists a `files` source that matches no file. The CLI "
    "expands these globs when it loads the bundle (`artifacts/prepare.go`) and refuses it, "
    "`bundle validate` included; a warning here because CI often builds or downloads the files "
    "in a step before, where lint may run first (with a `build`, the files are not checked).",
)
def artifact_no_files(ctx: TargetContext) -> Iterator[Finding]:
    for key, artifact in _artifacts(ctx):
        if artifact.get("build") is not None and artifact.v["build"].v not in (None, ""):
            continue
        for i, item in enumerate(items(artifact, "files")):
            source = item.get("source")
            if source is None or not isinstance(source.v, str) or "${" in source.v:
                continue
            if bad_glob(source.v):
                continue
            base = ctx.folder_of(source)
            pattern = source.v if os.path.isabs(source.v) else os.path.join(base, source.v)
            if not glob.glob(pattern):
                yield ctx.finding(
                    "artifact-no-files",
                    source,
                    f"artifacts.{key}.files[{i}].source",
                    f"{source.v}: no matching files, and artifact {key!r} has no build command "
                    "to make them",
                )


def _artifacts(ctx: TargetContext):
    artifacts = ctx.view.get("artifacts")
    if artifacts is None or not artifacts.is_map:
        return []
    return [(k, a) for k, a in artifacts.items() if a.is_map]


def bad_glob(pattern: str) -> bool:
    """Whether Go's filepath.Match would refuse the pattern (ErrBadPattern)."""
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and os.sep == "/":
            if i + 1 >= len(pattern):
                return True
            i += 2
            continue
        if c == "[":
            end = pattern.find("]", i + 1)
            inner = pattern[i + 1 : end] if end >= 0 else ""
            if end < 0 or inner in ("", "^"):
                return True
            i = end + 1
            continue
        i += 1
    return False


# Enums the CLI checks (internal/validation/generated/enum_fields.go) that the bundle schema
# leaves as plain strings.
_KINDS = (("variables", ("complex",)), ("artifacts", ("whl", "jar")))


@rule(
    "invalid-kind",
    WARNING,
    "A variable's `type` other than `complex`, or an artifact's `type` other than `whl` or "
    "`jar`: the CLI warns, as for any value outside an enum (the bundle schema takes any string "
    "here, so `invalid-enum` cannot see it).",
)
def invalid_kind(ctx: TargetContext) -> Iterator[Finding]:
    for section, allowed in _KINDS:
        group = ctx.view.get(section)
        for key, item in group.items() if group is not None and group.is_map else []:
            kind = item.get("type") if item.is_map else None
            value = ctx.resolve(kind)
            if isinstance(value, str) and value and value not in allowed:
                yield ctx.finding(
                    "invalid-kind",
                    kind,
                    f"{section}.{key}.type",
                    f"{section}.{key}.type: {value!r} is not one of: {', '.join(allowed)}",
                )
