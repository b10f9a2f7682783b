"""Feed links in a page's head name their format as text: "Nguồn - RSS 2.0".

plone.app.layout's ``RSSViewlet.getRssLinks`` writes each link's title as
``f"{obj.Title()} - {safe_bytes(term.title)}"``, so every page shows a Python bytes value
(``Nguồn - b'RSS 2.0'``) to feed readers and screen readers. The same links, with the
format's name as text. Applied with collective.monkeypatcher (``configure.zcml``)."""

from plone.base.interfaces.syndication import IFeedSettings
from plone.base.utils import safe_text
from zope.component import getUtility
from zope.schema.interfaces import IVocabularyFactory


def rss_links(self, obj):
    settings = IFeedSettings(obj, None)
    if settings is None:
        return []
    vocabulary = getUtility(
        IVocabularyFactory, "plone.app.vocabularies.SyndicationFeedTypes"
    )(self.context)
    links = []
    for feed_type in settings.feed_types:
        try:
            term = vocabulary.getTerm(feed_type)
        except LookupError:
            continue
        links.append(
            {
                "title": f"{obj.Title()} - {safe_text(term.title)}",
                "url": f"{obj.absolute_url()}/{term.value}",
            }
        )
    return links
