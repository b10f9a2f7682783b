"""Statistics over the delivery ledger (docs/statistics.md) on the small tree of
nguon.testing: Huế (46) with Thuận Hóa (19786) and Vỹ Dạ (19777), Quảng Trị (44) with
Đồng Hới (18880), all under Trung ương (VN).

An emergency of the province goes by radio and board to its two communes; Thuận Hóa's
station airs it, Vỹ Dạ's refuses the audio; nobody shows it on a board. Who may read what is
tried first (anonymous, the other province, a commune reading its province, a sibling),
then the answers: ``@statistics``, ``@coverage``, ``@@thong-ke`` with its CSV, ``@@do-phu``.
"""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.ledger.record import record
from nguon.statistics import periods
from nguon.statistics.summary import gather
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from tests.browser.english import english_strings
from tests.integration.test_ledger import _publish
from tests.rest import json_session
from tests.unit.test_documents import read_csv

import lxml.html
import pytest
import requests
import transaction


def deliveries(portal):
    """An emergency of Huế by radio and board, aired in Thuận Hóa, refused in Vỹ Dạ."""
    item = _publish("46", priority="emergency", title="Bão số 9 đổ bộ")
    at = datetime.now(UTC) + timedelta(minutes=7)
    record(
        portal, "radio-aired", item.UID(), "19786", "tram-19786", at, {"seconds": 900}
    )
    record(
        portal,
        "radio-not-aired",
        item.UID(),
        "19777",
        "tram-19777",
        at,
        {"message": "Tệp âm thanh hỏng"},
    )
    return item


def _this_month():
    return periods.current(periods.MONTH)


def test_the_province_sees_its_communes_worst_first_and_the_gap(tree):
    portal = tree["portal"]
    item = deliveries(portal)
    stats = gather(portal, find_unit("46"), _this_month())
    values = {each.name: value for each, value in stats.figures}
    assert values["essential_items"] == 1
    assert values["coverage_radio"] == 50.0
    assert [group.key for group in stats.groups][:2] == ["coverage", "published"]
    # Vỹ Dạ has nothing delivered, Thuận Hóa half (radio yes, board not): worst first.
    assert [(row.code, row.overall.percent) for row in stats.children] == [
        ("19777", 0.0),
        ("19786", 50.0),
    ]
    assert stats.children[1].channels["radio"].delivered == 1
    [month] = stats.months
    assert month.overall.required == 4 and month.overall.delivered == 1
    assert month.radio_hours == 0.25
    assert stats.gaps.total == 1
    [gap] = stats.gaps.worst
    assert gap.item == item.UID()
    # The pair a device reported failing first; no device is read for the others.
    assert gap.missing[0].unit == "19777" and gap.missing[0].channel == "radio"
    assert gap.missing[0].failure[3] == "Tệp âm thanh hỏng"
    assert gap.failed == 1
    assert {(p.unit, p.channel) for p in gap.missing} == {
        ("19777", "radio"),
        ("19777", "board"),
        ("19786", "board"),
    }
    # A commune's page sees its own area only.
    commune = gather(portal, find_unit("19786"), _this_month())
    assert commune.children == []
    assert [(p.unit, p.channel) for p in commune.gaps.worst[0].missing] == [
        ("19786", "board")
    ]
    # Asking for some indicators only.
    some = gather(portal, find_unit("46"), _this_month(), ["radio_hours"])
    assert [(each.name, value) for each, value in some.figures] == [
        ("radio_hours", 0.25)
    ]


def _url(portal, *path):
    return "/".join((portal.absolute_url(), "vn", *path))


@pytest.fixture
def site(tree_functional):
    portal = tree_functional["portal"]
    item = deliveries(portal)
    ordinary = _publish(
        "19786", title="Lịch tiếp dân", category="culture", target_scope="unit"
    )
    transaction.commit()
    return portal, item, ordinary


def test_who_may_read_a_units_statistics_over_rest(site):
    portal, item, _ordinary = site
    province = _url(portal, "46", "@statistics")
    commune = _url(portal, "46", "19786", "@statistics")
    refused = [
        (None, province),
        (tree_user("44", "admins"), province),  # another province
        (tree_user("18880", "editors"), commune),  # a commune of another province
        (tree_user("19786", "approvers"), province),  # a commune reading its province
        (tree_user("19777", "admins"), commune),  # a sibling
    ]
    for user, url in refused:
        answer = json_session(user).get(url)
        assert answer.status_code == 401, (user, url)
        assert answer.json()["type"] == "Unauthorized"
        assert "thống kê" in answer.json()["message"]
    coverage = f"{item.absolute_url()}/@coverage"
    assert json_session().get(coverage).status_code == 401
    assert json_session(tree_user("19786", "editors")).get(coverage).status_code == 401
    allowed = [
        (tree_user("46", "editors"), province),
        (tree_user("46", "approvers"), commune),  # the province reads a commune
        (tree_user("VN", "admins"), province),  # the centre reads a province
        (tree_user("19786", "editors"), commune),  # a commune reads itself
    ]
    for user, url in allowed:
        assert json_session(user).get(url).status_code == 200, (user, url)
    assert json_session(tree_user("46", "approvers")).get(coverage).status_code == 200


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"start": "31/02/2026"}, "không đọc được"),
        ({"start": "2026-11-30", "end": "2026-11-01"}, "trước ngày bắt đầu"),
        ({"start": "2015-01-01", "end": "2026-11-30"}, "dài quá"),
        ({"period": "tuan"}, "Không có kỳ"),
        ({"indicators": "radio_hours,khong_co"}, "Không có chỉ số «khong_co»"),
    ],
)
def test_a_bad_question_is_answered_in_vietnamese(site, query, words):
    portal, _item, _ordinary = site
    answer = json_session(tree_user("46", "admins")).get(
        _url(portal, "46", "@statistics"), params=query
    )
    assert answer.status_code == 400
    assert answer.json()["type"] == "BadRequest"
    assert words in answer.json()["message"]


def test_the_province_statistics_over_rest(site):
    portal, item, _ordinary = site
    answer = json_session(tree_user("46", "admins")).get(
        _url(portal, "46", "@statistics"), params={"period": "year"}
    )
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["unit"]["code"] == "46"
    assert found["period"]["kind"] == "year"
    assert found["period"]["label"].startswith("Năm ")
    values = {each["name"]: each for each in found["indicators"]}
    assert values["coverage_radio"]["value"] == 50.0
    assert values["coverage_radio"]["unit"] == "percent"
    assert values["coverage_radio"]["title"] == "Độ phủ qua Đài truyền thanh"
    assert values["emergencies"]["value"] == 1
    assert found["groups"][0]["key"] == "coverage"
    worst, best = found["children"]
    assert worst["code"] == "19777"
    assert worst["coverage"]["overall"] == {
        "required": 2,
        "delivered": 0,
        "percent": 0.0,
    }
    assert best["coverage"]["channels"]["radio"]["percent"] == 100.0
    assert best["statistics"].startswith(_url(portal, "46", "19786", "@statistics"))
    assert found["months"][-1]["coverage"]["overall"]["delivered"] == 1
    assert found["gaps"]["total"] == 1
    [gap] = found["gaps"]["items"]
    assert gap["title"] == "Bão số 9 đổ bộ"
    assert gap["priority"] == "emergency"
    assert gap["coverage"] == f"{item.absolute_url()}/@coverage"
    assert (gap["failed"], gap["missing_count"]) == (1, 3)
    refused = gap["missing"][0]
    assert (refused["unit"], refused["channel"]) == ("19777", "radio")
    assert refused["failure"]["message"] == "Tệp âm thanh hỏng"
    assert refused["failure"]["device"] == "tram-19777"
    assert gap["missing"][1]["failure"] is None
    # Only some indicators.
    some = json_session(tree_user("46", "admins")).get(
        _url(portal, "46", "@statistics"),
        params={"indicators": "radio_hours,emergencies"},
    )
    assert [each["name"] for each in some.json()["indicators"]] == [
        "radio_hours",
        "emergencies",
    ]


def test_an_items_coverage_over_rest(site):
    portal, item, ordinary = site
    session = json_session(tree_user("46", "editors"))
    found = session.get(f"{item.absolute_url()}/@coverage").json()
    assert found["delivered"] is False
    assert found["percent"] == 25.0
    # No board in either commune: the board pairs cannot arrive (boards' reasons).
    assert found["counts"] == {"delivered": 1, "pending": 0, "failed": 3}
    by_pair = {(p["unit"], p["channel"]): p for p in found["pairs"]}
    aired = by_pair[("19786", "radio")]
    assert aired["status"] == "delivered"
    assert aired["proof"]["device"] == "tram-19786"
    assert by_pair[("19777", "radio")]["reason"] == "Tệp âm thanh hỏng"
    none = json_session(tree_user("19786", "editors")).get(
        f"{ordinary.absolute_url()}/@coverage"
    )
    assert none.status_code == 404
    assert "không phải tin thiết yếu" in none.json()["message"]


def content_of(answer):
    """The page's own part, without Plone's surroundings (the tree site's are English)."""
    return lxml.html.tostring(
        lxml.html.fromstring(answer.content).get_element_by_id("content")
    )


def test_the_pages_and_their_csv(site):
    portal, item, _ordinary = site
    page = _url(portal, "46", "@@thong-ke")
    anonymous = requests.get(page, allow_redirects=False)
    assert anonymous.status_code in (302, 401)
    assert "Độ phủ" not in anonymous.text
    sibling = requests.get(
        _url(portal, "46", "19786", "@@thong-ke"),
        auth=(tree_user("19777", "admins"), "tree-password-1"),
        allow_redirects=False,
    )
    assert sibling.status_code in (302, 401, 403)
    auth = (tree_user("46", "admins"), "tree-password-1")
    # The units' action leads there, for those who may read the page only.
    assert page in requests.get(_url(portal, "46"), auth=auth).text
    commune = (tree_user("19786", "admins"), "tree-password-1")
    assert page not in requests.get(_url(portal, "46"), auth=commune).text
    answer = requests.get(page, auth=auth)
    html = answer.text
    assert "Thống kê: Thành phố Huế" in html
    written = frozenset(
        ("Bão số 9 đổ bộ", "Lịch tiếp dân", "Tệp âm thanh hỏng", "tram-19786")
    )
    assert english_strings(content_of(answer), written) == []
    assert 'role="img"' in html and "Xem số liệu" in html
    assert "Bão số 9 đổ bộ" in html
    assert f"{item.absolute_url()}/@@do-phu" in html
    assert _url(portal, "46", "19777", "@@thong-ke?period=month") in html
    wrong = requests.get(page, params={"start": "31/02/2026"}, auth=auth)
    assert wrong.status_code == 200 and "không đọc được" in wrong.text
    csv = requests.get(page, params={"bang": "don-vi"}, auth=auth)
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert csv.content.startswith(b"\xef\xbb\xbf")
    rows = read_csv(csv.content)
    assert rows[0][0] == "Đơn vị"
    assert [row[0] for row in rows[1:]] == ["Phường Vỹ Dạ", "Phường Thuận Hóa"]
    assert rows[2][1] == "0.5"  # a percentage as its ratio
    assert requests.get(page, params={"bang": "khong"}, auth=auth).status_code == 404
    for table in ("chi-so", "theo-thang", "lo-hong"):
        answer = requests.get(page, params={"bang": table}, auth=auth)
        assert answer.status_code == 200 and len(read_csv(answer.content)) >= 2
    cover = requests.get(f"{item.absolute_url()}/@@do-phu", auth=auth)
    assert "Tệp âm thanh hỏng" in cover.text and "tram-19786" in cover.text
    assert english_strings(content_of(cover), written) == []
    view = requests.get(item.absolute_url(), auth=auth).text
    assert "Xem độ phủ chi tiết" in view
    cover_csv = requests.get(
        f"{item.absolute_url()}/@@do-phu", params={"bang": "do-phu"}, auth=auth
    )
    assert len(read_csv(cover_csv.content)) == 5  # the header and four pairs
    commune_view = requests.get(
        item.absolute_url(), auth=(tree_user("19786", "editors"), "tree-password-1")
    ).text
    assert "Xem độ phủ chi tiết" not in commune_view


def test_the_worst_gaps_first_and_all_of_them_on_request(tree):
    portal = tree["portal"]
    deliveries(portal)
    _publish("46", title="Lịch cắt điện", category="health", channels={"radio"})
    area_gaps = gather(portal, find_unit("46"), _this_month(), gaps_limit=1).gaps
    assert area_gaps.total == 2
    [worst] = area_gaps.worst
    assert worst.facts["title"] == "Bão số 9 đổ bộ"  # the emergency first
    everything = gather(portal, find_unit("46"), _this_month(), gaps_limit=None).gaps
    assert [gap.facts["title"] for gap in everything.worst] == [
        "Bão số 9 đổ bộ",
        "Lịch cắt điện",
    ]
