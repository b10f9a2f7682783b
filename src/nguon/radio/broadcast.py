"""Emergencies and alerts reach stations through the messaging engine too
(``nguon.devices.broadcast``): ``RadioChannel`` is the named utility ``radio`` of
``nguon.devices.interfaces.IBroadcastChannel``. Its ``entry(item)`` is the item exactly as
``@station-events`` lists it (``schedule.emergency``: uid, title, priority, duration, audio
{url, sha256, size}, effective, repeat {times, minutes}), or None while its audio is being
made; ``audio_ready`` then has the broadcast look at the item again at once.

Which stations hear a Test or Exercise alert is the topic's business: such an alert goes on
the ``test`` audience, which only stations marked ``receives_tests`` subscribe to.
"""

from datetime import datetime
from datetime import UTC
from nguon.devices import broadcast
from nguon.devices.interfaces import IBroadcastChannel
from nguon.publication.entries import effective_time
from nguon.radio import prepared
from nguon.radio import schedule
from plone import api
from zope.interface import implementer


def audio_url(uid):
    """Where a station fetches an item's delivery audio (``@@station-audio``)."""
    return f"{api.portal.get().absolute_url()}/@@station-audio/{uid}"


@implementer(IBroadcastChannel)
class RadioChannel:
    """What a station receives of an emergency item through the messaging engine."""

    def entry(self, item):
        record = prepared.prepared(item)
        if record is None:
            return None
        found = schedule.candidate(item, record, item.Title(), effective_time(item))
        return schedule.emergency(found, audio_url)


def audio_ready(portal, item):
    """The audio of an emergency item is ready (or changed): the broadcast looks at the
    item again in its next round instead of after its retry delay."""
    found = broadcast.state(portal)
    if found is not None and getattr(item, "priority", None) == "emergency":
        found.wake(item.UID(), datetime.now(UTC).timestamp())
