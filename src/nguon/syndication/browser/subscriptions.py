"""``@@nhan-tin-day`` on a unit: its feeds, and the push subscriptions its admins manage,
each with its delivery log."""

from datetime import datetime
from nguon import _
from nguon.content.vocabularies import CATEGORIES
from nguon.content.vocabularies import CHANNELS
from nguon.content.vocabularies import PRIORITIES
from nguon.errors import UserError
from nguon.publication.store import storage
from nguon.syndication import subscriptions
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView


STATE_TITLES = {
    "active": _("subscription_state_active", default="Đang nhận"),
    "dead": _("subscription_state_dead", default="Ngừng gửi sau nhiều lần lỗi"),
    "expired": _("subscription_state_expired", default="Hết hạn"),
}
LOG_TITLES = {
    "delivered": _("delivery_delivered", default="Đã gửi"),
    "failed": _("delivery_failed", default="Lỗi, sẽ gửi lại"),
    "dead": _("delivery_dead", default="Ngừng gửi"),
    "resumed": _("delivery_resumed", default="Gửi lại theo yêu cầu"),
}
FEEDS = (
    ("feed.atom", "Atom"),
    ("feed.rss", "RSS 2.0"),
    ("feed.json", "JSON Feed"),
    ("emergency.atom", "Atom — khẩn cấp"),
    ("emergency.json", "JSON Feed — khẩn cấp"),
)


def when(seconds):
    if not seconds:
        return ""
    return datetime.fromtimestamp(seconds).astimezone().strftime("%d/%m/%Y %H:%M:%S")


class SubscriptionsView(BrowserView):
    url_name = "nhan-tin-day"

    def __call__(self):
        form = self.request.form
        action = form.get("action")
        if self.request.method == "POST" and action in ("add", "remove", "resume"):
            CheckAuthenticator(self.request)
            try:
                getattr(self, action)(form)
            except UserError as error:
                api.portal.show_message(
                    error.translated(self.request), request=self.request, type="error"
                )
            self.request.response.redirect(
                f"{self.context.absolute_url()}/@@{self.url_name}"
            )
            return ""
        return self.index()

    # -- actions ----------------------------------------------------------------------

    def add(self, form):
        subscriptions.subscribe_unit(self.context, form)
        api.portal.show_message(
            _(
                "msg_subscription_added",
                default="Đã đăng ký; địa chỉ nhận tin đã xác nhận.",
            ),
            request=self.request,
        )

    def _own(self, form):
        store = storage(api.portal.get())
        subscription = store.subscriptions.get(form.get("id", ""))
        if subscription is None or subscription.unit_code != self.context.code:
            raise UserError(
                _(
                    "subscription_error_not_found",
                    default="Không có đăng ký này ở đơn vị này.",
                )
            )
        return subscription, store.deliveries[subscription.id]

    def remove(self, form):
        subscription, _delivery = self._own(form)
        subscriptions.unsubscribe(subscription.id)
        api.portal.show_message(
            _("msg_subscription_removed", default="Đã hủy đăng ký."),
            request=self.request,
        )

    def resume(self, form):
        _subscription, delivery = self._own(form)
        delivery.resume()
        api.portal.show_message(
            _("msg_subscription_resumed", default="Sẽ gửi lại các tin chưa gửi được."),
            request=self.request,
        )

    # -- what the page shows ----------------------------------------------------------

    def feeds(self):
        return [
            {"url": f"{self.context.absolute_url()}/{name}", "title": title}
            for name, title in FEEDS
        ]

    def subscriptions(self):
        store = storage(api.portal.get())
        found = []
        for subscription in subscriptions.of_unit(self.context.code):
            data = subscriptions.describe(
                subscription, store.deliveries[subscription.id], log=True
            )
            data["state_title"] = STATE_TITLES[data["state"]]
            data["expires"] = when(data["expires_at"])
            data["filters_text"] = "; ".join(
                f"{name}: {', '.join(values)}"
                for name, values in data["filters"].items()
                if values
            )
            data["log"] = [
                dict(
                    entry,
                    when=when(entry["time"]),
                    title=LOG_TITLES.get(entry["status"], entry["status"]),
                )
                for entry in data["log"][:20]
            ]
            found.append(data)
        return found

    def choices(self):
        return [
            ("channel", _("label_channels", default="Kênh phát hành"), CHANNELS),
            ("category", _("label_category", default="Lĩnh vực"), CATEGORIES),
            ("priority", _("label_priority", default="Mức độ ưu tiên"), PRIORITIES),
        ]
