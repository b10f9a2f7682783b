"""One received CAP message, checked and turned into alerts of the units it warns.

``receive(portal, data, via)`` checks, in order (the cheap checks before the signature's):
the document is CAP 1.2 XML read safely (no DTD, no entity, a size limit:
``nguon.cap.xml``), valid against the OASIS schema, within the rules of
``nguon.cap.rules`` (times in order, not expired, ...), from a trusted source
(``sources``: its ``sender``), signed with one of that source's certificates (only what the
signature covers is read from then on), an ``Actual``, ``Exercise`` or
``Test`` message of type Alert, Update or Cancel, and not received before (sender,
identifier, sent). Then:

- **Alert**: a draft ``Alert`` in each unit whose area it names (``areas``), with every
  language the site offers (``build``), the original message (``source_xml``) and the
  source's name, owned by the ingest user, submitted to the unit's approvers; or published
  at once with the emergency procedure, recorded as done by the source, when the source's
  ``publish`` is ``at-once``.
- **Update**: for each alert made from a referenced message, an ``Update`` in the same
  unit referring to it, waiting or published as an Alert would be; a referenced alert not
  published yet is withdrawn from its approvers (rejected, saying why) and the new message
  becomes a plain Alert in its place. An Update of nothing received is taken as an Alert.
- **Cancel**: for each referenced alert that was published, a ``Cancel`` published at once;
  one not published yet is withdrawn from its approvers. A Cancel of nothing is refused.

A refusal raises ``Refused`` with a stable code and the reason, after keeping it in the
site's log (``record``) and the event log; what was made and what was noted are kept with
the message. Nothing a message does survives its own failure (a savepoint).
"""

from AccessControl.users import UnrestrictedUser
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.alerts.chain import follow_up
from nguon.alerts.ingest import build
from nguon.alerts.ingest import sources as trusted
from nguon.alerts.ingest.areas import coverage
from nguon.alerts.ingest.record import ingest_log
from nguon.alerts.ingest.record import message_key
from nguon.cap import rules
from nguon.cap import schema
from nguon.cap import signature
from nguon.cap import xml
from nguon.cap.errors import CapError
from nguon.content.alert import IAlertInfo
from nguon.content.alert import set_expires
from nguon.units.tree import item_unit
from nguon.workflow.approval import WAITING_STATES
from plone import api
from Products.CMFCore.WorkflowCore import WorkflowException
from ZODB.POSException import ConflictError
from zope.event import notify
from zope.i18n import translate
from zope.lifecycleevent import ObjectModifiedEvent

import logging


logger = logging.getLogger("nguon.alerts.ingest")

# Who makes the alerts (their creator and owner): not a person, and never a login.
INGEST_USER = "nguon-cap-ingest"
ACCEPTED_STATUSES = ("Actual", "Exercise", "Test")
ACCEPTED_TYPES = ("Alert", "Update", "Cancel")
FAILED = "failed"  # the site's own failure on a message, not the message's fault


class Refused(Exception):
    """A message not taken: ``code`` (stable, ASCII; the first of ``codes`` when several
    rules are broken) and ``message`` (an i18n message)."""

    def __init__(self, code, message, source=None, key=None, codes=None):
        super().__init__(code)
        self.code, self.message, self.source, self.key = code, message, source, key
        self.codes = tuple(codes or (code,))


@dataclass
class Outcome:
    """What one message made: the alerts (new, in their units) and the notes on it."""

    key: str
    source: str
    msg_type: str
    alerts: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def vietnamese(message):
    """An i18n message in Vietnamese, for the logs and the site's record."""
    return translate(message, target_language="vi")


def receive(portal, data, via, now=None, known=None):
    """The ``Outcome`` of the CAP message ``data`` (bytes) received ``via`` (``"push"`` or
    the URL it was fetched from); ``Refused`` after recording why it was not taken."""
    log = ingest_log(portal)
    try:
        # The portal's own transaction: a delivery thread has a manager of its own.
        savepoint = portal._p_jar.transaction_manager.savepoint()
        try:
            outcome = _Receiver(portal, via, now, known or trusted.active()).run(data)
        except (Refused, ConflictError):  # a conflict: the whole transaction is retried
            savepoint.rollback()
            raise
        except Exception as error:  # never half a message; said like any refusal
            savepoint.rollback()
            logger.exception("CAP message via %s failed", via)
            raise Refused(
                FAILED,
                _(
                    "cap_ingest_failed",
                    default="Lỗi khi tạo cảnh báo từ bản tin: ${error}",
                    mapping={"error": str(error) or type(error).__name__},
                ),
            ) from None
    except Refused as refusal:
        reason = vietnamese(refusal.message)
        logger.warning("CAP message via %s refused (%s): %s", via, refusal.code, reason)
        log.refuse(
            code=refusal.code,
            reason=reason,
            via=via,
            source=refusal.source,
            key=refusal.key,
        )
        raise
    log.add(
        outcome.key,
        source=outcome.source,
        msg_type=outcome.msg_type,
        via=via,
        alerts=[alert.UID() for alert in outcome.alerts],
        notes=[vietnamese(note) for note in outcome.notes],
    )
    logger.info(
        "CAP message %s from %s: %d alert(s)",
        outcome.key,
        outcome.source,
        len(outcome.alerts),
    )
    return outcome


def _checked(call, *args):
    try:
        return call(*args)
    except CapError as error:
        raise Refused(error.code, error.reason) from None


class _Receiver:
    def __init__(self, portal, via, now, known):
        self.portal, self.via, self.known = portal, via, known
        self.now = now or datetime.now(UTC)

    def run(self, data):
        message = _checked(xml.parse, data)
        _checked(schema.validate, data)
        problems = rules.check(message, self.now)
        if problems:
            raise Refused(
                problems[0].code,
                _(
                    "cap_ingest_rules",
                    default="Bản tin không đạt quy định CAP: ${problems}",
                    mapping={
                        "problems": " ".join(
                            f"{p.field}: {vietnamese(p.message)}" for p in problems
                        )
                    },
                ),
                codes=[p.code for p in problems],
            )
        source = self.known.by_sender(message.sender)
        if source is None:
            raise Refused(
                "unknown-sender",
                _(
                    "cap_ingest_unknown_sender",
                    default="Nơi gửi «${sender}» không phải nguồn cảnh báo tin cậy "
                    "(policies/alert-sources.yaml).",
                    mapping={"sender": message.sender},
                ),
            )
        self.source = source
        try:
            # From here on, only what the source's signature covers is read.
            message = _checked(
                xml.parse, _checked(signature.verify, data, source.certificates)
            )
            return self.take(message, data)
        except Refused as refusal:
            refusal.source = source.name
            raise

    def take(self, message, data):
        key = message_key(*message.key)
        if message.sender != self.source.sender:
            raise Refused(
                "unknown-sender",
                _(
                    "cap_ingest_sender_mismatch",
                    default="Phần được ký của bản tin mang nơi gửi khác với nguồn.",
                ),
                key=key,
            )
        if message.status not in ACCEPTED_STATUSES:
            raise Refused(
                "status",
                _(
                    "cap_ingest_status",
                    default="Bản tin loại ${status} không được nhận (chỉ Actual, "
                    "Exercise, Test).",
                    mapping={"status": message.status},
                ),
                key=key,
            )
        if message.msg_type not in ACCEPTED_TYPES:
            raise Refused(
                "msg-type",
                _(
                    "cap_ingest_msg_type",
                    default="Bản tin ${msg_type} không được nhận (chỉ Alert, Update, "
                    "Cancel).",
                    mapping={"msg_type": message.msg_type},
                ),
                key=key,
            )
        if ingest_log(self.portal).seen(key):
            raise Refused(
                "duplicate",
                _(
                    "cap_ingest_duplicate",
                    default="Bản tin đã nhận trước đó (trùng sender, identifier, sent).",
                ),
                key=key,
            )
        self.outcome = Outcome(key, self.source.name, message.msg_type)
        self.message, self.data = message, data
        predecessors = self.predecessors()
        if message.msg_type == "Cancel":
            self.cancel(predecessors)
        elif message.msg_type == "Update" and predecessors:
            self.update(predecessors)
        else:
            if message.msg_type == "Update":
                self.note(
                    _(
                        "cap_ingest_update_of_nothing",
                        default="Bản tin cập nhật một bản tin chưa nhận: tạo cảnh báo mới.",
                    )
                )
            self.alert()
        return self.outcome

    # -- what each kind of message does ---------------------------------------------------

    def alert(self):
        found = coverage(self.message, self.source)
        for note in found.notes:
            self.note(note)
        if not found.units:
            raise Refused(
                "no-unit",
                _(
                    "cap_ingest_no_unit",
                    default="Bản tin không nêu đơn vị hành chính nào của Việt Nam mà "
                    "nguồn được cảnh báo (geocode VN-DVHC). ${notes}",
                    mapping={"notes": " ".join(map(vietnamese, self.outcome.notes))},
                ),
                key=self.outcome.key,
            )
        for unit in found.units:
            self.send_on(self.make(unit, "Alert"), self.source.at_once)

    def update(self, predecessors):
        for previous in predecessors:
            if api.content.get_state(previous) == "published":
                made = self.make(item_unit(previous), "Update", follows=previous)
            else:
                self.withdraw(previous)
                made = self.make(item_unit(previous), "Alert")
            self.send_on(made, self.source.at_once)

    def cancel(self, predecessors):
        if not predecessors:
            raise Refused(
                "cancel-of-nothing",
                _(
                    "cap_ingest_cancel_of_nothing",
                    default="Bản tin hủy bỏ tham chiếu bản tin chưa từng nhận.",
                ),
                key=self.outcome.key,
            )
        for previous in predecessors:
            if api.content.get_state(previous) == "published":
                made = self.make(item_unit(previous), "Cancel", follows=previous)
                self.send_on(made, at_once=True)
            else:
                self.withdraw(previous)

    # -- steps -----------------------------------------------------------------------------

    def note(self, message):
        self.outcome.notes.append(message)

    def predecessors(self):
        """The alerts (still in the site) made from the messages this one refers to."""
        log = ingest_log(self.portal)
        found = []
        for reference in self.message.references:
            entry = log.entry(
                message_key(reference.sender, reference.identifier, reference.sent)
            )
            for uid in entry["alerts"] if entry else ():
                alert = api.content.get(UID=uid)
                if alert is not None and alert not in found:
                    found.append(alert)
        return found

    def make(self, unit, msg_type, follows=None):
        """A new alert in ``unit`` from the message, or the Update or Cancel that follows
        the published alert ``follows`` (``nguon.alerts.chain.follow_up``: its chain and
        everything it said, then what the message says, when it says anything)."""
        fields = {
            "source_xml": self.data,
            "source_name": self.source.name,
            "cap_status": self.message.status,
        }
        languages = None
        if self.message.infos:
            fields = build.alert_fields(
                self.message, self.source.name, self.data, self.now
            )
            if build.onset_passed(self.message, self.now):
                self.note(
                    _(
                        "cap_ingest_onset_passed",
                        default="Thời điểm bắt đầu (onset) đã qua khi nhận: bỏ trống.",
                    )
                )
            languages, notes = build.info_fields(self.message)
            for note in notes:
                self.note(note)
        user = _user(self.portal, INGEST_USER)
        expires = fields.pop("expires")  # Plone's expiration date, not an attribute
        with api.env.adopt_user(user=user):
            if follows is None:
                alert = api.content.create(
                    container=unit,
                    type="Alert",
                    msg_type=msg_type,
                    creators=(INGEST_USER,),
                    **fields,
                )
            else:
                alert = follow_up(follows, msg_type)
                for name, value in fields.items():
                    if name != "identifier":
                        setattr(alert, name, value)
                if languages is not None:  # the message's languages, not the old ones
                    alert.manage_delObjects(
                        [
                            c.getId()
                            for c in alert.objectValues()
                            if IAlertInfo.providedBy(c)
                        ]
                    )
            set_expires(alert, expires)
            if follows is None:
                alert.reindexObject(idxs=["expires", "effectiveRange"])
            for language in languages or ():
                api.content.create(container=alert, type="AlertInfo", **language)
            if follows is not None:
                notify(ObjectModifiedEvent(alert))
        _own(alert, user)
        self.outcome.alerts.append(alert)
        return alert

    def send_on(self, alert, at_once):
        """Submit ``alert`` to its unit's approvers, or publish it at once in the source's
        name; an alert the workflow refuses stays a draft, and the refusal is noted."""
        mapping = {
            "source": self.source.name,
            "sender": self.message.sender,
            "identifier": self.message.identifier,
        }
        if at_once:
            transition = "emergency_publish"
            comment = _(
                "cap_ingest_published_at_once",
                default="Phát hành ngay theo thủ tục khẩn cấp, do nguồn cảnh báo "
                "«${source}» thực hiện như chính sách nguồn cảnh báo cho phép "
                "(policies/alert-sources.yaml, publish: at-once): bản tin CAP "
                "${identifier} của ${sender}, chữ ký số đã kiểm tra.",
                mapping=mapping,
            )
        else:
            transition = "submit"
            comment = _(
                "cap_ingest_submitted",
                default="Nhận từ nguồn cảnh báo «${source}»: bản tin CAP ${identifier} "
                "của ${sender}, chữ ký số đã kiểm tra; chờ người duyệt của đơn vị.",
                mapping=mapping,
            )
        try:
            with api.env.adopt_user(user=_user(self.portal, _source_user(self.source))):
                _transition(alert, transition, comment)
        except WorkflowException as error:
            self.note(
                _(
                    "cap_ingest_left_draft",
                    default="Cảnh báo ${path} để ở dạng nháp: ${error}",
                    mapping={
                        "path": "/".join(alert.getPhysicalPath()[2:]),
                        "error": str(error),
                    },
                )
            )

    def withdraw(self, previous):
        """Take an alert not published yet away from its approvers: the source replaced it."""
        if api.content.get_state(previous) not in WAITING_STATES:
            return
        comment = _(
            "cap_ingest_superseded",
            default="Nguồn cảnh báo «${source}» đã gửi bản tin ${msg_type} thay cho bản tin "
            "này (${identifier}).",
            mapping={
                "source": self.source.name,
                "msg_type": self.message.msg_type,
                "identifier": self.message.identifier,
            },
        )
        with api.env.adopt_user(user=_user(self.portal, _source_user(self.source))):
            _transition(previous, "reject", comment)


def _source_user(source):
    """The name the workflow records for what a source does (``cap:<sender>``)."""
    return f"cap:{source.sender}"


def _transition(alert, transition, comment):
    """The workflow's own call, so that a refusal says its reason (plone.api's hides it)."""
    api.portal.get_tool("portal_workflow").doActionFor(
        alert, transition, comment=vietnamese(comment)
    )


class _Actor(UnrestrictedUser):
    """A user that is no account: it acts for the ingest with a Manager's rights, and its
    name is what the history, the approvals and the creator fields show (Zope's special
    users have no id)."""

    def getId(self):
        return self.getUserName()

    def getGroups(self):
        return []


def _user(portal, userid):
    return _Actor(userid, "", ("Manager",), ()).__of__(portal.acl_users)


def _own(alert, user):
    """``user`` alone owns ``alert`` (not whoever's request or thread received it)."""
    alert.changeOwnership(user, recursive=True)
    for obj in (alert, *alert.objectValues()):
        for principal, roles in obj.get_local_roles():
            if "Owner" in roles and principal != user.getId():
                kept = [role for role in roles if role != "Owner"]
                if kept:
                    obj.manage_setLocalRoles(principal, kept)
                else:
                    obj.manage_delLocalRoles([principal])
        obj.manage_setLocalRoles(user.getId(), ["Owner"])
    alert.reindexObjectSecurity()
