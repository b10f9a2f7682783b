"""How many messages one address may push: a sliding minute per address, in this process.

Pushing is open to anyone (the signature is the credential), so checking a message's
signature is work anyone can make the site do; the limit keeps one address from making it
do that without end. The count lives in memory: each Zope process limits on its own, and a
restart forgets, which is fine for a limit whose only job is to bound the work.
"""

from collections import deque

import threading
import time


PER_MINUTE = 60  # messages per address; a national service sends a few per hour
WINDOW = 60.0
TRACKED = 10_000  # addresses remembered at most (the oldest are forgotten first)


class RateLimit:
    def __init__(self, per_window=PER_MINUTE, window=WINDOW):
        self.per_window, self.window = per_window, window
        self.seen = {}  # address -> deque of times
        self.lock = threading.Lock()

    def allow(self, address, now=None):
        """True, counting this message, when ``address`` is under the limit."""
        now = time.monotonic() if now is None else now
        with self.lock:
            times = self.seen.pop(address, None) or deque()
            while times and times[0] <= now - self.window:
                times.popleft()
            allowed = len(times) < self.per_window
            if allowed:
                times.append(now)
            self.seen[address] = times  # most recent last
            while len(self.seen) > TRACKED:
                del self.seen[next(iter(self.seen))]
            return allowed


PUSHES = RateLimit()
