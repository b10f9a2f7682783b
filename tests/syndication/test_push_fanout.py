"""A push round for many subscribers: what they share is worked out once (``pusher.Round``),
each still gets its own document signed with its own secret; the pushes go out from one event
loop over keep-alive connections (``fanout``), with the guarantees of single requests.

No site: a change log in memory and callbacks on loopback servers."""

from nguon.publication import feeds
from nguon.publication.feeds import Filters
from nguon.publication.store import ChangeLog
from nguon.publication.store import Facts
from nguon.syndication import fanout
from nguon.syndication import formats
from nguon.syndication import signing
from nguon.syndication.pusher import due
from nguon.syndication.pusher import Round
from nguon.syndication.subscriptions import Delivery
from nguon.syndication.subscriptions import Subscription

import json
import pytest
import socket
import socketserver
import ssl
import threading


SITE = "https://nguon.vn"
WEB_HEALTH = Facts(("web",), "health", "normal")
WEB_WEATHER = Facts(("web",), "disaster", "emergency")
THUAN_HOA = {"code": "19786", "title": "Phường Thuận Hóa", "level": "commune"}
VY_DA = {"code": "19777", "title": "Phường Vỹ Dạ", "level": "commune"}


def _entry(uid, effective, title=None, category="health"):
    return {
        "uid": uid,
        "type": "Bulletin",
        "title": title or f"Thông báo {uid}",
        "summary": "Tóm tắt",
        "html": "<p>Nội dung\x0b</p>",
        "text": "",
        "path": f"vn/46/{uid}",
        "unit": {"code": "46", "title": "Huế", "level": "province"},
        "category": category,
        "category_title": "Y tế",
        "priority": "normal",
        "priority_title": "Thường",
        "channels": ["web"],
        "number": None,
        "effective": effective,
        "expires": None,
        "modified": effective,
        "attachments": [],
    }


def _subscribe(store, sid, unit, callback, filters=Filters(), cursor=0):
    subscription = Subscription(
        sid,
        unit,
        ["VN", "46", unit["code"]],
        callback,
        f"bí-mật-của-{sid}-đủ-dài",
        filters,
        f"{SITE}/vn/46/{unit['code']}/feed.json",
        SITE,
    )
    store.subscriptions[sid] = subscription
    store.deliveries[sid] = Delivery(cursor)
    return subscription


@pytest.fixture
def store():
    store = ChangeLog()
    store.publish("p1", _entry("p1", 10), (("46", True),), WEB_HEALTH, now=100)
    store.publish(
        "p2",
        _entry("p2", 11, category="disaster"),
        (("46", True),),
        WEB_WEATHER,
        now=101,
    )
    store.publish("c1", _entry("c1", 12), (("19786", False),), WEB_HEALTH, now=102)
    store.publish("v1", _entry("v1", 13), (("19777", False),), WEB_HEALTH, now=103)
    store.withdraw("v1", now=104)
    return store


def _reference(subscription, push, entries, cursor, changed):
    """The document as ``formats.json_feed_data`` renders it, with the push's delivery."""
    sent = json.loads(push.body)["_nguon"]["delivery"]["sent"]
    document = formats.Document(
        title=subscription.unit["title"],
        unit=subscription.unit,
        site_url=subscription.site_url,
        self_url=subscription.topic,
        links={},
        updated=changed,
        cursor=cursor,
        items=entries,
        changes=True,
    )
    data = formats.json_feed_data(document)
    data["_nguon"]["delivery"] = {"id": push.delivery_id, "sent": sent}
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def test_subscribers_with_the_same_changes_share_one_page_and_each_item_is_rendered_once(
    store, monkeypatch
):
    pages, items = [], []
    changes, json_item = feeds.UnitFeed.changes, formats.json_item
    monkeypatch.setattr(
        feeds.UnitFeed,
        "changes",
        lambda self, *args, **kw: pages.append(self.own) or changes(self, *args, **kw),
    )
    monkeypatch.setattr(
        formats,
        "json_item",
        lambda document, seq, uid, snapshot: (
            items.append(uid) or json_item(document, seq, uid, snapshot)
        ),
    )
    a = _subscribe(store, "a", THUAN_HOA, "http://xa-a.example/nhan")
    b = _subscribe(store, "b", THUAN_HOA, "http://xa-b.example/nhan")  # a's group
    c = _subscribe(store, "c", THUAN_HOA, "http://xa-c.example/nhan", cursor=2)
    d = _subscribe(
        store,
        "d",
        THUAN_HOA,
        "http://xa-d.example/nhan",
        filters=Filters(categories=("disaster",)),
    )
    v = _subscribe(store, "v", VY_DA, "http://xa-v.example/nhan")
    shared = Round(store)
    pushes = {push.sid: push for push in due(store, 1000, shared)}

    assert sorted(pages) == ["19777", "19786", "19786", "19786"]  # a and b: one page
    # Each item rendered once, for everyone who gets it.
    assert sorted(items) == ["c1", "p1", "p2", "v1"]
    assert pushes["a"].items == pushes["b"].items == ("p1", "p2", "c1")
    assert pushes["c"].items == ("c1",)  # from its own cursor
    assert pushes["d"].items == ("p2",)  # its own filters
    assert pushes["v"].items == ("p1", "p2", "v1")  # and v1's tombstone after it
    assert json.loads(pushes["v"].body)["_nguon"]["deleted"][0]["uid"] == "v1"
    for subscription in (a, b, c, d, v):
        push = pushes[subscription.id]
        # Its own document, the very bytes of the plain rendering, signed with its secret.
        feed = feeds.UnitFeed(store, subscription.lineage, subscription.filters)
        page = changes(feed, store.deliveries[subscription.id].cursor, 100)
        assert push.body == _reference(
            subscription, push, page.entries, push.cursor, page.changed
        )
        assert push.delivery_id.startswith(f"{subscription.id}:")
        assert signing.verify(
            subscription.secret, push.body, push.headers["X-Hub-Signature"]
        )
        others = [s for s in (a, b, c, d, v) if s is not subscription]
        assert not any(
            signing.verify(o.secret, push.body, push.headers["X-Hub-Signature"])
            for o in others
        )
        data = json.loads(push.body)
        assert data["_nguon"]["unit"] == subscription.unit
        assert data["feed_url"] == subscription.topic
        assert "\x0b" not in data["items"][0]["content_html"]  # cleaned as in the feed


def test_the_group_key_tells_cursors_filters_and_units_apart(store):
    a = _subscribe(store, "a", THUAN_HOA, "http://a.example/")
    same = _subscribe(store, "b", THUAN_HOA, "http://b.example/")
    filtered = _subscribe(
        store, "d", THUAN_HOA, "http://d.example/", Filters(categories=("disaster",))
    )
    other = _subscribe(store, "v", VY_DA, "http://v.example/")
    assert Round.group(a, 0) == Round.group(same, 0)
    assert Round.group(a, 0) != Round.group(a, 1)
    assert Round.group(a, 0) != Round.group(filtered, 0)
    assert Round.group(a, 0) != Round.group(other, 0)


def test_a_cursor_behind_the_compacted_log_gets_a_resync_and_nothing_due_gets_nothing(
    store,
):
    _subscribe(store, "a", THUAN_HOA, "http://a.example/")
    _subscribe(store, "b", THUAN_HOA, "http://b.example/", cursor=store.sequence)
    store.horizon = 3
    pushes = list(due(store, 1000))
    assert [push.sid for push in pushes] == ["a"]
    data = json.loads(pushes[0].body)
    assert data["items"] == [] and data["_nguon"]["resync"].endswith("/feed.json")
    assert pushes[0].delivery_id.startswith("a:resync-")


# -- sending --------------------------------------------------------------------------------


class Callbacks(socketserver.ThreadingTCPServer):
    """A loopback callback server that records connections and bodies; ``mode``: ``keep``
    (keep-alive), ``drop`` (closes after each answer without saying so), ``chunked`` (a body
    without a length), ``silent`` (never answers)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mode="keep", status=200):
        self.mode, self.status = mode, status
        self.connections, self.bodies = 0, []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/nhan"

    def __exit__(self, *args):
        self.shutdown()
        super().__exit__(*args)


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        server = self.server
        with server.lock:
            server.connections += 1
        while True:
            line = self.rfile.readline()
            if not line:
                return
            length = 0
            while (header := self.rfile.readline()) not in (b"\r\n", b""):
                if header.lower().startswith(b"content-length:"):
                    length = int(header.split(b":")[1])
            body = self.rfile.read(length)
            with server.lock:
                server.bodies.append(body)
            if server.mode == "silent":
                self.rfile.read()  # until the client gives up
                return
            if server.mode == "chunked":
                self.wfile.write(
                    b"HTTP/1.1 %d X\r\nTransfer-Encoding: chunked\r\n\r\n"
                    b"2\r\nok\r\n0\r\n\r\n" % server.status
                )
            else:
                self.wfile.write(
                    b"HTTP/1.1 %d Whatever\r\nContent-Length: 10\r\n\r\npassword=1"
                    % server.status
                )
            self.wfile.flush()
            if server.mode == "drop":
                self.connection.shutdown(socket.SHUT_RDWR)
                return


class Sent:
    def __init__(self, number, callback):
        self.callback = callback
        self.body = f'{{"n": {number}}}'.encode()
        self.headers = {
            "Content-Type": "application/json",
            "X-Nguon-Delivery": str(number),
        }
        self.ok, self.code, self.message, self.ms = False, None, "", 0.0


LOOPBACK = ["127.0.0.0/8"]


@pytest.mark.parametrize("mode", ["keep", "drop", "chunked"])
def test_every_push_arrives_once_over_a_few_connections(mode):
    with Callbacks(mode) as server:
        pushes = [Sent(n, server.url) for n in range(60)]
        done = fanout.send_all(pushes, LOOPBACK, per_host=4)
        assert [push.ok for push in done] == [True] * 60
        assert {push.code for push in done} == {200}
        assert sorted(server.bodies) == sorted(push.body for push in pushes)
        if mode == "keep":
            assert server.connections <= 4
        else:  # a connection the server ends is never used again, nothing is lost
            assert server.connections >= 60


def test_a_refusal_an_error_and_a_silence_are_told_in_our_own_words():
    with Callbacks(status=500) as failing, Callbacks("silent") as silent:
        refused = Sent(1, "http://10.0.0.1/nhan")
        error = Sent(2, failing.url)
        quiet = Sent(3, silent.url)
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        nobody = Sent(4, f"http://127.0.0.1:{closed.getsockname()[1]}/")
        closed.close()
        fanout.send_all(
            [refused, error, quiet, nobody],
            LOOPBACK,
            timeout=0.5,
            translate=lambda e: "bị chặn",
        )
    assert (refused.ok, refused.code, refused.message) == (False, None, "bị chặn")
    assert (error.ok, error.code) == (False, 500)
    assert (
        error.message == "HTTP 500 Internal Server Error"
    )  # never "Whatever", nor the body
    assert (quiet.ok, quiet.message) == (False, "ReadTimeoutError")
    assert (nobody.ok, nobody.message) == (False, "NewConnectionError")


def test_a_header_cannot_smuggle_another_request():
    with Callbacks() as server:
        push = Sent(1, server.url)
        push.headers["Link"] = "<x>\r\nX-Evil: 1"
        fanout.send_all([push], LOOPBACK)
    assert (push.ok, push.message, server.bodies) == (False, "InvalidHeader", [])


# -- https -----------------------------------------------------------------------------------


class TLSCallbacks(Callbacks):
    def __init__(self, certificate, key):
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(certificate, key)
        super().__init__()

    def get_request(self):
        sock, address = self.socket.accept()
        try:
            return self.context.wrap_socket(sock, server_side=True), address
        except (ssl.SSLError, OSError):
            sock.close()
            raise


@pytest.fixture
def tls(tmp_path, monkeypatch):
    """A TLS callback server for ``xa.example`` (a self-signed certificate), names resolved
    to the loopback address."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from datetime import datetime
    from datetime import timedelta
    from datetime import UTC
    from nguon.syndication import addresses

    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "xa.example")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("xa.example")]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(
        certificate.public_bytes(serialization.Encoding.PEM)
    )
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    monkeypatch.setattr(
        addresses, "resolve", lambda host, port: [ipaddress.ip_address("127.0.0.1")]
    )
    with TLSCallbacks(tmp_path / "cert.pem", tmp_path / "key.pem") as server:
        server.ca = tmp_path / "cert.pem"
        yield server


def test_https_pushes_check_the_certificate_against_the_callbacks_name(
    tls, monkeypatch
):
    port = tls.server_address[1]
    untrusted = Sent(1, f"https://xa.example:{port}/nhan")
    fanout.send_all([untrusted], LOOPBACK)  # certifi's roots do not know this one
    assert (untrusted.ok, untrusted.message) == (False, "SSLError")
    monkeypatch.setattr(fanout, "_tls", ssl.create_default_context(cafile=tls.ca))
    right = [Sent(n, f"https://xa.example:{port}/nhan") for n in range(2, 12)]
    wrong = Sent(12, f"https://khac.example:{port}/nhan")  # same address, other name
    fanout.send_all([*right, wrong], LOOPBACK)
    assert all(push.ok and push.code == 200 for push in right)
    assert (wrong.ok, wrong.message) == (False, "SSLError")
    assert sorted(tls.bodies) == sorted(push.body for push in right)
