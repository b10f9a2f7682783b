"""Whether Solr answers, as this process last saw it; each change is logged once.

Searches and the outbox worker report what they see (``down``/``up``). While Solr is down,
searches go straight to the catalog and look again (a 2-second ping) at most every
``RECHECK_SECONDS``, so an outage costs citizens nothing but Solr's extras, and never a
timeout per request.
"""

import logging
import threading
import time


logger = logging.getLogger("nguon.search")
RECHECK_SECONDS = 5.0


class Health:
    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self.down_since = None  # wall-clock time Solr was first seen down
        self.reason = None
        self.checked = 0.0

    @property
    def is_down(self):
        return self.down_since is not None

    def down(self, reason):
        with self._lock:
            self.checked = self.clock()
            if self.down_since is None:
                self.down_since = time.time()
                self.reason = reason
                logger.warning(
                    "Solr unavailable, searching the catalog instead: %s", reason
                )

    def up(self):
        with self._lock:
            if self.down_since is not None:
                logger.warning(
                    "Solr available again after %.0f s", time.time() - self.down_since
                )
            self.down_since = None
            self.reason = None

    def usable(self, ping):
        """True when Solr should be asked: it is up, or it is time to look again and
        ``ping()`` says it answers."""
        if not self.is_down:
            return True
        if self.clock() - self.checked < RECHECK_SECONDS:
            return False
        if ping():
            self.up()
            return True
        self.down(self.reason)
        return False


HEALTH = Health()
