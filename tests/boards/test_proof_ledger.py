"""A board's proof of play in the delivery ledger (nguon.boards.delivery): it proves delivery
to the board's own unit, with the seconds shown; why a unit has no proof; what a board cannot
make the ledger say.

An essential province bulletin (Huế, 46) for its communes: Thuận Hóa (19786) has the board
of the fixture, Vỹ Dạ (19777) has none."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.boards import proof
from nguon.ledger.coverage import coverage
from nguon.ledger.record import of_item
from tests.search.helpers import published

import pytest
import requests
import transaction


@pytest.fixture
def item(site):
    found = published(
        site["portal"]["vn"]["46"],
        "Bulletin",
        "46-editors",
        "46-approvers",
        title="Lịch tiêm phòng dại cho chó mèo",
        description="Tiêm miễn phí tại nhà văn hóa các khu phố.",
        channels={"board"},
        essential=True,
        target_scope="subtree",
    )
    transaction.commit()
    return found


def _ago(**delta):
    return (datetime.now(UTC) - timedelta(**delta)).isoformat()


def post(site, body):
    return requests.post(
        f"{site['base']}/@board-proof",
        headers={"Accept": "application/json", "X-Board-Token": site["token"]},
        json=body,
        timeout=30,
    )


def pairs(site, item, now=None):
    transaction.begin()
    found = coverage(site["portal"], item.UID(), now)
    return {(p.unit, p.channel): p for p in found.pairs}


def test_proof_of_play_delivers_the_boards_unit_with_the_seconds_shown(site, item):
    found = pairs(site, item)
    assert found[("19786", "board")].status == "pending"
    assert "chờ bảng tin" in found[("19786", "board")].reason.default
    assert found[("19777", "board")].status == "failed"  # no board in Vỹ Dạ
    assert "chưa có bảng tin" in found[("19777", "board")].reason.default
    shown = {"item": item.UID(), "shown_at": _ago(seconds=20), "seconds": 12.5}
    assert post(site, {"records": [shown]}).json() == {"stored": 1}
    found = pairs(site, item)
    assert found[("19786", "board")].status == "delivered"
    assert found[("19786", "board")].proof["device"] == site["board"].UID()
    ((unit, channel, _at, device, kind, detail),) = of_item(site["portal"], item.UID())
    assert (unit, channel, device, kind) == (
        "19786",
        "board",
        site["board"].UID(),
        "board-shown",
    )
    assert detail == {"seconds": 12.5}


def test_a_dark_board_is_the_reason_when_nothing_was_shown(site, item):
    found = pairs(site, item, now=datetime.now(UTC) + timedelta(hours=3))
    assert found[("19786", "board")].status == "failed"
    assert "tắt hoặc mất kết nối từ" in found[("19786", "board")].reason.default


def test_a_board_cannot_prove_delivery_elsewhere_nor_twice(site, item):
    # The attack: the board names Vỹ Dạ and sends the same proof three times.
    shown = {
        "item": item.UID(),
        "shown_at": _ago(seconds=5),
        "seconds": 8,
        "unit": "19777",
        "board": "another-board",
    }
    for _attempt in range(3):
        assert post(site, {"records": [shown]}).json() == {"stored": 1}
    found = pairs(site, item)
    assert found[("19777", "board")].status == "failed"
    assert found[("19786", "board")].status == "delivered"
    assert [(row[0], row[3]) for row in of_item(site["portal"], item.UID())] == [
        ("19786", site["board"].UID())
    ]
    (stored,) = proof.of_board(site["portal"], site["board"].UID())
    assert stored["unit"] == "19786" and stored["board"] == site["board"].UID()


def test_garbage_is_refused_whole_with_a_message_and_nothing_recorded(site, item):
    good = {"item": item.UID(), "shown_at": _ago(seconds=5), "seconds": 8}
    for garbage in (
        {"records": [good, {"item": item.UID(), "shown_at": "sáng nay", "seconds": 1}]},
        {"records": [good, {"item": item.UID(), "shown_at": _ago(seconds=1)}]},
        {"records": [good, {**good, "seconds": -3}]},
        {"records": [good, {**good, "seconds": 10**9}]},
    ):
        answer = post(site, garbage)
        assert answer.status_code == 400, garbage
        assert "shown_at" in answer.json()["message"]
    transaction.begin()
    assert of_item(site["portal"], item.UID()) == []
    assert len(proof.of_board(site["portal"], site["board"].UID())) == 0
