"""The site's CAP signing key: RSA with a self-signed X.509 certificate, kept in the portal's
annotations as the device keys are (``nguon.devices.keys``). Every CAP message the site
serves is signed with the current key (``nguon.cap.signature.sign``, the certificate in
``KeyInfo``); aggregators and the provinces' ingest pin the published certificates
(``@cap-keys``).

**Rotation** (``nguon-cap-keys rotate``): a new key becomes the current key and signs from
then on; the previous one is kept as *retiring* until a stated time, and ``@cap-keys`` lists
it beside the new one until then, so that a message signed just before the rotation (in an
aggregator's cache, in a commune's archive) still verifies against what the site publishes
while readers pin the new certificate. From that time on it is forgotten. A compromised key
is retired at once (``--now``).
"""

from datetime import datetime
from datetime import UTC
from nguon.annotations import site_state
from nguon.cap import signature
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from plone import api
from zope.annotation.interfaces import IAnnotations

import cryptography.x509


KEY = "nguon.alerts.cap-key"  # {private, certificate}: PEM bytes
RETIRING = (
    "nguon.alerts.cap-keys-retiring"  # [{private, certificate, not_after (epoch s)}]
)


def _common_name(portal):
    sender = api.portal.get_registry_record("nguon.alerts.sender", default=None)
    title = portal.Title() or "Nguồn"
    return f"{title} ({sender})" if sender else title


def _new(portal):
    private, certificate = signature.new_key(_common_name(portal))
    return PersistentMapping(private=private, certificate=certificate)


def current(portal, create=False):
    """The key that signs now: a mapping with ``private`` and ``certificate`` (PEM bytes)."""
    return site_state(portal, KEY, lambda: _new(portal), create)


def retiring(portal, now=None):
    """The previous keys still published at ``now`` (an aware datetime), oldest first."""
    moment = (now or datetime.now(UTC)).timestamp()
    return [
        key
        for key in site_state(portal, RETIRING, PersistentList) or ()
        if moment < key["not_after"]
    ]


def rotate(portal, not_after, now=None):
    """Make a new current key; the current one stays published until ``not_after`` (an
    aware datetime, not in the past). Keys whose time has passed are forgotten. Returns the
    new certificate's SHA-256 fingerprint."""
    now = now or datetime.now(UTC)
    if not_after < now:
        raise ValueError("thời điểm thôi dùng khóa cũ đã qua")
    old = current(portal, create=True)
    kept = site_state(portal, RETIRING, PersistentList, create=True)
    kept[:] = retiring(portal, now) + [
        PersistentMapping(
            private=old["private"],
            certificate=old["certificate"],
            not_after=not_after.timestamp(),
        )
    ]
    new = IAnnotations(portal)[KEY] = _new(portal)
    return signature.fingerprint(new["certificate"])


def _iso(moment):
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def describe(certificate_pem, retiring_at=None):
    """What ``@cap-keys`` says of one certificate."""
    certificate = cryptography.x509.load_pem_x509_certificate(certificate_pem)
    return {
        "fingerprint": signature.fingerprint(certificate_pem),
        "subject": certificate.subject.rfc4514_string(),
        "not_before": _iso(certificate.not_valid_before_utc),
        "not_after": _iso(certificate.not_valid_after_utc),
        "retiring_at": retiring_at,
        "certificate": certificate_pem.decode("ascii"),
    }


def published(portal, now=None):
    """The certificates readers may pin, current first, then the retiring ones with the time
    they stop being published (``retiring_at``, ISO 8601; None for the current key)."""
    key = current(portal)
    if key is None:
        return []
    return [describe(key["certificate"])] + [
        describe(
            old["certificate"],
            _iso(datetime.fromtimestamp(old["not_after"], UTC)),
        )
        for old in retiring(portal, now)
    ]
