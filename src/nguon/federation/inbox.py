"""What the province's inbox takes from central, and what it refuses.

``receive`` checks a delivery in this order and refuses with a ``Refused`` (an HTTP status
and a Vietnamese message), storing nothing, when:

1. the link is unknown (404);
2. ``X-Hub-Signature`` is not the HMAC-SHA256 of the body with the link's secret (403);
3. the body is not a Nguồn change document with ``_nguon.delivery`` (400);
4. the delivery is not this link's: its id is another subscription's, or it is for another
   unit (403);
5. it was sent more than ``WINDOW`` seconds from this site's clock (403: a captured delivery
   sent again later; the signature covers the time);
6. the very same signed body was taken before (409: a replay inside the window).

A delivery that passes is applied (``apply``): per item, only changes newer than what was
applied already, so a retried delivery (central rebuilds it with a new time) changes nothing.
"""

from datetime import datetime
from nguon import _
from nguon.federation import apply as applying
from nguon.federation import links
from nguon.publication.store import storage
from nguon.syndication import signing
from zope.i18nmessageid import Message

import hashlib
import json
import time


WINDOW = 300  # seconds a delivery may take to arrive, either side of this site's clock


class Refused(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


UNKNOWN = _(
    "federation_error_unknown_link", default="Không có liên kết liên thông này."
)
FORGED = _(
    "federation_error_signature",
    default="Chữ ký (X-Hub-Signature) không hợp lệ: bản tin không được nhận.",
)
MALFORMED = _(
    "federation_error_document",
    default="Nội dung không phải bản tin thay đổi (JSON Feed) của Nguồn: bản tin không được nhận.",
)
WRONG_LINK = _(
    "federation_error_wrong_link",
    default="Bản tin không thuộc liên kết này (đăng ký hoặc đơn vị khác): bản tin không được nhận.",
)
STALE = _(
    "federation_error_stale",
    default="Bản tin được gửi lúc ${sent}, lệch quá ${window} giây so với giờ của trang này (có thể là gửi lại trái phép): bản tin không được nhận.",
)
REPLAYED = _(
    "federation_error_replayed",
    default="Bản tin này đã được nhận trước đó; gửi lại y nguyên bị từ chối.",
)
UNKNOWN_SUBSCRIPTION = _(
    "federation_error_unknown_subscription",
    default="Không có đăng ký nào như vậy ở trang này.",
)


def check(link, body, signature, now):
    """The document of a delivery that passes every check, and its digest; else
    ``Refused``."""
    if link is None:
        raise Refused(404, UNKNOWN)
    if not signing.verify(link.secret, body, signature):
        raise Refused(403, FORGED)
    try:
        data = json.loads(body)
        nguon = data["_nguon"]
        delivery = nguon["delivery"]
        delivery_id = str(delivery["id"])
        sent = datetime.fromisoformat(delivery["sent"]).timestamp()
        unit = nguon["unit"]["code"]
        for item in data.get("items") or ():
            item["_nguon"]["uid"]  # noqa: B018 (every item names its origin)
        for tombstone in nguon.get("deleted") or ():
            tombstone["uid"]  # noqa: B018
    except (ValueError, KeyError, TypeError):
        raise Refused(400, MALFORMED) from None
    if delivery_id.partition(":")[0] != link.subscription_id or unit != link.unit_code:
        raise Refused(403, WRONG_LINK)
    if abs(now - sent) > WINDOW:
        raise Refused(
            403,
            Message(STALE, mapping={"sent": delivery["sent"], "window": WINDOW}),
        )
    digest = hashlib.sha256(body).hexdigest()
    if digest in link.seen:
        raise Refused(409, REPLAYED)
    return data, digest, sent


def envelope(body):
    """The JSON of a province's sending up (acknowledgements, a report, figures), its
    subscription id and its ``sent`` time (ISO 8601, checked to be one); raises
    ``ValueError``, ``KeyError`` or ``TypeError`` on a malformed body, for the caller to
    refuse with its own message."""
    data = json.loads(body)
    sid, sent = str(data["subscription"]), str(data["sent"])
    datetime.fromisoformat(sent)
    return data, sid, sent


def sender(portal, subscription_id, sent, body, signature, now):
    """The subscription of this site that a province's sending up (acknowledgements, a
    report) comes from: one this site knows, whose secret signed ``body``, ``sent`` (ISO
    8601, already read once by the caller) within ``WINDOW`` of ``now``; else ``Refused``."""
    store = storage(portal)
    subscription = (
        store.subscriptions.get(subscription_id) if store is not None else None
    )
    if subscription is None:
        raise Refused(404, UNKNOWN_SUBSCRIPTION)
    if not signing.verify(subscription.secret, body, signature):
        raise Refused(403, FORGED)
    if abs(now - datetime.fromisoformat(sent).timestamp()) > WINDOW:
        raise Refused(403, Message(STALE, mapping={"sent": sent, "window": WINDOW}))
    return subscription


def receive(portal, link_id, body, signature, now=None):
    """Check and apply one delivery to the link ``link_id``; returns the counts (see
    ``apply.apply``) or raises ``Refused``."""
    now = now if now is not None else time.time()
    link = links.get(portal, link_id)
    data, digest, sent = check(link, body, signature, now)
    link.forget_seen(now - 2 * WINDOW)
    link.seen[digest] = sent
    if data["_nguon"].get("resync"):
        link.resync = data["_nguon"]["resync"]
    counts = applying.apply(portal, link, data, now)
    link.note(
        status="delivered",
        delivery=data["_nguon"]["delivery"]["id"],
        **{k: v for k, v in counts.items() if k != "cursor"},
    )
    return counts


def intent(portal, link_id, mode, topic, challenge):
    """WebSub's verification of intent: the challenge for this link's own topic, else
    None."""
    link = links.get(portal, link_id)
    if (
        link is None
        or mode not in ("subscribe", "unsubscribe")
        or not challenge
        or topic != link.topic
    ):
        return None
    return challenge
