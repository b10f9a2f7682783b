"""The pure parts of the commune's address of the app (``?xa=``, nguon.webapp.first): the
code asked, the JSON put into a ``<script>`` (no item text can close it), the items drawn
with every text escaped, the warnings in force first by band, the page's markers."""

from datetime import datetime
from datetime import UTC
from nguon.webapp import first

import json
import re


WORDS = {
    "change_place": "Đổi xã, phường",
    "warnings": "Cảnh báo đang có hiệu lực",
    "no_warnings": "Hiện không có cảnh báo nào.",
    "latest": "Tin mới nhất",
    "no_items": "Chưa có tin nào.",
    "emergency": "Khẩn cấp",
    "priority": "Ưu tiên",
    "essential": "Thiết yếu",
    "radio": "Có bản tin phát thanh",
    "expires": "Hiệu lực đến",
    "read_on_site": "Xem trên trang thông tin",
    "severity": {
        "Extreme": "Đặc biệt nguy hiểm",
        "Severe": "Nguy hiểm",
        "Moderate": "Có thể gây hại",
        "Minor": "Ít nguy hiểm",
        "Unknown": "Chưa rõ",
    },
}
NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
ATTACK = "</script><script>alert(1)</script><!--"
UNIT = {
    "code": "19786",
    "title": "Phường Thuận Hóa",
    "parent": "Thành phố Huế",
    "url": "http://x/vn/46/19786",
}
PAGE = (
    "<head><script>/* the head's */</script></head>"
    '<body><main id="main"><!--nguon-first-items--><noscript>x</noscript></main>'
    "<!--nguon-first-data--><script>/* the body's */</script></body>"
)


def item(uid, title, published, **facts):
    return {
        "id": f"urn:uuid:{uid}",
        "url": f"http://x/vn/46/19786/{uid}",
        "title": title,
        "summary": facts.pop("summary", ""),
        "date_published": published,
        "attachments": facts.pop("attachments", []),
        "_nguon": {
            "uid": uid,
            "type": "Bulletin",
            "priority": "normal",
            "unit": {"code": "19786", "title": "Phường Thuận Hóa"},
            "expires": None,
            **facts,
        },
    }


def test_only_a_plain_code_is_looked_up():
    assert first.valid_code("19786") == "19786"
    assert first.valid_code("vn") == "vn"
    for bad in ("", "<script>", "19786'", "a" * 21, ["19786"], None, "19 786"):
        assert first.valid_code(bad) is None


def test_json_in_a_script_cannot_close_it():
    data = {"title": ATTACK, "other": "a & b > c", "line": "\u2028"}
    text = first.script_json(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text
    assert json.loads(text) == data  # the same data once parsed


def test_the_items_are_escaped():
    feed = {
        "items": [
            item(
                "a" * 32,
                ATTACK,
                "2026-11-30T10:00:00+00:00",
                summary='"><img src=x onerror=alert(1)>',
            )
        ]
    }
    unit = {**UNIT, "title": "<b>Phường</b>"}
    html = first.items_html(unit, feed, WORDS, NOW)
    assert "<script>alert" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f'href="#/tin/{"a" * 32}"' in html
    assert html.endswith(first.MARK)


def test_warnings_in_force_first_by_band_then_the_newest():
    feed = {
        "items": [
            item("old", "Tin cũ", "2026-11-01T00:00:00+00:00"),
            item(
                "minor",
                "Gió mạnh",
                "2026-11-30T00:00:00+00:00",
                type="Alert",
                cap={"severity": "Minor", "msg_type": "Alert"},
            ),
            item(
                "extreme",
                "Lũ quét",
                "2026-11-29T00:00:00+00:00",
                type="Alert",
                cap={"severity": "Extreme", "instruction": "Lên chỗ cao."},
            ),
            item(
                "cancelled",
                "Hủy cảnh báo",
                "2026-11-30T01:00:00+00:00",
                type="Alert",
                cap={"severity": "Severe", "msg_type": "Cancel"},
            ),
            item(
                "expired",
                "Đã hết hiệu lực",
                "2026-11-30T02:00:00+00:00",
                priority="emergency",
                expires="2026-11-30T03:00:00+00:00",
            ),
            item(
                "power",
                "Cắt điện",
                "2026-11-30T04:00:00+00:00",
                essential=True,
                attachments=[{"mime_type": "audio/mpeg", "url": "http://x/a.mp3"}],
            ),
        ]
    }
    warnings, rest = first.arrange(feed["items"], NOW)
    assert [i["_nguon"]["uid"] for i in warnings] == ["extreme", "minor"]
    assert [i["_nguon"]["uid"] for i in rest] == [
        "power",
        "expired",
        "cancelled",
        "old",
    ]
    html = first.items_html(UNIT, feed, WORDS, NOW)
    assert html.index("Lũ quét") < html.index("Gió mạnh") < html.index("Cắt điện")
    assert 'class="warning band-Extreme"' in html and "Lên chỗ cao." in html
    power = re.search(r'<li class="item"[^>]*><a href="#/tin/power">.*?</li>', html)[0]
    assert "Thiết yếu" in power and "Có bản tin phát thanh" in power
    assert "11:00 30/11/2026" in power  # 04:00 UTC in Asia/Ho_Chi_Minh


def test_the_page_gets_the_data_and_the_items():
    feed = {"items": []}
    page = first.first_page(PAGE, UNIT, feed, WORDS, NOW)
    data = re.search(
        r'<script type="application/json" id="nguon-first">(.*?)</script>', page
    )[1]
    assert json.loads(data) == {"unit": UNIT, "feed": feed}
    # The items first (they paint while the data still arrives), the data before the
    # script that keeps the unit.
    assert page.index(first.MARK) < page.index('id="nguon-first"')
    assert page.index('id="nguon-first"') < page.index("the body's")
    assert "Hiện không có cảnh báo nào." in page and "Chưa có tin nào." in page
    assert "<!--nguon-first" not in page
    assert (
        first.first_page("<html>an older build</html>", UNIT, feed, WORDS, NOW) is None
    )
