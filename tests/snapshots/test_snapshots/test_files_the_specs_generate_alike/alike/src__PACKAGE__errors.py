"""Expected failures: the command line prints their message on one line, without a traceback."""

from __future__ import annotations


class TaskError(Exception):
    """A failure the operator can act on (bad input, a check that did not pass). Exit code 1."""

    exit_code = 1


class UsageError(TaskError):
    """A parameter is missing or malformed. Exit code 2, like a command-line usage error."""

    exit_code = 2


class NotBootstrapped(TaskError):
    """No model version to serve yet: the workspace has not had its first deploy. Exit code 3."""

    exit_code = 3


FIRST_DEPLOY_HINT = (
    "this workspace has not had its first deploy: in the primary region run the training job "
    "(databricks bundle run training -t <target>); for a replica region run share_model in the "
    "primary region, then deploy the jobs bundle here (README.md, First deploy)"
)
