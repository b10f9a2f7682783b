"""Marker interfaces shared by every capability."""

from zope.publisher.interfaces.browser import IDefaultBrowserLayer


class INguonLayer(IDefaultBrowserLayer):
    """Browser layer installed with the ``nguon:default`` profile."""
