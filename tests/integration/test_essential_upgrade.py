"""The upgrade step "Essential information." on a site made before the ``essential`` field:
it adds the catalog's ``is_essential`` index and column, fills them for the existing items,
and keeps what approvers approved approved (their fingerprints had no such field)."""

from ftw.upgrade.interfaces import IUpgradeStepRecorder
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from nguon.workflow.approval import ApprovalState
from nguon.workflow.fingerprint import digests
from nguon.workflow.state import review_state
from plone import api
from tests.integration.upgrade_steps import PROFILE
from tests.integration.upgrade_steps import proposed
from tests.integration.upgrade_steps import run_next
from zope.component import getMultiAdapter


TITLE = "Essential information."
EDITOR = tree_user("19786", "editors")
APPROVER = tree_user("19786", "approvers")


def _item(id, **fields):
    with api.env.adopt_user(username=EDITOR):
        return api.content.create(
            container=find_unit("19786"),
            type="Bulletin",
            id=id,
            title=id,
            category="culture-society",
            **fields,
        )


def _as_before_the_field(item):
    """The item as it was: no value of its own, fingerprints without the field."""
    item.__dict__.pop("essential", None)
    state = ApprovalState(item)
    if state.digests:
        record = state.for_update()
        record["digests"] = {
            name: digest
            for name, digest in state.digests.items()
            if name != "essential"
        }


def _old_site():
    catalog = api.portal.get_tool("portal_catalog")
    catalog.delIndex("is_essential")
    catalog.delColumn("is_essential")
    setup_tool = api.portal.get_tool("portal_setup")
    recorder = getMultiAdapter((api.portal.get(), PROFILE), IUpgradeStepRecorder)
    recorder.clear()
    for step in proposed(setup_tool):
        if step["title"] != TITLE:
            recorder.mark_as_installed(step["dest"][0])
    return setup_tool


def test_the_step_indexes_the_items_and_keeps_their_approvals(tree):
    waiting = _item("cho-duyet")
    with api.env.adopt_user(username=EDITOR):
        api.content.transition(obj=waiting, transition="submit")
    flood = _item("lu", priority="emergency")
    ordinary = _item("van-nghe")
    for item in (waiting, flood, ordinary):
        _as_before_the_field(item)
    setup_tool = _old_site()
    # Without the step, the waiting item would be refused as edited since its submission.
    assert digests(waiting) != ApprovalState(waiting).digests
    assert [step["title"] for step in proposed(setup_tool)] == [TITLE]

    run_next(setup_tool)

    catalog = api.portal.get_tool("portal_catalog")
    assert "is_essential" in catalog.indexes()
    assert "is_essential" in catalog.schema()
    found = {
        b.getId: b.is_essential
        for b in catalog.unrestrictedSearchResults(portal_type="Bulletin")
    }
    assert found["lu"] is True and found["van-nghe"] is False
    assert found["cho-duyet"] is False
    assert [b.getId for b in catalog.unrestrictedSearchResults(is_essential=True)] == [
        "lu"
    ]
    assert digests(waiting) == ApprovalState(waiting).digests
    with api.env.adopt_user(username=APPROVER):
        api.content.transition(obj=waiting, transition="publish")
    assert review_state(waiting) == "published"
    assert proposed(setup_tool) == []
