"""Fixtures: a fake workspace behind the real SDK client, a fake clock, and a Context that hands
them to the code."""

from __future__ import annotations

import io

import pytest
import requests

from fraud_detection.runtime import Context
from fraud_detection.tasks import run

from fakes import Clock, FakeWorkspace, TaskValues


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def w(clock, monkeypatch) -> FakeWorkspace:
    """The workspace: every HTTP request of the `requests` library (the SDK's transport) goes to
    it, so a test reaches no network."""
    fake = FakeWorkspace(clock)
    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send",
                        lambda adapter, request, **kwargs: fake.send(request))
    return fake


@pytest.fixture
def ctx(w, clock) -> Context:
    return Context(
        workspace_factory=w.client,
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
