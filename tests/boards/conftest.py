"""The board every test of boards works with: a commune's LED board and its token."""

from nguon.testing import TREE_PASSWORD
from plone import api

import pytest
import requests
import transaction


@pytest.fixture
def site(tree_functional):
    portal = tree_functional["portal"]
    commune = portal["vn"]["46"]["19786"]
    with api.env.adopt_user(username="19786-admins"):
        board = api.content.create(
            container=commune,
            type="PublicBoard",
            title="Bảng LED chợ Đông Ba",
            location="Cổng chợ Đông Ba",
            size_class="led",
            width=384,
            height=192,
            opening_start="00:00",
            opening_end="23:59",
        )
    transaction.commit()
    admin = requests.Session()
    admin.auth = ("19786-admins", TREE_PASSWORD)
    admin.headers["Accept"] = "application/json"
    token = admin.post(f"{board.absolute_url()}/@board-credentials").json()["token"]
    return {
        "portal": portal,
        "board": board,
        "token": token,
        "base": portal.absolute_url(),
        "commune": commune,
    }
