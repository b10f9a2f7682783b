"""The push endpoint of a commune site: WebSub intent checks and signed deliveries.

- ``GET`` with ``hub.mode``/``hub.topic``/``hub.challenge``: the challenge is echoed only for
  the topic this mirror follows (another topic gets ``404``: nobody can subscribe us to
  something else).
- ``POST``: the body must carry a valid ``X-Hub-Signature`` (HMAC-SHA256 with our secret),
  else ``403`` and nothing is applied. A delivery sent longer ago than the tolerance is refused
  (``403``: a replay of a captured message); one already taken is acknowledged and ignored (the
  hub may repeat a delivery whose answer it lost). Applying is forward only (``Mirror``), so a
  replayed old change can never bring back a deleted item.
"""
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from nguon.syndication import signing
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import json
import logging
import threading


logger = logging.getLogger("nguon.sync")
MAX_BODY = 20 * 1024 * 1024
TOLERANCE = 300  # seconds a delivery may take to arrive


class Receiver:
    """What the HTTP handler needs: the mirror, the secret, the followed topic."""

    def __init__(self, mirror, secret, topic, tolerance=TOLERANCE, on_change=None):
        self.mirror = mirror
        self.secret = secret
        self.topic = topic
        self.tolerance = tolerance
        self.on_change = on_change
        self.lock = threading.Lock()  # one delivery applied at a time

    def verify_intent(self, query):
        mode = query.get("hub.mode", [""])[0]
        topic = query.get("hub.topic", [""])[0]
        challenge = query.get("hub.challenge", [""])[0]
        if mode in ("subscribe", "unsubscribe") and challenge and _same_feed(topic, self.topic):
            return 200, challenge
        return 404, "không theo dõi chủ đề này"

    def deliver(self, body, signature, now=None):
        if not signing.verify(self.secret, body, signature):
            return 403, "chữ ký không hợp lệ"
        try:
            document = json.loads(body)
            delivery = document["_nguon"]["delivery"]
            sent = datetime.fromisoformat(delivery["sent"]).timestamp()
        except (ValueError, KeyError, TypeError):
            return 400, "nội dung không phải bản tin JSON Feed của Nguồn"
        now = now if now is not None else datetime.now().timestamp()
        if abs(now - sent) > self.tolerance:
            return 403, "bản tin quá cũ (có thể là gửi lại trái phép)"
        with self.lock:
            if self.mirror.seen(delivery["id"]):
                return 200, "đã nhận trước đó, bỏ qua"
            counts = self.mirror.apply(document)
        if self.on_change:
            self.on_change(counts)
        return 200, "đã nhận: %d cập nhật, %d xóa, %d bỏ qua" % counts


def _same_feed(topic, followed):
    """The topic names the followed feed (its query string may hold the same filters)."""
    a, b = urlsplit(topic), urlsplit(followed)
    return (a.netloc, a.path) == (b.netloc, b.path) and parse_qs(a.query) == parse_qs(b.query)


def make_server(receiver, host="127.0.0.1", port=0):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            self._answer(*receiver.verify_intent(parse_qs(urlsplit(self.path).query)))

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._answer(413, "nội dung quá lớn")
                return
            body = self.rfile.read(length)
            self._answer(*receiver.deliver(body, self.headers.get(signing.HEADER)))

        def _answer(self, code, text):
            data = text.encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):
            logger.debug("%s %s", self.address_string(), format % args)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server
