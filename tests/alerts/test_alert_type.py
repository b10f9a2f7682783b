"""The Alert type (nguon.content.alert): a CAP message that is an emergency information item,
with its other languages as AlertInfo children that follow its permissions. On the small tree
of nguon.testing (Huế 46, Thuận Hóa 19786)."""

from DateTime import DateTime
from datetime import timedelta
from nguon.content import alert as alerts
from nguon.content.channels import channels
from nguon.content.channels import is_distributed
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from plone import api
from zope.component import getUtility
from zope.schema.interfaces import IVocabularyFactory

import pytest


EDITOR = tree_user("46", "editors")


def make_alert(**fields):
    fields = {
        "title": "Lũ quét trên sông Hương",
        "category": "disaster",
        "event": "Lũ quét",
        "cap_categories": {"Met"},
        "urgency": "Immediate",
        "severity": "Extreme",
        "certainty": "Likely",
        "alert_description": "Mưa lớn, nước sông Hương lên nhanh.",
        "instruction": "Di chuyển lên chỗ cao ngay.",
        "expiration_date": DateTime() + 0.25,  # six hours
        "target_scope": "subtree",
        **fields,
    }
    with api.env.adopt_user(username=EDITOR):
        return api.content.create(container=find_unit("46"), type="Alert", **fields)


def test_an_alert_is_an_emergency_item_on_every_channel(tree):
    alert = make_alert(priority="normal")
    assert is_distributed(alert)
    assert alert.priority == "emergency"  # nothing makes a warning wait in line
    assert channels(alert) == ("board", "radio", "web")
    alert.msg_type = "Cancel"
    assert channels(alert) == ("web",)


def test_languages_vietnamese_first_then_children(tree):
    alert = make_alert()
    with api.env.adopt_user(username=EDITOR):
        api.content.create(
            container=alert,
            type="AlertInfo",
            title="Flash flood on the Perfume River",
            language="en-US",
            event="Flash flood",
            alert_description="Heavy rain.",
        )
        api.content.create(
            container=alert,
            type="AlertInfo",
            title="Dej nyab",
            language="hnj",
            event="Dej nyab",
            alert_description="Nag hnyav.",
        )
    found = alerts.infos(alert)
    assert [info.language for info in found] == ["vi-VN", "en-US", "hnj"]
    assert found[0].instruction == "Di chuyển lên chỗ cao ngay."
    assert [info.spoken for info in found] == [True, True, False]
    catalog = api.portal.get_tool("portal_catalog")
    assert [
        b.getId for b in catalog(SearchableText="Perfume", portal_type="Alert")
    ] == [alert.getId()]


def test_a_language_follows_its_alerts_permissions(tree):
    alert = make_alert()
    with api.env.adopt_user(username=EDITOR):
        info = api.content.create(
            container=alert,
            type="AlertInfo",
            title="Flash flood",
            language="en-US",
            event="Flash flood",
            alert_description="Heavy rain.",
        )
    assert api.content.get_state(alert) == "draft"
    with api.env.adopt_roles(["Anonymous"]):
        assert not api.user.has_permission("View", obj=info)
    assert api.user.has_permission("View", obj=info, username=EDITOR)


def test_test_and_exercise_alerts_are_not_public(tree):
    assert alerts.is_public(make_alert())
    assert not alerts.is_public(make_alert(cap_status="Exercise"))
    assert not alerts.is_public(make_alert(cap_status="Test"))


def test_in_force_until_expires(tree):
    alert = make_alert()
    assert alerts.in_force(alert)
    assert not alerts.in_force(alert, alerts.expires_at(alert) + timedelta(seconds=1))


@pytest.mark.parametrize(
    "name, value",
    [
        ("nguon.vocabularies.cap_severities", "Extreme"),
        ("nguon.vocabularies.cap_categories", "CBRNE"),
        ("nguon.vocabularies.alert_languages", "jra"),
    ],
)
def test_vocabularies(tree, name, value):
    assert value in getUtility(IVocabularyFactory, name)(None)
