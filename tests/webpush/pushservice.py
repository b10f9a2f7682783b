"""A real push service on this machine, for the Web Push tests and the benchmark.

It does what a browser vendor's push service and the browser do together:

- ``subscribe(name)`` makes a browser's subscription: a P-256 key pair and a 16-byte auth
  secret (the browser's), and the endpoint ``https://127.0.0.1:<port>/push/<name>``; it
  returns ``PushSubscription.toJSON()``.
- ``POST /push/<name>`` (HTTPS, HTTP/1.1 keep-alive) takes a push as RFC 8030 says, only
  when its ``Authorization: vapid t=<JWT>,k=<key>`` (RFC 8292) carries the application
  server key the service was told (``vapid_key``) and a JWT signed with it (ES256, checked
  with ``cryptography``) whose ``aud`` is this service's origin, ``exp`` in the next 24
  hours and ``sub`` a mailto: or https: address; with ``Content-Encoding: aes128gcm``, a
  ``TTL`` and, when given, a ``Topic`` of at most 32 base64url characters and an
  ``Urgency`` of RFC 8030. The body is decrypted with the subscription's private key and
  auth secret (RFC 8291, ``http_ece``) as the browser would, and must be JSON. Answers:
  201 with a ``Location``; 410 for a name in ``gone`` (an unsubscribed browser); 404 for an
  unknown name; 400/401/403 for a malformed or unauthorised push (kept in ``refused``).
- Every accepted message is kept (``messages``: name, headers, payload, the time it came),
  and per subscription the messages waiting by ``Topic`` (``waiting``): a later message with
  the same topic replaces the earlier one, as a push service does for an offline phone.

``python tests/webpush/pushservice.py`` runs it in a process of its own (the benchmark);
then ``/_control/...`` answers JSON for the other process (subscribe, gone, messages).
"""

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import NameOID
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple

import base64
import http_ece
import ipaddress
import json
import os
import re
import ssl
import sys
import tempfile
import threading
import time


TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
URGENCIES = ("very-low", "low", "normal", "high")


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text):
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Browser(NamedTuple):
    key: ec.EllipticCurvePrivateKey
    auth: bytes


class Message(NamedTuple):
    name: str
    headers: dict
    payload: dict
    at: float  # time.time() when accepted


def certificate(directory):
    """A self-signed certificate for 127.0.0.1: ``(cert.pem, key.pem)`` in ``directory``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "push.test")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory = Path(directory)
    (directory / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return directory / "cert.pem", directory / "key.pem"


class Refused(Exception):
    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status


class PushService(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, vapid_key=None):
        self.directory = tempfile.mkdtemp(prefix="pushservice-")
        self.ca, key = certificate(self.directory)
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(self.ca, key)
        super().__init__(("127.0.0.1", 0), Handler)
        self.port = self.server_address[1]
        self.origin = f"https://127.0.0.1:{self.port}"
        self.vapid_key = vapid_key  # the application server key (base64url) it accepts
        self.browsers = {}
        self.gone = set()
        self.messages = []
        self.waiting = {}  # name -> {topic: Message}
        self.refused = []  # (name, status, reason)
        self.connections = 0
        self.lock = threading.Lock()
        self._tokens = {}  # JWT -> its claims, checked once
        self.thread = None

    # -- the TLS side -----------------------------------------------------------------

    def get_request(self):
        sock, address = self.socket.accept()
        with self.lock:
            self.connections += 1
        return self.context.wrap_socket(sock, server_side=True), address

    def handle_error(self, request, client_address):
        pass  # a client that went away

    # -- the browsers -----------------------------------------------------------------

    def endpoint(self, name):
        return f"{self.origin}/push/{name}"

    def subscribe(self, name):
        key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        self.browsers[name] = Browser(key, auth)
        point = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint(name),
            "expirationTime": None,
            "keys": {"p256dh": b64(point), "auth": b64(auth)},
        }

    def received(self, name=None):
        with self.lock:
            return [m for m in self.messages if name is None or m.name == name]

    def forget(self):
        with self.lock:
            self.messages.clear()
            self.waiting.clear()
            self.refused.clear()

    # -- checks -----------------------------------------------------------------------

    def check_vapid(self, header):
        match = re.match(r"^vapid\s+(.*)$", header or "", re.I)
        if not match:
            raise Refused(401, "no VAPID authorization")
        fields = dict(
            part.strip().split("=", 1)
            for part in match.group(1).split(",")
            if "=" in part
        )
        token, key = fields.get("t", ""), fields.get("k", "")
        if not token or not key:
            raise Refused(401, "VAPID t or k missing")
        if self.vapid_key is not None and key != self.vapid_key:
            raise Refused(403, "not the application server key of the subscription")
        claims = self._tokens.get(token)
        if claims is None:
            claims = self.verify_jwt(token, key)
            with self.lock:
                self._tokens[token] = claims
        now = time.time()
        if claims.get("aud") != self.origin:
            raise Refused(403, f"aud {claims.get('aud')!r} is not {self.origin}")
        if not (now < claims.get("exp", 0) <= now + 24 * 3600):
            raise Refused(403, "exp not within the next 24 hours")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise Refused(403, "sub is not a mailto: or https: address")

    @staticmethod
    def verify_jwt(token, key):
        try:
            head, body, signature = token.split(".")
            header = json.loads(unb64(head))
            raw = unb64(signature)
            public = ec.EllipticCurvePublicKey.from_encoded_point(
                ec.SECP256R1(), unb64(key)
            )
        except ValueError as error:
            raise Refused(401, f"malformed JWT: {error}") from error
        if header.get("alg") != "ES256" or len(raw) != 64:
            raise Refused(401, "JWT not ES256")
        der = encode_dss_signature(
            int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
        )
        try:
            public.verify(
                der, f"{head}.{body}".encode("ascii"), ec.ECDSA(hashes.SHA256())
            )
        except InvalidSignature as error:
            raise Refused(403, "JWT signature does not verify") from error
        return json.loads(unb64(body))

    def take(self, name, headers, body):
        """Check and decrypt one push; return the status to answer."""
        if name in self.gone:
            return 410
        browser = self.browsers.get(name)
        if browser is None:
            return 404
        self.check_vapid(headers.get("authorization"))
        if headers.get("content-encoding", "").lower() != "aes128gcm":
            raise Refused(400, "Content-Encoding is not aes128gcm")
        if not (headers.get("ttl") or "").isdigit():
            raise Refused(400, "TTL missing")
        topic = headers.get("topic")
        if topic is not None and not TOPIC.match(topic):
            raise Refused(400, "Topic not 1-32 base64url characters")
        urgency = headers.get("urgency")
        if urgency is not None and urgency not in URGENCIES:
            raise Refused(400, "unknown Urgency")
        try:
            plain = http_ece.decrypt(
                body,
                private_key=browser.key,
                auth_secret=browser.auth,
                version="aes128gcm",
            )
            payload = json.loads(plain)
        except Exception as error:
            raise Refused(400, f"cannot decrypt: {error.__class__.__name__}") from error
        message = Message(name, dict(headers), payload, time.time())
        with self.lock:
            self.messages.append(message)
            self.waiting.setdefault(name, {})[topic or id(message)] = message
        return 201

    # -- running ----------------------------------------------------------------------

    def __enter__(self):
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        path = self.path.split("?")[0]
        if path.startswith("/_control/"):
            return self.control(path, body)
        name = path.removeprefix("/push/")
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            status = self.server.take(name, headers, body)
        except Refused as error:
            with self.server.lock:
                self.server.refused.append((name, error.status, str(error)))
            return self.answer(error.status, str(error).encode())
        if status == 201:
            return self.answer(201, headers=[("Location", f"/m/{name}")])
        return self.answer(status)

    def control(self, path, body):
        """The benchmark's calls from another process (JSON in, JSON out)."""
        server = self.server
        data = json.loads(body or b"{}")
        if path == "/_control/subscribe":
            server.vapid_key = data.get("vapid_key", server.vapid_key)
            found = [server.subscribe(name) for name in data.get("names", [])]
        elif path == "/_control/gone":
            server.gone.update(data.get("names", []))
            found = {}
        elif path == "/_control/messages":
            found = {
                "messages": [
                    {"name": m.name, "at": m.at, "payload": m.payload}
                    for m in server.received()
                ],
                "refused": server.refused,
                "connections": server.connections,
            }
            if data.get("forget"):
                server.forget()
        else:
            return self.answer(404)
        self.answer(
            200, json.dumps(found).encode(), [("Content-Type", "application/json")]
        )


def main():
    """Serve in this process; print ``<port> <ca file>`` on the first line."""
    service = PushService()
    print(service.port, service.ca, flush=True)
    try:
        service.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
