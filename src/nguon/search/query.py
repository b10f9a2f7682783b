"""The citizen search request: parsed and bounded from untrusted input, and turned into the
parameters of the configset's ``/search`` (edismax) handler.

Nothing a user types reaches Solr as syntax: the text keeps letters, digits, spaces and
balanced double quotes (phrases); filter values are quoted and escaped; the security filters
(who may see what, and only what is in effect now) come from the server side alone and sit in
``fq``, which no query text can widen.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from nguon import _
from nguon.content.channels import DISTRIBUTED_TYPES
from nguon.errors import UserError

import re
import unicodedata


MAX_TEXT = 200
MAX_TERMS = 32
MAX_VALUE = 200
MAX_VALUES = 20
MAX_ROWS = 50
MAX_START = 10_000
DEFAULT_ROWS = 20

# Filter name -> Solr field. Each is also a facet, counted with its own filter excluded
# (multi-select facets), so that picking one category still shows the others' counts.
FILTER_FIELDS = {
    "unit": "unit_ancestors",
    "unit_level": "unit_level",
    "portal_type": "portal_type",
    "category": "category",
    "document_type": "document_type",
    "issuing_body": "issuing_body",
    "year": "year",
}
# Facets count the item's own unit; the unit filter keeps that unit and every unit below it.
FACET_FIELDS = {**FILTER_FIELDS, "unit": "unit_code"}
SEARCHABLE_TYPES = DISTRIBUTED_TYPES  # every information item, and nothing else
SORTS = {
    "relevance": "score desc, effective desc",
    "newest": "effective desc, score desc",
}
# "In effect now", widened to whole hours so that Solr caches the filter and the results for an
# hour (with an exact NOW every query is new to Solr's caches; with NOW/MINUTE both were thrown
# away every minute). The few items that take effect or expire within the hour are then dropped
# by the catalog check of the page's hits, which uses the exact time (``nguon.search.citizen``).
IN_EFFECT = "effective:[* TO NOW/HOUR+1HOUR] AND expires:[NOW/HOUR TO *]"
# The citizen search reads everything it shows from the catalog's brains: Solr returns the UID
# alone, which Solr reads from docValues without opening the stored documents.
RESULT_FIELDS = "UID"
# Matching and the first ranking: the handler's fields without the exact body (by far the
# longest postings; the phrase boosts, which read positions, are left out too). Every document
# the exact body matches is matched by its folded copy, so the documents found and their count
# are those of the full query; only the ranking of the first pass is coarser.
MATCH_FIELDS = (
    "Title^4 Description^2 Title_folded^1.5 Description_folded^0.8 "
    "SearchableText_folded^0.4"
)
# The full ranking (the ``/search`` handler's own qf and pf: diacritics as typed first, the
# syllables in order), computed for the first RERANK_DOCS documents of the first ranking
# alone: on 80,000 hits it was most of the time of a search, for a page of 20 (issue 18). The
# tiny last term orders documents of equal relevance newest first, as "score desc, effective
# desc" does without re-ranking (at most 0.009 for a date in 2026).
RANK_FIELDS = (
    "Title^4 Description^2 SearchableText^1 Title_folded^1.5 Description_folded^0.8 "
    "SearchableText_folded^0.4"
)
RANK_PHRASE_FIELDS = "Title^8 SearchableText^2 Title_folded^3 SearchableText_folded^0.8"
NEWER_FIRST = "product(1e-14,ms(effective,2000-01-01T00:00:00Z))"
RERANK_DOCS = 200
# Facets over a few fixed values count by intersecting each value's cached filter with the
# hits (``enum``: a handful of bitset intersections instead of a docValues read per hit); the
# unit codes and issuing bodies (thousands of values) and the year (a number) count from
# docValues.
ENUM_FACETS = ("unit_level", "portal_type", "category", "document_type")


class SearchInputError(UserError):
    """A search request that cannot be understood (a bad date, page or sort)."""


@dataclass(frozen=True)
class SearchRequest:
    """What a citizen asked for, already cleaned and bounded."""

    text: str = ""
    unit: tuple = ()
    unit_level: tuple = ()
    portal_type: tuple = ()
    category: tuple = ()
    document_type: tuple = ()
    issuing_body: tuple = ()
    year: tuple = ()
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    start: int = 0
    rows: int = DEFAULT_ROWS
    facets: bool = True
    filters: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(
            self,
            "filters",
            {
                name: getattr(self, name)
                for name in FILTER_FIELDS
                if getattr(self, name)
            },
        )

    @classmethod
    def from_form(cls, form):
        """Build a request from query-string parameters (a page's form or a REST call)."""
        date_from, date_to = _date(form.get("from")), _date(form.get("to"))
        if date_from and date_to and date_from > date_to:
            raise SearchInputError(
                _(
                    "search_error_dates_order",
                    default="Ngày bắt đầu phải trước ngày kết thúc.",
                )
            )
        sort = _single(form.get("sort")) or "relevance"
        if sort not in SORTS:
            raise SearchInputError(
                _(
                    "search_error_sort",
                    default="Cách sắp xếp không hợp lệ: chọn «relevance» hoặc «newest».",
                )
            )
        rows = _number(form.get("b_size"), DEFAULT_ROWS, 1, MAX_ROWS)
        return cls(
            text=clean_text(
                _single(form.get("q")) or _single(form.get("SearchableText")) or ""
            ),
            unit=_values(form.get("unit")),
            unit_level=_values(form.get("unit_level")),
            portal_type=tuple(
                v for v in _values(form.get("portal_type")) if v in SEARCHABLE_TYPES
            ),
            category=_values(form.get("category")),
            document_type=_values(form.get("document_type")),
            issuing_body=_values(form.get("issuing_body")),
            year=tuple(
                str(y)
                for y in (
                    _number(v, None, 1900, 2100) for v in _values(form.get("year"))
                )
            ),
            date_from=date_from,
            date_to=date_to,
            sort=sort,
            start=_number(form.get("b_start"), 0, 0, MAX_START),
            rows=rows,
            facets=_single(form.get("facets")) not in ("0", "false", "no"),
        )


def clean_text(text):
    """Letters, digits, spaces and balanced double quotes; NFC; lower case (so that AND, OR,
    NOT are words, not operators); at most MAX_TEXT characters and MAX_TERMS terms."""
    text = unicodedata.normalize("NFC", str(text))[: MAX_TEXT * 4]
    kept = []
    for character in text:
        category = unicodedata.category(character)
        if character == '"' or category[0] in "LN" or category == "Mn":
            kept.append(character)
        else:
            kept.append(" ")
    text = "".join(kept).lower()
    if text.count('"') % 2:
        position = text.rfind('"')
        text = text[:position] + " " + text[position + 1 :]
    text = re.sub(r'"\s*"', " ", text)
    terms = text.split()[:MAX_TERMS]
    text = " ".join(terms)[:MAX_TEXT]
    if text.count('"') % 2:
        text = text.replace('"', " ")
    return " ".join(text.split())


def escape_phrase(value):
    """A filter value as a quoted Lucene phrase, backslash and quote escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def solr_params(request, allowed_roles_and_users, include_inactive=False):
    """Parameters for the ``/search`` handler answering ``request`` for a user whose catalog
    security tokens are ``allowed_roles_and_users``."""
    tokens = ",".join(token.replace(":", "$") for token in allowed_roles_and_users)
    params = {
        "fq": [
            "{!terms f=allowedRolesAndUsers}" + tokens,
            "portal_type:(" + " OR ".join(SEARCHABLE_TYPES) + ")",
        ],
        "sort": SORTS[request.sort],
        "start": request.start,
        "rows": request.rows,
        "fl": RESULT_FIELDS,
        "uf": "-*",
        "wt": "json",
    }
    if request.text:
        params.update(q=request.text, qf=MATCH_FIELDS, pf="", hl="true")
        # "newest" sorts on the date (the score only breaks its ties): no re-ranking then
        if request.sort == "relevance":
            params.update(
                {
                    "rq": "{!rerank reRankQuery=$rank_q reRankDocs="
                    f"{RERANK_DOCS} reRankWeight=1 reRankOperator=replace}}",
                    "rank_q": "{!edismax qf=$rank_qf pf=$rank_pf bf=$rank_bf v=$q}",
                    "rank_qf": RANK_FIELDS,
                    "rank_pf": RANK_PHRASE_FIELDS,
                    "rank_bf": NEWER_FIRST,
                }
            )
    else:  # no q: the handler's q.alt (*:*) lists everything the filters allow, newest first
        params["sort"] = SORTS["newest"]
    if not include_inactive:
        params["fq"].append(IN_EFFECT)
    for name, values in request.filters.items():
        clause = " OR ".join(escape_phrase(value) for value in values)
        params["fq"].append(f"{{!tag={name}}}{FILTER_FIELDS[name]}:({clause})")
    if request.date_from or request.date_to:
        low = f"{request.date_from.isoformat()}T00:00:00Z" if request.date_from else "*"
        high = f"{request.date_to.isoformat()}T23:59:59Z" if request.date_to else "*"
        params["fq"].append(f"effective:[{low} TO {high}]")
    if request.facets:
        params["facet"] = "true"
        params["facet.mincount"] = 1
        params["facet.limit"] = 50
        params["facet.field"] = [
            f"{{!ex={name} key={name}"
            + (" facet.method=enum" if solr_field in ENUM_FACETS else "")
            + f"}}{solr_field}"
            for name, solr_field in FACET_FIELDS.items()
        ]
    return params


def _single(value):
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return None if value is None else str(value)


def _values(value):
    if value in (None, ""):
        return ()
    values = value if isinstance(value, (list, tuple)) else [value]
    cleaned = []
    for item in values[:MAX_VALUES]:
        item = "".join(
            c for c in str(item) if unicodedata.category(c)[0] != "C"
        ).strip()
        if item and item not in cleaned:
            cleaned.append(item[:MAX_VALUE])
    return tuple(cleaned)


def _number(value, default, low, high):
    value = _single(value)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise SearchInputError(
            _("search_error_number", default="Số trang hoặc năm không hợp lệ.")
        )
    return min(max(number, low), high)


def _date(value):
    value = _single(value)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SearchInputError(
            _(
                "search_error_date",
                default="Ngày không hợp lệ: dùng dạng năm-tháng-ngày, ví dụ 2026-01-31.",
            )
        )
