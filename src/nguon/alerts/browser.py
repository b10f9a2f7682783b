"""The alerts' pages and addresses: the alert's page (``view``), its CAP message
(``alert.cap``), the Atom index of current alerts (``alerts.atom`` on the site and on every
unit, announced by a head link on their pages), and the Update and Cancel buttons
(``alert-follow-up``, a POST with Plone's CSRF token)."""

from datetime import datetime
from html import escape
from nguon import _
from nguon.alerts import chain
from nguon.alerts.current import current
from nguon.alerts.current import public
from nguon.alerts.message import area
from nguon.alerts.message import document
from nguon.alerts.message import local
from nguon.alerts.message import message
from nguon.alerts.message import voice_owner
from nguon.alerts.validation import problems
from nguon.cap import atom
from nguon.content import alert as alerts
from nguon.content.timezone import LOCAL_ZONE
from nguon.workflow.state import review_state
from plone import api
from plone.app.content.browser.content_status_modify import ContentStatusModifyView
from plone.app.layout.viewlets import ViewletBase
from plone.protect import CheckAuthenticator
from plone.protect import PostOnly
from Products.CMFCore.WorkflowCore import WorkflowException
from Products.Five import BrowserView
from Products.statusmessages.interfaces import IStatusMessage
from zExceptions import BadRequest
from zExceptions import Forbidden
from zExceptions import NotFound
from zExceptions import Unauthorized
from zope.i18n import translate

import hashlib
import transaction


CAP_TYPE = "application/cap+xml"
ATOM_TYPE = "application/atom+xml"
# Readers poll the index; an alert must reach them within a minute of its approval.
CACHE = "public, max-age=60"
# (background, text) of the page's band per CAP severity: the pairs the boards' takeover
# uses (``nguon.boards.render.SEVERITY_PALETTES``, every one above 7:1; a test keeps them
# equal), so an alert looks the same on a board and on the web.
BANDS = {
    "Extreme": ("#800000", "#ffffff"),
    "Severe": ("#ff8c00", "#141414"),
    "Moderate": ("#ffd600", "#141414"),
    "Minor": ("#00542d", "#ffffff"),
    "Unknown": ("#343a40", "#ffffff"),
}


def answer(request, body, media_type):
    """``body`` with a short public cache life and an ETag; ``304`` when the reader has it
    (an aggregator polls every minute: most polls then carry nothing)."""
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    response = request.response
    response.setHeader("Content-Type", f"{media_type}; charset=utf-8")
    response.setHeader("Cache-Control", CACHE)
    response.setHeader("ETag", etag)
    if etag in (request.getHeader("If-None-Match") or ""):
        response.setStatus(304)
        return b""
    return body


def cap_url(alert):
    return f"{alert.absolute_url()}/alert.cap"


class AlertCap(BrowserView):
    """The alert as signed CAP 1.2 XML, for anyone, while it is public."""

    def __call__(self):
        if not public(self.context):
            raise NotFound(self.context.getId())
        return answer(self.request, document(self.context), CAP_TYPE)


class AlertCapPreview(BrowserView):
    """The message as it would go out now (``sent`` = now while not sent), for the alert's
    authors and approvers: what an aggregator will read, before anyone approves it."""

    def __call__(self):
        if not officials_of(self.context):
            raise Unauthorized(self.context.getId())
        response = self.request.response
        response.setHeader("Content-Type", f"{CAP_TYPE}; charset=utf-8")
        response.setHeader("Cache-Control", "private, no-store")
        return document(self.context)


def officials_of(alert):
    """Whether the current user writes or approves ``alert`` (may edit or review it)."""
    return any(
        api.user.has_permission(permission, obj=alert)
        for permission in ("Modify portal content", "Review portal content")
    )


class AlertsAtom(BrowserView):
    """The Atom index of the public alerts in force here, newest first (``cap.atom``)."""

    def __call__(self):
        found = current(self.context)
        url = f"{self.context.absolute_url()}/alerts.atom"
        title = _(
            "alerts_atom_title",
            default="Cảnh báo khẩn cấp: ${place}",
            mapping={"place": self.context.Title()},
        )
        entries = [(cap_url(alert), message(alert, resources=False)) for alert in found]
        # An empty index changes at most once a minute (its ETag with it), as it is cached.
        updated = max(
            (entry.sent for _url, entry in entries),
            default=datetime.now(LOCAL_ZONE).replace(second=0, microsecond=0),
        )
        body = atom.index(
            feed_id=url,
            title=translate(title, context=self.request),
            self_url=url,
            updated=updated,
            author=api.portal.get().Title(),
            entries=entries,
            language=alerts.VIETNAMESE,
        )
        return answer(self.request, body, ATOM_TYPE)


class AlertsLink(ViewletBase):
    """``<link rel="alternate">`` to the unit's Atom index of alerts, for aggregators."""

    def render(self):
        title = translate(
            _("alerts_atom_link", default="Cảnh báo khẩn cấp (CAP)"),
            context=self.request,
        )
        return (
            f'<link rel="alternate" type="{ATOM_TYPE}" title="{escape(title)}" '
            f'href="{escape(self.context.absolute_url())}/alerts.atom" />'
        )


def _paragraphs(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _when(moment):
    return local(moment).strftime("%d/%m/%Y %H:%M") if moment else None


def _title(vocabulary, value):
    return dict(vocabulary).get(value, value)


class AlertView(BrowserView):
    """The alert's page: what to do first, then what happens, where and until when, in every
    language; the CAP address; for its officials the Update and Cancel buttons and what still
    keeps it from going out."""

    def __call__(self):
        # A Test or Exercise alert lost the anonymous user's View when it was published
        # (``events.hide_from_public``); this holds even if its permissions were reset since
        # (a manager's "update security settings" maps the published state again).
        if not alerts.is_public(self.context) and api.user.is_anonymous():
            raise Unauthorized(self.context.getId())
        return self.index()

    def severity(self):
        value = self.context.severity if self.context.severity in BANDS else "Unknown"
        background, text = BANDS[value]
        return {
            "band": value.lower(),
            "style": f"background-color: {background}; color: {text};",
            "title": _title(alerts.SEVERITIES, value),
        }

    def facts(self):
        context = self.context
        return {
            "status": context.cap_status,
            "status_title": _title(alerts.STATUSES, context.cap_status),
            "msg_type": context.msg_type,
            "msg_type_title": _title(alerts.MSG_TYPES, context.msg_type),
            "urgency": _title(alerts.URGENCIES, context.urgency),
            "certainty": _title(alerts.CERTAINTIES, context.certainty),
            "categories": [
                title
                for value, title in alerts.CAP_CATEGORIES
                if value in (context.cap_categories or ())
            ],
            "responses": [
                title
                for value, title in alerts.RESPONSE_TYPES
                if value in (context.response_types or ())
            ],
            "sent": _when(context.sent),
            "onset": _when(context.onset),
            "expires": _when(alerts.expires_at(context)),
            "expired": not alerts.in_force(context),
            "area": area(context).description,
            "web": context.web,
            "contact": context.contact,
            "image": (
                f"{context.absolute_url()}/@@images/image/preview"
                if getattr(context, "image", None)
                else None
            ),
        }

    def infos(self):
        languages = {tag: title for tag, title, _spoken in alerts.LANGUAGES}
        found = []
        for info in alerts.infos(self.context):
            found.append(
                {
                    "language": info.language,
                    "lang": info.language.split("-")[0],
                    "title": languages.get(info.language),
                    "headline": info.headline,
                    "event": info.event,
                    "instruction": _paragraphs(info.instruction),
                    "description": _paragraphs(info.description),
                    "voice": info.voice is not None,
                }
            )
        return found

    def voice_url(self, info):
        owner = voice_owner(self.context, info["language"])
        return f"{owner.absolute_url()}/@@download/voice"

    def translated(self, messages):
        return [translate(message, context=self.request) for message in messages]

    def cap_url(self):
        return cap_url(self.context) if public(self.context) else None

    def preview_url(self):
        if public(self.context) or not officials_of(self.context):
            return None
        return f"{self.context.absolute_url()}/@@alert-preview.cap"

    def can_follow_up(self):
        return chain.may_follow_up(self.context)

    def problems(self):
        """What keeps a draft from going out, for those who may edit it."""
        if review_state(self.context) == "published" or not api.user.has_permission(
            "Modify portal content", obj=self.context
        ):
            return []
        return [
            translate(p.message, context=self.request) for p in problems(self.context)
        ]


class AlertStatusModify(ContentStatusModifyView):
    """Plone's workflow menu on an alert: a refused transition (its CAP problems, the reach
    rule) comes back to the alert's page as an error message saying why, and nothing of the
    request is kept, instead of an error page."""

    def __call__(self, workflow_action=None, *args, **kwargs):
        try:
            return super().__call__(workflow_action, *args, **kwargs)
        except WorkflowException as refusal:
            transaction.doom()
            IStatusMessage(self.request).add(str(refusal), type="error")
            return self.request.response.redirect(self.context.absolute_url())


class FollowUp(BrowserView):
    """Make the Update or Cancel of a published alert and open it for editing."""

    def __call__(self):
        PostOnly(self.request)
        CheckAuthenticator(self.request)
        msg_type = self.request.form.get("msg_type")
        if msg_type not in chain.FOLLOW_UPS:
            raise BadRequest(msg_type)
        if not chain.may_follow_up(self.context):
            raise Forbidden(
                translate(
                    _(
                        "alert_follow_up_refused",
                        default="Chỉ cập nhật hoặc hủy được cảnh báo đã phát hành, "
                        "và chỉ người được soạn tin tại đơn vị của nó.",
                    ),
                    context=self.request,
                )
            )
        new = chain.follow_up(self.context, msg_type)
        self.request.response.redirect(f"{new.absolute_url()}/edit")
        return ""
