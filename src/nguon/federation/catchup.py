"""Catch-up: after an outage the province reads what it missed from central's feed.

``pull`` GETs ``<topic>?since=<link cursor>`` (the JSON Feed of the central unit the link
follows) over HTTP, through ``syndication.outbound`` (the address checked against SSRF, no
redirects), signed with the link's secret (``signing.poll_headers``, so central enters what
the province fetched in its ledger), and applies each page with the same per-item rule as a
push (``apply``: a change not newer than what was applied is skipped): a catch-up that
overlaps pushes, or a push that arrives after a catch-up, changes nothing twice. It follows
``next`` links until the feed has nothing more.

A ``410 Gone`` (the cursor fell behind central's compacted log) or a resync delivery (central
said so in a push) makes a *full read*: the current feed from its first page, every item
applied as of the feed's version, and every item the link brought earlier that the current
feed no longer holds retracted (central retracted it while the province could not hear).
"""

from nguon import _
from nguon.errors import UserError
from nguon.federation import apply as applying
from nguon.federation import links
from nguon.syndication import outbound
from nguon.syndication import signing
from nguon.syndication.subscriptions import allowed_networks
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import json
import time


MAX_BODY = 20 * 1024 * 1024
MAX_PAGES = 200  # pages of one catch-up; the next catch-up goes on from the cursor
TIMEOUT = 30
SIZE = 200


class PullFailed(UserError):
    """Central could not be read; the message says why (the cursor did not move)."""


def _failed(reason):
    return PullFailed(
        _(
            "federation_error_pull",
            default="Không đọc được nguồn tin của trang trung ương: ${reason}",
            mapping={"reason": reason},
        )
    )


def _address(topic, **params):
    parts = urlsplit(topic)
    query = urlencode({k: v for k, v in params.items() if v is not None})
    joined = "&".join(part for part in (parts.query, query) if part)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, joined, ""))


def _get(link, url, now):
    """The JSON document at ``url`` (a page of central's feed), or None for a ``410``."""
    query = urlsplit(url).query
    headers = {
        "Accept": "application/feed+json",
        **signing.poll_headers(link.secret, link.subscription_id, query, now),
    }
    try:
        answer = outbound.call(
            "GET",
            url,
            tuple(allowed_networks()),
            headers=headers,
            timeout=TIMEOUT,
            read=MAX_BODY + 1,
        )
    except outbound.CallFailed as error:
        raise _failed(str(error)) from error
    if answer.status == 410:
        return None
    if answer.status != 200:
        raise _failed(f"HTTP {answer.status} {answer.reason}")
    if len(answer.body) > MAX_BODY:
        raise _failed("quá lớn")
    try:
        data = json.loads(answer.body)
        unit = data["_nguon"]["unit"]["code"]
    except (ValueError, KeyError, TypeError):
        raise _failed("không phải nguồn tin JSON Feed của Nguồn") from None
    if unit != link.unit_code:
        raise _failed(f"nguồn tin của đơn vị khác ({unit})")
    return data


def _add(total, counts):
    for key, value in counts.items():
        if key != "cursor":
            total[key] = total.get(key, 0) + value


def pull(portal, link_id, now=None, max_pages=MAX_PAGES):
    """Read and apply what central's feed holds after the link's cursor; returns the counts
    (and ``pages``, ``full`` when it read the whole current feed)."""
    link = links.get(portal, link_id)
    if link is None:
        raise UserError(
            _(
                "federation_error_unknown_link",
                default="Không có liên kết liên thông này.",
            )
        )
    now = now or time.time()
    total = {"created": 0, "updated": 0, "retracted": 0, "skipped": 0, "pages": 0}
    full = bool(link.resync)
    url = None if full else _address(link.topic, since=link.cursor, size=SIZE)
    while url is not None and total["pages"] < max_pages:
        data = _get(link, url, now)
        total["pages"] += 1
        if data is None:  # 410: behind central's compacted log
            full = True
            break
        _add(total, applying.apply(portal, link, data, now))
        url = (data["_nguon"].get("links") or {}).get("next")
    if full:
        _add(total, _full_read(portal, link, now, max_pages - total["pages"], total))
    total["cursor"] = link.cursor
    total["full"] = full
    link.note(status="pulled", **{k: v for k, v in total.items() if k != "cursor"})
    return total


def _full_read(portal, link, now, max_pages, total):
    """Apply the whole current feed; retract what it no longer holds."""
    counts = {"created": 0, "updated": 0, "retracted": 0, "skipped": 0}
    url, present, version = _address(link.topic, size=SIZE), set(), 0
    while url is not None and max_pages > 0:
        data = _get(link, url, now)
        max_pages -= 1
        total["pages"] += 1
        if data is None:
            raise _failed("HTTP 410")
        version = max(version, int(data["_nguon"].get("cursor") or 0))
        present.update(item["_nguon"]["uid"] for item in data.get("items") or ())
        _add(counts, applying.apply(portal, link, data, now))
        url = (data["_nguon"].get("links") or {}).get("next")
    if url is not None:  # not read to the end: try again later, keep the resync mark
        return counts
    for origin in [uid for uid in link.applied.keys() if uid not in present]:
        counts[applying.retract(portal, link, origin, version)] += 1
    link.resync = None
    return counts
