"""Credentials of equipment (radio stations, public boards): a random token given once to the
unit admin, kept only as its SHA-256 digest, replaced (and the old one revoked, with every
session of the device) by issuing a new one. A token names its device (``<uid>.<secret>``), so
a request finds the device and checks the secret without searching.

Kept in the device's annotations under ``KEY``. Before issue 13 every device's token lived
under ``OLD_KEY`` (``nguon.radio.credentials``, radio came first); the upgrade step
"Device credentials under their own key" moves them (``migrate``).
"""

from nguon.devices import health
from nguon.devices import sessions
from persistent.mapping import PersistentMapping
from zope.annotation.interfaces import IAnnotations

import hashlib
import hmac
import secrets
import time


KEY = "nguon.devices.credentials"
OLD_KEY = "nguon.radio.credentials"


def _digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(device, userid=None):
    """A new token for ``device``; the previous one, and every session of the device, stop
    working. Returns the token (shown once)."""
    token = f"{device.UID()}.{secrets.token_urlsafe(32)}"
    annotations = IAnnotations(device)
    annotations.pop(OLD_KEY, None)
    annotations[KEY] = PersistentMapping(
        digest=_digest(token), issued=time.time(), issued_by=userid
    )
    sessions.revoke(device)  # paired kiosks pair again
    return token


def valid(device, token):
    record = IAnnotations(device).get(KEY)
    if not record or not token:
        return False
    return hmac.compare_digest(record["digest"], _digest(token))


def migrate(device):
    """Move a credential stored under ``OLD_KEY`` to ``KEY``; True when one moved."""
    annotations = IAnnotations(device)
    record = annotations.get(OLD_KEY)
    if record is None:
        return False
    if KEY not in annotations:
        annotations[KEY] = record
    del annotations[OLD_KEY]
    return True


def device_uid(token):
    """The device a token names (its first part); the token still has to be ``valid``."""
    return (token or "").split(".", 1)[0]


def find(uid, portal_type):
    """The device of ``portal_type`` with this UID, or None (devices are private: searched
    without the caller's permissions, the caller then checks a secret)."""
    from plone import api

    brains = (
        api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
            UID=uid, portal_type=portal_type
        )
        if uid
        else []
    )
    return brains[0]._unrestrictedGetObject() if brains else None


def authenticated(token, portal_type):
    """The device of ``portal_type`` whose valid token this is, or None."""
    device = find(device_uid(token), portal_type)
    return device if device is not None and valid(device, token) else None


def session_device(cookie, portal_type):
    """The device of ``portal_type`` whose valid signed session ``cookie`` is, or None."""
    device = find(device_uid(cookie), portal_type) if cookie else None
    return (
        device
        if device is not None and sessions.valid_session(device, cookie)
        else None
    )


def paired_device(code, portal_type):
    """The device of ``portal_type`` whose one-time pairing ``code`` this is (used up), or None."""
    device = find(device_uid(code), portal_type) if code else None
    return device if device is not None and sessions.redeem(device, code) else None


def from_request(request, portal_type, header, cookie=None):
    """The device of ``portal_type`` the request proves to be: a valid token in ``header``,
    else (when ``cookie`` names one) a valid session in that cookie; None otherwise. The
    device found is recorded as seen (``nguon.devices.health``)."""
    token = request.getHeader(header)
    if token:
        device = authenticated(token, portal_type)
    else:
        session = request.cookies.get(cookie) if cookie else None
        device = session_device(session, portal_type) if session else None
    if device is not None:
        health.seen(device)
    return device
