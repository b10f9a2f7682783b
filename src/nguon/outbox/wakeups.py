"""When a consumer wants an item offered again (``IScheduledConsumer.due``): a mixin for a
consumer's persistent state that keeps ``schedule``, an ``OOBTree`` of ``(time, uid)``."""


class Wakeups:
    """``wake`` notes a time to look at an item again; ``due`` takes the items whose time has
    come (each once, however many times it was woken)."""

    def wake(self, uid, when):
        self.schedule[(when, uid)] = None

    def due(self, now):
        found = list(self.schedule.keys(max=(now, "\uffff")))
        for key in found:
            del self.schedule[key]
        return sorted({uid for _when, uid in found})
