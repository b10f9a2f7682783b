"""Which content types are distributed, and on which channels: the one home of these facts.

The information item types pass the approval workflow and are delivered (search lists
them, the policy reads them, the change log records them). Bulletins choose their channels in
a field; the other types always go to the same channels. Capabilities ask here ("is it on
radio?") instead of testing type names themselves.
"""

from nguon.content.alert import channels_of


# Channels of the types that have no channel field of their own.
TYPE_CHANNELS = {
    "LegalDocument": ("web", "board"),
    "RadioItem": ("radio",),
    "BoardNotice": ("board",),
    "Survey": ("web",),
}
# The information item types: approved, then delivered on their channels.
DISTRIBUTED_TYPES = ("Bulletin", "Alert") + tuple(TYPE_CHANNELS)


def is_distributed(obj):
    """Whether ``obj`` is an information item (of one of :data:`DISTRIBUTED_TYPES`)."""
    return getattr(obj, "portal_type", None) in DISTRIBUTED_TYPES


def channels(item):
    """The channels an item is published on."""
    if item.portal_type in TYPE_CHANNELS:
        return TYPE_CHANNELS[item.portal_type]
    if item.portal_type == "Alert":
        return channels_of(item)
    return tuple(sorted(getattr(item, "channels", None) or ("web",)))


def on_channel(obj, channel):
    """Whether ``obj`` is an information item published on ``channel``."""
    return is_distributed(obj) and channel in channels(obj)


def on_radio(obj):
    """Whether ``obj`` is an information item that goes on air (radio items, and bulletins
    whose channels include radio)."""
    return on_channel(obj, "radio")
