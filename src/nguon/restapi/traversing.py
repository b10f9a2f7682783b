"""``PathService``: a plone.restapi service that takes the names after it in the URL as
parameters (``@feedback/123456789`` gives ``self.params == ["123456789"]``), as
plone.restapi's own services with a path do; ``PathView``, the same for a browser view
that answers clients which send no ``Accept: application/json``."""

from plone.restapi.services import Service
from Products.Five.browser import BrowserView
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse


@implementer(IPublishTraverse)
class PathParameters:
    def __init__(self, context, request):
        super().__init__(context, request)
        self.params = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self


class PathService(PathParameters, Service):
    pass


class PathView(PathParameters, BrowserView):
    pass
