"""A commune with a radio station and a public board, each with its token, on the tree site
served over HTTP; and a real SMTP server the site's mail host sends to."""

from nguon.devices import credentials
from plone import api
from tests.mail import smtp_server
from tests.mail import use_server

import pytest
import transaction


@pytest.fixture
def site(tree_functional):
    portal = tree_functional["portal"]
    commune = portal["vn"]["46"]["19786"]
    with api.env.adopt_user(username="19786-admins"):
        station = api.content.create(
            container=commune,
            type="RadioStation",
            title="Đài truyền thanh phường Thuận Hóa",
        )
        board = api.content.create(
            container=commune,
            type="PublicBoard",
            title="Bảng LED chợ Đông Ba",
            size_class="led",
            width=384,
            height=192,
            opening_start="00:00",
            opening_end="23:59",
        )
    station_token, board_token = credentials.issue(station), credentials.issue(board)
    transaction.commit()
    return {
        "portal": portal,
        "base": portal.absolute_url(),
        "commune": commune,
        "station": station,
        "board": board,
        "station_token": station_token,
        "board_token": board_token,
    }


@pytest.fixture
def smtp(site):
    with smtp_server() as server:
        use_server(server)
        transaction.commit()
        yield server
