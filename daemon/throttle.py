"""The login throttle: failures per key (an account name, an address) over a sliding window.

After `FREE_FAILURES` failures within `WINDOW_SECONDS`, a key must wait a back-off before its
next attempt: `FIRST_BACKOFF` seconds, doubling with each further failure, at most
`MAX_BACKOFF`. At most `MAX_KEYS` keys are kept (the least recently failing go first), so a
flood of random names or addresses cannot grow memory. Pure: times come in as arguments.
"""

from __future__ import annotations

from collections import OrderedDict, deque

__all__ = [
    "FIRST_BACKOFF",
    "FREE_FAILURES",
    "MAX_BACKOFF",
    "MAX_KEYS",
    "WINDOW_SECONDS",
    "Throttle",
]

WINDOW_SECONDS = 15 * 60.0
FREE_FAILURES = 5
FIRST_BACKOFF, MAX_BACKOFF = 2.0, 300.0
MAX_KEYS = 10_000


class Throttle:
    """Failure instants per key over the sliding window; at most `MAX_KEYS` keys."""

    def __init__(self) -> None:
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def wait(self, key: str, now: float) -> float:
        """Seconds until `key` may try again (0: now)."""
        times = self._recent(key, now)
        if len(times) < FREE_FAILURES:
            return 0.0
        backoff = min(MAX_BACKOFF, FIRST_BACKOFF * 2.0 ** (len(times) - FREE_FAILURES))
        return max(0.0, times[-1] + backoff - now)

    def fail(self, key: str, now: float) -> None:
        times = self._recent(key, now)
        if not times:
            self._failures[key] = times
        times.append(now)
        self._failures.move_to_end(key)
        while len(self._failures) > MAX_KEYS:
            self._failures.popitem(last=False)  # the key that failed least recently

    def undo(self, key: str, at: float) -> None:
        """Forget one failure counted at `at` (the attempt turned out right)."""
        times = self._failures.get(key)
        if times is not None and at in times:
            times.remove(at)

    def reset(self, key: str) -> None:
        self._failures.pop(key, None)

    def __len__(self) -> int:
        return len(self._failures)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque(maxlen=32)  # beyond 13 failures the back-off is at its maximum
        while times and times[0] <= now - WINDOW_SECONDS:
            times.popleft()
        if not times:
            del self._failures[key]
        return times
