"""Delivery counters for the fault tests: what a consumer outside the cluster received.

- ``WebSubCounter``: a commune's push receiver (a small HTTP server on loopback), subscribed
  to a unit's feed through ``@subscriptions``. It answers the intent check, checks every
  push's signature with its secret, and counts each item event ``(uid, seq)`` it received, the
  delivery ids (``X-Nguon-Delivery``) and which process sent each push (the TCP peer's process,
  found with psutil: the instance holding the pusher's lease).
- ``solr_missing``: which UIDs a Solr collection does not hold (asked of a live node).
- ``deliveries``: lost and doubled items, from what was published and what was received.
"""

from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from nguon.syndication import signing
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import json
import psutil
import requests
import secrets
import threading
import time


class WebSubCounter:
    def __init__(self, delay=0.0):
        self.secret = secrets.token_urlsafe(24)
        self.lock = threading.Lock()
        self.events = {}  # (uid, seq) -> count
        self.received = []  # (time.time(), delivery id, sender pid, [(uid, seq)])
        self.refused = 0
        self.delay = delay  # seconds before answering a push (a slow commune)
        self.server = None
        self.topic = None

    @property
    def callback(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/nhan-tin"

    def start(self):
        counter = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                query = parse_qs(urlsplit(self.path).query)
                if query.get("hub.topic", [""])[0] == counter.topic:
                    self.answer(200, query.get("hub.challenge", [""])[0])
                else:
                    self.answer(404, "unknown topic")

            def do_POST(self):
                arrived = time.time()
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if not signing.verify(
                    counter.secret, body, self.headers.get(signing.HEADER)
                ):
                    counter.refused += 1
                    self.answer(403, "bad signature")
                    return
                document = json.loads(body)
                events = [
                    (item["_nguon"]["uid"], item["_nguon"].get("seq"))
                    for item in document.get("items", [])
                ]
                sender = sender_pid(self.client_address[1])
                with counter.lock:
                    for event in events:
                        counter.events[event] = counter.events.get(event, 0) + 1
                    counter.received.append(
                        (
                            arrived,
                            self.headers.get("X-Nguon-Delivery"),
                            sender,
                            events,
                        )
                    )
                if counter.delay:
                    time.sleep(counter.delay)
                self.answer(200, "ok")

            def answer(self, status, text):
                data = text.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the sender died meanwhile
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def subscribe(self, unit_url, auth):
        """Subscribe to ``unit_url``'s feed through ``@subscriptions`` as ``auth``."""
        self.topic = f"{unit_url}/feed.json"
        session = requests.Session()
        session.auth = auth
        session.headers["Accept"] = "application/json"
        answer = session.post(
            f"{unit_url}/@subscriptions",
            json={"callback": self.callback, "secret": self.secret},
            timeout=60,
        )
        assert answer.status_code == 201, answer.text
        return answer.json()

    def uids(self):
        with self.lock:
            return {uid for uid, _seq in self.events}

    def mark(self):
        """What was received so far (for ``doubled(since=…)``)."""
        with self.lock:
            return dict(self.events)

    def doubled(self, since=None):
        """Item events received more than once: {(uid, seq): count}; with ``since`` (a
        ``mark()``), only those received again after it."""
        since = since or {}
        with self.lock:
            return {
                event: n
                for event, n in self.events.items()
                if n > 1 and n > since.get(event, 0)
            }

    def events_between(self, start, end, pid=None):
        """The item events of the pushes that arrived between ``start`` and ``end``
        (time.time()), from process ``pid`` only when given."""
        with self.lock:
            return {
                event
                for arrived, _delivery, sender, events in self.received
                if start <= arrived <= end and (pid is None or sender == pid)
                for event in events
            }

    def senders(self, since=0.0):
        """{pid: pushes} of the pushes received after ``since`` (time.time())."""
        counts = {}
        with self.lock:
            for arrived, _delivery, pid, _events in self.received:
                if arrived >= since:
                    counts[pid] = counts.get(pid, 0) + 1
        return counts

    def wait_for(self, uids, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not set(uids) - self.uids():
                return True
            time.sleep(0.3)
        return not set(uids) - self.uids()


def sender_pid(port):
    """The process whose TCP socket has local port ``port`` on loopback (the sender of a
    request we received), or None."""
    try:
        for connection in psutil.net_connections(kind="tcp"):
            if connection.laddr and connection.laddr.port == port and connection.pid:
                return connection.pid
    except (psutil.Error, OSError):
        pass
    return None


def process_of(pid, candidates):
    """The top process among ``candidates`` (pids) that ``pid`` is or descends from."""
    if pid in candidates:
        return pid
    try:
        process = psutil.Process(pid)
        family = [process.pid] + [parent.pid for parent in process.parents()]
    except (psutil.Error, TypeError):
        return None
    for candidate in candidates:
        if candidate in family:
            return candidate
    return None


def solr_missing(core_url, uids, batch=100):
    """The UIDs that the Solr collection at ``core_url`` (``…/solr/plone``) does not hold."""
    uids = [uid for uid in uids if uid]
    missing = set(uids)
    for start in range(0, len(uids), batch):
        chunk = uids[start : start + batch]
        answer = requests.get(
            f"{core_url}/select",
            params={
                "q": "UID:(" + " OR ".join(f'"{uid}"' for uid in chunk) + ")",
                "fl": "UID",
                "rows": len(chunk),
                "wt": "json",
            },
            timeout=30,
        )
        answer.raise_for_status()
        for document in answer.json()["response"]["docs"]:
            missing.discard(document["UID"])
    return missing


def wait_solr(core_url, uids, timeout):
    """Wait until Solr holds every UID; returns the ones still missing."""
    deadline = time.monotonic() + timeout
    missing = set(uids)
    while time.monotonic() < deadline:
        try:
            missing = solr_missing(core_url, missing)
        except requests.RequestException:
            pass
        if not missing:
            return missing
        time.sleep(0.5)
    return missing


def deliveries(published_uids, counter, since=None):
    """(lost, doubled) at a WebSub counter: published items never received, and item
    events received more than once (again after the ``since`` mark)."""
    lost = set(published_uids) - counter.uids()
    return lost, counter.doubled(since)
