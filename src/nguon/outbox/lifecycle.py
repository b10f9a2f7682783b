"""Start the delivery threads with the Zope process, stop them at exit.

``IProcessStarting`` is fired by the WSGI starter once the database is open; test layers and
scripts never fire it, so they deliver explicitly (``nguon.outbox.worker.drain``,
``nguon.syndication.pusher.push_round``). Every process of a cluster (RelStorage, ZEO) starts
them: each round claims a lease first, so one process at a time does each job and another
takes over when it dies (``nguon.outbox.thread``). Set ``NGUON_OUTBOX_WORKER=0`` to run a Zope
process without the threads.
"""

from functools import partial
from nguon.outbox.worker import consumers
from nguon.outbox.worker import Worker

import atexit
import os


WORKERS = []


def start_thread(factory):
    """Start ``factory(db)`` as a delivery thread of this process, unless switched off."""
    import Zope2

    if os.environ.get("NGUON_OUTBOX_WORKER", "1") == "0" or Zope2.DB is None:
        return None
    thread = factory(Zope2.DB)
    thread.start()
    WORKERS.append(thread)
    atexit.register(thread.stop)
    return thread


def start_worker(event):
    """One delivery thread per outbox consumer: a slow one never holds up the others."""
    for name, _consumer in consumers():
        start_thread(partial(Worker, names=(name,)))
