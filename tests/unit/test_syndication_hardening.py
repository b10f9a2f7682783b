"""Hostile inputs against the site-free parts of syndication and of ``nguon-sync``: each test
makes the attack, then shows it refused with a clear answer and nothing lost."""

from http.server import BaseHTTPRequestHandler
from http.server import HTTPServer
from lxml import etree
from nguon.errors import UserError
from nguon.publication.feeds import Filters
from nguon.publication.feeds import UnitFeed
from nguon.publication.store import ChangeLog
from nguon.publication.store import CursorExpired
from nguon.publication.store import Facts
from nguon.sync.mirror import Mirror
from nguon.sync.receiver import make_server
from nguon.sync.receiver import Receiver
from nguon.syndication import formats
from nguon.syndication import outbound
from nguon.syndication import signing
from nguon.syndication.pusher import Push
from nguon.syndication.pusher import send
from nguon.syndication.query import FeedQuery
from nguon.syndication.query import MAX_DEPTH

import json
import pytest
import socket
import threading
import time


HUE_COMMUNE = ["VN", "46", "19786"]
WEB = Facts(("web",), "health", "normal")


def _entry(uid, effective, title=None, **extra):
    return {
        "uid": uid,
        "type": "Bulletin",
        "title": title or uid,
        "summary": "",
        "html": "",
        "text": "",
        "path": f"vn/46/{uid}",
        "unit": {"code": "46", "title": "Huế", "level": "province"},
        "category": "health",
        "category_title": "Y tế",
        "priority": "normal",
        "priority_title": "Thường",
        "channels": ["web"],
        "number": None,
        "effective": effective,
        "expires": None,
        "modified": effective,
        "attachments": [],
        **extra,
    }


# -- XML-illegal characters --------------------------------------------------------------


def test_a_pasted_control_character_does_not_break_any_format():
    poisoned = "Lịch cắt điện\x0b phường\x00 Thuận Hóa\ufffe"
    with pytest.raises(ValueError):  # the attack: lxml refuses such text outright
        etree.Element("title").text = poisoned
    store = ChangeLog()
    store.publish(
        "a",
        _entry("a", 10, title=poisoned, summary="tóm\x1ftắt", html="<p>x\x0c</p>"),
        (("46", True),),
        WEB,
        now=100,
    )
    feed = UnitFeed(store, HUE_COMMUNE)
    for changes, page in ((False, feed.current()), (True, feed.changes(0))):
        document = formats.Document(
            title="Thông tin\x0b",
            unit={"code": "19786", "title": "Thuận\x08 Hóa", "level": "commune"},
            site_url="https://nguon.vn",
            self_url="https://nguon.vn/f",
            links={},
            updated=100,
            cursor=page.cursor,
            items=page.entries,
            changes=changes,
        )
        atom = etree.fromstring(formats.atom(document))
        assert (
            atom.findtext("{%s}entry/{%s}title" % (formats.ATOM, formats.ATOM))
            == "Lịch cắt điện phường Thuận Hóa"
        )
        rss = etree.fromstring(formats.rss(document))
        assert rss.findtext("channel/item/title") == "Lịch cắt điện phường Thuận Hóa"
        data = json.loads(formats.json_feed(document))
        assert data["items"][0]["title"] == "Lịch cắt điện phường Thuận Hóa"
        assert data["items"][0]["summary"] == "tómtắt"
    # The stored snapshot is untouched (what was published stays on record).
    assert store.items["a"].entry["title"] == poisoned


# -- bounded requests --------------------------------------------------------------------


@pytest.mark.parametrize(
    "form",
    [
        {"since": "-1"},
        {"since": "1e9"},
        {"since": "99999999999999999999999999"},
        {"since": "abc"},
        {"since": "١٢"},
        {"since": "+5"},
        {"since": "1_000"},
        {"since": "9" * 5000},
        {"page": "0"},
        {"page": "-3"},
        {"page": "NaN"},
        {"page": str(MAX_DEPTH)},
        {"page": str(MAX_DEPTH // 200 + 1), "size": "200"},
        {"size": "201"},
        {"since": ["1", "2"]},
    ],
)
def test_huge_negative_and_strange_numbers_are_refused(form):
    with pytest.raises(UserError) as refused:
        FeedQuery.from_form(form)
    assert next(iter(form)) in str(refused.value.message.mapping["name"])


@pytest.mark.parametrize("value", [5, ["web", 5], [["web"]], {"a": "web"}, "web,\x00"])
def test_filters_of_a_strange_shape_are_refused_not_crashed_on(value):
    # ZPublisher makes records, numbers and nested lists of ``channel:record``, ``:int``, ``:list``.
    with pytest.raises(UserError):
        FeedQuery.from_form({"channel": value})


def test_the_deepest_page_and_the_highest_cursor_are_accepted():
    query = FeedQuery.from_form(
        {"page": str(MAX_DEPTH // 200), "size": "200", "since": "0"}
    )
    assert query.page * query.size == MAX_DEPTH and query.since == 0


def test_a_change_request_with_a_filter_matching_nothing_examines_a_bounded_slice():
    store = ChangeLog()
    for number in range(30):
        store.publish(f"n{number}", _entry(f"n{number}", number), (("46", True),), WEB)
    store.publish(
        "e",
        _entry("e", 99),
        (("46", True),),
        Facts(("radio",), "disaster", "emergency"),
    )
    urgent = UnitFeed(store, HUE_COMMUNE, Filters(priorities=("emergency",)))
    examined = []
    real = store.log.__class__.__getitem__

    class CountingLog(type(store.log)):
        def __getitem__(self, key):
            examined.append(key)
            return real(self, key)

    counting = CountingLog()
    counting.update(store.log)
    store.log = counting
    page = urgent.changes(0, scan=10)
    # Nothing found within the slice: no entries, "more", and the cursor where it stopped.
    assert (
        page.entries == [] and page.more and page.cursor == 10 and len(examined) == 10
    )
    cursors, found = [page.cursor], []
    while page.more:
        page = urgent.changes(page.cursor, scan=10)
        cursors.append(page.cursor)
        found += [c.uid for c in page.entries]
    assert found == ["e"] and cursors == [10, 20, 30, 31]


# -- compaction and the horizon ------------------------------------------------------------


def test_compaction_drops_old_events_and_expires_older_cursors():
    store = ChangeLog()
    store.publish("a", _entry("a", 1), (("46", True),), WEB, now=100)  # 1
    store.publish("b", _entry("b", 2), (("46", True),), WEB, now=110)  # 2
    store.withdraw("a", now=120)  # 3: tombstone
    store.publish("c", _entry("c", 3), (("46", True),), WEB, now=500)  # 4
    assert (
        store.compact(before=130, keep_after=1) == 1 and store.horizon == 1
    )  # held back
    assert store.compact(before=130, limit=1) == 1 and store.horizon == 2
    assert store.compact(before=130) == 1 and store.horizon == 3
    assert list(store.log.keys()) == [4] and "a" not in store.items  # tombstone gone
    assert list(store.anchors["46"].events.keys()) == [4]
    feed = UnitFeed(store, HUE_COMMUNE)
    with pytest.raises(CursorExpired) as expired:
        feed.changes(2)
    assert expired.value.horizon == 3
    assert [c.uid for c in feed.changes(3).entries] == ["c"]
    assert [e["uid"] for e in feed.current().entries] == ["c", "b"]  # live items stay
    assert store.compact(before=130) == 0


# -- push: the checked address is the one connected to; no foreign body in the log --------


class _Recorder(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.server.seen.append(self.headers["Host"])
        body = self.server.body
        self.send_response(
            self.server.status, "<b>internal error: db password=hunter2</b>"
        )
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _recorder(host, port=0, status=200, body=b"ok"):
    server = HTTPServer((host, port), _Recorder)
    server.seen, server.status, server.body = [], status, body
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def rebinding(monkeypatch):
    """``nhan-tin.xa.example`` answers 127.0.0.2 the first time it is resolved, then
    127.0.0.1 (a rebinding DNS server)."""
    real, answers = socket.getaddrinfo, ["127.0.0.2", "127.0.0.1"]

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "nhan-tin.xa.example":
            address = answers.pop(0) if len(answers) > 1 else answers[0]
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 80)))
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def _push(url):
    body = b'{"items": []}'
    return Push("s1", url, body, {"Content-Type": "application/json"}, 5, 1, "s1:1-5")


def test_a_rebinding_name_cannot_turn_a_push_to_an_internal_server(rebinding):
    internal = _recorder("127.0.0.1")
    port = internal.server_address[1]
    commune = _recorder("127.0.0.2", port)
    try:
        # The attack: the check sees 127.0.0.2 (allowed), a second lookup would give 127.0.0.1.
        push = send(
            _push(f"http://nhan-tin.xa.example:{port}/nhan"), allowed=["127.0.0.2/32"]
        )
        assert push.ok and push.code == 200
        assert internal.seen == [] and commune.seen == [f"nhan-tin.xa.example:{port}"]
        assert rebinding == ["127.0.0.1"]  # the name was resolved exactly once
    finally:
        internal.shutdown()
        commune.shutdown()


def test_the_delivery_log_never_echoes_what_the_subscriber_answered():
    server = _recorder(
        "127.0.0.1", status=500, body=b"Traceback: password=hunter2 " * 100
    )
    try:
        push = send(
            _push(f"http://127.0.0.1:{server.server_address[1]}/"),
            allowed=["127.0.0.0/8"],
        )
        assert not push.ok and push.code == 500
        assert push.message == "HTTP 500 Internal Server Error"
    finally:
        server.shutdown()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    push = send(_push(f"http://127.0.0.1:{port}/"), allowed=["127.0.0.0/8"])
    assert not push.ok and push.code is None and push.message == "NewConnectionError"


def test_an_intent_check_reads_no_more_than_the_challenge(rebinding):
    from nguon.syndication import websub

    internal = _recorder("127.0.0.1")
    try:
        with pytest.raises(UserError):
            websub.verify_intent(
                f"http://nhan-tin.xa.example:{internal.server_address[1]}/",
                "subscribe",
                "https://nguon.vn/feed.json",
                allowed=["127.0.0.2/32"],
            )
        assert internal.seen == []
    finally:
        internal.shutdown()
    assert outbound.Answer(599).reason == ""


# -- nguon-sync's receiver ----------------------------------------------------------------

SECRET = "bí-mật-của-xã-thuận-hóa"


def _delivery(delivery_id="s:1-1", uid="a", seq=1, title="Tin A"):
    document = {
        "items": [
            {
                "title": title,
                "url": "https://nguon.vn/a",
                "_nguon": {"uid": uid, "seq": seq, "priority": "normal"},
            }
        ],
        "_nguon": {
            "deleted": [],
            "cursor": seq,
            "delivery": {"id": delivery_id, "sent": formats.iso(time.time())},
        },
    }
    body = json.dumps(document).encode()
    return body, signing.sign(SECRET, body)


def test_a_crash_while_applying_does_not_mark_the_delivery_taken(tmp_path, monkeypatch):
    mirror = Mirror(tmp_path / "xa.sqlite")
    receiver = Receiver(mirror, SECRET, "https://nguon.vn/feed.json")
    body, signature = _delivery()

    def crash(uid, seq, item):
        raise OSError("đĩa đầy")

    monkeypatch.setattr(mirror, "_upsert", crash)
    with pytest.raises(OSError):
        receiver.deliver(body, signature)
    monkeypatch.undo()
    assert not mirror.seen("s:1-1")
    # The hub sends the same delivery again: it is applied now, once.
    assert receiver.deliver(body, signature)[0] == 200 and mirror.items() == {
        "a": "Tin A"
    }
    assert receiver.deliver(body, signature) == (200, "đã nhận trước đó, bỏ qua")


@pytest.fixture
def receiver_server(tmp_path):
    mirror = Mirror(tmp_path / "xa.sqlite")
    server = make_server(
        Receiver(mirror, SECRET, "https://nguon.vn/feed.json"),
        max_threads=2,
        timeout=0.5,
        deadline=2,
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, mirror
    server.shutdown()
    server.server_close()


def _raw(server, data, read=True):
    connection = socket.create_connection(server.server_address[:2], timeout=10)
    connection.sendall(data)
    if not read:
        return connection
    answer = connection.recv(65536).decode()
    connection.close()
    return answer


def _post(body, headers):
    lines = ["POST / HTTP/1.1", "Host: xa", *headers, "", ""]
    return "\r\n".join(lines).encode() + body


@pytest.mark.parametrize(
    "headers, status",
    [
        ([], "411"),
        (["Transfer-Encoding: chunked"], "411"),
        (["Content-Length: -5"], "400"),
        (["Content-Length: 12abc"], "400"),
        (["Content-Length: 5", "Content-Length: 6"], "400"),
        (["Content-Length: 99999999999999999999"], "400"),
        (["Content-Length: 20971521"], "413"),
    ],
)
def test_bodies_without_a_valid_length_or_too_large_are_refused(
    receiver_server, headers, status
):
    server, mirror = receiver_server
    body, signature = _delivery()
    answer = _raw(server, _post(body, [f"X-Hub-Signature: {signature}", *headers]))
    assert answer.startswith(f"HTTP/1.1 {status}")
    assert mirror.items() == {}
    # The proper request still goes through.
    ok = _raw(
        server,
        _post(body, [f"X-Hub-Signature: {signature}", f"Content-Length: {len(body)}"]),
    )
    assert ok.startswith("HTTP/1.1 200") and mirror.items() == {"a": "Tin A"}


def test_a_slow_sender_is_cut_off_and_the_threads_are_bounded(receiver_server):
    server, mirror = receiver_server
    body, signature = _delivery()
    # Two senders announce a body and never send it: they hold the two threads…
    stuck = [
        _raw(server, _post(b"", [f"Content-Length: {len(body)}"]), read=False)
        for _ in range(2)
    ]
    # …so a third connection is refused at once, not queued.
    assert _raw(server, _post(body, [f"Content-Length: {len(body)}"])).startswith(
        "HTTP/1.1 503"
    )
    # The silent senders are timed out (408) and their threads freed.
    for connection in stuck:
        assert connection.recv(65536).decode().startswith("HTTP/1.1 408")
        connection.close()
    deadline = time.monotonic() + 10
    while True:
        answer = _raw(
            server,
            _post(
                body, [f"X-Hub-Signature: {signature}", f"Content-Length: {len(body)}"]
            ),
        )
        if not answer.startswith("HTTP/1.1 503") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert answer.startswith("HTTP/1.1 200") and mirror.items() == {"a": "Tin A"}


def test_a_resync_delivery_marks_the_mirror_for_a_full_read(tmp_path):
    mirror = Mirror(tmp_path / "xa.sqlite")
    receiver = Receiver(mirror, SECRET, "https://nguon.vn/feed.json")
    document = {
        "items": [],
        "_nguon": {
            "deleted": [],
            "cursor": 40,
            "resync": "https://nguon.vn/feed.json",
            "delivery": {"id": "s:resync-40", "sent": formats.iso(time.time())},
        },
    }
    body = json.dumps(document).encode()
    assert receiver.deliver(body, signing.sign(SECRET, body))[0] == 200
    assert mirror.get("resync") == "https://nguon.vn/feed.json" and mirror.seen(
        "s:resync-40"
    )
