"""``<link rel="alternate">`` to a unit's feeds in its pages' head, so feed readers and
commune sites find them from the unit's address alone."""

from html import escape
from plone.app.layout.viewlets.common import ViewletBase


FEEDS = (
    ("feed.atom", "application/atom+xml", "Atom"),
    ("feed.rss", "application/rss+xml", "RSS"),
    ("feed.json", "application/feed+json", "JSON Feed"),
)


class FeedLinks(ViewletBase):
    def render(self):
        base = self.context.absolute_url()
        title = escape(self.context.Title())
        return "\n".join(
            f'<link rel="alternate" type="{media}" title="{title} ({name})" href="{base}/{view}" />'
            for view, media, name in FEEDS
        )
