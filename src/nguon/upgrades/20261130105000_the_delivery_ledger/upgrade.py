from datetime import UTC
from ftw.upgrade import UpgradeStep
from nguon.content.channels import DISTRIBUTED_TYPES
from nguon.ledger import obligations
from nguon.ledger.store import install

import logging


logger = logging.getLogger("nguon.upgrades")


class TheDeliveryLedger(UpgradeStep):
    """The delivery ledger.

    Makes the site's ledger (``nguon.ledger``) and counts every item already published as
    published on its effective date (per channel and category, with the time each level took
    to approve it), so that statistics and reports cover the past. No obligation is opened for
    items published before: nothing could prove their delivery any more.
    """

    def __call__(self):
        store = install(self.portal)
        counted = 0
        for item in self.objects(
            {"review_state": "published", "portal_type": list(DISTRIBUTED_TYPES)},
            "Published items into the ledger",
        ):
            if item.UID() in store.published:
                continue
            effective = item.effective().asdatetime().astimezone(UTC)
            obligations.enter(store, item, effective, essential=False)
            counted += 1
        logger.info("%d published item(s) counted in the ledger", counted)
