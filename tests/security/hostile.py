"""Hostile requests for the anonymous fuzz run: every parameter name the search stack and the
feeds read, filled with values meant to break parsers, widen queries or crash renderers.

ZPublisher's converters that can fail (``b_start:int=abc``, ``…:date=abc``) are in too: Zope
let their failure escape as a 500 on every URL, before any view runs; nguon makes it a 400
(``nguon.compat.form_values``).

Requests are drawn from a ``random.Random`` with a fixed seed, so a failing request is the same
on every run (its URL is in the failure message)."""

from nguon.search.browser.citizen_search import PARAMETERS as CITIZEN_PARAMETERS

import random


SEED = 20261130
# collective.solr reads these keys of a catalog query as Solr parameters (mangler.py,
# search.py, dispatcher.py); Solr's own names and ZPublisher's converters besides.
SOLR_PARAMETERS = (
    "fq",
    "fl",
    "facet",
    "facet.field",
    "facet_field",
    "facet.limit",
    "facet_limit",
    "facet.query",
    "facet.prefix",
    "facet.sort",
    "facet.offset",
    "hl",
    "hl.fl",
    "hl.q",
    "hl.snippets",
    "bq",
    "bf",
    "boost",
    "d",
    "pt",
    "sfield",
    "core",
    "request_handler",
    "qt",
    "q",
    "defType",
    "rows",
    "start",
    "sort",
    "wt",
    "json.facet",
    "debugQuery",
    "stats",
    "group",
    "spellcheck",
    "mlt",
    "terms",
    "expand",
    "shards",
    "sort-on",
    "sort-order",
    "sort-limit",
    "default",
    "use_solr",
    "solr_complex_search",
    "-review_state",
    "+portal_type",
    "review_state_usage",
    "allowedRolesAndUsers_usage",
)
CATALOG_OPTIONS = (
    "SearchableText",
    "b_start",
    "b_size",
    "sort_on",
    "sort_order",
    "sort_limit",
    "show_inactive",
    "metadata_fields",
    "fullobjects",
    "use_site_search_settings",
    "path.query",
    "path.depth",
    "effective.query",
    "effective.range",
    "created.query",
    "created.range",
    "Subject.operator",
    "portal_type.not",
    "SearchableText:list",
    "sort_on:tokens",
    "path.depth:record",
    "created.query:record",
    "b_start:int",
    "b_size:long",
    "effective:date",
    "start:float",
    "created.query:record:date",
)
FEED_PARAMETERS = ("since", "page", "size", "channel", "category", "priority")
HOSTILE_VALUES = (
    "",
    " ",
    "*",
    "*:*",
    "?",
    "\\",
    '"',
    "'",
    '"""',
    "(",
    ")",
    "[* TO *]",
    "{!lucene}*:*",
    "{!terms f=review_state}draft,pending",
    "{!func}1",
    "{!join from=UID to=UID}*:*",
    '_query_:"{!lucene}*:*"',
    "review_state:draft",
    "review_state:pending",
    "allowedRolesAndUsers:*",
    "allowedRolesAndUsers:Manager",
    "Manager",
    "Anonymous",
    ") OR (*:*",
    '" OR "*:*',
    "*) OR review_state:(*",
    "AND",
    "OR NOT",
    "&&",
    "||",
    "-",
    "+",
    "~",
    "^100",
    "/.*/",
    "x~2",
    "draft",
    "pending",
    "private",
    "expired",
    "published",
    "0",
    "-1",
    "-99999999999",
    "1",
    "10",
    "99999999999",
    "9" * 40,
    "1e309",
    "1e9",
    "+5",
    "0x10",
    "NaN",
    "inf",
    "-inf",
    "١٢",
    "3.5",
    "2147483648",
    "-2147483649",
    "true",
    "false",
    "on",
    "None",
    "null",
    "[]",
    "{}",
    '{"a":1}',
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "2026-01-01T00:00:00+07:00",
    "1900-01-01",
    "min",
    "max",
    "min:max",
    "and",
    "or",
    "xor",
    "ascending",
    "descending",
    "reverse",
    "sortable_title",
    "effective",
    "Subject",
    "review_state",
    "UID",
    "relevance",
    "newest",
    "\x00",
    "a\x00b",
    "\x0b",
    "tin\x0btức",
    "\x1f",
    "\x7f",
    "\ufffe",
    "\u202e",
    "\r\nX-Injected: 1",
    b"\xed\xa0\x80",
    b"\xff\xfe",  # not UTF-8: a lone surrogate's bytes, a byte order mark
    "../../admin/cores?action=RELOAD&core=plone&x=",
    "/plone/vn",
    "/",
    "//",
    "%00",
    "%2e%2e",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE x; --",
    "${7*7}",
    "{{7*7}}",
    "%s%s%s",
    "Bulletin",
    "LegalDocument",
    "Unit",
    "Folder",
    "Plone Site",
    "46",
    "19786",
    "VN",
    "commune",
    "emergency",
    "priority",
    "normal",
    "web",
    "radio",
    "board",
    "disaster",
    "public-services",
    "thông báo",
    "thong bao",
    "bí mật",
    "ngựa vằn",
    "a" * 300,
    "bí mật " * 600,
    "đ" * 6000,
)


class Fuzzer:
    """Draws hostile anonymous requests for the ``endpoints`` of a site: (name, url, parameter
    names, whether it answers JSON)."""

    def __init__(self, endpoints, words, seed=SEED):
        self.endpoints = endpoints
        self.words = words  # words of the items, so that searches find something
        self.random = random.Random(seed)

    def value(self):
        pick = self.random.random()
        if pick < 0.15:
            return self.random.choice(self.words)
        if pick < 0.25:
            return (
                f"{self.random.choice(self.words)} {self.random.choice(HOSTILE_VALUES)}"
            )
        return self.random.choice(HOSTILE_VALUES)

    def request(self):
        """One request: (url, params as a list of pairs, headers)."""
        name, url, names, as_json = self.random.choice(self.endpoints)
        params = []
        for _ in range(self.random.randint(1, 5)):
            parameter = self.random.choice(
                names if self.random.random() < 0.8 else SOLR_PARAMETERS
            )
            for _ in range(
                1 if self.random.random() < 0.85 else self.random.randint(2, 3)
            ):
                params.append((parameter, self.value()))
        headers = {"Accept": "application/json"} if as_json else {}
        if self.random.random() < 0.2:
            headers["Accept-Language"] = self.random.choice(
                ["en", "vi", "xx", "*;q=\x0b"]
            )
        return name, url, params, headers

    def requests(self, count):
        return [self.request() for _ in range(count)]


def search_endpoints(base, catalog_indexes):
    """The search entry points of the site at ``base``, each with the names it reads."""
    catalog = tuple(catalog_indexes) + CATALOG_OPTIONS + SOLR_PARAMETERS
    citizen = CITIZEN_PARAMETERS + (
        "SearchableText",
        "from",
        "to",
        "sort",
        "b_start",
        "b_size",
        "facets",
    )
    return [
        ("@search", f"{base}/@search", catalog, True),
        ("@@search", f"{base}/@@search", catalog, False),
        ("@@tra-cuu", f"{base}/@@tra-cuu", citizen, False),
        ("@faceted-search", f"{base}/@faceted-search", citizen, True),
        ("@@suggest-terms", f"{base}/@@suggest-terms", ("term", "q"), True),
        ("@@solr-autocomplete", f"{base}/@@solr-autocomplete", ("term", "q"), True),
        ("portal_catalog", f"{base}/portal_catalog", catalog, False),
    ]


def feed_endpoints(unit_urls):
    """Every feed of every unit in ``unit_urls``."""
    return [
        (
            f"{url.rsplit('/', 1)[-1]}/{name}",
            f"{url}/{name}",
            FEED_PARAMETERS,
            name.endswith("json"),
        )
        for url in unit_urls
        for name in (
            "feed.atom",
            "feed.rss",
            "feed.json",
            "emergency.atom",
            "emergency.rss",
            "emergency.json",
        )
    ]
