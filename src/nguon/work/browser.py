"""``@@viec-cua-toi`` ("Việc của tôi"): an editor's and approver's home page, and the
redirect that makes it the page staff land on after logging in.

The page shows the first items of each list of ``nguon.work.lists`` with its total and a
"xem tất cả" link; ``?danh-sach=<list>`` shows one whole list in pages (plone.batching)."""

from nguon import _
from nguon.work import lists
from plone import api
from plone.base.interfaces import IRedirectAfterLogin
from plone.batching import Batch
from Products.Five.browser import BrowserView
from zExceptions import Unauthorized
from zope.i18n import translate
from zope.interface import implementer


VIEW_NAME = "viec-cua-toi"
LIST_PARAMETER = "danh-sach"
PAGE = 50  # items per page of one whole list


class MyWorkView(BrowserView):
    def __call__(self):
        if api.user.is_anonymous():
            raise Unauthorized(VIEW_NAME)
        self.user = api.user.get_current()
        self.titles = lists.UnitTitles()
        self.only = self.request.form.get(LIST_PARAMETER)
        if self.only not in lists.LISTS:
            self.only = None
        return self.index()

    def url(self, name=None):
        base = f"{api.portal.get().absolute_url()}/@@{VIEW_NAME}"
        return f"{base}?{LIST_PARAMETER}={name}" if name else base

    def shown(self):
        """The lists this page shows: every list that applies to the user, or the one asked."""
        names = (self.only,) if self.only else lists.LISTS
        if not lists.approves(self.user):
            names = [name for name in names if name != "queue"]
        return [self.section(name) for name in names]

    def section(self, name):
        results = lists.work_list(name, self.user)
        total = len(results)
        if self.only:
            start = self.request.form.get("b_start", 0)
            try:
                start = max(int(start), 0)
            except (TypeError, ValueError):
                start = 0
            batch = Batch(results, PAGE, start)
            page = list(batch)
        else:
            batch, page = None, results[: lists.SHOWN]
        return {
            "name": name,
            "total": total,
            "entries": [
                self.format(lists.describe(name, b, self.titles)) for b in page
            ],
            "more": not self.only and total > lists.SHOWN,
            "all_url": self.url(name),
            "batch": batch,
        }

    def format(self, entry):
        for key in ("modified", "waiting_since", "effective", "rejected_at"):
            if entry.get(key):
                entry[key] = api.portal.get_localized_time(entry[key], long_format=True)
        cover = entry.get("coverage")
        if cover:
            entry["coverage_text"] = translate(
                _(
                    "my_work_coverage",
                    default="${delivered}/${required} nơi nhận (${percent}%)",
                    mapping=cover,
                ),
                context=self.request,
            )
        return entry


@implementer(IRedirectAfterLogin)
class StaffLandOnTheirWork:
    """After logging in from the home page (or from nowhere in particular), staff land on
    ``@@viec-cua-toi``; anyone who came from a page of the site goes back to it."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self, came_from=None, is_initial_login=False):
        portal_url = api.portal.get().absolute_url()
        if came_from and came_from.rstrip("/") != portal_url:
            return came_from
        if api.user.is_anonymous() or not lists.is_staff():
            return came_from
        return f"{portal_url}/@@{VIEW_NAME}"
