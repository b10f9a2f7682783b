from ftw.upgrade import UpgradeStep
from nguon.search.install import install


NEW_INDEXES = ("category", "document_type", "issuing_body")


class SearchOnSolrThroughTheOutbox(UpgradeStep):
    """Search on Solr through the outbox.

    For sites made before nguon searched on Solr. The GenericSetup files beside this module are
    what nguon:default gained then: collective.solr's indexing processor removed (the outbox
    indexes instead), collective.solr's settings (all but ``active``: every start switches it
    on and queues a sync, ``nguon.instance.offline.point_at_solr``), the catalog indexes the
    citizen search filters on when Solr is down, and the link to the citizen search page.
    The new indexes are filled from the existing items, and the outbox gets the pending sets
    of the registered consumers, as a new site does (``nguon.search.install``).
    """

    def __call__(self):
        self.install_upgrade_profile()
        for name in NEW_INDEXES:
            self.catalog_rebuild_index(name)
        install(self.portal)
