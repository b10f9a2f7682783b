from Acquisition import aq_base
from ftw.upgrade import UpgradeStep
from nguon.content.channels import DISTRIBUTED_TYPES

import logging


logger = logging.getLogger("nguon.upgrades")


class PublicationDatesOfDemoItems(UpgradeStep):
    """Publication dates of demo items.

    The demo data of earlier releases stored an item's publication date in an attribute
    ``effective``, which hid the item's ``effective()`` method: reading such an item through
    plone.restapi failed. The date moves to the Dublin Core attribute ``effective_date``,
    where Plone keeps it, and the catalog is updated.
    """

    def __call__(self):
        fixed = 0
        for item in self.objects(
            {"portal_type": list(DISTRIBUTED_TYPES)}, "Publication dates of demo items"
        ):
            state = aq_base(item).__dict__
            if "effective" not in state:
                continue
            value = state.pop("effective")
            item._p_changed = True
            if value is not None:
                item.effective_date = value
            item.reindexObject(idxs=["effective", "effectiveRange"])
            fixed += 1
        logger.info("%d item(s) had their publication date moved", fixed)
