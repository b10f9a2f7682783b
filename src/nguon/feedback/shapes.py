"""What a report looks like outside the store: the public shape (the only one that leaves
the handling units: scrubbed text, cleaned photos, no contact, no internal note) and the
desk's shape for the officials who handle it. Every face (pages, plone.restapi, Open311)
builds its answers from these two."""

from nguon.feedback.policy import load_policy
from nguon.units.tree import find_unit
from plone import api
from zExceptions import Unauthorized
from zope.globalrequest import getRequest


def _iso(moment):
    return moment.isoformat() if moment is not None else None


TITLES = "nguon.feedback.unit_titles"


def unit_title(code):
    """The title of the unit ``code`` (the code itself when no unit has it), looked up once
    per request: a page of a thousand reports names the same few units, and each lookup is
    a catalog query."""
    request = getRequest()
    other = getattr(request, "other", None)
    titles = other.setdefault(TITLES, {}) if isinstance(other, dict) else {}
    if code not in titles:
        unit = find_unit(code) if code else None
        titles[code] = unit.Title() if unit is not None else code
    return titles[code]


def answer_text(report, template):
    """The answer ``template`` (a ``policy.Template``) filled for ``report``: the handling
    unit's title as it reads inside a sentence («Ủy ban nhân dân phường Thuận Hóa»), the
    category's title and the day the report was received. The desk and plone.restapi both
    fill templates here."""
    title = unit_title(report.handler)
    category = load_policy().category(report.category)
    return template.fill(
        title[:1].lower() + title[1:],
        category.title if category is not None else report.category,
        report.received,
    )


def photo_urls(report, base):
    """The public addresses of the report's cleaned photos."""
    return [
        f"{base}/phan-anh/{report.id}/anh/{n}" for n in range(1, len(report.photos) + 1)
    ]


def answer_of(report):
    """The published answer item, or None."""
    if not report.answer:
        return None
    try:
        return api.content.get(UID=report.answer)
    except Unauthorized:  # retracted since it was published: not the reader's any more
        return None


def public_view(report, base=None):
    """The report as the public reads it (only when ``report.listed``)."""
    base = base or api.portal.get().absolute_url()
    category = load_policy().category(report.category)
    answer = answer_of(report)
    return {
        "id": report.id,
        "url": f"{base}/phan-anh/{report.id}",
        "category": report.category,
        "category_title": category.title if category else report.category,
        "text": report.public_text,
        "address": report.public_address,
        "place": report.place,
        "place_title": unit_title(report.place),
        "point": list(report.point) if report.point else None,
        "photos": photo_urls(report, base),
        "state": report.state,
        "received": _iso(report.received),
        "due": _iso(report.due),
        "closed": _iso(report.closed_at),
        "handler": report.handler,
        "handler_title": unit_title(report.handler),
        "escalated_to": report.escalated_to,
        "answer": (
            {"url": answer.absolute_url(), "title": answer.Title()} if answer else None
        ),
        "rating": report.rating,
    }


def desk_view(report, base=None):
    """Everything the handling units read of a report (never published)."""
    shape = public_view(report, base)
    shape.update(
        {
            "text": report.text,
            "public_text": report.public_text,
            "address": report.address,
            "public": report.public,
            "hidden_reason": report.hidden_reason,
            "contact": dict(report.contact) if report.contact else None,
            "assignee": report.assignee,
            "warned": report.warned,
            "escalated_at": _iso(report.escalated_at),
            "answer_draft": report.answer_draft,
            "rating_comment": report.rating_comment,
            "reopened": report.reopened,
            "merged_into": report.merged_into,
            "followers": list(report.followers),
            "duplicate_of": report.duplicate_of,
            "history": [{**step, "at": _iso(step["at"])} for step in report.history],
        }
    )
    if shape["contact"]:
        shape["contact"] = {
            key: shape["contact"][key] for key in ("kind", "value", "verified")
        }
    return shape
