"""How long to leave a channel alone after it failed: doubling waits, capped, with jitter."""
import random
import time


class Backoff:
    def __init__(self, first=1.0, cap=60.0, clock=time.monotonic, jitter=random.uniform):
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
        return min(self.cap, self.first * 2 ** (self.failures - 1)) * self.jitter(0.5, 1.5)

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
