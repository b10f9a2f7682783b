"""The query string of a feed: cursor, page, size and filters, checked with clear errors."""

from dataclasses import dataclass
from nguon import _
from nguon.content.vocabularies import CATEGORIES
from nguon.content.vocabularies import CHANNELS
from nguon.content.vocabularies import PRIORITIES
from nguon.errors import UserError
from nguon.publication.feeds import Filters


MAX_SIZE = 200
DEFAULT_SIZE = 50
MAX_DEPTH = 10_000  # items a page of the current feed may reach down to (page × size)
MAX_CURSOR = 2**62
ALLOWED = {
    "channel": tuple(value for value, _title in CHANNELS),
    "category": tuple(value for value, _title in CATEGORIES),
    "priority": tuple(value for value, _title in PRIORITIES),
}


def _values(form, name):
    raw = form.get(name) or ()
    raw = [raw] if isinstance(raw, str) else raw
    if not isinstance(raw, (list, tuple)) or not all(
        isinstance(part, str) for part in raw
    ):
        raw = ["?"]  # a record, a number, nested lists: not a value of this filter
    values = tuple(
        sorted({v.strip() for part in raw for v in part.split(",") if v.strip()})
    )
    unknown = [v for v in values if v not in ALLOWED[name]]
    if unknown:
        raise UserError(
            _(
                "feed_error_filter",
                default="Giá trị «${value}» không hợp lệ cho «${name}»; được phép: ${allowed}.",
                mapping={
                    "value": unknown[0][:40],
                    "name": name,
                    "allowed": ", ".join(ALLOWED[name]),
                },
            )
        )
    return values


def _number(form, name, default, low, high):
    raw = form.get(name)
    if raw in (None, ""):
        return default
    text = raw.strip() if isinstance(raw, str) else str(raw) if type(raw) is int else ""
    # ASCII digits only, and not more than the highest bound has: no "١٢", "1_0", "+5" or
    # a thousand-digit number for ``int`` to chew on.
    value = int(text) if text.isascii() and text.isdigit() and len(text) <= 20 else None
    if value is None or not low <= value <= high:
        raise UserError(
            _(
                "feed_error_number",
                default="«${name}» phải là số nguyên từ ${low} đến ${high}.",
                mapping={"name": name, "low": low, "high": high},
            )
        )
    return value


@dataclass(frozen=True)
class FeedQuery:
    filters: Filters
    since: int = None
    page: int = 1
    size: int = DEFAULT_SIZE

    @classmethod
    def from_form(cls, form, fixed=None):
        """``fixed``: filters imposed by the view (the emergency feed), over the form's."""
        form = dict(form, **(fixed or {}))
        filters = Filters(
            _values(form, "channel"),
            _values(form, "category"),
            _values(form, "priority"),
        )
        since = _number(form, "since", None, 0, MAX_CURSOR)
        size = _number(form, "size", DEFAULT_SIZE, 1, MAX_SIZE)
        return cls(
            filters=filters,
            since=since,
            size=size,
            page=_number(form, "page", 1, 1, MAX_DEPTH // size),
        )

    def params(self, **changes):
        """The query string parameters of this query with ``changes``."""
        params = {
            "channel": ",".join(self.filters.channels),
            "category": ",".join(self.filters.categories),
            "priority": ",".join(self.filters.priorities),
            "since": self.since,
            "page": self.page if self.page != 1 else None,
            "size": self.size if self.size != DEFAULT_SIZE else None,
        }
        params.update(changes)
        return {
            name: value for name, value in params.items() if value not in (None, "")
        }
