"""What a citizen sees of feedback, over HTTP as an anonymous visitor, on the small tree
(Huế 46 > Thuận Hóa 19786, Vỹ Dạ 19777): the attacks first (the contact and the original
text are in no page, a report the public may not read is not found, a wrong code reveals
nothing, a withdrawn report leaves the list, refused photos, challenges and cross-site posts
keep what was typed), then filing with a phone's photo and following the report: withdraw,
reopen once, rate. Challenges are real, solved as the widget would (altcha_solver)."""

from nguon.feedback import lifecycle
from nguon.feedback.events import IReportChanged
from nguon.feedback.policy import load_policy
from nguon.feedback.public import same_origin
from nguon.feedback.store import feedback_store
from nguon.feedback.throttle import THROTTLE
from nguon.testing import tree_user
from plone import api
from tests.feedback.altcha_solver import solve
from tests.feedback.photos import corrupt_jpeg
from tests.feedback.photos import has_gps
from tests.feedback.photos import jpeg_with_gps
from tests.feedback.photos import oversize_jpeg
from urllib.parse import urlsplit
from zope.component import getGlobalSiteManager
from zope.component import provideHandler

import base64
import json
import pytest
import re
import requests
import transaction
import uuid


TEXT = "Cột đèn trước số 12 Lê Lợi bị nghiêng sắp đổ; gọi tôi 0912 345 678 để chỉ chỗ."
PHONE = "0912 345 678"


def _public():
    return next(
        c
        for c in load_policy().categories
        if c.public and c.level == "commune" and not c.offered_in
    )


def _private():
    return next(c for c in load_policy().categories if not c.public)


@pytest.fixture
def site(tree_functional):
    portal = tree_functional["portal"]
    url = portal.absolute_url()
    parts = urlsplit(url)
    return type(
        "Site",
        (),
        {
            "portal": portal,
            "url": url,
            "commune": f"{url}/vn/46/19786",
            "origin": f"{parts.scheme}://{parts.netloc}",
        },
    )


def challenge(site):
    response = requests.get(
        f"{site.url}/@feedback-challenge",
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text[:300]
    return solve(response.json())


def post_report(site, photos=(), altcha=None, origin=None, where=None, **fields):
    data = {
        "category": _public().code,
        "text": TEXT,
        "address": "Số 12 Lê Lợi",
        "contact": f"dan-{uuid.uuid4().hex[:8]}@example.org",
        **fields,
    }
    data["altcha"] = challenge(site) if altcha is None else altcha
    files = [("photos:list", (name, body, "image/jpeg")) for name, body in photos]
    response = requests.post(
        f"{where or site.commune}/gui-phan-anh",
        data=data,
        files=files or None,
        headers={"Origin": origin or site.origin},
        timeout=120,
    )
    transaction.begin()  # see what the server committed
    return response


def filed(site, category=None, contact=None):
    """A report filed straight through the lifecycle (the form is tested on its own)."""
    report, code = lifecycle.file_report(
        (category or _public()).code, "19786", TEXT, contact=contact
    )
    transaction.commit()
    return report, code


def follow(site, code, **data):
    if data:
        response = requests.post(
            f"{site.url}/theo-doi-phan-anh",
            data={"ma": code, **data},
            headers={"Origin": site.origin},
            allow_redirects=False,
            timeout=60,
        )
    else:
        response = requests.get(
            f"{site.url}/theo-doi-phan-anh", params={"ma": code}, timeout=60
        )
    transaction.begin()
    return response


def refused(response, status, message):
    """The form answered again with ``status``, ``message`` and the text as typed."""
    assert response.status_code == status
    assert message in response.text
    assert textarea(response.text, "text") == TEXT
    return response.text


def textarea(html, name):
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    return found.group(1) if found else None


# -- attacks ---------------------------------------------------------------------------------


def test_anonymous_never_reads_the_contact_nor_the_original_text(site):
    contact = "an.nguyen@example.org"
    response = post_report(site, contact=contact)
    assert response.status_code == 200, response.text[:500]
    report_id = re.search(r'nguon-feedback-id">(\d+)<', response.text).group(1)
    code = re.search(r"theo-doi-phan-anh\?ma=([\w-]+)", response.text).group(1)
    pages = [
        response.text,
        requests.get(f"{site.url}/phan-anh", timeout=60).text,
        requests.get(f"{site.commune}/phan-anh", timeout=60).text,
        requests.get(f"{site.url}/phan-anh/{report_id}", timeout=60).text,
        follow(site, code).text,
    ]
    for html in pages:
        assert report_id in html
        assert PHONE not in html and "0912345678" not in html
        assert contact not in html
    for html in pages[1:]:
        assert "[số điện thoại đã ẩn]" in html
    assert response.headers["Cache-Control"] == "private, no-store"
    # The code's page never names it to another site, and its own POSTs keep their Origin.
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_a_report_the_public_may_not_read_is_not_found(site):
    report, code = filed(site, _private())
    for path in (f"phan-anh/{report.id}", f"phan-anh/{report.id}/anh/1"):
        assert requests.get(f"{site.url}/{path}", timeout=60).status_code == 404
    assert report.id not in requests.get(f"{site.url}/phan-anh", timeout=60).text
    # Its author still follows it, without a public link.
    own = follow(site, code)
    assert own.status_code == 200 and report.id in own.text
    assert "không được công khai" in own.text
    # A report of one commune is not found under another.
    public, _code = filed(site)
    other = requests.get(f"{site.url}/vn/46/19777/phan-anh/{public.id}", timeout=60)
    assert other.status_code == 404


def test_a_wrong_code_reveals_nothing(site):
    report, code = filed(site)
    wrong = follow(site, code[:-2] + ("aa" if not code.endswith("aa") else "bb"))
    unknown = follow(site, "khong-co-ma-nay")
    assert wrong.status_code == unknown.status_code == 404
    message = "Không tìm thấy phản ánh với mã này."
    assert message in wrong.text and message in unknown.text
    assert report.id not in wrong.text
    # An action with a wrong code does nothing.
    refused = follow(site, "khong-co-ma-nay", action="withdraw", confirm="1")
    assert refused.status_code == 404
    assert report.is_open


def test_the_contact_is_verified_with_the_mailed_code_only(site):
    codes = []

    def handler(event):
        codes.append(event.secrets.get("verification"))

    provideHandler(handler, (IReportChanged,))
    try:
        report, code = filed(site, contact={"kind": "email", "value": "b@example.vn"})
    finally:
        getGlobalSiteManager().unregisterHandler(handler, (IReportChanged,))
    verification = codes[0]
    page = follow(site, code).text
    assert "b@example.vn" not in page and "chưa xác minh" in page
    wrong = "000000" if verification != "000000" else "111111"
    refused = follow(site, code, action="verify", verification=wrong)
    assert refused.status_code == 400
    assert "Mã xác minh không đúng hoặc đã hết hạn." in refused.text
    assert 'id="nguon-feedback-verification-error"' in refused.text
    assert not report.contact["verified"]
    assert (
        follow(site, code, action="verify", verification=verification).status_code
        == 303
    )
    assert report.contact["verified"]
    assert 'name="verification"' not in follow(site, code).text


def test_a_merged_report_links_the_one_it_joined(site):
    first, _code = filed(site)
    second, code = filed(site)
    lifecycle.merge(second, first, tree_user("19786", "editors"))
    transaction.commit()
    page = follow(site, code).text
    assert f'href="{site.url}/phan-anh/{first.id}"' in page
    assert "đã được gộp vào phản ánh số" in page
    merged = requests.get(f"{site.url}/phan-anh/{second.id}", timeout=60)
    assert merged.status_code == 404


def test_a_withdrawn_report_leaves_the_public_pages(site):
    report, code = filed(site)
    assert report.id in requests.get(f"{site.commune}/phan-anh", timeout=60).text
    unconfirmed = follow(site, code, action="withdraw")
    assert unconfirmed.status_code == 400
    assert "Hãy đánh dấu ô xác nhận để rút phản ánh." in unconfirmed.text
    assert report.is_open
    done = follow(site, code, action="withdraw", confirm="1")
    assert done.status_code == 303
    assert report.state == "withdrawn"
    assert report.id not in requests.get(f"{site.commune}/phan-anh", timeout=60).text
    gone = requests.get(f"{site.url}/phan-anh/{report.id}", timeout=60)
    assert gone.status_code == 404
    assert "Người gửi đã rút phản ánh" in follow(site, code).text


@pytest.mark.parametrize(
    "photo, message",
    [
        (corrupt_jpeg(), "Tệp không phải ảnh JPEG, PNG hoặc WEBP hợp lệ."),
        (oversize_jpeg(), "Tệp vượt quá 10 MB."),
    ],
    ids=["corrupt", "oversize"],
)
def test_a_refused_photo_keeps_everything_typed(site, photo, message):
    before = len(feedback_store(site.portal).reports)
    response = post_report(
        site, photos=[("anh-cua-toi.jpg", photo)], contact="0905123456"
    )
    html = refused(response, 400, message)
    assert 'id="nguon-feedback-photos-error"' in html
    assert "hãy chọn lại ảnh" in html
    assert 'value="Số 12 Lê Lợi"' in html and 'value="0905123456"' in html
    assert f'value="{_public().code}" selected="selected"' in html
    assert len(feedback_store(site.portal).reports) == before


def test_a_missing_forged_or_reused_challenge_is_refused(site):
    before = len(feedback_store(site.portal).reports)
    refused(post_report(site, altcha=""), 400, "Chưa có xác minh chống thư rác.")
    payload = json.loads(base64.b64decode(challenge(site)))
    payload["solution"]["derivedKey"] = "00" * 32  # a solution guessed, not found
    forged = post_report(site, altcha=base64.b64encode(json.dumps(payload).encode()))
    refused(forged, 400, "Xác minh chống thư rác không hợp lệ.")
    once = challenge(site)
    assert post_report(site, altcha=once).status_code == 200
    refused(post_report(site, altcha=once), 400, "đã được dùng")
    assert len(feedback_store(site.portal).reports) == before + 1


def test_a_cross_site_post_is_refused(site):
    before = len(feedback_store(site.portal).reports)
    response = post_report(site, origin="https://tan-cong.example")
    refused(response, 403, "chỉ nhận dữ liệu gửi từ chính trang này")
    assert len(feedback_store(site.portal).reports) == before


class Request(dict):
    def __init__(self, headers):
        super().__init__(SERVER_URL="https://nguon.hue.gov.vn")
        self.headers = headers

    def getHeader(self, name):
        return self.headers.get(name)


@pytest.mark.parametrize(
    "headers, same",
    [
        ({"Origin": "https://nguon.hue.gov.vn"}, True),
        ({"Origin": "https://NGUON.hue.gov.vn:443"}, True),
        ({"Referer": "https://nguon.hue.gov.vn/vn/gui-phan-anh?q=hue"}, True),
        ({}, True),  # not a browser: no visitor's cookies to abuse
        ({"Origin": "null"}, False),  # a sandboxed frame, a data: page
        ({"Origin": "http://nguon.hue.gov.vn"}, False),
        ({"Origin": "https://nguon.hue.gov.vn.evil.example"}, False),
        ({"Referer": "https://evil.example/nguon.hue.gov.vn"}, False),
        ({"Origin": "https://nguon.hue.gov.vn:99999"}, False),
    ],
)
def test_same_origin_reads_the_origin_then_the_referer(headers, same):
    assert same_origin(Request(headers)) is same


def test_a_flooding_contact_waits_with_its_text_kept(site):
    contact = f"lu-{uuid.uuid4().hex[:8]}@example.org"
    for _each in range(5):
        THROTTLE.admit(contact)
    response = post_report(site, contact=contact)
    refused(response, 429, "đã gửi quá nhiều phản ánh")
    assert int(response.headers["Retry-After"]) > 0


# -- filing and following ---------------------------------------------------------------------


def test_the_home_and_the_unit_pages_lead_to_the_form_and_the_reports(site):
    for url in (site.url, site.commune):
        html = requests.get(url, timeout=60).text
        assert f'href="{url}/gui-phan-anh"' in html
        assert f'href="{url}/phan-anh"' in html


def test_the_place_is_chosen_among_the_communes_under_the_page(site):
    province = requests.get(f"{site.url}/vn/46/gui-phan-anh", timeout=60).text
    assert 'value="19786"' in province and 'value="19777"' in province
    assert 'value="18880"' not in province  # Đồng Hới is in another province
    found = requests.get(f"{site.url}/gui-phan-anh", params={"q": "vy da"}, timeout=60)
    assert 'value="19777"' in found.text and 'value="19786"' not in found.text
    commune = requests.get(f"{site.commune}/gui-phan-anh", timeout=60).text
    assert 'name="place"' not in commune and "Phường Thuận Hóa" in commune
    # Only the categories offered here, the heritage one in Huế only.
    heritage = next(c for c in load_policy().categories if c.offered_in)
    assert f'value="{heritage.code}"' in commune
    dong_hoi = requests.get(f"{site.url}/vn/44/18880/gui-phan-anh", timeout=60).text
    assert f'value="{heritage.code}"' not in dong_hoi
    for html in (province, commune):
        assert 'src="http' not in html.replace(
            site.origin, ""
        )  # nothing from elsewhere
        assert 'challenge="' + site.url + '/@feedback-challenge"' in html
    filed_at_province = post_report(site, where=f"{site.url}/vn/46", place="19777")
    assert filed_at_province.status_code == 200, filed_at_province.text[:300]
    report_id = re.search(r'nguon-feedback-id">(\d+)<', filed_at_province.text).group(1)
    assert feedback_store(site.portal).get(report_id).place == "19777"
    # A commune of another province is not a choice here.
    elsewhere = post_report(site, where=f"{site.url}/vn/46", place="18880")
    assert elsewhere.status_code == 400
    assert 'id="nguon-feedback-place-error"' in elsewhere.text


def test_the_list_pages_the_newest_first(site):
    for number in range(21):
        lifecycle.file_report(
            _public().code,
            "19777",
            f"Phản ánh thử số {number:02d} về vỉa hè bị lấn chiếm.",
        )
    transaction.commit()
    first = requests.get(f"{site.url}/vn/46/19777/phan-anh", timeout=60).text
    assert first.count('class="nguon-feedback-card"') == 20
    assert first.index("số 20") < first.index("số 19")
    assert "số 00" not in first
    assert f'href="{site.url}/vn/46/19777/phan-anh?b_start=20"' in first
    second = requests.get(
        f"{site.url}/vn/46/19777/phan-anh", params={"b_start": "20"}, timeout=60
    ).text
    assert second.count('class="nguon-feedback-card"') == 1 and "số 00" in second
    assert "b_start=40" not in second
    for hostile in ("-5", "abc", "9" * 30):
        response = requests.get(
            f"{site.url}/phan-anh", params={"b_start": hostile}, timeout=60
        )
        assert response.status_code == 200


def test_a_phone_photo_is_filed_at_the_commune_without_its_place(site):
    photo = jpeg_with_gps()
    assert has_gps(photo)
    response = post_report(
        site, photos=[("IMG_0001.jpg", photo)], lat="16.4637", lon="107.5909"
    )
    assert response.status_code == 200, response.text[:500]
    assert "Hãy lưu lại đường dẫn theo dõi" in response.text
    assert "mã xác minh" in response.text  # an e-mail was given
    report_id = re.search(r'nguon-feedback-id">(\d+)<', response.text).group(1)
    report = feedback_store(site.portal).get(report_id)
    assert report.handler == "19786" and report.point == (16.4637, 107.5909)
    page = requests.get(f"{site.url}/phan-anh/{report_id}", timeout=60).text
    assert "[số điện thoại đã ẩn]" in page and PHONE not in page
    assert "IMG_0001" not in page
    photo_url = f"{site.url}/phan-anh/{report_id}/anh/1"
    assert f'src="{photo_url}"' in page
    served = requests.get(photo_url, timeout=60)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert not has_gps(served.content)
    assert b"Exif" not in served.content[:200]
    assert requests.get(f"{photo_url[:-1]}2", timeout=60).status_code == 404
    assert requests.get(f"{photo_url[:-1]}0", timeout=60).status_code == 404


def answered(report, text):
    """The commune writes the answer and its approver publishes it."""
    editor = tree_user("19786", "editors")
    answer = lifecycle.start_answer(report, editor, text)
    with api.env.adopt_user(username=editor):
        api.content.transition(obj=answer, transition="submit")
    with api.env.adopt_user(username=tree_user("19786", "approvers")):
        api.content.transition(obj=answer, transition="publish")
    transaction.commit()


def test_the_author_reopens_once_and_rates_the_published_answer(site):
    report, code = filed(site)
    editor = tree_user("19786", "editors")
    answered(report, "Phường đã dựng lại cột đèn.\nCảm ơn bà con đã báo.")
    public = requests.get(f"{site.url}/phan-anh/{report.id}", timeout=60).text
    assert "<p>Phường đã dựng lại cột đèn.</p>" in public
    assert "<p>Cảm ơn bà con đã báo.</p>" in public
    assert "Phường Thuận Hóa đã trả lời" in public
    assert tree_user("19786", "approvers") not in public and editor not in public
    without_reason = follow(site, code, action="reopen", reason=" ")
    assert without_reason.status_code == 400
    assert "Hãy cho biết vì sao chưa hài lòng." in without_reason.text
    assert (
        follow(site, code, action="reopen", reason="Cột vẫn nghiêng.").status_code
        == 303
    )
    assert report.state == "received" and report.reopened == 1
    reopened = follow(site, code).text
    assert "Người gửi chưa hài lòng, phản ánh được mở lại" in reopened
    assert "Mở lại phản ánh</button>" not in reopened
    # Answered again: no second reopening, one rating.
    answered(report, "Đã gia cố chân cột.")
    page = follow(site, code).text
    assert "Mở lại phản ánh</button>" not in page
    assert follow(site, code, action="rate", stars="9").status_code == 400
    assert follow(site, code, action="rate", stars="4", comment="Ổn").status_code == 303
    assert report.rating == 4
    rated = follow(site, code).text
    assert "Gửi đánh giá</button>" not in rated and "4/5" in rated
