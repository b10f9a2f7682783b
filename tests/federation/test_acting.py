"""Whom a link acts as (``nguon.federation.acting``): the federation's system user holds only
what an editor and an approver of the link's own unit hold there. The attacks, each made
inside ``as_link(link)`` for the conftest's link (central's 46 into the province's unit 44):
adding, editing, approving, retracting or deleting in the other province's unit, in a commune
below its own unit, at the site root, or opening the site's settings; Zope's security (or
the workflow's guards, for transitions) refuses each. Inside its own unit everything the
federation does works, and it never approves what it wrote."""

from AccessControl import getSecurityManager
from nguon.content.alert import IAlertInfo
from nguon.federation import apply
from nguon.federation import links
from nguon.federation.acting import as_link
from nguon.federation.acting import user_id
from nguon.workflow.approval import ApprovalState
from nguon.workflow.state import review_state
from plone import api
from plone.app.uuid.utils import uuidToObject
from Products.CMFCore.WorkflowCore import WorkflowException
from tests.federation.helpers import alert_item
from tests.federation.helpers import document
from tests.federation.helpers import item
from tests.federation.helpers import tombstone
from tests.syndication.helpers import create
from tests.syndication.helpers import PROVINCE_APPROVER
from tests.syndication.helpers import PROVINCE_EDITOR
from tests.syndication.helpers import published
from tests.syndication.helpers import transition
from zExceptions import Unauthorized

import pytest
import uuid


def _do(obj, name):
    api.portal.get_tool("portal_workflow").doActionFor(obj, name, comment="tấn công")


def _bulletin(container, title="Tin giả"):
    return api.content.create(
        container=container,
        type="Bulletin",
        title=title,
        category="public-services",
        target_scope="unit",
    )


def test_the_link_adds_nothing_outside_its_own_unit(portal, link):
    vn = portal["vn"]
    with as_link(link):
        for container in (vn["46"], vn["46"]["19786"], vn["44"]["18880"], vn):
            with pytest.raises(Unauthorized):
                _bulletin(container)
        with pytest.raises(Unauthorized):
            api.content.create(container=portal, type="Document", title="Trang giả")
    assert not [o for o in vn["46"].objectValues() if o.Title() == "Tin giả"]


def test_the_link_cannot_approve_edit_retract_or_delete_in_another_unit(portal, link):
    unit = portal["vn"]["46"]
    draft = create(unit, "Bulletin", PROVINCE_EDITOR, title="Nháp", target_scope="unit")
    waiting = create(
        unit, "Bulletin", PROVINCE_EDITOR, title="Chờ", target_scope="unit"
    )
    transition(PROVINCE_EDITOR, "submit", waiting)
    live = published(
        unit, "Bulletin", PROVINCE_EDITOR, PROVINCE_APPROVER, title="Đã phát hành"
    )
    with as_link(link):
        for name in ("approve", "publish", "reject", "withdraw"):
            with pytest.raises(WorkflowException):
                _do(waiting, name)
        with pytest.raises(WorkflowException):
            _do(draft, "submit")
        for name in ("retract", "archive"):
            with pytest.raises(WorkflowException):
                _do(live, name)
        for obj in (draft, waiting, live):
            assert not api.user.has_permission("Modify portal content", obj=obj)
            with pytest.raises(Unauthorized):
                obj.restrictedTraverse("@@edit")
        with pytest.raises(Unauthorized):
            unit.manage_delObjects([draft.getId()])
    assert [review_state(o) for o in (draft, waiting, live)] == [
        "draft",
        "pending",
        "published",
    ]


def test_the_link_cannot_open_or_change_the_sites_settings(portal, link):
    with as_link(link):
        for view in (
            "@@overview-controlpanel",
            "@@usergroup-userprefs",
            "@@usergroup-groupprefs",
            "@@mail-controlpanel",
        ):
            with pytest.raises(Unauthorized):
                portal.restrictedTraverse(view)
        for permission in ("Manage portal", "Manage users", "Modify portal content"):
            assert not api.user.has_permission(permission, obj=portal)
            assert not api.user.has_permission(permission, obj=portal["vn"])


def test_the_link_holds_what_an_editor_and_an_approver_of_its_unit_hold(portal, link):
    unit = portal["vn"]["44"]
    people = set(api.user.get_roles(username="44-editors", obj=unit)) | set(
        api.user.get_roles(username="44-approvers", obj=unit)
    )
    with as_link(link):
        mine = set(getSecurityManager().getUser().getRolesInContext(unit))
        elsewhere = set(getSecurityManager().getUser().getRolesInContext(portal["vn"]))
    assert mine == people - {"Member"}  # accounts' global role; the link needs none
    assert {"Contributor", "Editor", "Reviewer"} <= mine and "Manager" not in mine
    assert elsewhere == {"Authenticated"}


def test_inside_its_unit_the_link_creates_publishes_updates_and_retracts(portal, link):
    uid = str(uuid.uuid4())
    news = item(uid, 3, "Tin khẩn của trung ương", priority="emergency")
    assert apply.apply(portal, link, document(link, [news]))["created"] == 1
    copy = uuidToObject(link.applied[uid][1], unrestricted=True)
    assert copy.aq_parent.code == "44" and review_state(copy) == "published"
    assert copy.listCreators() == ("federation:trung-uong",)
    [approval] = ApprovalState(copy).approvals
    assert (approval["unit"], approval["user"]) == ("44", user_id(link))
    changed = item(uid, 5, "Tin khẩn của trung ương (sửa)", priority="emergency")
    assert apply.apply(portal, link, document(link, [changed]))["updated"] == 1
    assert copy.title.endswith("(sửa)") and review_state(copy) == "published"
    deleted = document(link, deleted=[tombstone(uid, 6)])
    assert apply.apply(portal, link, deleted)["retracted"] == 1
    assert review_state(copy) == "retracted"
    actors = {
        entry["actor"] for entry in copy.workflow_history["nguon_approval_workflow"]
    }
    assert user_id(link) in actors


def test_the_link_never_approves_what_it_wrote(portal, link):
    with as_link(link):
        own = _bulletin(portal["vn"]["44"], "Do liên kết tự viết")
        assert user_id(link) in own.listCreators()
        _do(own, "submit")
        for name in ("approve", "publish"):
            with pytest.raises(WorkflowException):
                _do(own, name)
    assert review_state(own) == "pending"


def test_an_alert_copy_and_its_languages_are_updated_published_or_retracted(
    portal, link
):
    """An update replaces the copy's languages, which a published or retracted item lets
    only Managers delete through ``manage_delObjects``: the link still updates its copy."""
    uid = str(uuid.uuid4())
    english = {
        "language": "en-US",
        "headline": "Flood",
        "event": "Flood",
        "description": "The river rises fast.",
        "instruction": "Move to high ground now.",
    }
    first = alert_item(uid, 3, languages=[english])
    assert apply.apply(portal, link, document(link, [first]))["created"] == 1
    copy = uuidToObject(link.applied[uid][1], unrestricted=True)
    assert copy.aq_parent.code == "44" and review_state(copy) == "published"

    def languages():
        return [c.title for c in copy.objectValues() if IAlertInfo.providedBy(c)]

    for seq, headline in ((4, "Flood, again"), (6, "Flood, once more")):
        again = alert_item(uid, seq, languages=[{**english, "headline": headline}])
        assert apply.apply(portal, link, document(link, [again]))["updated"] == 1
        assert languages() == [headline] and review_state(copy) == "published"
        if seq == 4:
            gone = document(link, deleted=[tombstone(uid, 5)])
            assert apply.apply(portal, link, gone)["retracted"] == 1
            assert review_state(copy) == "retracted"


def test_a_chain_climbing_above_the_links_unit_waits_for_the_approvers_there(
    portal, link
):
    """A link into a commune: the policy has a security bulletin for the commune's area
    approved up to the province (``at_least: province``). The link approves at its commune
    and the item waits for the province's approvers, where a Manager went on alone."""
    commune = links.add(
        portal, "xa", link.topic, "a-secret-of-the-commune-link", "46", "18880"
    )
    uid = str(uuid.uuid4())
    news = item(uid, 3, "Tin an ninh", priority="emergency", category="security")
    assert apply.apply(portal, commune, document(commune, [news]))["created"] == 1
    copy = uuidToObject(commune.applied[uid][1], unrestricted=True)
    state = ApprovalState(copy)
    assert copy.aq_parent.code == "18880" and state.chain == ("18880", "44")
    assert review_state(copy) == "approved_at_level" and state.awaiting_unit == "44"
    assert [(a["unit"], a["user"]) for a in state.approvals] == [
        ("18880", user_id(commune))
    ]


def test_one_links_copies_are_no_key_for_another_link_nor_for_an_account(portal, link):
    """A copy gives its maker the Owner role (edit and delete while it is a draft): each
    link acts under its own id, and no account can take that id."""
    other = links.add(
        portal, "khac", link.topic, "a-secret-of-the-other-link", "46", "46"
    )
    uid = str(uuid.uuid4())
    waiting = item(uid, 3, "Tin chờ tỉnh duyệt")  # publish: approval (the policy)
    assert apply.apply(portal, link, document(link, [waiting]))["created"] == 1
    gone = document(link, deleted=[tombstone(uid, 4)])
    assert apply.apply(portal, link, gone)["retracted"] == 1
    copy = uuidToObject(link.applied[uid][1], unrestricted=True)
    assert review_state(copy) == "draft"  # withdrawn: its maker may edit it again
    assert dict(copy.get_local_roles()) == {user_id(link): ("Owner",)}
    with as_link(link):
        assert api.user.has_permission("Modify portal content", obj=copy)
    with as_link(other):
        assert not api.user.has_permission("Modify portal content", obj=copy)
        assert not api.user.has_permission("View", obj=copy)
        with pytest.raises(Unauthorized):
            portal["vn"]["44"].manage_delObjects([copy.getId()])
    registration = api.portal.get_tool("portal_registration")
    assert not registration.isMemberIdAllowed(user_id(link))


def test_a_noted_file_whose_copy_is_not_found_is_tried_again_then_dropped(portal, link):
    """A copy made in the same transaction may not be in the catalog yet when another
    thread is flushing its own catalog queue (seen in tests/e2e/test_federation.py: a
    catch-up applying and fetching at once while central's push applied the same item);
    the noted file is kept for the next round, and dropped after ``MISSING`` rounds."""
    from nguon.federation import files

    link.files["no-such-uid"] = {"field": "file", "url": f"{link.site}/x", "limit": 10}
    for round_ in range(1, files.MISSING):
        assert apply.fetch_files(portal, link) == 0
        assert link.files["no-such-uid"]["missing"] == round_
    assert apply.fetch_files(portal, link) == 0
    assert "no-such-uid" not in link.files
