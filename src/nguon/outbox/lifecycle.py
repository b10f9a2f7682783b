"""Start the delivery thread with the Zope process, stop it at exit.

``IProcessStarting`` is fired by the WSGI starter once the database is open; test layers and
scripts never fire it, so they deliver explicitly (``nguon.outbox.worker.drain``). Set
``NGUON_OUTBOX_WORKER=0`` to run a Zope process without the thread (a second instance on
ZEO/RelStorage may keep it on: deliveries are idempotent).
"""
from nguon.outbox.worker import Worker

import atexit
import os


WORKERS = []


def start_worker(event):
    import Zope2

    if os.environ.get("NGUON_OUTBOX_WORKER", "1") == "0" or Zope2.DB is None:
        return
    worker = Worker(Zope2.DB)
    worker.start()
    WORKERS.append(worker)
    atexit.register(worker.stop)
