from ftw.upgrade import UpgradeStep
from nguon import _
from nguon.content.channels import DISTRIBUTED_TYPES
from nguon.workflow.events import require_reapproval
from nguon.workflow.reach import approved_area
from nguon.workflow.reach import declared_reach
from nguon.workflow.reach import outside_area
from nguon.workflow.state import review_state

import logging


logger = logging.getLogger("nguon.upgrades")


def beyond_area(item):
    """Codes of the targets of ``item`` outside the area of the unit that approved it."""
    pairs = declared_reach(item)
    area = approved_area(item)
    return outside_area(area, pairs) if area else [code for code, _below in pairs]


class ReachWithinTheApproversArea(UpgradeStep):
    """An item reaches only inside the area of the units that approved it.

    Sites made before this rule may hold published or waiting items whose targets leave that
    area (a commune's emergency sent to the whole country). Each is listed in this step's log
    for the site's administrators, and starts a new approval round: it leaves every channel
    and waits, with a note in its history, at the first unit of the chain the policy now asks
    for, until approvers whose area covers its targets approve it again (or its editors
    narrow the targets). Items within their area are not touched.
    """

    def __call__(self):
        found = 0
        for obj in self.objects(
            {"portal_type": list(DISTRIBUTED_TYPES)},
            "Items reaching beyond their approvers' area",
        ):
            if review_state(obj) not in ("published", "pending", "approved_at_level"):
                continue
            outside = beyond_area(obj)
            if not outside:
                continue
            found += 1
            logger.warning(
                "withheld until approved again: %s (targets outside the approved "
                "area: %s)",
                obj.absolute_url(),
                ", ".join(outside),
            )
            require_reapproval(
                obj,
                _(
                    "history_reach_upgrade",
                    default="Phạm vi vượt địa bàn của đơn vị đã duyệt (${units}): cần duyệt lại.",
                    mapping={"units": ", ".join(outside)},
                ),
            )
        logger.info("%d item(s) reached beyond their approvers' area", found)
