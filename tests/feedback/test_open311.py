"""Open311 GeoReport v2 at ``<site>/open311/v2/`` over HTTP, call by call against the
specification (wiki.open311.org/GeoReport_v2): the fields of its examples with its names and
types, in JSON and in XML (well-formed, the same values), every error in its shape
(``[{"code", "description"}]``, ``<errors><error>``) with the HTTP status it names; filing
needs an application's key; a report the public may not read (a category that is never
published, hidden, withdrawn) is never listed nor returned, and the citizen's contact is in
no answer."""

from argparse import Namespace
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from lxml import etree
from lxml import html
from nguon.feedback import apikeys
from nguon.feedback import cli
from nguon.feedback import lifecycle
from nguon.feedback.policy import load_policy
from nguon.feedback.throttle import Limits
from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from tests.feedback.photos import has_gps
from tests.feedback.photos import jpeg_with_gps

import pytest
import requests
import transaction
import uuid


SPEC_REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)
SERVICE_FIELDS = (
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
)
TEXT = "Ổ gà lớn trước số 12 đường Lê Lợi, xe máy ngã hai lần; gọi tôi 0912 345 678."


def _public(level="commune"):
    return next(
        c
        for c in load_policy().categories
        if c.public and c.level == level and not c.offered_in
    )


def _private():
    return next(c for c in load_policy().categories if not c.public)


@pytest.fixture
def site(tree_functional):
    portal = tree_functional["portal"]
    _client, secret = apikeys.issue(portal, "Ứng dụng thử")
    transaction.commit()
    return Namespace(
        portal=portal,
        url=f"{portal.absolute_url()}/open311/v2",
        key=secret,
    )


def _file(category=None, place="19786", text=TEXT, **extra):
    report, _code = lifecycle.file_report(
        (category or _public()).code, place, text, **extra
    )
    transaction.commit()
    return report


def get(site, path, **params):
    return requests.get(f"{site.url}/{path}", params=params, timeout=60)


def post(site, fmt="json", files=None, **fields):
    return requests.post(
        f"{site.url}/requests.{fmt}", data=fields, files=files, timeout=60
    )


def assert_error(answer, status):
    """The spec's error shape: the HTTP status, a list of code and description."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert isinstance(body, list) and len(body) == 1
    assert body[0]["code"] == status
    assert isinstance(body[0]["description"], str) and body[0]["description"]
    return body[0]["description"]


def xml(answer, root):
    assert answer.headers["Content-Type"].startswith("text/xml")
    assert answer.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    tree = etree.fromstring(answer.content)
    assert tree.tag == root
    return tree


def w3(text):
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, text
    return moment


# -- errors first ------------------------------------------------------------------------------


def test_filing_without_a_key_or_with_a_wrong_or_revoked_one_is_refused_403(site):
    fields = dict(service_code=_public().code, address_id="19786", description=TEXT)
    assert "api_key" in assert_error(post(site, **fields), 403)
    assert_error(post(site, api_key="not-a-key", **fields), 403)
    client, secret = apikeys.issue(site.portal, "Ứng dụng cũ")
    apikeys.revoke(site.portal, client.key_id)
    transaction.commit()
    assert_error(post(site, api_key=secret, **fields), 403)
    # The XML form of the same error.
    tree = xml(post(site, fmt="xml", **fields), "errors")
    assert tree.findtext("error/code") == "403"
    assert tree.findtext("error/description")


def test_every_filing_error_in_the_shape_and_status_of_the_spec(site):
    base = dict(api_key=site.key, address_id="19786", description=TEXT)
    assert "service_code" in assert_error(post(site, **base), 400)
    assert "nope" in assert_error(post(site, service_code="nope", **base), 404)
    no_place = {k: v for k, v in base.items() if k != "address_id"}
    code = _public().code
    assert "address_id" in assert_error(post(site, service_code=code, **no_place), 400)
    assert_error(
        post(site, service_code=code, lat="16.46", long="107.59", **no_place), 400
    )
    assert_error(post(site, service_code=code, **{**base, "address_id": "999"}), 400)
    assert_error(post(site, service_code=code, lat="16.46", **base), 400)
    assert_error(
        post(site, service_code=code, jurisdiction_id="other.example", **base), 404
    )
    # A photo over the limit, or not a photo, is refused with the reason.
    huge = b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024)
    big = post(site, service_code=code, files={"media": ("a.jpg", huge)}, **base)
    assert "10 MB" in assert_error(big, 400)
    text = post(site, service_code=code, files={"media": ("a.jpg", b"hello")}, **base)
    assert_error(text, 400)
    # The lifecycle's refusals (a text too short) are 400 with its message.
    assert_error(post(site, service_code=code, **{**base, "description": "ngắn"}), 400)


def test_reading_errors_in_the_shape_and_status_of_the_spec(site):
    assert "nope" in assert_error(get(site, "services/nope.json"), 404)
    assert_error(get(site, "requests/123456789.json"), 404)
    assert_error(get(site, "requests.json", start_date="yesterday"), 400)
    # A time without its zone is not a W3C datetime the spec accepts.
    assert_error(get(site, "requests.json", start_date="2026-11-01T00:00:00"), 400)
    assert_error(
        get(
            site,
            "requests.json",
            start_date="2026-01-01T00:00:00Z",
            end_date="2026-06-01T00:00:00Z",
        ),
        400,
    )  # more than 90 days
    assert_error(get(site, "requests.json", status="pending"), 400)
    assert_error(get(site, "requests.json", service_code="nope"), 400)
    assert_error(get(site, "requests.json", page_size="5000"), 400)
    assert_error(get(site, "requests.json", page="0"), 400)
    assert_error(get(site, "services.json", jurisdiction_id="other.example"), 404)
    assert_error(get(site, "tokens/123.json"), 404)
    assert_error(get(site, "services"), 404)  # no format
    answer = requests.get(site.url.replace("/v2", "/v3") + "/services.json", timeout=60)
    assert_error(answer, 404)
    tree = xml(get(site, "requests/123456789.xml"), "errors")
    assert tree.findtext("error/code") == "404"


def test_a_key_over_its_limit_is_slowed_with_retry_after(site, monkeypatch):
    monkeypatch.setattr(apikeys, "LIMITS", Limits(((3600.0, 1),), apikeys.KeyThrottled))
    fields = dict(
        api_key=site.key,
        service_code=_public().code,
        address_id="19786",
        description=TEXT,
    )
    created = post(site, fmt="xml", **fields)  # the spec's XML answer to a POST
    assert created.status_code == 201, created.text
    request = xml(created, "service_requests").find("request")
    assert [child.tag for child in request] == [
        "service_request_id",
        "service_notice",
        "account_id",
    ]
    assert request.findtext("service_request_id").isdigit()
    assert request.find("account_id").text is None
    answer = post(site, **fields)
    assert_error(answer, 429)
    assert int(answer.headers["Retry-After"]) > 0


# -- what the public may never read ------------------------------------------------------------


def test_a_report_the_public_may_not_read_is_never_listed_nor_returned(site):
    shown = _file(text="Cống thoát nước tắc ở kiệt 5 đường Phan Đình Phùng.")
    never = _file(_private(), text="Cán bộ một cửa hẹn tôi ba lần vẫn chưa trả hồ sơ.")
    hidden = _file(text="Rác thải đổ trộm ở bờ sông cạnh cầu Trường Tiền.")
    withdrawn = _file(text="Đèn tín hiệu giao thông ngã tư Hùng Vương hỏng.")
    lifecycle.hide(hidden, tree_user("19786", "editors"), "Lộ thông tin cá nhân.")
    lifecycle.withdraw(withdrawn)
    transaction.commit()
    private = {never.id, hidden.id, withdrawn.id}
    listed = {r["service_request_id"] for r in get(site, "requests.json").json()}
    assert shown.id in listed and not listed & private
    ids = ",".join([shown.id, *private])
    by_id = get(site, "requests.json", service_request_id=ids).json()
    assert [r["service_request_id"] for r in by_id] == [shown.id]
    for report_id in private:
        assert_error(get(site, f"requests/{report_id}.json"), 404)
    xml_ids = {
        e.text
        for e in xml(get(site, "requests.xml"), "service_requests").iter(
            "service_request_id"
        )
    }
    assert shown.id in xml_ids and not xml_ids & private


# -- the calls ---------------------------------------------------------------------------------


def test_discovery(site):
    body = get(site, "discovery.json").json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == site.url
    assert endpoint["type"] == "production"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    tree = xml(get(site, "discovery.xml"), "discovery")
    assert tree.findtext("endpoints/endpoint/url") == site.url
    assert [f.text for f in tree.findall("endpoints/endpoint/formats/format")] == (
        endpoint["formats"]
    )
    assert tree.findtext("key_service") == body["key_service"]


def test_services_and_their_definitions(site):
    services = get(site, "services.json").json()
    assert [s["service_code"] for s in services] == [
        c.code for c in load_policy().categories
    ]
    for service in services:
        assert tuple(service) == SERVICE_FIELDS
        assert service["metadata"] is False and service["type"] == "realtime"
        assert all(isinstance(service[k], str) for k in ("service_name", "group"))
    tree = xml(get(site, "services.xml"), "services")
    first = tree.find("service")
    assert [child.tag for child in first] == list(SERVICE_FIELDS)
    assert first.findtext("metadata") == "false"
    assert first.findtext("service_name") == services[0]["service_name"]
    # The extension: the services offered at a place.
    offered = get(site, "services.json", address_id="19786").json()
    assert {s["service_code"] for s in offered} <= {s["service_code"] for s in services}
    assert_error(get(site, "services.json", address_id="nowhere"), 400)
    code = services[0]["service_code"]
    definition = get(site, f"services/{code}.json").json()
    assert definition == {"service_code": code, "attributes": []}
    tree = xml(get(site, f"services/{code}.xml"), "service_definition")
    assert tree.findtext("service_code") == code
    assert tree.find("attributes") is not None and len(tree.find("attributes")) == 0


def test_a_client_files_a_report_with_a_photo_and_reads_it_back(site):
    email = f"dan-{uuid.uuid4().hex[:8]}@example.vn"
    answer = post(
        site,
        api_key=site.key,
        jurisdiction_id=site.url.split("/")[2].split(":")[0],
        service_code=_public().code,
        address_id="19786",
        lat="16.4637",
        long="107.5909",
        address_string="12 Lê Lợi, Thuận Hóa",
        email=email,
        first_name="An",
        last_name="Nguyễn",
        description=TEXT,
        media_url="http://198.51.100.1/photo.jpg",
        files={"media": ("IMG_0001.jpg", jpeg_with_gps(), "image/jpeg")},
    )
    assert answer.status_code == 201, answer.text
    (created,) = answer.json()
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    assert created["account_id"] is None and created["service_notice"]
    report_id = created["service_request_id"]
    assert answer.headers["Location"].endswith(f"/requests/{report_id}.json")

    (one,) = get(site, f"requests/{report_id}.json").json()
    assert tuple(one) == SPEC_REQUEST_FIELDS
    assert one["service_request_id"] == report_id
    assert one["status"] == "open"
    assert one["service_code"] == _public().code
    assert one["service_name"] == _public().title
    assert "0912 345 678" not in one["description"]  # scrubbed
    assert one["address_id"] == "19786"
    assert one["agency_responsible"]
    assert (one["lat"], one["long"]) == (16.4637, 107.5909)
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        w3(one[field])
    assert w3(one["expected_datetime"]) > w3(one["requested_datetime"])
    photo = requests.get(one["media_url"], timeout=60)
    assert photo.status_code == 200 and not has_gps(photo.content)
    assert "198.51.100.1" not in str(one)  # media_url is never fetched nor kept

    tree = xml(get(site, f"requests/{report_id}.xml"), "service_requests")
    request = tree.find("request")
    assert [child.tag for child in request] == list(SPEC_REQUEST_FIELDS)
    for field, value in one.items():
        expected = "" if value is None else str(value)
        assert (request.findtext(field) or "") == expected, field

    everything = [
        get(site, "requests.json").text,
        get(site, "requests.xml").text,
        get(site, f"requests/{report_id}.json").text,
        answer.text,
    ]
    for text in everything:
        assert email not in text and "Nguyễn" not in text


def test_filters_dates_and_pages(site):
    first = _file(text="Cây đổ chắn ngang đường Nguyễn Huệ sau cơn bão.")
    second = _file(
        _public("province"), place="46", text="Đề nghị công khai quy hoạch khu đô thị."
    )
    third = _file(text="Nắp cống bị mất ở đường Hà Nội, rất nguy hiểm.")
    everyone = get(site, "requests.json").json()
    ids = [r["service_request_id"] for r in everyone]
    assert ids[:3] == [third.id, second.id, first.id]  # the newest first
    code = _public().code
    only = get(site, "requests.json", service_code=code).json()
    assert {r["service_code"] for r in only} == {code}
    assert second.id not in {r["service_request_id"] for r in only}
    assert get(site, "requests.json", status="closed").json() == []
    assert len(get(site, "requests.json", status="open,closed").json()) == len(everyone)
    # The extension: the reports made in one unit's area.
    in_commune = get(site, "requests.json", address_id="19786").json()
    assert {r["address_id"] for r in in_commune} == {"19786"}
    in_city = {
        r["service_request_id"]
        for r in get(site, "requests.json", address_id="46").json()
    }
    assert {first.id, second.id, third.id} <= in_city
    assert get(site, "requests.json", address_id="44").json() == []
    assert_error(get(site, "requests.json", address_id="nowhere"), 400)
    page = get(site, "requests.json", page_size="1", page="2").json()
    assert [r["service_request_id"] for r in page] == [second.id]
    now = datetime.now(UTC)
    later = (now + timedelta(days=1)).isoformat()
    assert get(site, "requests.json", start_date=later).json() == []
    earlier = (now - timedelta(days=1)).isoformat()
    since = get(site, "requests.json", start_date=earlier).json()
    assert len(since) == len(everyone)
    before = get(site, "requests.json", end_date=earlier.replace("+00:00", "Z")).json()
    assert before == []


def test_keys_are_issued_listed_and_revoked_by_the_command(site, capsys):
    cli.issue(site.portal, Namespace(name="Tổng đài 1022"))
    printed = capsys.readouterr().out.splitlines()
    secret = printed[-1]
    assert apikeys.check(site.portal, secret).name == "Tổng đài 1022"
    key_id = secret.split(".")[0]
    cli.show(site.portal, Namespace())
    assert "Tổng đài 1022" in capsys.readouterr().out
    cli.revoke(site.portal, Namespace(key_id=key_id))
    assert apikeys.check(site.portal, secret) is None
    cli.show(site.portal, Namespace())
    assert "thu hồi" in capsys.readouterr().out


def test_site_administrators_issue_and_revoke_keys_in_the_browser(site):
    page = f"{site.portal.absolute_url()}/@@khoa-open311"
    for auth in (None, (tree_user("46", "admins"), TREE_PASSWORD)):
        answer = requests.get(page, auth=auth, timeout=60, allow_redirects=False)
        assert answer.status_code in (302, 401), auth
    owner = requests.Session()
    owner.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    form = owner.get(page, timeout=60)
    assert form.status_code == 200 and "Ứng dụng thử" in form.text
    token = html.fromstring(form.text).xpath("//input[@name='_authenticator']/@value")[
        0
    ]
    forged = owner.post(page, data={"action": "issue", "name": "Giả mạo"}, timeout=60)
    assert forged.status_code == 403 and "Giả mạo" not in owner.get(page).text
    issued = owner.post(
        page,
        data={"action": "issue", "name": "Tổng đài 1022", "_authenticator": token},
        timeout=60,
    )
    assert issued.headers["Cache-Control"] == "private, no-store"
    secret = html.fromstring(issued.text).xpath("//code[@class='nguon-key-secret']")[0]
    transaction.begin()
    client = apikeys.check(site.portal, secret.text)
    assert client.name == "Tổng đài 1022" and client.issued_by == SITE_OWNER_NAME
    assert secret.text not in owner.get(page, timeout=60).text  # shown once
    owner.post(
        page,
        data={"action": "revoke", "key_id": client.key_id, "_authenticator": token},
        timeout=60,
    )
    transaction.begin()
    assert apikeys.check(site.portal, secret.text) is None
