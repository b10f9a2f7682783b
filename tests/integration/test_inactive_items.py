"""Expired and not-yet-effective items stay hidden from anonymous search, whatever the query."""

from DateTime import DateTime
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from plone import api

import pytest
import requests
import transaction


@pytest.fixture
def portal_url(tree_functional):
    for title, effective, expires in (
        ("Tin đã hết hạn", DateTime() - 10, DateTime() - 1),
        ("Tin chưa đến ngày", DateTime() + 5, None),
        ("Tin đang hiệu lực", DateTime() - 1, None),
    ):
        with api.env.adopt_user(username=tree_user("19786", "editors")):
            item = api.content.create(
                container=find_unit("19786"),
                type="Bulletin",
                title=title,
                category="health",
                channels={"web"},
                effective=effective,
                expires=expires,
            )
            api.content.transition(obj=item, transition="submit")
        with api.env.adopt_user(username=tree_user("19786", "approvers")):
            api.content.transition(obj=item, transition="publish")
    transaction.commit()
    return tree_functional["portal"].absolute_url()


def _titles(url, auth=None, **params):
    answer = requests.get(
        f"{url}/@search",
        params={"portal_type": "Bulletin", **params},
        headers={"Accept": "application/json"},
        auth=auth,
    )
    assert answer.status_code == 200
    return sorted(item["title"] for item in answer.json()["items"])


@pytest.mark.parametrize("flag", ["true", "1", "True"])
def test_anonymous_cannot_ask_for_inactive_items(portal_url, flag):
    assert _titles(portal_url, show_inactive=flag) == ["Tin đang hiệu lực"]


def test_staff_without_the_permission_cannot_either(portal_url):
    auth = (tree_user("19786", "approvers"), "tree-password-1")
    assert "Tin đã hết hạn" not in _titles(portal_url, auth=auth, show_inactive="true")


def test_managers_still_can(portal_url):
    from plone.app.testing import SITE_OWNER_NAME
    from plone.app.testing import SITE_OWNER_PASSWORD

    titles = _titles(
        portal_url, auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD), show_inactive="true"
    )
    assert {"Tin đã hết hạn", "Tin chưa đến ngày", "Tin đang hiệu lực"} <= set(titles)
