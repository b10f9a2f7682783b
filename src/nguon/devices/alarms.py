"""Alarms about devices that stopped calling: one e-mail to the admins of the device's unit when
an offline episode opens, one when the device is back.

``check(portal, now)`` is one round over every watched device (``nguon.devices.health``): a
device offline past the threshold with no open episode gets one opened, and its alarm; a
device whose alarmed episode its own request closed gets its "back online" mail. Each
device's change is committed before its mails leave, so a round that loses a conflict (the
device called at that moment) sends nothing and the next round tries again: one alarm per
episode. Mail goes through Plone's mail host (``plone.api.portal.send_email``) in Vietnamese,
or the site's language, to every member of the unit's admins group
(``nguon.units.tree.group_id(code, "admins")``) with an e-mail address.

The round runs in a background thread of one Zope process at a time (``nguon.devices.watcher``).
"""

from dataclasses import dataclass
from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.devices import health
from nguon.units.tree import group_id
from nguon.units.tree import item_unit
from plone import api
from ZODB.POSException import ConflictError
from zope.i18n import translate
from zope.i18nmessageid import Message

import logging
import transaction


logger = logging.getLogger("nguon.devices")


@dataclass(frozen=True)
class Mail:
    recipient: str
    subject: str
    body: str


def check(portal, now=None, tm=None):
    """One round over the watched devices of ``portal``: opens the episodes of devices offline
    past the threshold and mails their alarms, mails the returns. Commits each device's change
    through ``tm`` (default: the thread's transaction manager) before sending its mails, and
    skips a device whose commit conflicts. Returns the mails sent."""
    tm = transaction.manager if tm is None else tm
    sent = []
    for device in health.devices_of(portal):
        mails = check_device(device, now)
        if mails is None:
            continue
        try:
            tm.commit()
        except ConflictError:
            tm.abort()
            continue
        sent.extend(mail for mail in mails if send(mail))
    return sent


def check_device(device, now=None):
    """Change ``device``'s history as its health asks and return the mails that follow (not
    sent yet: its return first, then a new episode's alarm), or None when nothing changed."""
    mails = None
    record = health.history(device)
    if record is not None and record.back_due is not None:
        start, end = record.back_due, record.closed.get(record.back_due)
        mails = messages(device, back_message(device, _utc(start), _utc(end)))
        record.back_due = None
    since = health.offline_since(device, now)
    if since is not None and (record is None or record.open_since is None):
        health.history(device, create=True).open(since.timestamp())
        mails = (mails or []) + messages(device, alarm_message(device, since))
    return mails


def send(mail):
    """Send one mail now (its change is committed); False, logged, when the mail host is not
    configured or refuses."""
    try:
        api.portal.send_email(
            recipient=mail.recipient,
            subject=mail.subject,
            body=mail.body,
            immediate=True,
        )
    except Exception:  # a mail that cannot leave must not stop the round
        logger.exception("device alarm to %s not sent", mail.recipient)
        return False
    return True


def recipients(device):
    """The e-mail addresses of the admins of ``device``'s unit."""
    unit = item_unit(device)
    if unit is None:
        return []
    users = api.user.get_users(groupname=group_id(unit.code, "admins"))
    return sorted({user.getProperty("email") for user in users} - {None, ""})


def _utc(seconds):
    return datetime.fromtimestamp(seconds, UTC)


def _facts(device):
    portal_type = api.portal.get_tool("portal_types")[device.portal_type]
    unit = item_unit(device)
    return {
        "kind": _translate(Message(portal_type.title, domain=portal_type.i18n_domain)),
        "title": device.Title(),
        "unit": unit.Title() if unit is not None else "",
        "url": device.absolute_url(),
    }


def alarm_message(device, since):
    facts = {**_facts(device), "since": health.local_time(since)}
    subject = _(
        "health_alarm_subject",
        default="[Cảnh báo] ${kind} «${title}» mất kết nối",
        mapping=facts,
    )
    text = _(
        "health_alarm_text",
        default="${kind} «${title}» của ${unit} không kết nối với hệ thống từ ${since}.",
        mapping=facts,
    )
    advice = _(
        "health_alarm_advice",
        default="Xin kiểm tra nguồn điện, đường truyền và thiết bị.",
    )
    return subject, (text, advice), facts["url"]


def back_message(device, start, end):
    facts = {
        **_facts(device),
        "since": health.local_time(start),
        "back": health.local_time(end),
    }
    subject = _(
        "health_back_subject",
        default="[Đã khôi phục] ${kind} «${title}» kết nối trở lại",
        mapping=facts,
    )
    text = _(
        "health_back_text",
        default="${kind} «${title}» của ${unit} đã kết nối trở lại lúc ${back} (mất kết nối từ ${since}).",
        mapping=facts,
    )
    return subject, (text,), facts["url"]


def messages(device, message):
    """One ``Mail`` per admin of the device's unit for ``(subject, paragraphs, url)``."""
    subject, paragraphs, url = message
    subject = _translate(subject)
    body = "\n\n".join([*(_translate(text) for text in paragraphs), url])
    found = recipients(device)
    if not found:
        logger.warning("no admin e-mail for %s: %s", url, subject)
    return [Mail(address, subject, body) for address in found]


def _translate(message):
    return translate(message, target_language=api.portal.get_default_language())
