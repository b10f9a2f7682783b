"""HTTP requests from the hub to a subscriber's callback, sent to the address that was checked.

``addresses.checked`` resolves the callback's host once and checks every address; the request
then goes to the first of those very addresses, with the host name kept in the ``Host``
header and, for https, in TLS's server name (SNI) and certificate check. There is no second
DNS lookup for a rebinding name to answer differently. Redirects are never followed, and no
more of an answer is read than the caller asks for: a subscriber's answer never travels
further than its status (and, for intent checks, the few bytes of the echoed challenge).
"""

from dataclasses import dataclass
from http import HTTPStatus
from nguon.syndication import addresses

import requests.certs
import urllib3


@dataclass
class Answer:
    status: int
    body: bytes = b""

    @property
    def reason(self):
        """Our own name of the status (never the subscriber's reason phrase)."""
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return ""


class CallFailed(Exception):
    """No answer: the connection failed or timed out (the message names only the kind)."""


def call(method, url, allowed=(), body=None, headers=None, timeout=10, read=0):
    """Send one request to ``url`` (checked against ``allowed`` networks); return an
    ``Answer`` with at most ``read`` bytes of its body. Raise ``UserError`` for a refused
    address and ``CallFailed`` when no answer came."""
    parts, port, found = addresses.checked(url, allowed)
    address = str(found[0])
    options = {
        "timeout": urllib3.Timeout(connect=timeout, read=timeout),
        "retries": False,
        "maxsize": 1,
    }
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
            cert_reqs="CERT_REQUIRED",
            ca_certs=requests.certs.where(),
            **options,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, **options)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"Host": parts.netloc, "User-Agent": "nguon-hub", **(headers or {})}
    try:
        response = pool.urlopen(
            method,
            target,
            body=body,
            headers=headers,
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            return Answer(response.status, response.read(read) if read else b"")
        finally:
            response.release_conn()
    except urllib3.exceptions.HTTPError as error:
        raise CallFailed(error.__class__.__name__) from error
    finally:
        pool.close()
