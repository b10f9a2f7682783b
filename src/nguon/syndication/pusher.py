"""Push the change log to subscribers, after commit, with retries and a delivery log.

A round looks at every active subscription whose lease runs and whose retry time has come:
if the change log holds events for its unit and filters after its cursor, they are sent as
one JSON Feed change document (the very document ``feed.json?since=<cursor>`` gives), signed
with the subscriber's secret. A 2xx answer moves the cursor; anything else counts a failure
and waits (exponential back-off) before the same events are sent again; after
``MAX_FAILURES`` failures in a row the subscription is dead-lettered until an admin resumes
it. Nothing is lost on a restart: the cursor only moves on an acknowledgement, and each
delivery has an id (``<subscription>:<first>-<last>``) so a repeated one is harmless. An
acknowledged push enters its items in the delivery ledger (``nguon.syndication.delivery``),
in the transaction that moves the cursor.

Requests go out in parallel (one thread pool per process), outside any lock, to the address
that was checked (``outbound``); outcomes are written in one transaction per round. The
delivery log keeps the status and our own words for it, never what the subscriber's server
answered.

A subscriber whose cursor fell behind the compacted log (``store.CursorExpired``) gets a
*resync* delivery: no items, ``_nguon.resync`` naming the full feed to read again, and the
cursor the pushes go on from once it is acknowledged.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from nguon.errors import UserError
from nguon.outbox.thread import DeliveryThread
from nguon.publication.feeds import UnitFeed
from nguon.publication.store import CursorExpired
from nguon.publication.store import storage
from nguon.syndication import compaction
from nguon.syndication import formats
from nguon.syndication import outbound
from nguon.syndication import signing
from nguon.syndication.delivery import acknowledged
from nguon.syndication.subscriptions import ACTIVE
from nguon.syndication.subscriptions import allowed_networks
from ZODB.POSException import ConflictError
from zope.i18n import translate

import json
import logging
import threading
import time


logger = logging.getLogger("nguon.syndication")
PUSH_SIZE = 100  # events per delivery
TIMEOUT = 10  # seconds a subscriber has to acknowledge
THREADS = 64
WAKE = threading.Event()  # set when the change log grew


@dataclass
class Push:
    sid: str
    callback: str
    body: bytes
    headers: dict
    cursor: int
    events: int
    delivery_id: str
    items: tuple = ()  # UIDs of the items it carries (not its tombstones)
    # filled by ``send``
    ok: bool = False
    code: int = None
    message: str = ""
    ms: float = 0.0


def build(store, subscription, delivery, now):
    """The push due for one subscription, or None (its cursor may move past events that
    its filters leave out)."""
    feed = UnitFeed(store, subscription.lineage, subscription.filters)
    version, changed = feed.version()
    if version <= delivery.cursor:
        return None
    try:
        page = feed.changes(delivery.cursor, PUSH_SIZE)
    except CursorExpired:
        return _push(
            subscription,
            f"resync-{version}",
            version,
            [],
            changed,
            resync=subscription.topic,
        )
    if not page.entries:
        if page.cursor > delivery.cursor:
            delivery.cursor = page.cursor
        return None
    first, last = page.entries[0].seq, page.entries[-1].seq
    cursor = page.cursor if not page.more else last
    return _push(subscription, f"{first}-{last}", cursor, page.entries, page.changed)


def _push(subscription, span, cursor, entries, changed, resync=None):
    """The signed JSON Feed change document of ``entries`` for one subscriber."""
    document = formats.Document(
        title=subscription.unit["title"],
        unit=subscription.unit,
        site_url=subscription.site_url,
        self_url=subscription.topic,
        links={},
        updated=changed,
        cursor=cursor,
        items=entries,
        changes=True,
        resync=resync,
    )
    data = formats.json_feed_data(document)
    delivery_id = f"{subscription.id}:{span}"
    data["_nguon"]["delivery"] = {"id": delivery_id, "sent": formats.iso(time.time())}
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    headers = {
        "Content-Type": "application/feed+json; charset=utf-8",
        signing.HEADER: signing.sign(subscription.secret, body),
        "Link": f'<{subscription.topic}>; rel="self"',
        "X-Nguon-Delivery": delivery_id,
    }
    return Push(
        subscription.id,
        subscription.callback,
        body,
        headers,
        cursor,
        len(entries),
        delivery_id,
        document.delivered(),
    )


def due(store, now):
    for sid, subscription in store.subscriptions.items():
        delivery = store.deliveries.get(sid)
        if (
            delivery is None
            or delivery.state != ACTIVE
            or subscription.expired(now)
            or delivery.next_attempt > now
        ):
            continue
        push = build(store, subscription, delivery, now)
        if push is not None:
            yield push


def send(push, allowed=()):
    """POST one push to the address its callback's check found; note the outcome in
    ``push``: the status and our own words for it, never the answer's body or reason."""
    started = time.monotonic()
    try:
        answer = outbound.call(
            "POST",
            push.callback,
            allowed,
            body=push.body,
            headers=push.headers,
            timeout=TIMEOUT,
        )
        push.code = answer.status
        push.ok = answer.status // 100 == 2
        if not push.ok:
            push.message = f"HTTP {answer.status} {answer.reason}".strip()
    except UserError as error:
        push.message = translate(error.message, target_language="vi")
    except outbound.CallFailed as error:
        push.message = str(error)
    push.ms = round((time.monotonic() - started) * 1000, 1)
    return push


def push_round(portal, executor=None, now=None, base_delay=1.0):
    """Send every push due on ``portal`` and record the outcomes; the caller commits.
    Returns the pushes sent."""
    store = storage(portal)
    if store is None:
        return []
    now = now or time.time()
    pushes = list(due(store, now))
    if not pushes:
        return []
    allowed = tuple(allowed_networks())
    if executor is None:
        with ThreadPoolExecutor(max_workers=min(THREADS, len(pushes))) as pool:
            done = list(pool.map(lambda push: send(push, allowed), pushes))
    else:
        done = list(executor.map(lambda push: send(push, allowed), pushes))
    for push in done:
        delivery = store.deliveries.get(push.sid)
        if delivery is None:  # unsubscribed meanwhile
            continue
        if push.ok:
            delivery.succeeded(push.cursor, push.events, push.code, push.ms)
            acknowledged(portal, store.subscriptions[push.sid], push, now)
        else:
            delivery.failed(
                push.message, push.code, push.events, push.ms, base_delay=base_delay
            )
            logger.warning(
                "push %s to %s failed: %s %s",
                push.delivery_id,
                push.callback,
                push.code,
                push.message,
            )
    return done


def wake(event):
    """After a round of the outbox worker logged changes, push at once."""
    if event.name == "syndication" and event.delivered:
        WAKE.set()


class Pusher(DeliveryThread):
    """The push thread of a Zope process."""

    wake = WAKE
    title = "pusher"

    def __init__(self, db, poll_seconds=1.0):
        super().__init__(db, poll_seconds)
        self.executor = ThreadPoolExecutor(
            max_workers=THREADS, thread_name_prefix="nguon-push"
        )

    def stop(self, timeout=5):
        super().stop(timeout)
        self.executor.shutdown(wait=False, cancel_futures=True)

    def work(self, tm, site):
        """Push what is due, then compact the change log when its time has come."""
        try:
            sent = push_round(site, self.executor)
            tm.commit()
            more = compaction.due(site) and compaction.compact(site) >= compaction.BATCH
            tm.commit()
        except ConflictError:
            tm.abort()
            return True
        return more or any(push.ok for push in sent)
