"""Every transition is audited in the workflow history and saved as a version, with a diff."""

from nguon.testing import tree_user
from nguon.units.tree import find_unit
from nguon.workflow.audit import audit_trail
from plone import api
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent


def _as(userid, transition, item, **kwargs):
    with api.env.adopt_user(username=userid):
        api.content.transition(obj=item, transition=transition, **kwargs)


def _bulletin():
    with api.env.adopt_user(username=tree_user("19786", "editors")):
        return api.content.create(
            container=find_unit("19786"),
            type="Bulletin",
            title="Lịch tiêm chủng",
            category="health",
            channels={"web"},
        )


def test_the_audit_trail_says_who_when_from_to_and_why(tree):
    item = _bulletin()
    _as(tree_user("19786", "editors"), "submit", item)
    _as(tree_user("19786", "approvers"), "reject", item, comment="Thiếu địa điểm tiêm.")
    _as(tree_user("19786", "editors"), "submit", item)
    _as(tree_user("19786", "approvers"), "publish", item)
    trail = audit_trail(item)
    assert [(e["from"], e["to"], e["actor"]) for e in trail] == [
        ("draft", "pending", "19786-editors"),
        ("pending", "rejected", "19786-approvers"),
        ("rejected", "pending", "19786-editors"),
        ("pending", "published", "19786-approvers"),
    ]
    assert (
        trail[1]["comment"] == "Thiếu địa điểm tiêm." and trail[1]["time"] is not None
    )


def test_every_transition_is_a_version_and_versions_can_be_compared(tree):
    item = _bulletin()
    _as(tree_user("19786", "editors"), "submit", item)
    with api.env.adopt_user(username=tree_user("19786", "approvers")):
        # An approver's edit is a version of its own and a new approval round (what was
        # approved is what is published).
        item.title = "Lịch tiêm chủng (đã sửa giờ)"
        notify(ObjectModifiedEvent(item))
        api.content.transition(obj=item, transition="publish")
    repository = api.portal.get_tool("portal_repository")
    history = repository.getHistoryMetadata(item)
    # The initial version on creation, then one per transition and one for the edit.
    assert history.getLength(countPurged=False) == 4
    comments = [
        history.retrieve(i)["metadata"]["sys_metadata"]["comment"] for i in (1, 2, 3)
    ]
    assert comments[0] == "Gửi duyệt" and comments[2] == "Duyệt và phát hành"
    first, second = (repository.retrieve(item, i).object for i in (1, 3))
    diff = api.portal.get_tool("portal_diff").createChangeSet(first, second)
    assert not diff.same and "title" in {d.field for d in diff.getDiffs() if not d.same}
