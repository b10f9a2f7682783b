"""The Classic UI pages of the statistics (in Vietnamese; the REST services are
``nguon.restapi.statistics``):

- ``@@thong-ke`` on a unit: the period chosen (``?period=month|quarter|year|custom`` with
  ``start``/``end``), the indicators in their groups, the units below worst first, the
  months, and the gaps to act on; every table as CSV with ``?bang=<table>``;
- ``@@do-phu`` on an item: every target unit × required channel, delivered, not yet or
  failed with the reason and since when, and the proof; ``?bang=do-phu`` as CSV;
- the viewlet ``nguon.coverage`` under an essential item: how far it reached, with a link to
  ``@@do-phu``.

Who reads them is ``nguon.statistics.access``: the officials of the unit (of the item's
unit) and of the units above; anyone else is answered 401 (Plone's login or refusal page).
"""

from nguon import _
from nguon.documents import to_csv
from nguon.ledger.coverage import coverage
from nguon.ledger.coverage import DELIVERED
from nguon.ledger.coverage import FAILED
from nguon.ledger.coverage import PENDING
from nguon.ledger.coverage import STATUSES
from nguon.ledger.store import ledger
from nguon.statistics import charts
from nguon.statistics import periods
from nguon.statistics import tables
from nguon.statistics.access import current_user
from nguon.statistics.access import may_read
from nguon.statistics.access import may_read_coverage
from nguon.statistics.addresses import item_urls
from nguon.statistics.addresses import unit_urls
from nguon.statistics.gaps import LIMIT
from nguon.statistics.summary import gather
from plone import api
from plone.app.layout.viewlets.common import ViewletBase
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from urllib.parse import urlencode
from zExceptions import NotFound
from zExceptions import Unauthorized
from zope.i18n import translate


MACROS = ViewPageTemplateFile("templates/macros.pt")
TABLE = "bang"  # the parameter that asks for a table as CSV
GAPS_TABLE = "lo-hong"
COVERAGE_VIEW = "do-phu"
STATISTICS_VIEW = "thong-ke"


def figure(draw, title, points):
    """A chart drawn by ``draw`` (``nguon.statistics.charts``) with its visible caption."""
    return {"title": title, "svg": draw(title, points)}


def csv_response(request, listed, filename):
    """Answer ``listed``'s table as a CSV download."""
    response = request.response
    response.setHeader("Content-Type", "text/csv; charset=utf-8")
    response.setHeader("Content-Disposition", f'attachment; filename="{filename}.csv"')
    response.setHeader("Cache-Control", "private, no-store")
    return to_csv(listed.table)


class UnitStatistics(BrowserView):
    """``@@thong-ke``: the statistics page of a unit's area."""

    macros = MACROS

    def available(self):
        """Whether the current user may read this page (the units' action asks)."""
        return may_read(current_user(), self.context)

    def __call__(self):
        if not self.available():
            raise Unauthorized(STATISTICS_VIEW)
        self.error = None
        try:
            self.period = periods.chosen(self.request.form)
        except periods.PeriodError as error:
            self.error = error.translated(self.request)
            self.period = periods.current(periods.MONTH)
        asked = self.request.form.get(TABLE)
        # The page lists the worst gaps; their CSV has them all.
        limit = None if asked == GAPS_TABLE else LIMIT
        self.stats = gather(
            api.portal.get(), self.context, self.period, gaps_limit=limit
        )
        self.tables = self._tables()
        if asked:
            if asked not in self.tables:
                raise NotFound(asked)
            return csv_response(self.request, self.tables[asked], self.filename(asked))
        return self.index()

    def _tables(self):
        query = urlencode(self.period.query())
        units = unit_urls(api.portal.get())

        def unit_link(code):
            return f"{units[code]}/@@{STATISTICS_VIEW}?{query}"

        items = item_urls(cover.item for cover in self.stats.gaps.worst)

        def coverage_link(cover):
            url = items.get(cover.item)
            return f"{url}/@@{COVERAGE_VIEW}" if url else None

        found = (
            tables.indicators_table(self.stats, self.request),
            tables.children_table(self.stats, self.request, unit_link),
            tables.months_table(self.stats, self.request),
            tables.gaps_table(self.stats.gaps, self.request, coverage_link),
        )
        return {listed.name: listed for listed in found}

    @staticmethod
    def url(unit, query=None):
        address = f"{unit.absolute_url()}/@@{STATISTICS_VIEW}"
        return f"{address}?{urlencode(query)}" if query else address

    def csv_url(self, name):
        return self.url(self.context, {**self.period.query(), TABLE: name})

    def filename(self, name):
        period = self.period
        return f"thong-ke-{self.context.code}-{name}-{period.start}-{period.last}"

    def t(self, message):
        return translate(message, context=self.request)

    def heading(self):
        return self.t(
            _(
                "statistics_heading",
                default="Thống kê: ${unit}",
                mapping={"unit": self.context.Title()},
            )
        )

    def period_label(self):
        return self.t(self.period.label)

    def kinds(self):
        """The period selector's choices."""
        return [
            {
                "value": kind,
                "title": self.t(periods.KIND_TITLES[kind]),
                "checked": kind == self.period.kind,
            }
            for kind in periods.KINDS
        ]

    def shown(self, value, unit):
        return tables.shown(value, unit, self.request)

    def children_chart(self):
        """Bars of the units below, worst first."""
        return figure(
            charts.bars,
            self.t(
                _(
                    "statistics_chart_children",
                    default="Độ phủ tin thiết yếu theo đơn vị trực thuộc, ${period}",
                    mapping={"period": self.period_label()},
                )
            ),
            [
                (
                    row.title,
                    row.overall.percent,
                    self.shown(row.overall.percent, "percent"),
                )
                for row in self.stats.children
            ],
        )

    def month_charts(self):
        """Coverage per month (a line) and items published per month (columns)."""
        months = self.stats.months
        return [
            figure(
                charts.line,
                self.t(
                    _(
                        "statistics_chart_coverage_months",
                        default="Độ phủ tin thiết yếu theo tháng",
                    )
                ),
                [
                    (
                        tables.month_label(month.month),
                        month.overall.percent,
                        self.shown(month.overall.percent, "percent"),
                    )
                    for month in months
                ],
            ),
            figure(
                charts.columns,
                self.t(
                    _(
                        "statistics_chart_published_months",
                        default="Tin xuất bản theo tháng",
                    )
                ),
                [
                    (
                        tables.month_label(month.month),
                        month.published,
                        self.shown(month.published, "count"),
                    )
                    for month in months
                ],
            ),
        ]

    def gaps_note(self):
        """Said under the gaps when the page lists only the worst of them."""
        gaps = self.stats.gaps
        if gaps.total <= len(gaps.worst):
            return None
        return self.t(
            _(
                "statistics_gaps_more",
                default="Trang liệt kê ${shown} tin nặng nhất trong ${total} tin; bảng CSV có đủ.",
                mapping={"shown": len(gaps.worst), "total": gaps.total},
            )
        )

    def parent_link(self):
        """The page of the unit above, when the user may read it."""
        parent = self.context.__parent__
        if getattr(parent, "portal_type", None) != self.context.portal_type:
            return None
        if not may_read(current_user(), parent):
            return None
        return {"url": self.url(parent, self.period.query()), "title": parent.Title()}


class ItemCoverage(BrowserView):
    """``@@do-phu``: where an essential item reached, unit by unit and channel by channel."""

    macros = MACROS

    def __call__(self):
        if not may_read_coverage(current_user(), self.context):
            raise Unauthorized(COVERAGE_VIEW)
        self.cover = coverage(api.portal.get(), self.context.UID())
        self.table = (
            tables.coverage_table(self.cover, self.request) if self.cover else None
        )
        if self.request.form.get(TABLE):
            if self.table is None or self.request.form[TABLE] != self.table.name:
                raise NotFound(self.request.form[TABLE])
            return csv_response(
                self.request, self.table, f"do-phu-{self.context.getId()}"
            )
        return self.index()

    def counts(self):
        counts = self.cover.counts
        return [
            {
                "key": key,
                "count": counts[key],
                "title": translate(STATUSES[key], context=self.request),
            }
            for key in (DELIVERED, PENDING, FAILED)
        ]

    def heading(self):
        return translate(
            _(
                "coverage_heading",
                default="Độ phủ: ${title}",
                mapping={"title": self.context.Title()},
            ),
            context=self.request,
        )

    def summary(self):
        return translate(
            _(
                "coverage_summary",
                default="Đã đến ${percent} số lượt phải đến.",
                mapping={
                    "percent": tables.shown(self.cover.percent, "percent", self.request)
                },
            ),
            context=self.request,
        )

    def csv_url(self):
        return (
            f"{self.context.absolute_url()}/@@{COVERAGE_VIEW}?{TABLE}={self.table.name}"
        )

    def chart(self):
        """Per channel, the share of target units reached."""
        by_channel = {}
        for pair in self.cover.pairs:
            done, total = by_channel.get(pair.channel, (0, 0))
            by_channel[pair.channel] = (done + (pair.status == DELIVERED), total + 1)
        points = []
        for channel, (done, total) in by_channel.items():
            value = 100.0 * done / total
            title = translate(
                tables.CHANNEL_TITLES.get(channel, channel), context=self.request
            )
            points.append((title, value, f"{done}/{total}"))
        return figure(
            charts.bars,
            translate(
                _(
                    "statistics_chart_item",
                    default="Tỉ lệ nơi nhận đã nhận tin, theo kênh",
                ),
                context=self.request,
            ),
            points,
        )


class CoverageViewlet(ViewletBase):
    """Under an essential item, for those who may read its coverage: how many of its target
    units × channels have proof, and the link to ``@@do-phu``. Counts only what the
    obligation holds (no device is read), so it costs a lookup per page view."""

    def update(self):
        super().update()
        self.found = None
        store = ledger(api.portal.get())
        if store is None:
            return
        obligation = store.obligations.get(self.context.UID())
        if obligation is None or not may_read_coverage(current_user(), self.context):
            return
        text = _(
            "coverage_viewlet",
            default="Tin thiết yếu: đã có bằng chứng ở ${delivered} trên ${required} lượt phải đến (nơi nhận × kênh).",
            mapping={
                "delivered": len(obligation.proofs),
                "required": obligation.size,
            },
        )
        self.found = {
            "text": translate(text, context=self.request),
            "url": f"{self.context.absolute_url()}/@@{COVERAGE_VIEW}",
        }

    def available(self):
        return self.found is not None
