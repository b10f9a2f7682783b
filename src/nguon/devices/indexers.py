"""Catalog indexer of the broadcast: the places an emergency item asks to reach.

``emergency_reach`` holds ``"<code>/here"`` or ``"<code>/area"`` for each reach pair of an
emergency item (its declared targets, ``nguon.workflow.reach.declared_reach``), and nothing
for any other item: the broadcast finds the emergencies of one place with one query
(``nguon.devices.broadcast.candidates``) and checks each one's deliverable reach itself.
"""

from nguon.content.distribution import IDistributed
from nguon.messaging.topics import AREA
from nguon.messaging.topics import HERE
from nguon.workflow.reach import declared_reach
from plone.indexer import indexer


EMERGENCY = "emergency"  # the priority of the items that are broadcast


def place_key(code, below):
    return f"{code}/{AREA if below else HERE}"


@indexer(IDistributed)
def emergency_reach(item):
    if getattr(item, "priority", None) != EMERGENCY:
        raise AttributeError("emergency_reach")  # not indexed
    return [place_key(code, below) for code, below in declared_reach(item)]
