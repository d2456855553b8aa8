"""The endpoint update limit: 50 operations per 5 minutes per workspace, never more."""

from __future__ import annotations

import pytest

from fraud_detection.errors import TaskError
from fraud_detection.throttle import RateLimiter


def test_fifty_updates_go_at_once_and_the_51st_waits_for_the_first_to_leave_the_window(clock):
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep)
    start = clock.now
    for _ in range(50):
        assert limiter.acquire() == 0
        clock.now += 1  # one second apart
    assert limiter.acquire() == pytest.approx(250)  # first was at start, window is 300 s
    assert clock.now == pytest.approx(start + 300)


def test_no_five_minute_window_ever_holds_more_than_fifty(clock):
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep, max_wait=10_000)
    times = []
    for _ in range(180):
        limiter.acquire()
        times.append(clock.now)
        clock.now += 0.5
    for t in times:
        assert sum(1 for u in times if t <= u < t + 300) <= 50


def test_operations_of_earlier_runs_count(clock):
    recent = [clock.now - 100 + i for i in range(50)]  # 50 updates in the last 100 s
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep, history=recent)
    assert limiter.in_window() == 50
    assert limiter.acquire() == pytest.approx(200)


def test_history_older_than_the_window_is_ignored(clock):
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep,
                          history=[clock.now - 301] * 80)
    assert limiter.in_window() == 0
    assert limiter.acquire() == 0


def test_waiting_longer_than_allowed_is_a_clear_error(clock):
    limiter = RateLimiter(limit=2, window=300, clock=clock.time, sleep=clock.sleep, max_wait=10,
                          history=[clock.now, clock.now])
    with pytest.raises(TaskError, match="2 endpoint updates in the last 300 s"):
        limiter.acquire()
    assert clock.slept == []
