"""A board against the site: its playlist of approved board items for its unit, slides at its
resolution, emergency takeover, opening hours, proof of play, the operator's preview."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from io import BytesIO
from nguon.outbox.worker import drain
from nguon.testing import TREE_PASSWORD
from PIL import Image
from plone import api
from tests.search.helpers import published

import pytest
import requests
import transaction


COMMUNE = ("19786-editors", "19786-approvers")


def _ago(**delta):
    return (datetime.now(UTC) - timedelta(**delta)).isoformat()


def notice(site, title, **fields):
    item = published(
        site["commune"],
        "BoardNotice",
        *COMMUNE,
        title=title,
        text=fields.pop("text", "Nội dung ngắn cho bảng tin."),
        display_duration=5,
        **fields,
    )
    transaction.commit()
    drain(site["portal"])
    transaction.commit()
    return item


def get(site, view, token=None, **options):
    headers = {
        "X-Board-Token": site["token"] if token is None else token,
        "Accept": "application/json",
        **options.pop("headers", {}),
    }
    return requests.get(
        f"{site['base']}/{view}", headers=headers, timeout=30, **options
    )


def test_the_playlist_holds_the_units_board_items_and_a_304_when_unchanged(site):
    first = notice(site, "Lịch cắt điện ngày 2/12")
    second = notice(site, "Tiêm chủng mở rộng", priority="priority")
    answer = get(site, "@board-playlist")
    data = answer.json()
    assert [s["uid"] for s in data["slides"]].count(
        second.UID()
    ) == 2  # priority: twice
    assert first.UID() in [s["uid"] for s in data["slides"]] and not data["emergency"]
    again = get(
        site, "@board-playlist", headers={"If-None-Match": answer.headers["ETag"]}
    )
    assert again.status_code == 304


def test_slides_are_rendered_at_the_boards_resolution(site):
    item = notice(site, "Thông báo về việc phòng chống bão số 15 tại phường Thuận Hóa")
    answer = get(site, f"@@board-slide/{item.UID()}")
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "image/png"
    assert Image.open(BytesIO(answer.content)).size == (384, 192)
    other = published(
        site["portal"]["vn"]["44"]["18880"],
        "BoardNotice",
        "18880-editors",
        "18880-approvers",
        title="Tin của Đồng Hới",
        text="Không dành cho Thuận Hóa.",
        display_duration=5,
    )
    transaction.commit()
    drain(site["portal"])
    transaction.commit()
    assert get(site, f"@@board-slide/{other.UID()}").status_code == 404


def test_an_emergency_takes_over_the_whole_board(site):
    notice(site, "Tin thường")
    alarm = notice(
        site, "Khẩn cấp: lũ lên nhanh", priority="emergency", category="disaster"
    )
    data = get(site, "@board-playlist").json()
    assert data["emergency"] and [s["uid"] for s in data["slides"]] == [alarm.UID()]


def test_outside_opening_hours_the_board_is_dark_but_emergencies_show(site):
    board = site["board"]
    board.opening_start, board.opening_end = "23:59", "00:00"  # open one minute a day
    transaction.commit()
    notice(site, "Tin thường ngoài giờ")
    data = get(site, "@board-playlist").json()
    if not data["open"]:
        assert data["slides"] == []
    alarm = notice(
        site, "Khẩn cấp ngoài giờ", priority="emergency", category="disaster"
    )
    assert [s["uid"] for s in get(site, "@board-playlist").json()["slides"]] == [
        alarm.UID()
    ]


@pytest.mark.parametrize("token", ["", "sai", "abc.def"])
def test_a_wrong_token_gets_nothing(site, token):
    for view in ("@board-playlist", "@@board-slide/x"):
        assert get(site, view, token=token).status_code == 401


def test_proof_of_play_is_stored_and_bad_reports_refused(site):
    item = notice(site, "Tin được trình chiếu")
    url = f"{site['base']}/@board-proof"
    good = {
        "records": [{"item": item.UID(), "shown_at": _ago(minutes=5), "seconds": 5.0}]
    }
    board = {"X-Board-Token": site["token"], "Accept": "application/json"}
    assert requests.post(url, headers=board, json=good, timeout=30).json() == {
        "stored": 1
    }
    for bad in (
        {"records": []},
        {"records": [{"item": item.UID()}]},
        {"records": "x"},
        {"records": [{"item": item.UID(), "shown_at": "hôm qua", "seconds": 1}]},
    ):
        assert (
            requests.post(url, headers=board, json=bad, timeout=30).status_code == 400
        )
    assert (
        requests.post(
            url,
            headers={"X-Board-Token": "sai", "Accept": "application/json"},
            json=good,
            timeout=30,
        ).status_code
        == 401
    )
    from nguon.boards.proof import of_board

    transaction.begin()
    assert [r["item"] for r in of_board(site["portal"], site["board"].UID())] == [
        item.UID()
    ]


def test_the_units_people_preview_the_board_and_others_cannot(site):
    item = notice(site, "Tin xem trước")
    preview = requests.get(
        f"{site['board'].absolute_url()}/@@board-preview",
        auth=("19786-editors", TREE_PASSWORD),
        timeout=30,
    )
    assert preview.status_code == 200 and "Tin xem trước" in preview.text
    slide = requests.get(
        f"{site['board'].absolute_url()}/@@board-preview-slide/{item.UID()}",
        auth=("19786-editors", TREE_PASSWORD),
        timeout=30,
    )
    assert slide.headers["Content-Type"] == "image/png"
    outsider = requests.get(
        f"{site['board'].absolute_url()}/@@board-preview",
        allow_redirects=False,
        auth=("18880-editors", TREE_PASSWORD),
        timeout=30,
    )
    assert outsider.status_code in (302, 401, 403)


def test_an_item_shows_only_in_its_dayparts(site):
    from datetime import datetime
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    inside = f"{(now - timedelta(hours=1)):%H:%M}-{(now + timedelta(hours=1)):%H:%M}"
    outside = f"{(now + timedelta(hours=2)):%H:%M}-{(now + timedelta(hours=3)):%H:%M}"
    shown = notice(site, "Giờ này hiển thị", dayparts=inside)
    hidden = notice(site, "Giờ khác mới hiển thị", dayparts=outside)
    uids = {s["uid"] for s in get(site, "@board-playlist").json()["slides"]}
    assert shown.UID() in uids and hidden.UID() not in uids


def test_bad_dayparts_are_refused_with_the_line(site):
    from nguon.content.validation import parse_dayparts
    from nguon.content.validation import Refused

    for text in ("6h-9h", "06:00", "25:00-26:00", "08:00-08:00"):
        with pytest.raises(Refused):
            parse_dayparts("06:00-09:00\n" + text)


def test_the_unit_page_shows_every_board_of_the_unit_and_what_it_shows(site):
    item = notice(site, "Tin trên mọi bảng")
    with api.env.adopt_user(username="19786-admins"):
        api.content.create(
            container=site["commune"],
            type="PublicBoard",
            title="Màn hình nhà văn hóa",
            location="Nhà văn hóa tổ 3",
            size_class="lcd",
            width=1920,
            height=1080,
            opening_start="00:00",
            opening_end="23:59",
        )
    transaction.commit()
    page = requests.get(
        f"{site['commune'].absolute_url()}/@@bang-tin",
        auth=("19786-editors", TREE_PASSWORD),
        timeout=30,
    ).text
    assert "Bảng LED chợ Đông Ba" in page and "Màn hình nhà văn hóa" in page
    assert page.count(f"@@board-preview-slide/{item.UID()}") == 2
    anonymous = requests.get(
        f"{site['commune'].absolute_url()}/@@bang-tin", timeout=30
    ).text
    assert "Bảng LED chợ Đông Ba" not in anonymous  # boards are private
