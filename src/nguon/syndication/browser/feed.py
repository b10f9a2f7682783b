"""``feed.atom``, ``feed.rss`` and ``feed.json`` on every unit (and ``emergency.*``).

Conditional requests are answered before anything is rendered: the unit's version (the last
change that may concern it) is the ``ETag`` and its time the ``Last-Modified``, both read from
a handful of BTree nodes. Only the change log is read, never the content: nothing but
published, effective items can come out of a feed, whatever the parameters.

A request a subscriber signed (``nguon.syndication.signing.poll_headers``) enters the items
it was served in the delivery ledger (``nguon.syndication.delivery.served``).

A ``since`` cursor older than the change log's horizon (old events are compacted) is answered
``410 Gone`` with the address of the full current feed, in a ``Link: <…>; rel="first"``
header and in the JSON body's ``resync`` (also ``error.resync``): the client reads the current feed again from
its first page (as after losing its state) and polls ``since=`` from that page's cursor.
"""

from datetime import datetime
from datetime import UTC
from email.utils import format_datetime
from email.utils import parsedate_to_datetime
from nguon import _
from nguon.errors import error_body
from nguon.errors import UserError
from nguon.publication.feeds import UnitFeed
from nguon.publication.store import storage
from nguon.syndication import formats
from nguon.syndication.delivery import served
from nguon.syndication.query import FeedQuery
from nguon.units.tree import lineage
from plone import api
from Products.Five import BrowserView
from urllib.parse import urlencode
from zope.i18n import translate

import json


class Feed(BrowserView):
    format = "atom"
    fixed = None  # filters the view imposes

    def __call__(self):
        response = self.request.response
        try:
            query = FeedQuery.from_form(self.request.form, self.fixed)
        except UserError as error:
            return self._error(400, "BadRequest", error.translated(self.request))
        store = storage(api.portal.get())
        if (
            store is not None
            and query.since is not None
            and query.since < store.horizon
        ):
            return self._gone(query, store.horizon)
        codes = [code for code, _level in lineage(self.context)]
        feed = UnitFeed(store, codes, query.filters) if store is not None else None
        version, changed = feed.version() if feed is not None else (0, 0.0)
        etag = f'"{version}"'
        response.setHeader("ETag", etag)
        response.setHeader("Last-Modified", _http_date(changed))
        response.setHeader("Cache-Control", "public, no-cache")
        response.setHeader("Vary", "Accept-Encoding")
        if self._not_modified(etag, changed):
            response.setStatus(304)
            return b""
        response.setHeader("Content-Type", formats.MEDIA_TYPES[self.format])
        document = self.document(feed, query)
        served(api.portal.get(), self.request, self.context.code, document)
        return formats.RENDERERS[self.format](document)

    def _error(self, status, kind, message, **extra):
        response = self.request.response
        response.setStatus(status)
        response.setHeader("Content-Type", "application/json; charset=utf-8")
        response.setHeader("Cache-Control", "no-store")
        return json.dumps(error_body(kind, message, **extra), ensure_ascii=False)

    def _gone(self, query, horizon):
        """The cursor fell behind the compacted log: say where to read everything again."""
        resync = _url(
            f"{self.context.absolute_url()}/{self.__name__}",
            query.params(since=None, page=None),
        )
        self.request.response.setHeader("Link", f'<{resync}>; rel="first"')
        message = translate(
            _(
                "feed_error_cursor_expired",
                default="Con trỏ ${since} đã quá cũ: các thay đổi đến số ${horizon} đã được dọn. Hãy đọc lại toàn bộ nguồn tin từ ${url} rồi theo dõi tiếp từ con trỏ của trang đó.",
                mapping={"since": query.since, "horizon": horizon, "url": resync},
            ),
            context=self.request,
        )
        return self._error(410, "Gone", message, resync=resync, horizon=horizon)

    def _not_modified(self, etag, changed):
        match = self.request.getHeader("If-None-Match")
        if match is not None:
            return (
                etag in [tag.strip().removeprefix("W/") for tag in match.split(",")]
                or match.strip() == "*"
            )
        since = self.request.getHeader("If-Modified-Since")
        if since:
            try:
                return int(changed) <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError, IndexError, OverflowError):
                return False
        return False

    @staticmethod
    def paging(base, query, page):
        """RFC 5005 links of a page: ``next`` for a change list that stopped early; ``first``,
        ``previous`` and ``next`` for the paged current feed."""
        if query.since is not None:
            return (
                {"next": _url(base, query.params(since=page.cursor))}
                if page.more
                else {}
            )
        links = {"first": _url(base, query.params(page=None))}
        if query.page > 1:
            links["previous"] = _url(
                base, query.params(page=query.page - 1 if query.page > 2 else None)
            )
        if page.more:
            links["next"] = _url(base, query.params(page=query.page + 1))
        return links

    def document(self, feed, query):
        site_url = api.portal.get().absolute_url()
        base = f"{self.context.absolute_url()}/{self.__name__}"
        unit = {
            "code": self.context.code,
            "title": self.context.Title(),
            "level": self.context.level,
        }
        links = {"alternate": self.context.absolute_url()}
        changes = query.since is not None
        if feed is None:
            items, cursor, updated = [], 0, 0.0
        else:
            page = (
                feed.changes(query.since, query.size)
                if changes
                else feed.current(query.page, query.size)
            )
            items, cursor, updated = page.entries, page.cursor, page.changed
            links.update(self.paging(base, query, page))
        title = translate(
            _(
                "feed_title",
                default="Thông tin của ${unit}",
                mapping={"unit": self.context.Title()},
            ),
            context=self.request,
        )
        return formats.Document(
            title=title,
            unit=unit,
            site_url=site_url,
            self_url=_url(base, query.params()),
            links=links,
            updated=updated or 0.0,
            cursor=cursor,
            items=items,
            changes=changes,
        )


def _url(base, params):
    return f"{base}?{urlencode(params)}" if params else base


def _http_date(seconds):
    return format_datetime(datetime.fromtimestamp(int(seconds), UTC), usegmt=True)


class AtomFeed(Feed):
    format = "atom"


class RssFeed(Feed):
    format = "rss"


class JsonFeed(Feed):
    format = "json"


EMERGENCY = {"priority": "emergency"}


class EmergencyAtomFeed(AtomFeed):
    fixed = EMERGENCY


class EmergencyRssFeed(RssFeed):
    fixed = EMERGENCY


class EmergencyJsonFeed(JsonFeed):
    fixed = EMERGENCY
