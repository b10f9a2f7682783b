"""Record changes in the outbox, inside the transaction that makes them.

Registered as a CMFCore indexing queue processor, so it sees exactly what the catalog sees:
every index, reindex and unindex of the transaction, once the queue is processed (before the
commit, or when a search processes it early). It only records which items changed; nothing
talks to any channel inside the transaction. After the commit it wakes the worker.
"""

from nguon.outbox.interfaces import IOutboxConsumer
from nguon.outbox.storage import outbox
from plone.uuid.interfaces import IUUID
from Products.CMFCore.interfaces import IIndexQueueProcessor
from zope.component import getUtilitiesFor
from zope.component.hooks import getSite
from zope.interface import implementer

import threading


class Wakeup:
    """A signal that wakes every thread listening to it: each listener has its own
    ``threading.Event``, so that one waking thread clearing its event never hides the
    signal from the others."""

    def __init__(self):
        self._events = []
        self._lock = threading.Lock()

    def listener(self):
        event = threading.Event()
        with self._lock:
            self._events.append(event)
        return event

    def forget(self, event):
        with self._lock:
            self._events.remove(event)

    def set(self):
        with self._lock:
            events = list(self._events)
        for event in events:
            event.set()


WAKE = Wakeup()  # set after every commit that recorded something


@implementer(IIndexQueueProcessor)
class OutboxProcessor:
    def __init__(self):
        self._local = threading.local()

    def index(self, obj, attributes=None):
        self._record(obj)

    def reindex(self, obj, attributes=None, update_metadata=False):
        self._record(obj)

    def unindex(self, obj):
        self._record(obj)

    def begin(self):
        self._local.recorded = False

    def commit(self):
        if getattr(self._local, "recorded", False):
            WAKE.set()
        self._local.recorded = False

    def abort(self):
        self._local.recorded = False

    def _record(self, obj):
        portal = getSite()
        box = outbox(portal) if portal is not None else None
        uid = IUUID(obj, None)
        if box is None or uid is None:
            return
        path = "/".join(obj.getPhysicalPath())
        for name, consumer in getUtilitiesFor(IOutboxConsumer):
            if consumer.active(portal) and consumer.wants(obj):
                box.pending_set(name).record(uid, path)
                self._local.recorded = True
