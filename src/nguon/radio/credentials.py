"""Each station's own credential: a random token given once to the unit admin, kept only as
its SHA-256 digest, replaced (and the old one revoked) by issuing a new one."""
from persistent.mapping import PersistentMapping
from zope.annotation.interfaces import IAnnotations

import hashlib
import hmac
import secrets
import time


KEY = "nguon.radio.credentials"
HEADER = "X-Station-Token"


def _digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(station, userid=None):
    """A new token for ``station`` (the previous one stops working); returns it."""
    token = f"{station.UID()}.{secrets.token_urlsafe(32)}"
    IAnnotations(station)[KEY] = PersistentMapping(
        digest=_digest(token), issued=time.time(), issued_by=userid)
    return token


def valid(station, token):
    record = IAnnotations(station).get(KEY)
    if not record or not token:
        return False
    return hmac.compare_digest(record["digest"], _digest(token))


def issued(station):
    record = IAnnotations(station).get(KEY)
    return dict(record) if record else None


def station_uid(token):
    """The station a token names (its first part); the token still has to be ``valid``."""
    return (token or "").split(".", 1)[0]


def authenticated_station(request):
    """The station whose valid token the request carries, or None."""
    from plone import api

    token = request.getHeader(HEADER)
    uid = station_uid(token)
    brains = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
        UID=uid, portal_type="RadioStation") if uid else []
    station = brains[0]._unrestrictedGetObject() if brains else None
    return station if station is not None and valid(station, token) else None
