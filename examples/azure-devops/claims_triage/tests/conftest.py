"""Fixtures: a fake workspace, a fake clock, and a Context that hands them to the code."""

from __future__ import annotations

import io

import pytest

from claims_triage.runtime import Context
from claims_triage.tasks import run

from fakes import Clock, FakeWorkspace, TaskValues


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def w(clock) -> FakeWorkspace:
    return FakeWorkspace(clock)


@pytest.fixture
def ctx(w, clock) -> Context:
    return Context(
        workspace_factory=lambda host=None: w,
        task_values=TaskValues(),
        clock=clock.time,
        timer=clock.time,
        sleep=clock.sleep,
        out=io.StringIO(),
    )


@pytest.fixture
def cli(ctx, capsys):
    """Run a command as a job task would; returns (exit code, stdout, stderr)."""

    def invoke(*argv: str) -> tuple[int, str, str]:
        ctx.out = io.StringIO()
        code = run(list(argv), ctx)
        return code, ctx.out.getvalue(), capsys.readouterr().err

    return invoke
