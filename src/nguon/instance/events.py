"""What happens as a process starts, for the capabilities to act on without the instance
knowing them (search queues what Solr lacks, ``nguon.search.maintenance``)."""

from zope.interface import Attribute
from zope.interface import implementer
from zope.interface import Interface


class ISiteStarting(Interface):
    """``nguon-start`` set the site up (made or reused) and applied the environment's settings;
    the server opens it next. Subscribers run in the same transaction, committed after them."""

    site = Attribute("The Plone site")


@implementer(ISiteStarting)
class SiteStarting:
    def __init__(self, site):
        self.site = site
