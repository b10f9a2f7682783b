"""The anonymous fuzz run: over a thousand hostile requests (``hostile.py``) at a running site
on a real Solr that holds a secret draft, a pending item and an expired item, each with its own
secret word in its title, summary and text. No answer may contain a secret word, none may be a
server error, and no request may make the site believe Solr is down.

The run is bounded: a fixed number of requests, and a deadline after which no more are sent.
The deadline only stops sending; it never decides whether the run passes."""

from DateTime import DateTime
from nguon.search.health import HEALTH
from nguon.testing import tree_user
from plone import api
from plone.app.textfield.value import RichTextValue
from tests.search.helpers import create
from tests.search.helpers import deliver
from tests.search.helpers import transition
from tests.search.helpers import use_node
from tests.security.hostile import feed_endpoints
from tests.security.hostile import Fuzzer
from tests.security.hostile import search_endpoints

import pytest
import requests
import time
import urllib.parse


REQUESTS = 1200
DEADLINE_SECONDS = 100
NO_ANSWER_SECONDS = 120
EDITOR = tree_user("19786", "editors")
APPROVER = tree_user("19786", "approvers")
# One word per secret item, found nowhere else and never sent in a request.
SECRETS = {
    "draft": "xkdraftsecretword",
    "pending": "xkpendingsecretword",
    "expired": "xkexpiredsecretword",
}
PUBLIC_WORDS = [
    "thông báo",
    "lịch tiêm chủng",
    "tiêm chủng",
    "ngựa vằn",
    "bí mật",
    "cắt điện",
    "thong bao",
    "tiem",
    "dự thảo",
    "chờ duyệt",
    "hết hạn",
]


def _fields(title, secret):
    return {
        "title": f"{title} {secret}",
        "description": f"Tóm tắt {secret} bí mật.",
        "text": RichTextValue(
            f"<p>Nội dung {secret} bí mật, ngựa vằn.</p>",
            "text/html",
            "text/x-html-safe",
        ),
    }


@pytest.fixture
def site(tree_solr):
    use_node(tree_solr["solr"])
    portal = tree_solr["portal"]
    commune = portal["vn"]["46"]["19786"]
    public = create(
        commune,
        "Bulletin",
        EDITOR,
        title="Thông báo lịch tiêm chủng ngựa vằn",
        description="Thông báo công khai: tiêm chủng, cắt điện.",
        text=RichTextValue(
            "<p>Lịch tiêm chủng công khai.</p>", "text/html", "text/x-html-safe"
        ),
    )
    transition(EDITOR, "submit", public)
    transition(APPROVER, "publish", public)
    create(commune, "Bulletin", EDITOR, **_fields("Bí mật dự thảo", SECRETS["draft"]))
    pending = create(
        commune, "Bulletin", EDITOR, **_fields("Bí mật chờ duyệt", SECRETS["pending"])
    )
    transition(EDITOR, "submit", pending)
    expired = create(
        commune,
        "Bulletin",
        EDITOR,
        expiration_date=DateTime() - 1,
        **_fields("Bí mật hết hạn", SECRETS["expired"]),
    )
    transition(EDITOR, "submit", expired)
    transition(APPROVER, "publish", expired)
    deliver(portal)
    HEALTH.up()
    yield portal, public
    HEALTH.up()


def _endpoints(portal):
    indexes = api.portal.get_tool("portal_catalog").indexes()
    units = [portal["vn"], portal["vn"]["46"], portal["vn"]["46"]["19786"]]
    return search_endpoints(portal.absolute_url(), indexes) + feed_endpoints(
        [unit.absolute_url() for unit in units]
    )


def _problem(answer):
    """Why ``answer`` breaks a promise, or None."""
    if answer.status_code >= 500:
        return f"HTTP {answer.status_code}: {answer.text[:200]!r}"
    body = answer.content.decode("utf-8", "replace").lower()
    leaked = [name for name, word in SECRETS.items() if word in body]
    return f"the {', '.join(leaked)} item's text is in the answer" if leaked else None


def _send(session, url, params, headers):
    try:
        return session.get(
            url,
            params=params,
            headers=headers,
            timeout=NO_ANSWER_SECONDS,
            allow_redirects=False,
        )
    except requests.Timeout:
        return None


def test_hostile_anonymous_requests_reveal_no_secret_and_break_nothing(site):
    portal, public = site
    fuzzer = Fuzzer(_endpoints(portal), PUBLIC_WORDS)
    drawn = fuzzer.requests(REQUESTS)
    assert not any(
        word in repr(params)
        for _name, _url, params, _headers in drawn
        for word in SECRETS.values()
    )
    session = requests.Session()
    problems, sent, statuses = [], 0, {}
    deadline = time.monotonic() + DEADLINE_SECONDS
    for name, url, params, headers in drawn:
        if time.monotonic() > deadline:
            break
        answer = _send(session, url, params, headers)
        sent += 1
        problem = (
            f"no answer within {NO_ANSWER_SECONDS} s"
            if answer is None
            else _problem(answer)
        )
        if answer is not None:
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
        if problem:
            problems.append(
                f"{name} {url}?{urllib.parse.urlencode(params)[:300]}: {problem}"
            )
    print(
        f"fuzz: {sent} of {REQUESTS} requests sent, answers by status: {sorted(statuses.items())}"
    )
    assert not problems, (
        f"{len(problems)} of {sent} answers break a promise:\n"
        + "\n".join(problems[:30])
    )
    assert not HEALTH.is_down, f"a request marked Solr down: {HEALTH.reason}"
    found = session.get(
        f"{portal.absolute_url()}/@faceted-search",
        params={"q": "ngựa vằn"},
        headers={"Accept": "application/json"},
        timeout=NO_ANSWER_SECONDS,
    ).json()
    assert [item["UID"] for item in found["items"]] == [public.UID()]
