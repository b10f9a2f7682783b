"""HMAC-SHA256 signatures of pushed content (WebSub's ``X-Hub-Signature``).

Pure Python with no Zope import: the reference consumer (``nguon-sync``) verifies with the
same functions the hub signs with.
"""

import hashlib
import hmac


HEADER = "X-Hub-Signature"
METHOD = "sha256"


def sign(secret, body):
    """The header value for ``body`` (bytes) signed with ``secret`` (text)."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"{METHOD}={digest}"


def verify(secret, body, header):
    """True when ``header`` is a valid SHA-256 signature of ``body``; any other method, a
    missing header or a wrong digest is False (compared in constant time)."""
    if not header or "=" not in header:
        return False
    method, _sep, digest = header.partition("=")
    if method.strip().lower() != METHOD:
        return False
    expected = sign(secret, body).partition("=")[2]
    return hmac.compare_digest(expected, digest.strip().lower())
