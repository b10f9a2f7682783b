"""The upgrade step "Publication dates of demo items." on a site whose demo items kept their
publication date in an attribute ``effective`` (the demo data before it), which hid the
items' ``effective()`` method and broke reading them through plone.restapi."""

from DateTime import DateTime
from ftw.upgrade.interfaces import IUpgradeStepRecorder
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from plone import api
from plone.restapi.interfaces import ISerializeToJson
from tests.integration.upgrade_steps import PROFILE
from tests.integration.upgrade_steps import proposed
from tests.integration.upgrade_steps import run_next
from zope.component import getMultiAdapter


TITLE = "Publication dates of demo items."
DAY = DateTime("2026/11/20 08:00:00 GMT+7")


def test_the_step_moves_the_date_where_plone_keeps_it(tree):
    portal = api.portal.get()
    with api.env.adopt_user(username=tree_user("19786", "editors")):
        item = api.content.create(
            container=find_unit("19786"), type="Bulletin", title="Tin cũ", effective=DAY
        )
    assert not callable(item.effective)  # the old demo's defect
    recorder = getMultiAdapter((portal, PROFILE), IUpgradeStepRecorder)
    recorder.clear()
    setup_tool = api.portal.get_tool("portal_setup")
    for step in proposed(setup_tool):
        if step["title"] != TITLE:
            recorder.mark_as_installed(step["dest"][0])
    assert [step["title"] for step in proposed(setup_tool)] == [TITLE]

    run_next(setup_tool)

    assert item.effective() == DAY
    request = portal.REQUEST
    answer = getMultiAdapter((item, request), ISerializeToJson)()
    assert answer["effective"].startswith("2026-11-20")
