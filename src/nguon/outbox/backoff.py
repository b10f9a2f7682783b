"""How long to leave a channel alone after it failed: doubling waits, capped, with jitter.

The one back-off policy of nguon: :func:`doubling` is the wait after a run of failures; the
outbox worker keeps a :class:`Backoff` per consumer in memory, and push subscriptions
(``nguon.syndication.subscriptions``) store their next attempt with the same function.
"""

import random
import time


def doubling(failures, first, cap):
    """Seconds to wait after ``failures`` failures in a row: ``first``, twice that, four times
    that... never more than ``cap``; nothing after no failure."""
    if failures <= 0:
        return 0.0
    return min(cap, first * 2 ** (failures - 1))


class Backoff:
    def __init__(
        self, first=1.0, cap=60.0, clock=time.monotonic, jitter=random.uniform
    ):
        self.first = first
        self.cap = cap
        self.clock = clock
        self.jitter = jitter
        self.failures = 0
        self.not_before = 0.0

    def ready(self):
        return self.clock() >= self.not_before

    def delay(self):
        """Seconds to wait after the current run of failures."""
        if not self.failures:
            return 0.0
        return doubling(self.failures, self.first, self.cap) * self.jitter(0.5, 1.5)

    def failed(self):
        """Count a failure; True when it is the first of a run (worth one log line)."""
        self.failures += 1
        self.not_before = self.clock() + self.delay()
        return self.failures == 1

    def succeeded(self):
        """Reset; True when this ends a run of failures (worth one log line)."""
        recovered = self.failures > 0
        self.failures = 0
        self.not_before = 0.0
        return recovered
