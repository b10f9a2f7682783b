"""Links are managed by the site's administrators over @federation-links, and caught up by
the service or by the catch-up thread's round; the policy file refuses what it cannot mean."""

from nguon.federation import lifecycle
from nguon.federation import links
from nguon.federation import policy
from nguon.testing import TREE_PASSWORD
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from tests.e2e.instance import free_port
from tests.syndication.helpers import PROVINCE_APPROVER
from tests.syndication.helpers import PROVINCE_EDITOR
from tests.syndication.helpers import published
from tests.syndication.helpers import settle
from tests.syndication.helpers import unit_url

import pytest
import requests
import transaction


JSON = {"Accept": "application/json"}


def links_url(portal, *path):
    return "/".join([portal.absolute_url(), "@federation-links", *path])


def test_site_administrators_create_list_and_catch_up_links(layer, portal):
    body = {
        "id": "trung-uong",
        "topic": f"{unit_url(layer, '46')}/feed.json",
        "secret": "s" * 20,
        "unit": "46",
        "local_unit": "44",
    }
    for auth in (None, ("46-admins", TREE_PASSWORD)):
        refused = requests.post(
            links_url(portal), json=body, auth=auth, headers=JSON, timeout=30
        )
        assert refused.status_code == 401
    owner = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    bad = requests.post(
        links_url(portal),
        json={**body, "secret": "short"},
        auth=owner,
        headers=JSON,
        timeout=30,
    )
    assert bad.status_code == 400 and "16 đến 200" in bad.json()["message"]
    nowhere = requests.post(
        links_url(portal),
        json={**body, "local_unit": "99999"},
        auth=owner,
        headers=JSON,
        timeout=30,
    )
    assert nowhere.status_code == 400 and "99999" in nowhere.json()["message"]
    made = requests.post(
        links_url(portal), json=body, auth=owner, headers=JSON, timeout=30
    )
    assert made.status_code == 201, made.text
    assert (
        made.json()["callback"]
        == f"{portal.absolute_url()}/@federation-inbox/trung-uong"
    )
    assert "secret" not in made.json()
    listing = requests.get(
        links_url(portal), auth=owner, headers=JSON, timeout=30
    ).json()
    assert [link["id"] for link in listing["items"]] == ["trung-uong"]
    assert "secret" not in str(listing)

    published(
        portal["vn"]["46"],
        "Bulletin",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title="Tin kéo về",
        target_scope="subtree",
        priority="emergency",
    )
    settle(portal)
    pulled = requests.post(
        links_url(portal, "trung-uong", "catch-up"),
        auth=owner,
        headers=JSON,
        timeout=60,
    )
    assert pulled.status_code == 200, pulled.text
    assert pulled.json()["created"] == 1
    detail = requests.get(
        links_url(portal, "trung-uong"), auth=owner, headers=JSON, timeout=30
    ).json()
    assert detail["items"] == 1
    # newest first: the pull, then the round's sending up, which central (no subscription
    # made in this test) refused
    statuses = [entry["status"] for entry in detail["log"]]
    assert statuses[:2] == ["figures-failed", "pulled"], statuses
    assert detail["log"][0]["code"] == 404
    missing = requests.get(
        links_url(portal, "khong-co"), auth=owner, headers=JSON, timeout=30
    )
    assert missing.status_code == 404


def test_the_catch_up_round_pulls_each_link_and_notes_a_failure(layer, portal):
    links.add(
        portal, "trung-uong", f"{unit_url(layer, '46')}/feed.json", "s" * 20, "46", "44"
    )
    # central unreachable: a port nobody listens on
    links.add(
        portal,
        "hong",
        f"http://127.0.0.1:{free_port()}/vn/46/feed.json",
        "s" * 20,
        "46",
        "44",
    )
    published(
        portal["vn"]["46"],
        "Bulletin",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title="Tin của vòng kéo",
        target_scope="subtree",
    )
    settle(portal)
    lifecycle.catch_up_all(transaction.manager, portal)
    transaction.begin()
    assert len(links.get(portal, "trung-uong").applied) == 1
    broken = links.get(portal, "hong")
    assert broken.log[-1]["status"] == "failed"
    assert "Không đọc được nguồn tin" in broken.log[-1]["message"]
    # not again before its time
    lifecycle.catch_up_all(transaction.manager, portal)
    transaction.begin()
    assert len(links.get(portal, "hong").log) == 1


@pytest.mark.parametrize(
    "text, problem",
    [
        ("rules: []", "quy tắc cuối"),
        ("rules:\n  - publish: sometimes", "«publish»"),
        ("rules:\n  - when: {priority: urgent}\n    publish: at-once", "điều kiện"),
        ("rules:\n  - when: {type: Bulletin}\n    publish: at-once", "quy tắc cuối"),
        ("rules:\n  - publish: at-once\n    target_scope: everywhere", "target_scope"),
    ],
)
def test_the_policy_file_refuses_what_it_cannot_mean(text, problem):
    with pytest.raises(policy.PolicyError, match=problem):
        policy.parse(text)


def test_the_shipped_policy_publishes_directives_and_emergencies_at_once():
    assert policy.rule_for("LegalDocument", "normal").publish == "at-once"
    assert policy.rule_for("Bulletin", "emergency").publish == "at-once"
    assert policy.rule_for("Bulletin", "normal").publish == "approval"
    assert policy.rule_for("RadioItem", "normal").target_scope == "subtree"
