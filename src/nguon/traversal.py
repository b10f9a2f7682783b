"""Views that take one more path segment, such as ``@@station-audio/<item uid>``."""

from zExceptions import NotFound
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse


@implementer(IPublishTraverse)
class OneName:
    """Mixin for a browser view: the segment after the view's name is ``self.traversed``; a
    second one is not found."""

    traversed = None

    def publishTraverse(self, request, name):
        if self.traversed is None:
            self.traversed = name
            return self
        raise NotFound(name)
