"""The ``nguon:demo`` profile's handler: builds the demo site, idempotently."""
from collections import Counter
from nguon.demo.items import create_demo_items
from nguon.demo.users import create_demo_users
from nguon.units import official
from nguon.units.importer import sync_tree
from nguon.units.importer import sync_unit
from plone import api

import logging


logger = logging.getLogger("nguon.demo")

# Thành phố Huế and Tỉnh Quảng Trị: two storm- and flood-prone provinces of central Vietnam.
DEMO_PROVINCES = ("46", "44")

SITE_TITLE = "Nguồn — Hệ thống thông tin nguồn"
SITE_DESCRIPTION = (
    "Thông tin thiết yếu của các cấp chính quyền: soạn thảo, phê duyệt theo cấp, phát hành tới "
    "trang thông tin điện tử, đài truyền thanh và bảng tin điện tử của từng xã, phường."
)


def install_demo(context):
    portal = api.portal.get()
    portal.title = SITE_TITLE
    portal.description = SITE_DESCRIPTION
    central = sync_unit(portal, official.CENTRAL, counts=Counter())
    for code in DEMO_PROVINCES:
        counts = sync_tree(central, official.province(code))
        logger.info("demo province %s: %s", code, dict(counts))
    create_demo_users()
    created = create_demo_items()
    logger.info("demo items created: %d", created)
