"""Catalog indexers of the ledger: whether an item is essential information."""

from nguon.content.distribution import IDistributed
from nguon.publication import essential
from plone.indexer import indexer


@indexer(IDistributed)
def is_essential(item):
    """Its author's flag, the policy or an emergency (``nguon.publication.essential``); the value
    follows the policy the process loaded when the item was last indexed."""
    return essential.is_essential(item)
