"""The Classic UI add form refuses targets no approval could ever deliver (here a unit code
that does not exist), with the same Vietnamese sentence as plone.restapi (one validator
serves both), and saves nothing."""

from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user

import html
import re
import requests


def test_the_add_form_refuses_targets_no_approval_can_deliver(tree_functional):
    unit = tree_functional["portal"].absolute_url() + "/vn/46/19786"
    session = requests.Session()
    session.auth = (tree_user("19786", "editors"), TREE_PASSWORD)
    form = session.get(f"{unit}/++add++Bulletin").text
    token = re.search(r'name="_authenticator"[^>]*value="([^"]+)"', form).group(1)
    answer = session.post(
        f"{unit}/++add++Bulletin",
        data={
            "_authenticator": token,
            "form.buttons.save": "Lưu",
            "form.widgets.IBasic.title": "Thông báo gửi đơn vị không có",
            "form.widgets.category:list": "local-directive",
            "form.widgets.category-empty-marker": "1",
            "form.widgets.channels:list": "web",
            "form.widgets.channels-empty-marker": "1",
            "form.widgets.priority:list": "normal",
            "form.widgets.priority-empty-marker": "1",
            "form.widgets.target_scope:list": "chosen",
            "form.widgets.target_scope-empty-marker": "1",
            "form.widgets.target_units": "00000",
        },
    )
    page = html.unescape(answer.text)
    assert "Không có đơn vị nào mang mã 00000." in page
    listing = session.get(
        f"{unit}/@search",
        headers={"Accept": "application/json"},
        params={"portal_type": "Bulletin"},
    ).json()
    assert listing["items_total"] == 0
