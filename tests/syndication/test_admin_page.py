"""The unit admin's page: feeds listed, subscriptions added (intent verified), their delivery
logs shown, removed; CSRF protection intact; nobody else gets in."""

from nguon.syndication.pusher import push_round
from nguon.testing import TREE_PASSWORD
from plone import api
from tests.syndication.helpers import PROVINCE_APPROVER
from tests.syndication.helpers import PROVINCE_EDITOR
from tests.syndication.helpers import published
from tests.syndication.helpers import settle
from tests.syndication.helpers import unit_url
from tests.syndication.receivers import CommuneSite

import pytest
import re
import requests
import transaction


@pytest.fixture
def layer(tree_functional):
    api.portal.set_registry_record(
        "nguon.syndication.allowed_networks", ["127.0.0.0/8"]
    )
    transaction.commit()
    return tree_functional


@pytest.fixture
def site(layer, tmp_path):
    # The commune follows the feed of the filters it subscribes with.
    feed = f"{unit_url(layer, '46', '19786')}/feed.json?priority=emergency,priority"
    made = CommuneSite(tmp_path, feed).start()
    yield made
    made.stop()


def session(user):
    browser = requests.Session()
    browser.auth = (user, TREE_PASSWORD)
    return browser


def token(page):
    return re.search(r'name="_authenticator" value="([^"]+)"', page).group(1)


def test_the_admin_adds_a_subscription_and_sees_its_delivery_log(layer, site):
    page_url = f"{unit_url(layer, '46', '19786')}/@@nhan-tin-day"
    admin = session("19786-admins")
    page = admin.get(page_url)
    assert page.status_code == 200
    assert "feed.atom" in page.text and "emergency.json" in page.text
    assert "Chưa có đăng ký nào." in page.text
    form = {
        "action": "add",
        "callback": site.callback,
        "secret": site.secret,
        "lease_days": "7",
        "priority:list": ["emergency", "priority"],
    }
    # Without the CSRF token nothing is done.
    refused = admin.post(page_url, data=form)
    assert refused.status_code == 403
    added = admin.post(page_url, data={**form, "_authenticator": token(page.text)})
    assert added.status_code == 200 and site.callback in added.text
    assert "priority: emergency, priority" in added.text
    portal = layer["portal"]
    transaction.commit()
    published(
        portal["vn"]["46"],
        "Bulletin",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title="Cảnh báo sạt lở khẩn cấp",
        priority="emergency",
        target_scope="subtree",
    )
    published(
        portal["vn"]["46"],
        "Bulletin",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title="Tin thường không đăng ký",
        target_scope="subtree",
    )
    settle(portal)
    push_round(portal)
    transaction.commit()
    assert site.titles() == ["Cảnh báo sạt lở khẩn cấp"]
    shown = admin.get(page_url).text
    assert "Đã gửi" in shown and "Đang nhận" in shown
    subscription_id = re.search(r'name="id" value="([^"]+)"', shown).group(1)
    removed = admin.post(
        page_url,
        data={
            "action": "remove",
            "id": subscription_id,
            "_authenticator": token(shown),
        },
    )
    assert "Đã hủy đăng ký." in removed.text and site.callback not in removed.text


def test_a_callback_that_does_not_confirm_is_reported_and_not_kept(layer, site):
    page_url = f"{unit_url(layer, '46', '19786')}/@@nhan-tin-day"
    admin = session("19786-admins")
    page = admin.get(page_url).text
    answer = admin.post(
        page_url,
        data={
            "action": "add",
            "callback": site.callback + "-khac",
            "secret": "x" * 20,
            "_authenticator": token(page),
        },
    )
    assert "hub.challenge" in answer.text  # the reason, in the page's status message
    assert "Chưa có đăng ký nào." in answer.text


@pytest.mark.parametrize("user", ["19786-editors", "19786-approvers", "18880-admins"])
def test_other_users_cannot_open_the_page(layer, user):
    page_url = f"{unit_url(layer, '46', '19786')}/@@nhan-tin-day"
    assert session(user).get(page_url, allow_redirects=False).status_code in (
        302,
        401,
        403,
    )
