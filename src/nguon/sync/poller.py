"""Catching up from the JSON feed: the whole current feed the first time, then every change
after the cursor; conditional requests so an idle poll costs a ``304``.

When the site answers ``410 Gone`` (the cursor is older than its compacted change log), or a
push said so (the mirror's ``resync`` state), the whole current feed is read again and every
item it no longer holds is removed from the mirror; polling goes on from that feed's cursor.

A subscriber signs its requests (``Signer``, with its subscription's id and secret), so the
site can count what it served to the subscriber as delivered (docs/syndication.md).
"""

from nguon.syndication import signing
from urllib.parse import urlsplit

import requests
import time


class FeedError(Exception):
    """The feed could not be read (network, HTTP error, not a JSON feed)."""


class CursorGone(FeedError):
    """The site compacted its change log past our cursor: read everything again."""


class Signer:
    """The headers that sign a feed request as the subscription ``subscription_id``'s."""

    def __init__(self, subscription_id, secret):
        self.subscription_id = subscription_id
        self.secret = secret

    def __call__(self, url):
        return signing.poll_headers(
            self.secret, self.subscription_id, urlsplit(url).query, time.time()
        )


def _get(session, url, mirror=None, timeout=30, signer=None):
    headers = {"Accept": "application/feed+json", **(signer(url) if signer else {})}
    known_url, _space, etag = (
        mirror.get("etag", "") if mirror is not None else ""
    ).partition(" ")
    if etag and known_url == url:
        headers["If-None-Match"] = etag
    try:
        response = session.get(url, headers=headers, timeout=timeout)
    except requests.RequestException as error:
        raise FeedError(f"không đọc được {url}: {error.__class__.__name__}") from error
    if response.status_code == 304:
        return None
    if response.status_code == 410:
        raise CursorGone(f"{url}: con trỏ đã quá cũ, đọc lại toàn bộ nguồn tin")
    if response.status_code != 200:
        raise FeedError(f"{url} trả lời mã {response.status_code}")
    try:
        document = response.json()
    except ValueError as error:
        raise FeedError(f"{url} không trả về JSON Feed") from error
    if mirror is not None and response.headers.get("ETag"):
        mirror.set("etag", f"{url} {response.headers['ETag']}")
    return document


def catch_up(feed_url, mirror, session=None, signer=None):
    """Bring the mirror up to date; returns ``(upserted, deleted, ignored)`` summed.
    ``signer`` (a ``Signer``) signs every request as a subscriber's."""
    session = session or requests.Session()
    totals = [0, 0, 0]
    resynced = mirror.cursor is None or bool(mirror.get("resync"))
    if resynced:
        _add(totals, resync(feed_url, mirror, session, signer))
    cursor = mirror.cursor
    while True:
        separator = "&" if "?" in feed_url else "?"
        try:
            document = _get(
                session, f"{feed_url}{separator}since={cursor}", mirror, signer=signer
            )
        except CursorGone:
            if (
                resynced
            ):  # gone again at once: the site is compacting under us; next round
                raise
            resynced = True
            _add(totals, resync(feed_url, mirror, session, signer))
            cursor = mirror.cursor
            continue
        if document is None:
            break
        _add(totals, mirror.apply(document))
        next_cursor = document["_nguon"]["cursor"]
        mirror.set("cursor", next_cursor)
        if not document.get("next_url") or next_cursor == cursor:
            break
        cursor = next_cursor
    return tuple(totals)


def resync(feed_url, mirror, session, signer=None):
    """Read every page of the current feed, drop what it no longer holds, and keep the
    cursor of its first page."""
    totals, keep, url, start = [0, 0, 0], set(), feed_url, None
    while url:
        document = _get(session, url, signer=signer)
        start = start if start is not None else document["_nguon"]["cursor"]
        keep.update(item["_nguon"]["uid"] for item in document.get("items", []))
        _add(totals, mirror.apply(document, fallback_seq=start))
        url = document.get("next_url")
    totals[1] += mirror.prune(keep, start)
    mirror.set("cursor", start)
    mirror.set("resync", "")
    return tuple(totals)


def _add(totals, counts):
    for index, count in enumerate(counts):
        totals[index] += count
