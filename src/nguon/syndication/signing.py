"""HMAC-SHA256 signatures of pushed content (WebSub's ``X-Hub-Signature``), and of a
subscriber's feed requests.

Pure Python with no Zope import: the reference consumer (``nguon-sync``) verifies with the
same functions the hub signs with. A subscriber may sign its polls of the feed with the same
secret (``poll_headers``): the subscription's id, the time and the signature of both with the
request's query string, so the site can tell its fetch from anyone's and count the items it
served (``nguon.syndication.delivery.served``).
"""

import hashlib
import hmac


HEADER = "X-Hub-Signature"
METHOD = "sha256"
SUBSCRIPTION = "X-Nguon-Subscription"
TIME = "X-Nguon-Time"


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


def _poll_body(subscription_id, moment, query):
    return f"{subscription_id}\n{moment}\n{query}".encode()


def poll_headers(secret, subscription_id, query, moment):
    """The headers that sign a feed request of ``query`` (the address's query string, as
    sent) by the subscription ``subscription_id`` at ``moment`` (seconds since the epoch)."""
    moment = int(moment)
    return {
        SUBSCRIPTION: subscription_id,
        TIME: str(moment),
        HEADER: sign(secret, _poll_body(subscription_id, moment, query)),
    }


def verify_poll(secret, subscription_id, query, moment, header):
    """True when ``header`` signs the request ``poll_headers`` describes."""
    return verify(secret, _poll_body(subscription_id, int(moment), query), header)
