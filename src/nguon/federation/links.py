"""A site's links to the sites it federates with, kept in the portal's annotations.

A ``Link`` is the province's side of its subscription to a central unit's feed: the feed it
follows (``topic``), the shared ``secret``, the unit of this site that receives the items,
the callback central pushes to, and the change log cursor up to which it has applied
central's changes. Beside it, what it applied (``applied``: origin UID → (seq, local UID),
the idempotence of every delivery and catch-up) and the digests of the deliveries it took in
the last window (``seen``: a byte-identical replay is refused).
"""

from BTrees.OOBTree import OOBTree
from BTrees.OOBTree import OOTreeSet
from nguon import _
from nguon.annotations import site_state
from nguon.errors import UserError
from nguon.syndication.subscriptions import subscription_id
from nguon.units.tree import find_unit
from persistent import Persistent
from persistent.list import PersistentList
from urllib.parse import urlsplit

import re
import time


KEY = "nguon.federation"
LOG_SIZE = 100
LINK_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class Federation(Persistent):
    def __init__(self):
        self.links = OOBTree()


class Link(Persistent):
    resync = None  # the full feed to read again (central compacted its log past us)
    pulled = None  # when the last catch-up ran (seconds since the epoch)
    central = None  # the central site's root address (acknowledgements go there)
    figures_sent = None  # ledger counter -> the value central took (``figures``)

    def __init__(self, id, topic, secret, unit_code, local_unit, callback):
        self.id = id
        self.topic = topic
        self.secret = secret
        self.unit_code = unit_code  # the central unit whose feed is followed
        self.local_unit = local_unit  # the unit of this site the items go into
        self.callback = callback
        self.subscription_id = subscription_id(unit_code, callback)
        self.cursor = 0
        self.applied = OOBTree()  # origin UID -> (seq, local UID or None)
        self.seen = OOBTree()  # sha256 of a taken delivery's body -> its sent time
        self.log = PersistentList()
        self.created = time.time()
        self.directives = OOBTree()  # local UID -> origin UID of a received directive
        self.outgoing = (
            OOBTree()
        )  # acknowledgements to send: (origin, unit, kind, channel, at)
        self.acked = OOTreeSet()  # acknowledgements central took
        self.files = OOBTree()  # local UID -> the file its copy waits for (``files``)
        self.reports_sent = OOTreeSet()  # (form, period, signed at) central took

    @property
    def site(self):
        """The central site's address (scheme and host of the followed feed)."""
        parts = urlsplit(self.topic)
        return f"{parts.scheme}://{parts.netloc}"

    def note(self, **record):
        record.setdefault("time", time.time())
        self.log.append(record)
        if len(self.log) > LOG_SIZE:
            del self.log[: len(self.log) - LOG_SIZE]

    def note_directive(self, origin, local_uid, at):
        """A directive arrived (``at``: ISO time): remember it, and acknowledge it for the
        receiving unit (by central's code for it; ``acks``)."""
        self.directives[local_uid] = origin
        self.outgoing[(origin, self.unit_code, "received", "web", at)] = True

    def forget_seen(self, before):
        """Drop the digests of deliveries sent before ``before``: they are stale anyway."""
        for digest in [d for d, sent in self.seen.items() if sent < before]:
            del self.seen[digest]


def describe(link):
    """A link as plain data (never its secret)."""
    return {
        "id": link.id,
        "topic": link.topic,
        "unit": link.unit_code,
        "local_unit": link.local_unit,
        "callback": link.callback,
        "central": link.central,
        "subscription": link.subscription_id,
        "cursor": link.cursor,
        "items": len(link.applied),
        "files": len(link.files),
        "figures_sent": len(link.figures_sent or ()),
        "pulled": link.pulled,
        "resync": link.resync,
        "log": [dict(record) for record in reversed(link.log)],
    }


def state(portal, create=False):
    return site_state(portal, KEY, Federation, create=create)


def get(portal, link_id):
    federation = state(portal)
    return federation.links.get(link_id) if federation is not None else None


def callback_of(portal, link_id):
    return f"{portal.absolute_url()}/@federation-inbox/{link_id}"


def central_of(topic):
    """The central site's root guessed from a unit feed's address (``…/vn/<code>/feed.json``:
    the unit tree starts at ``vn``)."""
    head, found, _tail = topic.partition("/vn/")
    return head if found else links_site(topic)


def links_site(topic):
    parts = urlsplit(topic)
    return f"{parts.scheme}://{parts.netloc}"


def add(
    portal,
    link_id,
    topic,
    secret,
    unit_code,
    local_unit=None,
    callback=None,
    central=None,
):
    """Create (or change) the link ``link_id`` to the feed ``topic`` of the central unit
    ``unit_code``; the items go into ``local_unit`` (the same code by default); ``central``
    is the central site's root (guessed from the topic by default). Returns it."""
    if not LINK_ID.match(link_id or ""):
        raise UserError(
            _(
                "federation_error_link_id",
                default="Mã liên kết chỉ gồm chữ thường, số và dấu gạch ngang (tối đa 40 ký tự).",
            )
        )
    if not secret or not 16 <= len(secret) <= 200:
        raise UserError(
            _(
                "subscription_error_secret",
                default="Khóa bí mật (secret) phải dài từ 16 đến 200 ký tự.",
            )
        )
    if urlsplit(topic).scheme not in ("http", "https"):
        raise UserError(
            _(
                "federation_error_topic",
                default="Địa chỉ nguồn tin của trang trung ương phải là http hoặc https.",
            )
        )
    if find_unit(local_unit or unit_code) is None:
        raise UserError(
            _(
                "federation_error_local_unit",
                default="Không có đơn vị «${code}» ở trang này để nhận tin.",
                mapping={"code": local_unit or unit_code},
            )
        )
    links = state(portal, create=True).links
    callback = callback or callback_of(portal, link_id)
    link = links.get(link_id)
    if link is None:
        link = links[link_id] = Link(
            link_id, topic, secret, unit_code, local_unit or unit_code, callback
        )
    else:
        link.topic, link.secret, link.unit_code = topic, secret, unit_code
        link.local_unit, link.callback = local_unit or unit_code, callback
        link.subscription_id = subscription_id(unit_code, callback)
    link.central = central or central_of(topic)
    return link
