"""The contract between the outbox and the channels that consume it."""

from zope.interface import Attribute
from zope.interface import implementer
from zope.interface import Interface


class IOutboxConsumer(Interface):
    """A channel kept in step with the site; registered as a named utility, the name being
    the consumer's key in the outbox."""

    title = Attribute("What the consumer feeds, for status pages and logs.")

    def active(portal):
        """True when the channel is configured and switched on; changes are recorded for it
        only then (switching it on later calls for a full sync)."""

    def wants(obj):
        """True when changes of ``obj`` concern the channel (asked inside the transaction)."""

    def deliver(portal, uids):
        """Bring the channel in step with the committed state of the items ``uids``.

        Returns a mapping ``uid -> error message`` of the items the channel refused (bad
        data: retrying will not help); every other uid is taken as delivered. Raises
        ``ConsumerUnavailable`` when the channel cannot be reached: nothing is taken then.
        """


class IScheduledConsumer(IOutboxConsumer):
    """A consumer for which time changes items too (effective and expiry dates)."""

    def due(portal):
        """UIDs whose waiting time has come: the worker offers them again with the pending
        ones (asked at every round, inside the round's transaction)."""


class IDelivered(Interface):
    """Fired after a round's commit took items for a consumer (what follows a delivery, such
    as pushing the syndication log, starts then)."""

    name = Attribute("The consumer's name.")
    delivered = Attribute("How many items it took.")


@implementer(IDelivered)
class Delivered:
    def __init__(self, name, delivered):
        self.name = name
        self.delivered = delivered


class ConsumerUnavailable(Exception):
    """The channel is down or did not answer in time; the same items are offered again later."""
