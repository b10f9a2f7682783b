"""Update and Cancel: the chain of a warning kept by buttons, not by hand-built references.

``follow_up(alert, msg_type)`` makes the next message of a published alert's chain: a new
Alert in the same unit with every field and every language copied (its files too), a fresh
identifier, ``msg_type`` Update or Cancel and ``references`` = the alert's references and the
alert itself (``sender,identifier,sent``). It is a draft for its author to edit and send
through approval like any alert.

When such a message is published, ``supersede`` retracts every alert of the chain it
references that is still published, with a workflow transition made by the system
(``actors.SYSTEM``) whose comment names the new message: every channel then replaces (Update) or withdraws (Cancel) what it showed, exactly
as it does for a retraction.
"""

from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from nguon import _
from nguon.alerts.actors import actor
from nguon.alerts.message import message
from nguon.content.alert import expires_at
from nguon.content.alert import IAlertInfo
from nguon.content.alert import MSG_TYPES
from nguon.content.alert import new_identifier
from nguon.content.alert import sender_of
from nguon.content.alert import set_expires
from nguon.workflow.state import review_state
from plone import api
from plone.app.dexterity.behaviors.metadata import IPublication
from plone.dexterity.utils import addContentToContainer
from plone.dexterity.utils import createContent
from plone.dexterity.utils import iterSchemata
from plone.namedfile.interfaces import INamedFile
from zope.i18n import translate

import copy


FOLLOW_UPS = ("Update", "Cancel")
# Kept by the chain or the site, never copied: the next message is a message of its own.
NOT_COPIED = frozenset(
    {
        "id",
        "identifier",
        "sent",
        "msg_type",
        "references",
        "source_xml",
        "source_name",
        "changeNote",
    }
)
# Behaviours whose fields are bookkeeping of the old item (its publication dates, versioning).
NOT_COPIED_SCHEMATA = frozenset({IPublication.__identifier__})


def may_follow_up(alert):
    """Whether the current user may make an Update or Cancel of ``alert``: it is published
    and not itself a Cancel (the end of its chain), and they may add content in its unit."""
    return (
        review_state(alert) == "published"
        and getattr(alert, "msg_type", "Alert") != "Cancel"
        and api.user.has_permission(
            "Add portal content", obj=aq_parent(aq_inner(alert))
        )
    )


def _copy_value(value):
    if INamedFile.providedBy(value):
        return type(value)(
            data=value.data, filename=value.filename, contentType=value.contentType
        )
    return copy.deepcopy(value)


def _copy_fields(source, target):
    for schema in iterSchemata(source):
        if schema.__identifier__ in NOT_COPIED_SCHEMATA:
            continue
        for name, field in schema.namesAndDescriptions(all=True):
            if name in NOT_COPIED or not hasattr(field, "get"):
                continue
            value = field.get(schema(source))
            if value is not None:
                field.set(schema(target), _copy_value(value))


def _add(container, portal_type, source, **fields):
    obj = createContent(portal_type)
    _copy_fields(source, obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    return addContentToContainer(container, obj, checkConstraints=True)


def follow_up(alert, msg_type):
    """The new draft Update or Cancel of the published ``alert`` (see the module)."""
    if msg_type not in FOLLOW_UPS:
        raise ValueError(msg_type)
    new = _add(
        aq_parent(aq_inner(alert)),
        "Alert",
        alert,
        identifier=new_identifier(),
        msg_type=msg_type,
        references=list(alert.references or ())
        + [str(message(alert, resources=False).reference())],
    )
    # Of Plone's publication dates, only the expiry carries over.
    set_expires(new, expires_at(alert))
    for child in alert.objectValues():
        if IAlertInfo.providedBy(child):
            _add(new, child.portal_type, child)
    new.creators = (api.user.get_current().getId(),)
    new.reindexObject()
    return new


def referenced(alert):
    """The published alerts that ``alert`` references (by sender and identifier)."""
    keys = set()
    for text in alert.references or ():
        sender, _comma, rest = text.partition(",")
        keys.add((sender, rest.partition(",")[0]))
    if not keys:
        return []
    found = []
    for brain in api.content.find(
        portal_type="Alert", review_state="published", unrestricted=True
    ):
        obj = brain._unrestrictedGetObject()
        if aq_base(obj) is not aq_base(alert) and (
            (sender_of(obj), obj.identifier) in keys
        ):
            found.append(obj)
    return found


def supersede(alert):
    """Retract what a published Update or Cancel references (see the module)."""
    if getattr(alert, "msg_type", "Alert") not in FOLLOW_UPS:
        return
    request = getattr(alert, "REQUEST", None)
    comment = _(
        "alert_superseded",
        default="Tự động thu hồi: đã phát hành bản ${msg_type} «${title}» (${url}).",
        mapping={
            "msg_type": dict(MSG_TYPES)[alert.msg_type],
            "title": alert.Title(),
            "url": alert.absolute_url(),
        },
    )
    workflow = api.portal.get_tool("portal_workflow")
    with api.env.adopt_user(user=actor()):
        for old in referenced(alert):
            workflow.doActionFor(
                old, "retract", comment=translate(comment, context=request)
            )
