"""Deliver the Solr consumer's queued items now, batch by batch with a commit after each and a
progress bar, and report what was delivered and what Solr refused for good."""

from nguon.instance.settings import ConfigurationError
from nguon.outbox.interfaces import IOutboxConsumer
from nguon.outbox.worker import BATCH_SIZE
from nguon.outbox.worker import deliver_pending
from nguon.search import client
from nguon.search import maintenance
from nguon.search.commands.output import catalog_paths
from nguon.search.commands.output import more
from nguon.search.commands.output import say
from nguon.search.commands.output import SHOWN
from nguon.search.commands.progress import Progress
from ZODB.POSException import ConflictError
from zope.component import queryUtility

import time
import transaction


CONFLICT_RETRIES = 10


class Delivery:
    """What one run delivered, and what Solr refused."""

    def __init__(self, total):
        self.total = total
        self.delivered = 0
        self.refused = {}  # uid -> Solr's last message
        self.dead = []  # uids that became dead letters during the run
        self.left = 0  # still pending at the end
        self.unavailable = None
        self.seconds = 0.0


def deliver(site, batch_size=BATCH_SIZE, stream=None):
    """Deliver the Solr consumer's pending items with a progress bar, committing each batch."""
    consumer = queryUtility(IOutboxConsumer, name=maintenance.CONSUMER)
    pending = maintenance.pending(site)
    dead_before = set(pending.dead.keys())
    transaction.commit()  # what is queued is safe before anything is sent
    run = Delivery(pending.count())
    progress = Progress(run.total, stream=stream)
    progress.update(0, force=True)
    started, conflicts = time.monotonic(), 0
    while pending.count():
        try:
            result = deliver_pending(site, maintenance.CONSUMER, consumer, batch_size)
            transaction.commit()
        except (
            ConflictError
        ):  # another process (ZEO, RelStorage) took some items meanwhile
            transaction.abort()
            conflicts += 1
            if conflicts > CONFLICT_RETRIES:
                raise
            continue
        run.delivered += result.delivered
        run.refused.update(result.refused)
        progress.update(max(run.total - pending.count(), 0))
        if result.unavailable:
            run.unavailable = result.unavailable
            break
        if not result.busy:
            break
    progress.finish()
    run.seconds = time.monotonic() - started
    run.left = pending.count()
    run.dead = sorted(set(pending.dead.keys()) - dead_before)
    if run.delivered and not run.unavailable:
        try:
            client.update([("commit", {})])  # searchable now, and verify sees it all
        except client.SolrError as error:
            run.unavailable = str(error)
    return run


def report_delivery(site, run):
    """Say what ``run`` did; returns the exit code (1 when Solr refused items for good)."""
    rate = run.delivered / run.seconds if run.seconds else 0.0
    say(
        f"đã gửi {run.delivered} mục tới Solr trong {run.seconds:.1f} giây "
        f"({rate:.0f} mục/giây)"
    )
    refused = {uid: message for uid, message in run.refused.items() if uid in run.dead}
    if refused:
        say(
            f"Solr từ chối hẳn {len(refused)} mục (sau nhiều lần thử), giữ lại làm mục hỏng "
            f"(xem nguon-search status):"
        )
        paths = catalog_paths(site, list(refused)[:SHOWN])
        for uid in list(refused)[:SHOWN]:
            say(f"  {uid} {paths.get(uid, '')}: {refused[uid]}")
        more(len(refused))
    if run.unavailable:
        raise ConfigurationError(
            f"Solr ngừng trả lời giữa chừng ({run.unavailable}): {run.left} mục vẫn chờ trong "
            f"outbox, được gửi khi chạy lại lệnh hoặc khi khởi động site"
        )
    return 1 if run.dead else 0
