"""Entry point of every job task and of the CI helpers: `fraud_detection <command> [options]`.

The jobs (resources/*.job.yml) call it as a python_wheel_task with the command as the first
parameter; CI calls `bundle-vars` and `check-bootstrap`. Every value comes from the command
line (job parameters), never from constants here. Expected failures end with one line,
`error: ...`, and exit code 1 (2 for a bad parameter, 3 for "first deploy needed"); an error
the workspace returns is reported the same way; only a bug shows a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import TaskError
from .runtime import Context, redact

# Modules that add commands, in the order `--help` lists them.
MODULES = [
    "features",
    "training",
    "validation",
    "sharing",
    "deploy.versions",
    "deploy.endpoint",
    "deploy.evaluate",
    "deploy.rollback",
    "deploy.ramp",
    "deploy.promote",
    "deploy.shadow",
    "deploy.bundle_vars",
    "monitoring",
    "scoring.batch",
]


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="fraud_detection", description=__doc__.splitlines()[0])
    commands = root.add_subparsers(dest="command", required=True, metavar="<command>")
    for name in MODULES:
        importlib.import_module(f".{name}", __package__).register(commands)
    return root


def _workspace_error(err: Exception) -> bool:
    errors = sys.modules.get("databricks.sdk.errors")
    return bool(errors) and isinstance(err, errors.DatabricksError)


def run(argv: list[str] | None = None, ctx: Context | None = None) -> int:
    """Run one command; returns the exit code (tests call this with a Context of fakes)."""
    args = parser().parse_args(argv)
    ctx = ctx or Context()
    try:
        return int(args.run(args, ctx) or 0)
    except TaskError as err:
        print(f"error: {redact(str(err))}", file=sys.stderr)
        return err.exit_code
    except Exception as err:
        if not _workspace_error(err):
            raise
        first = (str(err).splitlines() or [""])[0]
        print(f"error: {args.command}: the workspace answered {type(err).__name__}: "
              f"{redact(first)}", file=sys.stderr)
        return 1


def main() -> None:
    """The console script and the python_wheel_task entry point: exits non-zero on failure."""
    code = run(sys.argv[1:])
    if code:
        sys.exit(code)


if __name__ == "__main__":
    main()
