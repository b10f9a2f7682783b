"""Shared steps of the search tests: content written as the tree's users, delivered to the
real Solr node, and what Solr then holds."""

from nguon.outbox.worker import drain
from plone import api

import transaction


def deliver(portal):
    """Commit, deliver the outbox to Solr and make it searchable at once."""
    transaction.commit()
    results = drain(portal)
    node_commit()
    return results


_NODE = {}


def use_node(node):
    _NODE["node"] = node


def current_node():
    return _NODE["node"]


def node_commit():
    _NODE["node"].post("update", {"commit": {}})


def solr_doc(uid):
    docs = _NODE["node"].get("select", q=f'UID:"{uid}"', fl="*")["response"]["docs"]
    return docs[0] if docs else None


def create(container, portal_type, userid=None, **fields):
    fields.setdefault("category", "public-services")
    if userid:
        with api.env.adopt_user(username=userid):
            return api.content.create(container=container, type=portal_type, **fields)
    return api.content.create(container=container, type=portal_type, **fields)


def transition(userid, name, item):
    with api.env.adopt_user(username=userid):
        api.content.transition(obj=item, transition=name)


def published(container, portal_type, editor, approver, **fields):
    """An item written by ``editor``, submitted, and published by ``approver``."""
    item = create(container, portal_type, editor, **fields)
    transition(editor, "submit", item)
    transition(approver, "publish", item)
    return item


def indexed(layer):
    """The layer's portal with everything it holds in Solr (its units were made before Solr
    was switched on), the node, and the database."""
    from nguon.search import maintenance

    use_node(layer["solr"])
    portal = layer["portal"]
    maintenance.rebuild(portal)
    deliver(portal)
    return portal, layer["solr"], layer["zodbDB"]
