"""The push endpoint of a commune site: WebSub intent checks and signed deliveries.

- ``GET`` with ``hub.mode``/``hub.topic``/``hub.challenge``: the challenge is echoed only for
  the topic this mirror follows (another topic gets ``404``: nobody can subscribe us to
  something else).
- ``POST``: the body must carry a valid ``X-Hub-Signature`` (HMAC-SHA256 with our secret),
  else ``403`` and nothing is applied. A delivery sent longer ago than the tolerance is refused
  (``403``: a replay of a captured message); one already taken is acknowledged and ignored (the
  hub may repeat a delivery whose answer it lost). Applying is forward only (``Mirror``), so a
  replayed old change can never bring back a deleted item. A delivery counts as taken only
  once it is applied (``Mirror.apply`` records both in one transaction). A *resync* delivery
  (``_nguon.resync``: the hub compacted its log past our cursor) marks the mirror for a full
  read of the feed, which the next catch-up does.

The HTTP server takes what a hostile network may send: a ``POST`` without a valid
``Content-Length`` is refused (``411``, or ``400`` for a malformed or repeated one; chunked
bodies are not taken), one over ``MAX_BODY`` gets ``413`` unread, a sender slower than
``TIMEOUT`` seconds per read or ``DEADLINE`` for the whole body is cut off (``408``), and at
most ``MAX_THREADS`` connections are served at once: the next ones get ``503`` at once.
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
import time


logger = logging.getLogger("nguon.sync")
MAX_BODY = 20 * 1024 * 1024
TOLERANCE = 300  # seconds a delivery may take to arrive
TIMEOUT = 20  # seconds a sender may stay silent
DEADLINE = 120  # seconds a whole request body may take
MAX_THREADS = 16
CHUNK = 64 * 1024
BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\n"
    b"Connection: close\r\n\r\n"
)


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
        if (
            mode in ("subscribe", "unsubscribe")
            and challenge
            and _same_feed(topic, self.topic)
        ):
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
            if document["_nguon"].get("resync"):
                self.mirror.set("resync", document["_nguon"]["resync"])
            counts = self.mirror.apply(document, delivery_id=delivery["id"])
        if self.on_change:
            self.on_change(counts)
        return 200, "đã nhận: %d cập nhật, %d xóa, %d bỏ qua" % counts


def _same_feed(topic, followed):
    """The topic names the followed feed (its query string may hold the same filters)."""
    a, b = urlsplit(topic), urlsplit(followed)
    return (a.netloc, a.path) == (b.netloc, b.path) and parse_qs(a.query) == parse_qs(
        b.query
    )


class BoundedServer(ThreadingHTTPServer):
    """A threading HTTP server that serves at most ``max_threads`` connections at once and
    answers ``503`` to the ones beyond, without a thread."""

    daemon_threads = True

    def __init__(self, address, handler, max_threads=MAX_THREADS):
        super().__init__(address, handler)
        self.slots = threading.BoundedSemaphore(max_threads)

    def process_request(self, request, client_address):
        if not self.slots.acquire(blocking=False):
            try:
                request.settimeout(1)
                request.sendall(BUSY)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


def make_server(
    receiver,
    host="127.0.0.1",
    port=0,
    max_threads=MAX_THREADS,
    timeout=TIMEOUT,
    deadline=DEADLINE,
):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            self.timeout = timeout  # every read and write of the connection
            super().setup()

        def do_GET(self):
            self._answer(*receiver.verify_intent(parse_qs(urlsplit(self.path).query)))

        def do_POST(self):
            length = self._length()
            if isinstance(length, tuple):
                self.close_connection = True
                self._answer(*length)
                return
            body = self._body(length)
            if body is None:
                self.close_connection = True
                self._answer(408, "gửi quá chậm")
                return
            self._answer(*receiver.deliver(body, self.headers.get(signing.HEADER)))

        def _length(self):
            """The body's length, or the ``(status, text)`` refusing it."""
            if self.headers.get("Transfer-Encoding"):
                return 411, "cần Content-Length, không nhận Transfer-Encoding"
            values = self.headers.get_all("Content-Length") or []
            if not values:
                return 411, "cần Content-Length"
            text = values[0].strip()
            if (
                len(values) > 1
                or not (text.isascii() and text.isdigit())
                or len(text) > 12
            ):
                return 400, "Content-Length không hợp lệ"
            if int(text) > MAX_BODY:
                return 413, "nội dung quá lớn"
            return int(text)

        def _body(self, length):
            """The body, or None when the sender was too slow or stopped short."""
            ends, parts, left = time.monotonic() + deadline, [], length
            try:
                while left:
                    part = self.rfile.read1(min(left, CHUNK))
                    if not part or time.monotonic() > ends:
                        return None
                    parts.append(part)
                    left -= len(part)
            except TimeoutError:
                return None
            return b"".join(parts)

        def _answer(self, code, text):
            data = text.encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):
            logger.debug("%s %s", self.address_string(), format % args)

    return BoundedServer((host, port), Handler, max_threads)
