"""``GET @statistics`` on a unit: the indicators of its area over a period, the coverage of
the units below, the months and the gaps; ``GET @coverage`` on an item: every target unit ×
required channel with its status, reason and proof.

``@statistics`` takes ``period`` (``month``, ``quarter``, ``year``, ``custom``), ``start``
and ``end`` (the last day counted; ISO dates or dd/mm/yyyy) and ``indicators`` (names,
comma-separated or repeated; every registered one when omitted). Dates that cannot be read,
an end before the start, a range over five years and an unknown indicator are answered
BadRequest; anonymous and anyone who is not an official of the unit or of a unit above
Unauthorized, in the one error shape (``nguon.errors``).
"""

from nguon import _
from nguon.errors import client_error
from nguon.errors import UserError
from nguon.ledger.coverage import coverage
from nguon.ledger.coverage import STATUSES
from nguon.statistics import periods
from nguon.statistics.access import current_user
from nguon.statistics.access import may_read
from nguon.statistics.access import may_read_coverage
from nguon.statistics.addresses import item_urls
from nguon.statistics.addresses import unit_urls
from nguon.statistics.summary import gather
from plone import api
from plone.restapi.services import Service
from urllib.parse import urlencode
from zExceptions import BadRequest
from zExceptions import NotFound
from zExceptions import Unauthorized
from zope.i18n import translate


def _refuse(request, allowed):
    if api.user.is_anonymous():
        raise client_error(
            Unauthorized,
            _(
                "statistics_error_anonymous",
                default="Cần đăng nhập để xem thống kê và độ phủ.",
            ),
            request,
        )
    if not allowed:
        raise client_error(
            Unauthorized,
            _(
                "statistics_error_forbidden",
                default="Chỉ cán bộ của đơn vị và của các đơn vị cấp trên được xem thống kê và độ phủ này.",
            ),
            request,
        )


def names(form):
    """The indicator names asked: ``indicators=a,b`` or the parameter repeated."""
    asked = form.get("indicators") or []
    if isinstance(asked, str):
        asked = [asked]
    return [name.strip() for each in asked for name in each.split(",") if name.strip()]


def share(found):
    return {
        "required": found.required,
        "delivered": found.delivered,
        "percent": found.percent,
    }


def shares(channels, overall):
    return {
        "overall": share(overall),
        "channels": {channel: share(each) for channel, each in channels.items()},
    }


def pair(found, request):
    return {
        "unit": found.unit,
        "unit_title": found.unit_title,
        "channel": found.channel,
        "status": found.status,
        "status_title": translate(STATUSES[found.status], context=request),
        "reason": translate(found.reason, context=request) if found.reason else None,
        "since": found.since,
        "proof": found.proof,
    }


def missing(each):
    """A pair without proof in a gap, with what a device reported about it, if anything."""
    failure = None
    if each.failure is not None:
        at, kind, device, message = each.failure
        failure = {"at": at, "kind": kind, "device": device, "message": message}
    return {
        "unit": each.unit,
        "unit_title": each.unit_title,
        "channel": each.channel,
        "failure": failure,
    }


def facts(cover):
    keep = ("title", "unit", "type", "priority", "category", "published", "channels")
    return {key: cover.facts.get(key) for key in keep if key in cover.facts} | {
        "channels": list(cover.facts.get("channels", ()))
    }


class StatisticsGet(Service):
    def reply(self):
        _refuse(self.request, may_read(current_user(), self.context))
        form = self.request.form
        try:
            period = periods.chosen(form)
            stats = gather(api.portal.get(), self.context, period, names(form))
        except UserError as error:
            raise client_error(BadRequest, error, self.request) from None
        base = f"{self.context.absolute_url()}/@statistics"
        query = period.query()
        wanted = names(form)
        if wanted:
            query["indicators"] = ",".join(wanted)
        return {
            "@id": f"{base}?{urlencode(query)}",
            "unit": {
                "@id": self.context.absolute_url(),
                "code": self.context.code,
                "title": self.context.Title(),
            },
            "period": {
                "kind": period.kind,
                "start": period.start.isoformat(),
                "end": period.last.isoformat(),
                "label": translate(period.label, context=self.request),
            },
            "indicators": [
                self.indicator(each, value) for each, value in stats.figures
            ],
            "groups": [
                {
                    "key": group.key,
                    "title": translate(group.title, context=self.request),
                    "indicators": [each.name for each, _value in group.figures],
                }
                for group in stats.groups
            ],
            "children": self.children(stats, period),
            "months": [
                {
                    "month": month.month,
                    "coverage": shares(month.channels, month.overall),
                    "published": month.published,
                    "radio_hours": month.radio_hours,
                    "board_hours": month.board_hours,
                }
                for month in stats.months
            ],
            "gaps": self.gaps(stats.gaps),
        }

    def indicator(self, each, value):
        return {
            "name": each.name,
            "title": translate(each.title, context=self.request),
            "unit": each.unit,
            "aggregate": each.aggregate,
            "value": value,
        }

    def children(self, stats, period):
        units = unit_urls(api.portal.get())
        query = urlencode(period.query())
        found = []
        for row in stats.children:
            address = units[row.code]
            found.append(
                {
                    "@id": address,
                    "statistics": f"{address}/@statistics?{query}",
                    "code": row.code,
                    "title": row.title,
                    "coverage": shares(row.channels, row.overall),
                }
            )
        return found

    def gaps(self, gaps):
        urls = item_urls(gap.item for gap in gaps.worst)
        return {
            "total": gaps.total,
            "items": [
                {
                    "uid": gap.item,
                    "coverage": f"{urls[gap.item]}/@coverage"
                    if gap.item in urls
                    else None,
                    **facts(gap),
                    "failed": gap.failed,
                    "missing_count": len(gap.missing),
                    "missing": [missing(each) for each in gap.missing],
                }
                for gap in gaps.worst
            ],
        }


class CoverageGet(Service):
    def reply(self):
        _refuse(self.request, may_read_coverage(current_user(), self.context))
        cover = coverage(api.portal.get(), self.context.UID())
        if cover is None:
            raise client_error(
                NotFound,
                _(
                    "coverage_error_none",
                    default="Tin này không phải tin thiết yếu hoặc chưa xuất bản: không có độ phủ để xem.",
                ),
                self.request,
            )
        return {
            "@id": f"{self.context.absolute_url()}/@coverage",
            "uid": cover.item,
            **facts(cover),
            "delivered": cover.delivered,
            "percent": round(cover.percent, 2),
            "counts": cover.counts,
            "pairs": [pair(each, self.request) for each in cover.pairs],
        }
