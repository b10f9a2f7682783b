"""The English-string crawl: on the demo site, each demo role (an anonymous citizen, a commune's
editor, approver and unit admin) reaches every page and form it can from the home page, its
unit's page, the add forms, an item's edit form and the approval queue, and no UI string on
them is English (tests/browser/english.py says what a UI string is and when it is English).
A failure lists each English string with the roles and addresses where it was found; the same
list and the pages each role read are kept in tests/artifacts/english-crawl.txt.

The crawl reads the HTML the server sends (what scripts add later, the browser tests see);
it follows links of the site only, at most ``MAX_PAGES`` pages a role, the add and edit forms,
views (@@…) and control panels first, and never an address that acts (logout, a workflow
transition, anything carrying the CSRF token), downloads, images or feeds."""

from collections import defaultdict
from nguon.demo.users import DEFAULT_PASSWORD
from nguon.demo.users import DEMO_USERS
from nguon.units.tree import find_unit
from plone import api
from tests.browser.chromium import ARTIFACTS
from tests.browser.english import english_strings
from urllib.parse import urldefrag
from urllib.parse import urljoin
from urllib.parse import urlsplit

import requests


MAX_PAGES = 80  # per role
UNIT = "19786"  # Phường Thuận Hóa, whose demo editor, approver and admin log in
ROLES = {
    "citizen": None,
    **{kind: user for user, _name, code, kind in DEMO_USERS if code == UNIT},
}
SKIP = (
    "logout",
    "_authenticator",
    "content_status_modify",
    "workflow_action",
    "@@download",
    "@@images",
    "@@display-file",
    "/view/++widget++",
    "++resource++",
    "++plone++",
    "++theme++",
    "++api++",
    "@@rss",
    "@@atom",
    "rss.xml",
    "atom.xml",
    "feed",
    "ical_view",
    "ics_view",
    "vcs_view",
    "object_cut",
    "object_copy",
    "object_paste",
    "object_delete",
    "@@multilingual",
    "mail_password",
    "@@search?",
)
BINARY = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".svg",
    ".ico",
    ".pdf",
    ".docx",
    ".mp3",
    ".ogg",
)
FIRST = ("++add++", "/edit", "@@approval-queue", "controlpanel", "@@", "/@@")


def _content_strings(portal):
    """What people wrote: item and unit titles, descriptions and ids, users' names and ids."""
    strings = set()
    for brain in api.content.find(context=portal, unrestricted=True):
        for value in (brain.Title, brain.Description, brain.getId):
            value = " ".join((value or "").split())
            if value:
                strings.add(value)
    for user in api.user.get_users():
        strings.add(user.getId())
        fullname = user.getProperty("fullname")
        if fullname:
            strings.add(fullname)
    return frozenset(strings)


def _follow(url, site):
    url = urldefrag(url)[0]
    if not url.startswith(site):
        return None
    if any(part in url for part in SKIP):
        return None
    path = urlsplit(url).path.lower()
    if path.endswith(BINARY):
        return None
    return url.split("?")[0]


def _rank(url):
    for rank, part in enumerate(FIRST):
        if part in url:
            return rank
    return len(FIRST)


def crawl(site, seeds, auth, content, limit=MAX_PAGES):
    """{english string: [urls]} on the pages reached from ``seeds``, and the pages read."""
    from lxml import html

    session = requests.Session()
    session.headers["Accept-Language"] = "vi"
    if auth:
        session.auth = auth
    found = defaultdict(list)
    queue = list(seeds)
    seen = set(queue)
    read = []
    while queue and len(read) < limit:
        queue.sort(key=_rank)
        url = queue.pop(0)
        response = session.get(url, allow_redirects=True, timeout=60)
        kind = response.headers.get("Content-Type", "")
        if response.status_code != 200 or not kind.startswith("text/html"):
            continue
        if not response.url.startswith(site):
            continue
        read.append(url)
        for text in english_strings(response.content, content):
            found[text].append(url)
        tree = html.fromstring(response.content)
        for element in tree.iter("a"):
            target = element.get("href")
            if not target:
                continue
            target = _follow(urljoin(response.url, target), site)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return found, read


def test_no_english_ui_string_for_any_demo_role(demo_functional):
    portal = demo_functional["portal"]
    site = portal.absolute_url()
    unit = find_unit(UNIT).absolute_url()
    item = next(
        brain.getURL()
        for brain in api.content.find(
            context=find_unit(UNIT), portal_type="Bulletin", unrestricted=True
        )
    )
    content = _content_strings(portal)
    where = defaultdict(dict)  # English string -> {role: [urls]}
    pages = {}
    for role, user in ROLES.items():
        seeds = [f"{site}", unit, f"{site}/@@tra-cuu"]
        if user:
            seeds += [
                f"{unit}/++add++Bulletin",
                f"{item}/edit",
                f"{unit}/@@approval-queue",
                f"{site}/@@overview-controlpanel",
                f"{site}/@@personal-information",
            ]
        auth = (user, DEFAULT_PASSWORD) if user else None
        found, read = crawl(site, seeds, auth, content)
        assert len(read) >= 3, f"{role}: the crawl read only {read}"
        pages[role] = read
        for text, urls in found.items():
            where[text][role] = urls
    report = []
    for text, roles in sorted(where.items()):
        urls = sorted(
            {url.removeprefix(site) or "/" for u in roles.values() for url in u}
        )
        more = f" (+{len(urls) - 3} more)" if len(urls) > 3 else ""
        report.append(f"{text!r} ({', '.join(roles)}) at {', '.join(urls[:3])}{more}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "english-crawl.txt").write_text(
        "\n".join(
            [f"{len(report)} English UI strings", *report, ""]
            + [
                f"{role}: {len(read)} pages\n  " + "\n  ".join(read)
                for role, read in pages.items()
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    assert not report, f"{len(report)} English UI strings:\n" + "\n".join(report)
