"""The signed list of emergency items for one topic, and a device's checks before using it.

The site publishes, for a topic, the document::

    {"sequence": 1764506400123,          # grows with every publication of the topic
     "issued": "2026-11-30T12:40:00+00:00",
     "valid_from": "…", "valid_until": "…",   # VALIDITY after issued
     "topic": "nguon/v1/public/radio/46/area", "channel": "radio",
     "items": [ {…the channel's entry of one item…}, … ]}   # empty: nothing in force

signed with the site's device keys (``nguon.radio.signing.sign``) for kind ``broadcast``
and, as its "station", the topic itself: a list signed for one place cannot be replayed on
another place's topic, nor as a station's schedule. The broker only carries bytes; a device
believes nothing it did not check with ``accept``:

- signed by a key it pinned, still in force for it (``signing.verify``);
- of kind ``broadcast``, for the very topic it subscribed;
- newer than the last list it accepted on that topic (a replayed older list is refused);
- within its validity: a list nobody refreshed for ``VALIDITY`` holds nothing any more (the
  site re-publishes the lists with items in force long before that).
"""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.messaging import topics
from nguon.radio import signing

import json


KIND = "broadcast"
VALIDITY = timedelta(minutes=15)
SKEW = timedelta(minutes=1)  # a device's clock may be this far behind the site's


class Refused(Exception):
    """The list is not used; the message says why (in Vietnamese, for the device's log)."""


def next_sequence(previous, now=None):
    """A topic's next sequence number: milliseconds since the epoch, and always above the
    previous one, so that a list published later (by any process) is newer."""
    now = now or datetime.now(UTC)
    return max(int(previous or 0) + 1, int(now.timestamp() * 1000))


def document(topic, items, sequence, now=None):
    """The unsigned list of ``items`` (channel entries) for ``topic``."""
    now = now or datetime.now(UTC)
    return {
        "sequence": sequence,
        "issued": now.isoformat(timespec="seconds"),
        "valid_from": now.isoformat(timespec="seconds"),
        "valid_until": (now + VALIDITY).isoformat(timespec="seconds"),
        "topic": topic,
        "channel": topics.parse(topic).channel,
        "items": list(items),
    }


def sign(doc, private_keys):
    """The envelope of ``doc`` signed by every key of ``private_keys`` for its topic."""
    return signing.sign(doc, private_keys, kind=KIND, station=doc["topic"])


def encode(envelope):
    """The bytes sent on the topic."""
    return signing.canonical(envelope)


def decode(payload):
    """The envelope in a message's ``payload`` (bytes); ``Refused`` when it is none."""
    try:
        envelope = json.loads(payload)
    except (TypeError, ValueError, UnicodeDecodeError) as error:
        raise Refused("tin nhận được không phải JSON") from error
    if not isinstance(envelope, dict):
        raise Refused("tin nhận được không phải bản tin có chữ ký")
    return envelope


def accept(envelope, pins, topic, last=None, now=None):
    """The document inside ``envelope`` when a device subscribed to ``topic`` may use it
    instead of ``last`` (the document it accepted before on that topic, or None); raises
    ``Refused``. ``pins``: the device's pinned keys (``signing.Pin``s, or raw public key
    bytes)."""
    now = now or datetime.now(UTC)
    try:
        doc = signing.verify(envelope, pins, now)
    except signing.SignatureError as error:
        raise Refused(str(error)) from error
    if doc.get("kind") != KIND:
        raise Refused(
            f"tài liệu được ký là «{doc.get('kind')}», không phải bản tin cảnh báo"
        )
    if doc.get("station") != topic or doc.get("topic") != topic:
        raise Refused(
            f"bản tin được ký cho nơi khác ({doc.get('topic')}), không phải {topic}: "
            "có thể là gửi lại trái phép"
        )
    try:
        valid_from = datetime.fromisoformat(doc["valid_from"])
        valid_until = datetime.fromisoformat(doc["valid_until"])
        sequence = int(doc["sequence"])
        items = doc["items"]
    except (KeyError, TypeError, ValueError) as error:
        raise Refused("bản tin thiếu thời hạn, số thứ tự hoặc danh sách") from error
    if not isinstance(items, list):
        raise Refused("bản tin thiếu thời hạn, số thứ tự hoặc danh sách")
    if now + SKEW < valid_from:
        raise Refused("bản tin chưa đến thời hạn dùng (đồng hồ của thiết bị sai?)")
    if now >= valid_until:
        raise Refused("bản tin đã hết hạn")
    if last is not None and sequence <= int(last["sequence"]):
        raise Refused(
            f"bản tin cũ hơn bản đã nhận (số {sequence} ≤ {last['sequence']}): "
            "có thể là gửi lại trái phép"
        )
    return doc
