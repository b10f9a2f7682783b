"""POST /@cap-ingest (anyone may push: the signature is the credential) and GET
/@cap-ingest (the refusals, for the site's managers), over HTTP on the tree site."""

from nguon.alerts.ingest import limits
from nguon.alerts.ingest import sources
from nguon.cap.xml import MAX_SIZE
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from tests.alerts.ingest_support import current
from tests.alerts.ingest_support import SigningSources
from tests.fixtures import cap as corpus
from tests.rest import json_session

import pytest
import requests


# As every plone.restapi call: the answer asked for is JSON.
CAP = {"Content-Type": "application/cap+xml", "Accept": "application/json"}


@pytest.fixture(scope="module")
def signing(tmp_path_factory):
    return SigningSources(tmp_path_factory.mktemp("sources"))


@pytest.fixture
def site(tree_functional, signing, monkeypatch):
    monkeypatch.setattr(sources, "active", lambda: signing.sources)
    monkeypatch.setattr(limits, "PUSHES", limits.RateLimit())
    return tree_functional["portal"].absolute_url()


def storm():
    (data,) = current([corpus.HERE / "valid" / "vn-nchmf-storm-alert.xml"]).values()
    return data


def push(site, body, headers=CAP):
    return requests.post(f"{site}/@cap-ingest", data=body, headers=headers)


def test_a_signed_message_pushed_by_anyone_makes_drafts(site, signing):
    answer = push(site, signing.sign(storm()))
    assert answer.status_code == 201, answer.text
    found = answer.json()
    assert found["source"] == "Trung tâm Dự báo Khí tượng Thủy văn quốc gia"
    assert [(a["unit"], a["review_state"]) for a in found["alerts"]] == [
        ("46", "pending"),
        ("44", "pending"),
    ]
    assert found["message"].startswith("canhbao@nchmf.gov.vn,")


def test_refusals_answer_400_in_the_error_shape_and_managers_read_them(site):
    answer = push(site, storm())
    assert answer.status_code == 400
    body = answer.json()
    assert body["type"] == "BadRequest" and body["code"] == "unsigned"
    assert "chữ ký số" in body["message"]
    assert body["error"]["code"] == "unsigned"
    manager = json_session(SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    listed = manager.get(f"{site}/@cap-ingest").json()
    assert listed["refusals"][0]["code"] == "unsigned"
    assert listed["refusals"][0]["via"] == "push"
    assert json_session().get(f"{site}/@cap-ingest").status_code == 401


def test_wrong_type_too_large_and_too_many_are_refused(site, signing, monkeypatch):
    wrong = push(site, storm(), {**CAP, "Content-Type": "text/plain"})
    assert (wrong.status_code, wrong.json()["code"]) == (400, "content-type")
    large = push(site, b" " * (MAX_SIZE + 1))
    assert (large.status_code, large.json()["code"]) == (413, "too-large")
    monkeypatch.setattr(limits, "PUSHES", limits.RateLimit(per_window=2))
    assert push(site, storm()).status_code == 400
    assert push(site, storm()).status_code == 400
    third = push(site, signing.sign(storm()))
    assert third.status_code == 429 and third.headers["Retry-After"] == "60"
