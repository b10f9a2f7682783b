"""An alert's life in the site (nguon.alerts.events, chain, validation, current): its
identifier and expiration date, validation before approval, Update and Cancel, and the
Atom index of the alerts in force."""

from AccessControl.SecurityManagement import getSecurityManager
from datetime import datetime
from datetime import timedelta
from lxml import etree
from nguon.alerts import chain
from nguon.alerts.current import current
from nguon.alerts.message import message
from nguon.alerts.validation import AlertValidator
from nguon.alerts.validation import form_problems
from nguon.cap import atom
from nguon.cap.atom import parse_index
from nguon.content.alert import expires_at
from nguon.content.alert import IAlert
from nguon.content.alert import set_expires
from nguon.content.timezone import LOCAL_ZONE
from nguon.interfaces import INguonLayer
from nguon.publication.public import as_anonymous
from nguon.units.tree import find_unit
from nguon.workflow.state import review_state
from plone import api
from plone.namedfile.file import NamedBlobFile
from Products.CMFCore.WorkflowCore import WorkflowException
from tests.alerts.alert_support import add_language
from tests.alerts.alert_support import APPROVER
from tests.alerts.alert_support import EDITOR
from tests.alerts.alert_support import local_now
from tests.alerts.alert_support import make_alert
from tests.alerts.alert_support import publish
from z3c.form.interfaces import IManagerValidator
from zExceptions import NotFound
from zExceptions import Unauthorized
from zope.component import getMultiAdapter
from zope.interface import alsoProvides

import pytest


def _index(context):
    body = context.restrictedTraverse("@@alerts.atom")()
    return [url for url, _updated in parse_index(body)]


def _cap(alert):
    return f"{alert.absolute_url()}/alert.cap"


def test_every_alert_has_its_own_identifier_and_expires_is_plones_expiration_date(tree):
    first, second = make_alert(), make_alert()
    assert first.identifier and first.identifier != second.identifier
    assert first.expiration_date.asdatetime() == expires_at(first)
    later = (local_now() + timedelta(hours=1)).replace(second=0, microsecond=0)
    set_expires(first, later)
    assert expires_at(first) == later.replace(tzinfo=LOCAL_ZONE)
    assert first.expires().asdatetime() == expires_at(
        first
    )  # Dublin Core's, unshadowed
    assert first.sent is None
    publish(first)
    assert message(first).sent.utcoffset() == timedelta(hours=7)


def test_an_alert_with_problems_is_refused_with_them_in_vietnamese(tree):
    alert = make_alert(polygon="16.4,107.5 16.5,107.5")
    add_language(alert, "jra", title="Ia lu", event="Ia lu")
    workflow = api.portal.get_tool("portal_workflow")
    with api.env.adopt_user(username=EDITOR):
        with pytest.raises(WorkflowException) as refused:
            workflow.doActionFor(alert, "submit")
    text = str(refused.value)
    assert "Vùng đa giác không hợp lệ" in text
    assert "Tiếng Jrai" in text and "ghi âm" in text
    assert review_state(alert) == "draft"
    alert.polygon = ""
    alert["ia-lu"].voice = NamedBlobFile(
        data=b"RIFF", filename="jra.wav", contentType="audio/wav"
    )
    publish(alert)
    assert review_state(alert) == "published"


def test_an_expired_alert_cannot_be_published(tree):
    alert = make_alert()
    set_expires(alert, local_now() - timedelta(minutes=1))
    workflow = api.portal.get_tool("portal_workflow")
    with api.env.adopt_user(username=APPROVER):
        with pytest.raises(WorkflowException, match="hết hạn"):
            workflow.doActionFor(alert, "emergency_publish")


def test_the_edit_form_shows_time_order_and_shape_problems(tree):
    class Data:
        onset = local_now() + timedelta(hours=2)
        expires = local_now() + timedelta(hours=3)
        polygon = "16.4,107.5 16.5,107.5 16.5,107.6"
        circle = "16.4,107.5 -1"
        alert_description = "Mưa"
        instruction = ""

    codes = {p.code for p in form_problems(Data(), find_unit("46"))}
    assert codes == {"polygon-too-few-points", "circle-radius"}
    Data.onset = local_now() - timedelta(hours=1)
    assert "onset-before-sent" in {
        p.code for p in form_problems(Data(), find_unit("46"))
    }


def test_update_copies_everything_keeps_the_chain_and_replaces_the_alert(tree):
    alert = publish(make_alert())
    add_language(alert)
    with api.env.adopt_user(username=EDITOR):
        assert chain.may_follow_up(alert)
        update = chain.follow_up(alert, "Update")
    assert review_state(update) == "draft"
    assert (update.msg_type, update.title, update.severity) == (
        "Update",
        alert.title,
        "Extreme",
    )
    assert update.identifier != alert.identifier
    assert update.listCreators() == (EDITOR,)
    assert [child.language for child in update.objectValues()] == ["en-US"]
    assert update.references == [str(message(alert).reference())]
    assert _index(api.portal.get()) == [_cap(alert)]

    update.instruction = "Sơ tán ngay khỏi vùng trũng."
    publish(update)
    assert review_state(alert) == "retracted"
    last = alert.workflow_history["nguon_approval_workflow"][-1]
    assert (last["action"], last["actor"]) == ("retract", "nguon-alerts")
    assert last["comments"].startswith(
        "Tự động thu hồi: đã phát hành bản Cập nhật «Lũ quét trên sông Hương»"
    )
    assert _index(api.portal.get()) == [_cap(update)]
    assert _index(find_unit("19786")) == [_cap(update)]  # a ward of the province
    assert _index(find_unit("44")) == []  # another province

    with api.env.adopt_user(username=EDITOR):
        cancel = chain.follow_up(update, "Cancel")
    assert cancel.references == [
        str(message(alert).reference()),
        str(message(update).reference()),
    ]
    publish(cancel)
    assert review_state(update) == "retracted"
    with api.env.adopt_user(username=EDITOR):
        assert not chain.may_follow_up(cancel)  # a Cancel ends its chain
    # A Cancel stays listed until what it cancels would have expired.
    assert _index(api.portal.get()) == [_cap(cancel)]
    later = datetime.now(expires_at(cancel).tzinfo) + timedelta(hours=7)
    assert current(api.portal.get(), later) == []


def test_only_a_published_alert_is_followed_up_by_who_may_add_in_its_unit(tree):
    alert = make_alert()
    with api.env.adopt_user(username=EDITOR):
        assert not chain.may_follow_up(alert)  # a draft
    publish(alert)
    with api.env.adopt_user(username="19786-editors"):
        assert not chain.may_follow_up(alert)  # a ward's editor
    with api.env.adopt_roles(["Anonymous"]):
        assert not chain.may_follow_up(alert)
    with pytest.raises(ValueError):
        chain.follow_up(alert, "Alert")


@pytest.mark.parametrize("status", ["Test", "Exercise"])
def test_test_and_exercise_alerts_are_never_public(tree, status):
    alert = make_alert(cap_status=status)
    info = add_language(alert)
    publish(alert)
    assert review_state(alert) == "published"
    with api.env.adopt_roles(["Anonymous"]):
        assert not api.user.has_permission("View", obj=alert)
        assert not api.user.has_permission("View", obj=info)  # its languages follow it
    assert api.user.has_permission("View", obj=alert, username=APPROVER)
    assert _index(api.portal.get()) == []
    catalog = api.portal.get_tool("portal_catalog")
    with as_anonymous():
        assert not catalog.searchResults(portal_type="Alert")


def test_the_index_is_atom_newest_first_with_cap_summaries(tree):
    older = publish(make_alert(title="Mưa lớn"))
    newer = publish(make_alert(title="Lũ quét", unit="19786", target_scope="unit"))
    newer.sent = older.sent + timedelta(minutes=5)
    body = api.portal.get().restrictedTraverse("@@alerts.atom")()
    feed = etree.fromstring(body)
    entries = feed.findall(f"{{{atom.ATOM}}}entry")
    assert [e.findtext(f"{{{atom.ATOM}}}title") for e in entries] == [
        "Lũ quét",
        "Mưa lớn",
    ]
    assert entries[0].findtext("{urn:oasis:names:tc:emergency:cap:1.2}severity") == (
        "Extreme"
    )
    response = api.portal.get().REQUEST.response
    assert response.getHeader("Content-Type").startswith("application/atom+xml")
    assert "max-age=60" in response.getHeader("Cache-Control")
    assert _index(find_unit("19777")) == [_cap(older)]  # the other ward


def test_the_forms_validator_adds_the_cap_problems_to_the_reach_rule(tree):
    alert = make_alert()
    request = alert.REQUEST
    alsoProvides(request, INguonLayer)

    class Data:
        priority = "emergency"
        category = "disaster"
        target_scope = "subtree"
        target_units = []
        onset = None
        expires = local_now() + timedelta(hours=1)
        polygon = "16.4,107.5 16.5,107.5 16.5,107.6 16.4,107.6"
        circle = ""
        alert_description = "Mưa"
        instruction = ""

    for context in (alert, find_unit("46")):  # the edit form, the add form in a unit
        validator = getMultiAdapter(
            (context, request, None, IAlert, None), IManagerValidator
        )
        assert isinstance(validator, AlertValidator)
        with api.env.adopt_user(username=EDITOR):
            errors = validator.validateObject(Data())
        assert [str(error) for error in errors] == [
            'Vùng đa giác không hợp lệ: cần ít nhất 4 cặp "vĩ độ,kinh độ", điểm cuối '
            "trùng điểm đầu, vĩ độ trong -90..90, kinh độ trong -180..180."
        ]


def test_the_pages_band_has_the_colours_of_the_boards_takeover():
    from nguon.alerts.browser import BANDS
    from nguon.boards.render import SEVERITY_PALETTES

    def rgb(text):
        return tuple(int(text[i : i + 2], 16) for i in (1, 3, 5))

    assert {
        severity: (rgb(background), rgb(text))
        for severity, (background, text) in BANDS.items()
    } == SEVERITY_PALETTES


def test_an_exercise_stays_hidden_after_its_permissions_are_mapped_again(tree):
    alert = publish(make_alert(cap_status="Exercise"))
    api.portal.get_tool("portal_workflow").updateRoleMappings()  # "update security"
    with as_anonymous():
        with pytest.raises(Unauthorized):
            alert.restrictedTraverse("@@view")()
        with pytest.raises(NotFound):
            alert.restrictedTraverse("@@alert.cap")()
    assert _index(api.portal.get()) == []


def test_the_public_reads_an_actual_alerts_languages_and_their_voices(tree):
    alert = make_alert()
    info = add_language(
        alert,
        "hnj",
        title="Dej nyab",
        event="Dej nyab",
        voice=NamedBlobFile(data=b"RIFF", filename="hnj.wav", contentType="audio/wav"),
    )
    publish(alert)
    with as_anonymous():
        assert getSecurityManager().checkPermission("View", info)
    assert message(alert).infos[1].resources[0].uri == (
        f"{info.absolute_url()}/@@download/voice"
    )
