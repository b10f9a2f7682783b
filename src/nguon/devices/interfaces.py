"""What the channels of devices say to the devices package (nothing here imports them)."""

from zope.interface import Interface


class IBroadcastChannel(Interface):
    """How one channel's devices receive an emergency item through the messaging engine
    (``nguon.devices.broadcast``). A named utility, the name being the channel: ``radio``
    (registered by radio), ``board`` (by boards)."""

    def entry(item):
        """The item as this channel's devices use it: a JSON-serialisable dict with the
        item's ``uid`` (radio: the item of ``@station-events`` with its audio and
        ``repeat``; boards: the takeover slide's data), or None while the item is not ready
        for the channel (its audio still being made): it is asked again shortly."""
