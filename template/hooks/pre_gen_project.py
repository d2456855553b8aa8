"""Refuse answers that would generate a broken bundle; the checks live in bundlegen_ext."""

import sys

PROBLEMS = {{ cookiecutter | answer_problems | tojson }}

if PROBLEMS:
    for problem in PROBLEMS:
        print(f"error: {problem}", file=sys.stderr)
    sys.exit(1)
