"""Alerts over HTTP on the tree site's WSGI server: written and published through
plone.restapi, read by anyone at their CAP address and in the Atom indexes, verified against
the certificates of ``@cap-keys``; Update and Cancel by the buttons (CSRF-protected) and by
``@alert-update`` / ``@alert-cancel``; Test and Exercise alerts never shown to the public."""

from argparse import Namespace
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from lxml import html
from nguon.alerts import cli as cap_keys
from nguon.cap import schema
from nguon.cap import signature
from nguon.cap.atom import parse_index
from nguon.cap.errors import CapError
from nguon.cap.xml import parse
from nguon.content.timezone import LOCAL_ZONE
from nguon.outbox.worker import drain
from nguon.testing import TREE_PASSWORD
from plone import api
from tests.alerts.alert_support import APPROVER
from tests.alerts.alert_support import EDITOR
from tests.alerts.alert_support import make_alert
from tests.rest import json_session

import pytest
import requests
import transaction


@pytest.fixture
def site(tree_functional):
    return tree_functional["portal"].absolute_url()


def _obj(url):
    """The content at ``url`` as the server committed it (its fields that the forms and
    plone.restapi do not show: msg_type, identifier, references)."""
    transaction.begin()
    portal = api.portal.get()
    return portal.unrestrictedTraverse(url.removeprefix(portal.absolute_url() + "/"))


def _alert(site, **fields):
    """A draft alert of Huế for the whole province, made in the site and committed."""
    alert = make_alert(**fields)
    transaction.commit()
    return alert.absolute_url()


def _publish(url):
    answer = json_session(APPROVER).post(f"{url}/@workflow/emergency_publish")
    assert answer.status_code == 200, answer.text
    return url


def _refused(url):
    """Anonymous gets no CAP message there (Plone sends it to the login form)."""
    answer = requests.get(url, timeout=30, allow_redirects=False)
    return answer.status_code in (302, 401, 404)


def _index(url):
    answer = requests.get(f"{url}/alerts.atom", timeout=30)
    assert answer.status_code == 200
    return [link for link, _updated in parse_index(answer.content)]


def test_anyone_reads_the_signed_valid_message_and_the_indexes(site):
    url = _publish(_alert(site))
    answer = requests.get(f"{url}/alert.cap", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/cap+xml")
    schema.validate(answer.content)
    certificates = [
        key["certificate"]
        for key in requests.get(
            f"{site}/@cap-keys", headers={"Accept": "application/json"}, timeout=30
        ).json()["keys"]
    ]
    message = parse(signature.verify(answer.content, certificates))
    expires = message.infos[0].expires
    assert expires.utcoffset() == timedelta(hours=7)
    assert abs(expires - (datetime.now(LOCAL_ZONE) + timedelta(hours=6))) < timedelta(
        minutes=5
    )
    assert _index(site) == [f"{url}/alert.cap"]
    for address in (
        f"{url}/alert.cap",
        f"{site}/alerts.atom",
    ):  # a poll with nothing new
        etag = requests.get(address, timeout=30).headers["ETag"]
        again = requests.get(address, headers={"If-None-Match": etag}, timeout=30)
        assert (again.status_code, again.content) == (304, b"")
    assert _index(f"{site}/vn/46/19786") == [f"{url}/alert.cap"]
    assert _index(f"{site}/vn/44") == []
    page = requests.get(f"{site}/vn/46/19786", timeout=30).text
    assert f'href="{site}/vn/46/19786/alerts.atom"' in page
    assert f'href="{site}/alerts.atom"' in requests.get(site, timeout=30).text
    # The alert's page: the severity band, what to do before what happens, the CAP link.
    page = requests.get(url, timeout=30).text
    assert "nguon-alert-band extreme" in page and "Đặc biệt nguy hiểm" in page
    assert page.index("Di chuyển lên chỗ cao ngay.") < page.index("Mưa lớn, nước")
    assert f'href="{url}/alert.cap"' in page
    assert "@@alert-follow-up" not in page  # no buttons for the public


def test_a_draft_has_no_cap_address(site):
    url = _alert(site)
    assert _refused(f"{url}/alert.cap")


def test_the_buttons_refuse_a_forged_request(site):
    url = _publish(_alert(site))
    editor = requests.Session()
    editor.auth = (EDITOR, TREE_PASSWORD)
    # The attack first: a link (GET) and a form posted from elsewhere (no token).
    forged = editor.get(f"{url}/@@alert-follow-up", params={"msg_type": "Update"})
    assert forged.status_code == 403
    forged = editor.post(
        f"{url}/@@alert-follow-up", data={"msg_type": "Update"}, allow_redirects=False
    )
    assert forged.status_code == 403
    assert _index(site) == [f"{url}/alert.cap"]
    # The page's own form carries the token.
    page = html.fromstring(editor.get(url).content)
    [form] = page.xpath("//form[contains(@action, '@@alert-follow-up')]")
    token = form.xpath(".//input[@name='_authenticator']/@value")[0]
    made = editor.post(
        form.get("action"),
        data={"msg_type": "Cancel", "_authenticator": token},
        allow_redirects=False,
    )
    assert made.status_code == 302
    assert made.headers["Location"].endswith("/edit")
    new = made.headers["Location"].removesuffix("/edit")
    assert _obj(new).msg_type == "Cancel"
    # Who may not add in the alert's unit sees no buttons.
    ward = requests.Session()
    ward.auth = ("19786-editors", TREE_PASSWORD)
    assert "@@alert-follow-up" not in ward.get(url).text


def test_rest_update_and_cancel(site):
    url = _publish(_alert(site))
    # Neither a ward's editor nor anyone else may add in the province (Zope answers 401).
    assert json_session("19786-editors").post(f"{url}/@alert-update").status_code == 401
    assert json_session().post(f"{url}/@alert-update").status_code == 401
    made = json_session(EDITOR).post(f"{url}/@alert-update")
    assert made.status_code == 201, made.text
    update = made.json()
    assert made.headers["Location"] == update["@id"]
    assert (update["msg_type"], update["review_state"]) == ("Update", "draft")
    assert _obj(update["@id"]).msg_type == "Update"
    assert update["references"][0].split(",")[1] == _obj(url).identifier
    _publish(update["@id"])
    assert api.content.get_state(_obj(url)) == "retracted"
    assert _index(site) == [f"{update['@id']}/alert.cap"]
    draft = _alert(site)
    refused = json_session(EDITOR).post(f"{draft}/@alert-cancel")
    assert refused.status_code == 403
    assert "đã phát hành" in refused.json()["message"]


@pytest.mark.parametrize("status", ["Test", "Exercise"])
def test_test_and_exercise_alerts_are_not_for_the_public(site, status):
    url = _publish(_alert(site, cap_status=status))
    assert api.content.get_state(_obj(url)) == "published"
    assert _refused(url) and _refused(f"{url}/alert.cap")
    assert _index(site) == [] and _index(f"{site}/vn/46") == []


def test_a_test_alert_is_in_no_feed_and_on_no_citizen_page(site):
    url = _publish(_alert(site, cap_status="Exercise", title="Diễn tập lũ quét"))
    transaction.begin()
    drain(api.portal.get(), names=("syndication",))
    transaction.commit()
    assert "Diễn tập lũ quét" not in requests.get(f"{site}/vn/46/19786/feed.json").text
    assert "Diễn tập lũ quét" not in requests.get(f"{site}/vn/46/19786").text
    assert _refused(url)


def _published_keys(site):
    return requests.get(
        f"{site}/@cap-keys", headers={"Accept": "application/json"}, timeout=30
    ).json()["keys"]


def test_a_rotated_key_is_published_beside_the_old_one_until_its_time(site, capsys):
    url = _publish(_alert(site))
    before = requests.get(f"{url}/alert.cap", timeout=30).content
    [old] = _published_keys(site)
    cap_keys.rotate(api.portal.get(), Namespace(now=False, retire_at=None, pem=False))
    assert old["fingerprint"] in capsys.readouterr().out
    new, retiring = _published_keys(site)
    assert retiring["fingerprint"] == old["fingerprint"] != new["fingerprint"]
    assert new["retiring_at"] is None and retiring["retiring_at"]
    after = requests.get(f"{url}/alert.cap", timeout=30).content
    signature.verify(after, [new["certificate"]])  # signed with the new key
    with pytest.raises(CapError):
        signature.verify(after, [old["certificate"]])
    signature.verify(before, [retiring["certificate"]])  # what was signed still checks

    # A compromised key is unpublished at once; the one retiring before keeps its time.
    cap_keys.rotate(api.portal.get(), Namespace(now=True, retire_at=None, pem=False))
    current, still_retiring = _published_keys(site)
    assert current["fingerprint"] != new["fingerprint"]
    assert still_retiring["fingerprint"] == old["fingerprint"]


def test_an_alert_written_through_the_api_says_its_times_exactly(site):
    # Plone keeps expiration dates to the minute (plone.app.dexterity's publication dates).
    expires = (datetime.now(LOCAL_ZONE) + timedelta(hours=6)).replace(
        second=0, microsecond=0
    )
    onset = expires - timedelta(hours=5, seconds=17)
    created = json_session(EDITOR).post(
        f"{site}/vn/46",
        json={
            "@type": "Alert",
            "title": "Mưa đá ở Phú Vang",
            "category": "disaster",
            "event": "Mưa đá",
            "cap_categories": ["Met"],
            "urgency": "Expected",
            "severity": "Moderate",
            "certainty": "Likely",
            "alert_description": "Mưa đá kèm gió giật mạnh.",
            "onset": onset.isoformat(),
            "expires": expires.astimezone(UTC).isoformat(),
            "target_scope": "subtree",
        },
    )
    assert created.status_code == 201, created.text
    refused = json_session(EDITOR).patch(
        created.json()["@id"], json={"polygon": "16.4,107.5 16.5,107.5"}
    )
    assert refused.status_code == 400
    assert "Vùng đa giác không hợp lệ" in refused.json()["message"]
    url = _publish(created.json()["@id"])
    info = parse(requests.get(f"{url}/alert.cap", timeout=30).content).infos[0]
    assert (info.onset, info.expires) == (onset, expires)
    assert info.expires.utcoffset() == timedelta(hours=7)
    assert _obj(url).expiration_date.asdatetime() == expires


def test_officials_preview_the_message_of_a_draft(site):
    url = _alert(site)
    preview = f"{url}/@@alert-preview.cap"
    assert _refused(preview)  # the public
    ward = requests.Session()
    ward.auth = ("19786-editors", TREE_PASSWORD)
    assert ward.get(preview, allow_redirects=False).status_code in (302, 401, 403)
    editor = requests.Session()
    editor.auth = (EDITOR, TREE_PASSWORD)
    answer = editor.get(preview)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "private, no-store"
    schema.validate(answer.content)
    assert parse(answer.content).infos[0].headline == "Lũ quét trên sông Hương"
    assert 'href="' + preview + '"' in editor.get(url).text


def test_the_workflow_menu_brings_a_refusal_back_to_the_page_with_its_reasons(site):
    url = _alert(site, polygon="16.4,107.5 16.5,107.5")
    editor = requests.Session()
    editor.auth = (EDITOR, TREE_PASSWORD)
    token = html.fromstring(editor.get(f"{url}/edit").content).xpath(
        "//input[@name='_authenticator']/@value"
    )[0]
    answer = editor.post(
        f"{url}/content_status_modify",
        data={"workflow_action": "submit", "_authenticator": token},
    )
    assert answer.status_code == 200 and answer.url == url
    assert "Vùng đa giác không hợp lệ" in answer.text
    assert api.content.get_state(_obj(url)) == "draft"
    _obj(url).polygon = ""
    transaction.commit()
    answer = editor.post(
        f"{url}/content_status_modify",
        data={"workflow_action": "submit", "_authenticator": token},
    )
    assert answer.status_code == 200
    assert api.content.get_state(_obj(url)) == "pending"
