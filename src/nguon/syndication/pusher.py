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

A round is made for thousands of subscribers at once (a national bulletin reaches every
commune): what subscribers share is worked out once per round (``Round``): the page of changes
of each distinct (lineage, filters, cursor), and the JSON text of each item, which every
document carrying it takes as it is. Each subscriber's document is still its own (its unit,
topic, cursor, delivery id) and signed with its own secret. Requests go out from one event
loop over keep-alive connections (``fanout``), outside any lock, to the address that was
checked (``outbound``'s guarantees), and start while the next pushes are still being built;
outcomes are written in one transaction per round. The delivery log keeps the status and our
own words for it, never what the subscriber's server answered.

A subscriber whose cursor fell behind the compacted log (``store.CursorExpired``) gets a
*resync* delivery: no items, ``_nguon.resync`` naming the full feed to read again, and the
cursor the pushes go on from once it is acknowledged.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from nguon.outbox.thread import DeliveryThread
from nguon.publication.feeds import UnitFeed
from nguon.publication.store import CursorExpired
from nguon.publication.store import DELETE
from nguon.publication.store import storage
from nguon.syndication import compaction
from nguon.syndication import fanout
from nguon.syndication import formats
from nguon.syndication import signing
from nguon.syndication.delivery import acknowledged
from nguon.syndication.subscriptions import ACTIVE
from nguon.syndication.subscriptions import allowed_networks
from ZODB.POSException import ConflictError
from zope.i18n import translate

import itertools
import json
import logging
import threading
import time


logger = logging.getLogger("nguon.syndication")
PUSH_SIZE = 100  # events per delivery
TIMEOUT = fanout.TIMEOUT  # seconds a subscriber has to acknowledge
THREADS = 64  # the pusher's threads (callbacks' name lookups); connections: ``fanout``
WAKE = threading.Event()  # set when the change log grew
_ITEMS = "\x00items\x00"  # where a document's items go, in its JSON text
_ITEMS_JSON = json.dumps(_ITEMS)


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


class Round:
    """What the pushes of one round share, worked out once: the page of changes of each
    distinct (lineage, filters, cursor) (``changes``: subscribers of one unit with the same
    filters, or whose cursors stand at the same place, get the same events), and the JSON
    text of each item (``item_text``: the same in every document that carries it)."""

    def __init__(self, store):
        self.store = store
        self.pages = {}
        self.texts = {}

    @staticmethod
    def group(subscription, cursor):
        """The key of the subscribers who get the same changes from ``cursor``."""
        filters = subscription.filters
        return (
            tuple(subscription.lineage),
            tuple(filters.channels),
            tuple(filters.categories),
            tuple(filters.priorities),
            bool(filters.tests),
            cursor,
        )

    def changes(self, subscription, cursor):
        """``(version, changed, page)`` after ``cursor`` for the subscription's unit and
        filters: ``page`` is None when nothing happened after it, ``CursorExpired`` when
        the cursor fell behind the compacted log."""
        key = self.group(subscription, cursor)
        found = self.pages.get(key)
        if found is None:
            feed = UnitFeed(self.store, subscription.lineage, subscription.filters)
            version, changed = feed.version()
            page = None
            if version > cursor:
                try:
                    page = feed.changes(cursor, PUSH_SIZE)
                except CursorExpired:
                    page = CursorExpired
            found = self.pages[key] = (version, changed, page)
        return found

    def item_text(self, document, change):
        """The JSON text of an upsert of ``document`` (``formats.json_item``)."""
        key = (document.site_url, change.seq, change.uid)
        text = self.texts.get(key)
        if text is None:
            item = formats.json_item(
                document, change.seq, change.uid, formats.clean(change.entry)
            )
            text = self.texts[key] = json.dumps(item, ensure_ascii=False)
        return text


def build(store, subscription, delivery, now, shared=None):
    """The push due for one subscription, or None (its cursor may move past events that
    its filters leave out). ``shared``: the round's ``Round``."""
    shared = shared or Round(store)
    version, changed, page = shared.changes(subscription, delivery.cursor)
    if page is None:
        return None
    if page is CursorExpired:
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
    return _push(
        subscription, f"{first}-{last}", cursor, page.entries, page.changed, shared
    )


def _push(subscription, span, cursor, entries, changed, shared=None, resync=None):
    """The signed JSON Feed change document of ``entries`` for one subscriber: the same
    bytes as ``formats.json_feed_data`` of them with the delivery added, its items' text
    taken from ``shared`` (a ``Round``)."""
    upserts = [change for change in entries if change.kind != DELETE]
    document = formats.Document(
        title=subscription.unit["title"],
        unit=subscription.unit,
        site_url=subscription.site_url,
        self_url=subscription.topic,
        links={},
        updated=changed,
        cursor=cursor,
        items=[change for change in entries if change.kind == DELETE],
        changes=True,
        resync=resync,
    )
    data = formats.json_feed_data(document)
    data["items"] = _ITEMS
    delivery_id = f"{subscription.id}:{span}"
    data["_nguon"]["delivery"] = {"id": delivery_id, "sent": formats.iso(time.time())}
    shared = shared or Round(None)
    items = ", ".join(shared.item_text(document, change) for change in upserts)
    text = json.dumps(data, ensure_ascii=False).replace(_ITEMS_JSON, f"[{items}]", 1)
    body = text.encode("utf-8")
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
        tuple(change.uid for change in upserts),
    )


def due(store, now, shared=None):
    """The pushes due on ``store`` at ``now``, built as they are asked for."""
    shared = shared or Round(store)
    for sid, subscription in store.subscriptions.items():
        delivery = store.deliveries.get(sid)
        if (
            delivery is None
            or delivery.state != ACTIVE
            or subscription.expired(now)
            or delivery.next_attempt > now
        ):
            continue
        push = build(store, subscription, delivery, now, shared)
        if push is not None:
            yield push


def _words(error):
    """Our words for a refused callback address (a ``UserError``)."""
    return translate(error.message, target_language="vi")


def send(push, allowed=()):
    """POST one push to the address its callback's check found; note the outcome in
    ``push``: the status and our own words for it, never the answer's body or reason."""
    return fanout.send_all([push], allowed, translate=_words)[0]


def push_round(portal, executor=None, now=None, base_delay=1.0):
    """Send every push due on ``portal`` and record the outcomes; the caller commits.
    Returns the pushes sent. ``executor``: threads for the callbacks' name lookups."""
    store = storage(portal)
    if store is None:
        return []
    started = time.monotonic()
    now = now or time.time()
    pushes = due(store, now)
    first = next(pushes, None)
    if first is None:
        return []
    allowed = tuple(allowed_networks())
    done = fanout.send_all(
        itertools.chain([first], pushes),
        allowed,
        executor=executor,
        translate=_words,
    )
    logger.info(
        "push round: %d pushes built and sent in %.2f s, %d acknowledged",
        len(done),
        time.monotonic() - started,
        sum(push.ok for push in done),
    )
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


LEASE_KEY = "nguon.syndication.pusher"


class Pusher(DeliveryThread):
    """The push thread of a Zope process; of several processes, the one holding the site's
    lease ``LEASE_KEY`` pushes (``nguon.outbox.thread``)."""

    wake = WAKE
    title = "pusher"
    lease_key = LEASE_KEY

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
