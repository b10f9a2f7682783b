"""What leaves the site is only what the anonymous user may see.

Snapshots are made by the delivery worker, whose user may see everything, and Plone's output
filters turn ``resolveuid/<uid>`` links into addresses without asking whether the reader may
see the target. So an item's rich text is rendered here with the permissions of the anonymous
user, after every link (``<a href>``) that names by UID something anonymous may not see (a
draft, a private or pending item, one not in effect yet or expired) lost its address (its text
stays) and every such embedded image or frame was removed. A public feed or push therefore
never carries the address of an unpublished item.
"""

from AccessControl.SecurityManagement import getSecurityManager
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import setSecurityManager
from AccessControl.SpecialUsers import nobody
from contextlib import contextmanager
from DateTime import DateTime
from lxml import html as lxml_html
from plone.app.textfield.value import RichTextValue
from plone.app.uuid.utils import uuidToObject
from plone.outputfilters.filters.resolveuid_and_caption import resolveuid_re

import re


UID_IN_TEXT = re.compile(r"resolve[Uu]id/([^/\"'?#\s]+)")
LINKED = (
    ("a", "href", "drop_tag"),
    ("area", "href", "drop_tree"),
    ("img", "src", "drop_tree"),
    ("source", "src", "drop_tree"),
    ("iframe", "src", "drop_tree"),
    ("embed", "src", "drop_tree"),
    ("object", "data", "drop_tree"),
)


@contextmanager
def as_anonymous():
    """Run the block with the permissions of the anonymous user."""
    previous = getSecurityManager()
    newSecurityManager(None, nobody)
    try:
        yield
    finally:
        setSecurityManager(previous)


def visible(uid, now=None):
    """True when the anonymous user may see the content with this UID now (call it
    ``as_anonymous``)."""
    obj = uuidToObject(uid, unrestricted=True)
    if obj is None or not getSecurityManager().checkPermission("View", obj):
        return False
    now = now or DateTime()
    effective = getattr(obj, "effective_date", None)
    expires = getattr(obj, "expiration_date", None)
    return not (effective is not None and effective > now) and not (
        expires is not None and expires <= now
    )


def without_hidden_links(raw, hidden):
    """The HTML ``raw`` without the addresses of the UIDs in ``hidden``."""
    root = lxml_html.fragment_fromstring(raw, create_parent="div")
    for tag, attribute, drop in LINKED:
        for element in list(root.iter(tag)):
            match = resolveuid_re.match(element.get(attribute) or "")
            if match is not None and match.group(1) in hidden:
                getattr(element, drop)()
    text = root.text or ""
    return text + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in root
    )


def public_html(obj, value):
    """The rich text ``value`` of ``obj`` rendered as the anonymous user sees it."""
    with as_anonymous():
        hidden = {
            uid for uid in set(UID_IN_TEXT.findall(value.raw or "")) if not visible(uid)
        }
        if hidden:
            value = RichTextValue(
                without_hidden_links(value.raw, hidden),
                value.mimeType,
                value.outputMimeType,
                value.encoding,
            )
        return value.output_relative_to(obj) or ""
