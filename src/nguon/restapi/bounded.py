"""plone.restapi batching (``b_size``, ``b_start``, ``batching`` links) with bounds: an answer
holds at most ``MAX_SIZE`` items whatever the client asks, and a negative start or a size out
of bounds is refused with a clear message instead of answering everything."""

from nguon import _
from nguon.errors import client_error
from plone.restapi.batching import DEFAULT_BATCH_SIZE
from plone.restapi.batching import HypermediaBatch
from plone.restapi.deserializer import json_body
from plone.restapi.exceptions import DeserializationError
from zExceptions import BadRequest


MAX_SIZE = 100


def _refuse(request, message):
    raise client_error(BadRequest, message, request)


def _parameter(request, name, default):
    """``name`` as plone.restapi reads it (a JSON body first, then the query), as an int, or
    None when it is not one."""
    try:
        body = json_body(request)
    except DeserializationError:
        body = {}
    raw = (
        body[name]
        if isinstance(body, dict) and body.get(name)
        else request.form.get(name, default)
    )
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def batch(request, results, max_size=MAX_SIZE):
    """The ``HypermediaBatch`` of ``results`` (any sequence with ``len`` and indexing) the
    request asks for; ``BadRequest`` when ``b_size`` is not 1..``max_size`` or ``b_start`` is
    not a non-negative integer."""
    size = _parameter(request, "b_size", DEFAULT_BATCH_SIZE)
    if size is None or not 1 <= size <= max_size:
        _refuse(
            request,
            _(
                "batch_error_size",
                default="«b_size» phải là số nguyên từ 1 đến ${max}.",
                mapping={"max": max_size},
            ),
        )
    start = _parameter(request, "b_start", 0)
    if start is None or start < 0:
        _refuse(
            request,
            _("batch_error_start", default="«b_start» phải là số nguyên không âm."),
        )
    return HypermediaBatch(request, results)


def page(found, items):
    """The batched answer: ``@id``, ``items_total``, ``items`` and, when there are more pages,
    ``batching`` (first, previous, next, last)."""
    answer = {
        "@id": found.canonical_url,
        "items_total": found.items_total,
        "items": items,
    }
    if found.links:
        answer["batching"] = found.links
    return answer


class NewestFirst:
    """A sorted range (a BTree's ``values(min, max)``) read from its end, by index: a batch of
    the newest records loads only those records."""

    def __init__(self, items):
        self.items = items
        self.length = len(items)

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        if not 0 <= index < self.length:
            raise IndexError(index)
        return self.items[self.length - 1 - index]
