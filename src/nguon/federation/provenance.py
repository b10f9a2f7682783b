"""Where a received item came from: kept on the item in an annotation and shown on it."""

from persistent.mapping import PersistentMapping
from zope.annotation.interfaces import IAnnotations


KEY = "nguon.federation.provenance"
FIELDS = (
    "site",  # the central site's address
    "url",  # the item's address on central
    "origin_uid",  # its UID on central
    "unit",  # central's unit that published it: {code, title, level}
    "approvers",  # central's approvers, when central sends them
    "seq",  # the change of central's log applied last
    "link",  # the link it came by
    "received",  # when it arrived first (seconds since the epoch)
    "updated",  # when the last change arrived
    "retracted",  # True once central retracted it
)


def get(item):
    """The item's provenance as a plain dict, or None for an item of this site."""
    data = IAnnotations(item).get(KEY)
    return dict(data) if data is not None else None


def record(item, **values):
    annotations = IAnnotations(item)
    data = annotations.get(KEY)
    if data is None:
        data = annotations[KEY] = PersistentMapping()
    data.update({key: value for key, value in values.items() if key in FIELDS})
    return data
