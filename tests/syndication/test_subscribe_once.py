"""Subscribing is written once (``nguon.syndication.subscriptions.subscribe_unit``): the unit
admin's Classic UI form and the REST service refuse the same bad input with the same message
(filters, format, secret, lease, an address the server must not call, a callback that does not
confirm), and nothing is kept."""

from html import unescape
from nguon.publication.store import storage
from nguon.testing import TREE_PASSWORD
from plone import api
from tests.syndication.helpers import unit_url

import pytest
import re
import requests
import transaction


GOOD = {"callback": "http://127.0.0.1:9/nhan-tin", "secret": "s" * 20}
BAD = [
    ({"priority": "rat-gap"}, "rat-gap"),
    ({"format": "xml"}, "json, atom"),
    ({"secret": "ngan"}, "16"),
    ({"lease_days": "mai"}, "3600"),
    ({"lease_days": "365"}, "3600"),
    ({"callback": "http://169.254.169.254/latest/meta-data"}, "169.254.169.254"),
    ({"callback": "file:///etc/passwd"}, ""),
    ({}, ""),  # 127.0.0.1:9 answers nothing: the intent is not confirmed
]


@pytest.fixture
def layer(tree_functional):
    api.portal.set_registry_record(
        "nguon.syndication.allowed_networks", ["127.0.0.0/8"]
    )
    transaction.commit()
    return tree_functional


def _admin():
    admin = requests.Session()
    admin.auth = ("19786-admins", TREE_PASSWORD)
    return admin


def _by_rest(layer, values):
    answer = _admin().post(
        f"{unit_url(layer, '46', '19786')}/@subscriptions",
        json=values,
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert answer.status_code == 400, answer.text
    return answer.json()["message"]


def _by_form(layer, values):
    page_url = f"{unit_url(layer, '46', '19786')}/@@nhan-tin-day"
    admin = _admin()
    token = re.search(
        r'name="_authenticator" value="([^"]+)"', admin.get(page_url).text
    ).group(1)
    return unescape(
        admin.post(
            page_url,
            data={"action": "add", "_authenticator": token, **values},
            timeout=30,
        ).text
    )


@pytest.mark.parametrize("bad, words", BAD)
def test_the_form_and_the_rest_service_refuse_alike(layer, bad, words):
    values = {**GOOD, **bad}
    message = _by_rest(layer, values)
    assert words in message
    page = _by_form(layer, values)
    assert message in page, message
    transaction.begin()
    assert not storage(layer["portal"]).subscriptions  # neither kept anything
