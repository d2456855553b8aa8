"""Entry point of every job task: `fraud_detection <task> [options]` (see resources/*.job.yml)."""

from __future__ import annotations

import argparse
import sys

TASKS = [
    "refresh-features",
    "train",
    "validate",
    "share",
    "resolve-versions",
    "update-endpoint",
    "evaluate",
    "rollback",
    "score-batch",
    "score-async",
    "unpack-inference-table",
    "check-drift",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fraud_detection")
    parser.add_argument("task", choices=TASKS)
    args, _ = parser.parse_known_args(argv)
    print(f"{args.task}: not implemented yet", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
