"""The ``nguon:demo`` profile's handler: builds the demo site, idempotently."""

from nguon.demo.feedback import create_demo_reports
from nguon.demo.items import create_demo_items
from nguon.demo.users import create_demo_users
from nguon.units.importer import sync_provinces
from plone import api

import logging


logger = logging.getLogger("nguon.demo")

# Thành phố Huế and Tỉnh Quảng Trị: two storm- and flood-prone provinces of central Vietnam.
DEMO_PROVINCES = ("46", "44")

# The province that operates the demo site: its name is the site title (the header, the
# page titles); the operating unit's contact is in profiles/demo/registry.xml.
SITE_TITLE = "Thành phố Huế"
SITE_DESCRIPTION = (
    "Thông tin thiết yếu của các cấp chính quyền: soạn thảo, phê duyệt theo cấp, phát hành tới "
    "trang thông tin điện tử, đài truyền thanh và bảng tin điện tử của từng xã, phường."
)


def install_demo(context):
    portal = api.portal.get()
    portal.title = SITE_TITLE
    api.portal.set_registry_record("plone.site_title", SITE_TITLE)
    portal.description = SITE_DESCRIPTION
    counts = sync_provinces(portal, DEMO_PROVINCES)
    logger.info("demo units: %s", dict(counts))
    create_demo_users()
    created = create_demo_items()
    logger.info("demo items created: %d", created)
    logger.info("demo citizens' reports filed: %d", create_demo_reports())
