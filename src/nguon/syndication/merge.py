"""Feed subscriptions follow a unit merge: a subscription of the merged unit becomes one of
its successor, and every subscription under it gets its new lineage, so pushes keep
reaching the same commune websites with what their unit now reads."""

from nguon.publication.store import storage
from nguon.units.tree import find_unit
from nguon.units.tree import lineage
from plone import api


def follow_merge(event):
    source, target = event.source_code, event.target
    store = storage(api.portal.get())
    for subscription in store.subscriptions.values() if store is not None else ():
        if source not in subscription.lineage and subscription.unit_code != source:
            continue
        if subscription.unit_code == source:
            subscription.unit_code = target.code
            subscription.unit = {
                "code": target.code,
                "title": target.Title(),
                "level": target.level,
            }
        unit = find_unit(subscription.unit_code)
        if unit is not None:
            subscription.lineage = tuple(code for code, _level in lineage(unit))
