"""The commune operator's choices for a station's normal items: pin, drop, order. Kept on
the station, per item UID; they never touch priority or emergency items."""

from persistent.mapping import PersistentMapping
from zope.annotation.interfaces import IAnnotations


KEY = "nguon.radio.overrides"


def of(station):
    return {
        uid: dict(choice) for uid, choice in IAnnotations(station).get(KEY, {}).items()
    }


def choose(station, uid, pinned=None, dropped=None, order=None):
    choices = IAnnotations(station).get(KEY)
    if choices is None:
        choices = IAnnotations(station)[KEY] = PersistentMapping()
    choice = dict(choices.get(uid, {}))
    for name, value in (("pinned", pinned), ("dropped", dropped), ("order", order)):
        if value is not None:
            choice[name] = value
    choices[uid] = choice
    return choice
