"""An alert written over HTTP (plone.restapi), as a client or the benchmark writes one: its
``expires`` is Plone's expiration date (to the minute, as Plone keeps it), set and changed
with an offset."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.content.alert import expires_at
from nguon.units.tree import find_unit
from plone import api
from tests.alerts.alert_support import EDITOR
from tests.rest import json_session

import pytest
import transaction


@pytest.fixture
def site(tree_functional):
    return tree_functional["portal"].absolute_url()


def test_an_alert_is_created_and_changed_through_plone_restapi(site):
    expires = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=6)
    editor = json_session(EDITOR)
    created = editor.post(
        find_unit("46").absolute_url(),
        json={
            "@type": "Alert",
            "title": "Lũ quét trên sông Hương",
            "category": "disaster",
            "target_scope": "subtree",
            "event": "Lũ quét",
            "cap_categories": ["Met"],
            "urgency": "Immediate",
            "severity": "Extreme",
            "certainty": "Likely",
            "alert_description": "Mưa lớn, nước sông Hương lên nhanh.",
            "expires": expires.isoformat(),
        },
    )
    assert created.status_code == 201, created.text
    url = created.json()["@id"]
    later = expires + timedelta(hours=2)
    changed = editor.patch(url, json={"expires": later.isoformat()})
    assert changed.status_code == 204, changed.text
    transaction.begin()
    portal = api.portal.get()
    alert = portal.unrestrictedTraverse(url.removeprefix(portal.absolute_url() + "/"))
    assert expires_at(alert) == later
