"""An Alert (``nguon.content.alert``) as a CAP 1.2 message (``nguon.cap.model.Alert``).

``message(alert)`` maps the content: the message's identity (identifier, the effective
sender, ``sent`` with the site's offset, status, msgType, scope Public, the references of an
Update or Cancel), one ``<info>`` per language (Vietnamese first) carrying the alert's
categories, urgency, severity, certainty, response types and times, the unit's title as
``senderName``, the image and each language's recorded voice as ``<resource>`` (address,
type, size, SHA-1 digest), and one ``<area>``: the author's description (or the target
units' names), the polygon and circle drawn, and one ``<geocode>`` ``VN-DVHC`` per target
unit with its official code. ``document(alert)`` is the message as signed XML: what
``alert.cap`` serves. An alert not sent yet is mapped with ``sent`` = now, which is what
validation before approval judges.
"""

from Acquisition import aq_base
from datetime import datetime
from nguon.alerts import keys
from nguon.cap import model
from nguon.cap import signature
from nguon.cap.xml import to_xml
from nguon.content import alert as alerts
from nguon.content.timezone import LOCAL_ZONE
from nguon.units.tree import find_unit
from nguon.units.tree import item_unit
from nguon.workflow.reach import declared_reach
from plone import api

import hashlib


def local(moment):
    """An alert's time as CAP writes it: aware, in the site's zone, whole seconds (the forms
    keep naive local times, ``content.alert``)."""
    if moment is None:
        return None
    return alerts.as_aware(moment).astimezone(LOCAL_ZONE).replace(microsecond=0)


def sent_of(alert, now=None):
    """When the alert was sent: set at its first publication; now for one not sent yet."""
    return local(getattr(alert, "sent", None) or now or datetime.now(LOCAL_ZONE))


def message(alert, now=None, resources=True):
    """The ``model.Alert`` of ``alert`` (without its ``<resource>`` elements when
    ``resources`` is false: what an index or a reference needs reads no file)."""
    sent = sent_of(alert, now)
    return model.Alert(
        identifier=alert.identifier,
        sender=alerts.sender_of(alert),
        sent=sent,
        status=alert.cap_status,
        msg_type=alert.msg_type,
        scope="Public",
        references=tuple(
            model.Reference.parse(text) for text in alert.references or ()
        ),
        infos=tuple(
            _info(alert, info, sent, resources) for info in alerts.infos(alert)
        ),
    )


def document(alert, now=None):
    """The CAP XML of ``alert`` (bytes), signed with the site's current CAP key."""
    key = keys.current(
        api.portal.get()
    )  # made by install(portal); requests never write it
    return signature.sign(
        to_xml(message(alert, now)), key["private"], key["certificate"]
    )


def _ordered(chosen, values):
    return tuple(value for value in values if value in (chosen or ()))


def _effective(alert, sent):
    """Plone's publication date when it is later than ``sent`` (a scheduled alert); CAP's
    ``effective`` is ``sent`` when absent, which is what an alert published at once means."""
    effective = getattr(aq_base(alert), "effective_date", None)
    effective = local(effective.asdatetime()) if effective is not None else None
    return effective if effective is not None and effective > sent else None


def _info(alert, info, sent, resources):
    unit = item_unit(alert)
    return model.Info(
        language=info.language,
        categories=_ordered(alert.cap_categories, model.CATEGORIES),
        event=info.event,
        response_types=_ordered(alert.response_types, model.RESPONSE_TYPES),
        urgency=alert.urgency,
        severity=alert.severity,
        certainty=alert.certainty,
        effective=_effective(alert, sent),
        onset=local(alert.onset),
        expires=local(alerts.expires_at(alert)),
        sender_name=unit.Title() if unit is not None else None,
        headline=info.headline,
        description=info.description,
        instruction=info.instruction or None,
        web=alert.web or alert.absolute_url(),
        contact=alert.contact or None,
        resources=_resources(alert, info) if resources else (),
        areas=(area(alert),),
    )


def _resources(alert, info):
    found = []
    if info.voice is not None:
        found.append(
            _resource(
                voice_owner(alert, info.language),
                "voice",
                f"Giọng đọc ({info.language})",
            )
        )
    if _blob(alert, "image") is not None:
        found.append(_resource(alert, "image", "Hình ảnh"))
    return tuple(found)


def voice_owner(alert, language):
    """What holds the voice of ``language``: the alert for Vietnamese, else its AlertInfo."""
    if language == alerts.VIETNAMESE:
        return alert
    return next(
        child
        for child in alert.objectValues()
        if getattr(child, "language", None) == language
    )


def _blob(obj, name):
    value = getattr(aq_base(obj), name, None)
    return value if value is not None and getattr(value, "size", 0) else None


def _resource(obj, name, description):
    value = _blob(obj, name)
    return model.Resource(
        description=description,
        mime_type=value.contentType or "application/octet-stream",
        size=value.size,
        uri=f"{obj.absolute_url()}/@@download/{name}",
        digest=hashlib.sha1(value.data).hexdigest(),  # CAP 1.2 names SHA-1
    )


def area(alert):
    """The one ``<area>`` of every ``<info>``: what the author drew, and the target units."""
    units = [
        unit
        for unit in (find_unit(code) for code, _below in declared_reach(alert))
        if unit is not None
    ]
    description = (alert.area_description or "").strip() or "; ".join(
        unit.Title() for unit in units
    )
    return model.Area(
        description=description,
        polygons=shape(alert.polygon),
        circles=shape(alert.circle),
        geocodes=tuple((model.VN_UNIT_CODE, unit.code) for unit in units),
    )


def shape(text):
    """A polygon or circle as CAP writes it (single spaces), or none."""
    text = " ".join((text or "").split())
    return (text,) if text else ()
