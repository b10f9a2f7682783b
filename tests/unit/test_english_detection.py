"""How the English-string crawl (tests/browser/test_english_crawl.py) reads a page and decides
a UI string is English (tests/browser/english.py)."""

from tests.browser.english import english_strings
from tests.browser.english import is_english
from tests.browser.english import ui_strings

import pytest


@pytest.mark.parametrize(
    "text",
    [
        "Add Tin, thông báo",
        "Summary",
        "Used in item listings and search results.",
        "Lead Image",
        "Change Note",
        "Settings",
        "Save",
        "Cancel",
        "Log in",
        "Sharing",
        "Toggle navigation",
        "Hiri Motu",  # no Vietnamese letter, two words
    ],
)
def test_english(text):
    assert is_english(text)


@pytest.mark.parametrize(
    "text",
    [
        "Bản tin",
        "Tin, thông báo",
        "Lưu",
        "Địa chỉ URL trang chủ của bạn (nếu có)",
        "Plone",
        "RSS",
        "Solr",
        "Atom",
        "JSON",
        "Email",
        "http://localhost:8080/Plone/vn",
        "hue.bientap@nguon.invalid",
        "text/html",
        "30/11/2026",
        "19786",
        "Loại tệp được phép: image/*.",
    ],
)
def test_not_english(text):
    assert not is_english(text)


PAGE = """<html lang="vi"><head><title>Phường Thuận Hóa — Plone site</title>
<script>var label = "Save";</script><style>.x{}</style></head>
<body>
<h1 class="documentFirstHeading">Weather warning</h1>
<div class="documentDescription">Heavy rain expected</div>
<div id="parent-fieldname-text"><p>Flood news from the commune</p></div>
<label for="a">Tóm tắt</label><span class="formHelp">Used in item listings</span>
<input type="text" name="t" value="Typed by an editor" placeholder="Search Site">
<input type="submit" value="Save"><button aria-label="Đóng">×</button>
<a href="/x" title="Edit">Sửa</a><textarea>Written text here</textarea>
<select name="form.widgets.language"><option>Bahasa Indonesia</option></select>
</body></html>"""


def test_ui_strings_leave_out_what_people_wrote():
    strings = ui_strings(PAGE, content=frozenset({"Weather warning"}))
    assert "Phường Thuận Hóa" in strings
    assert "Plone site" in strings
    assert "Tóm tắt" in strings and "Đóng" in strings and "Sửa" in strings
    for written in (
        "Weather warning",
        "Heavy rain expected",
        "Flood news from the commune",
        "Typed by an editor",
        "Written text here",
        "Bahasa Indonesia",
    ):
        assert written not in strings
    assert 'var label = "Save";' not in strings


def test_english_strings_of_a_page():
    assert english_strings(PAGE, content=frozenset({"Weather warning"})) == [
        "Plone site",
        "Used in item listings",
        "Search Site",
        "Save",
        "Edit",
    ]
