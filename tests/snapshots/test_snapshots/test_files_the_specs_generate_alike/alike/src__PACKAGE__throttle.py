"""At most 50 serving endpoint create/update operations per 5 minutes per workspace.

That is the platform's limit; going over it makes updates fail with 429 in the middle of a
rollout. `RateLimiter` is a sliding window: `acquire()` returns at once while fewer than
`limit` operations happened in the last `window` seconds, and otherwise sleeps until the
oldest one leaves the window. Operations of earlier job runs are fed in as `history` (from
the deployment records), so the limit holds across runs, not only inside one.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable

from .errors import TaskError

ENDPOINT_UPDATES_PER_WINDOW = 50
WINDOW_SECONDS = 300.0


class RateLimiter:
    def __init__(
        self,
        limit: int = ENDPOINT_UPDATES_PER_WINDOW,
        window: float = WINDOW_SECONDS,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        history: Iterable[float] = (),
        max_wait: float | None = None,
    ):
        if limit < 1 or window <= 0:
            raise ValueError("limit must be at least 1 and window positive")
        self.limit = limit
        self.window = window
        self.clock = clock
        self.sleep = sleep
        self.max_wait = window if max_wait is None else max_wait
        now = clock()
        self._times: deque[float] = deque(sorted(t for t in history if t > now - window))

    def _expire(self, now: float) -> None:
        while self._times and self._times[0] <= now - self.window:
            self._times.popleft()

    def in_window(self) -> int:
        """Operations in the current window."""
        self._expire(self.clock())
        return len(self._times)

    def acquire(self) -> float:
        """Wait for a free slot and take it; returns the seconds waited."""
        waited = 0.0
        while True:
            now = self.clock()
            self._expire(now)
            if len(self._times) < self.limit:
                self._times.append(now)
                return waited
            delay = self._times[0] + self.window - now
            if waited + delay > self.max_wait:
                raise TaskError(
                    f"{len(self._times)} endpoint updates in the last {self.window:.0f} s in this "
                    f"workspace (limit {self.limit}); waited {waited:.0f} s, try again later"
                )
            self.sleep(delay)
            waited += delay
