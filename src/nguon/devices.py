"""Credentials of equipment (radio stations, public boards): a random token given once to the
unit admin, kept only as its SHA-256 digest, replaced (and the old one revoked) by issuing a
new one. A token names its device (``<uid>.<secret>``), so a request finds the device and
checks the secret without searching."""
from persistent.mapping import PersistentMapping
from zope.annotation.interfaces import IAnnotations

import hashlib
import hmac
import secrets
import time


KEY = "nguon.radio.credentials"  # one key for every kind of device (radio stations came first)


def _digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(device, userid=None):
    """A new token for ``device`` (the previous one stops working); returns it."""
    token = f"{device.UID()}.{secrets.token_urlsafe(32)}"
    IAnnotations(device)[KEY] = PersistentMapping(
        digest=_digest(token), issued=time.time(), issued_by=userid)
    return token


def valid(device, token):
    record = IAnnotations(device).get(KEY)
    if not record or not token:
        return False
    return hmac.compare_digest(record["digest"], _digest(token))


def issued(device):
    record = IAnnotations(device).get(KEY)
    return dict(record) if record else None


def device_uid(token):
    """The device a token names (its first part); the token still has to be ``valid``."""
    return (token or "").split(".", 1)[0]


def find(uid, portal_type):
    """The device of ``portal_type`` with this UID, or None (devices are private: searched
    without the caller's permissions, the caller then checks a secret)."""
    from plone import api

    brains = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
        UID=uid, portal_type=portal_type) if uid else []
    return brains[0]._unrestrictedGetObject() if brains else None


def authenticated(token, portal_type):
    """The device of ``portal_type`` whose valid token this is, or None."""
    device = find(device_uid(token), portal_type)
    return device if device is not None and valid(device, token) else None
