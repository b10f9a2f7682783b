"""Site-wide state kept in the portal's annotations (the outbox, the syndication log)."""

from zope.annotation.interfaces import IAnnotations


def site_state(portal, key, factory, create=False):
    """The object stored under ``key``, or None when there is none (and ``create`` is False:
    requests never write it; setup handlers and upgrade steps create it)."""
    annotations = IAnnotations(portal)
    state = annotations.get(key)
    if state is None and create:
        state = annotations[key] = factory()
    return state
