"""deploy/varnish/nguon.vcl on its own, with a real varnishd in front of a tiny backend that
answers as told: what is stored, grace while the backend is dead, its 503 when nothing is
left, and PURGE/BAN refused to an address outside the ACL."""

from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from tests.syndication.caching_proxy import Varnish
from tests.syndication.caching_proxy import varnishd

import pytest
import requests
import socket
import threading
import time


pytestmark = pytest.mark.skipif(
    varnishd() is None, reason="varnishd not installed (scripts/system-packages.sh)"
)

ANSWERS = {
    "/feed": ("max-age=0, s-maxage=1, must-revalidate", None),
    "/long": ("max-age=0, s-maxage=60, must-revalidate", None),
    "/rule": ("max-age=86400, proxy-revalidate, public", "strongCaching"),
    "/browser-only": ("public, max-age=300", None),
    "/none": (None, None),
    "/cookie": ("max-age=0, s-maxage=60", None),
}


class Backend(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    served = 0

    def do_GET(self):
        Backend.served += 1
        path = self.path.split("?")[0]
        control, operation = ANSWERS.get(path, (None, None))
        body = f"{self.path} #{Backend.served}".encode()
        self.send_response(200)
        if control:
            self.send_header("Cache-Control", control)
        if operation:
            self.send_header("X-Cache-Operation", operation)
        if path == "/cookie":
            self.send_header("Set-Cookie", "statusmessages=x")
        self.send_header("ETag", '"1"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()

    def log_message(self, *args):
        pass


def until(condition, timeout=30, pause=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(pause)
    return condition()


@pytest.fixture
def stack():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    varnish = Varnish("127.0.0.1", server.server_address[1], memory="16m")
    varnish.start()
    try:
        yield varnish, server
    finally:
        varnish.stop()
        server.shutdown()
        server.server_close()


def test_only_shared_answers_are_stored(stack):
    varnish, _server = stack
    for path, stored in (
        ("/feed", True),
        ("/rule", True),
        ("/browser-only", False),
        ("/none", False),
        ("/cookie", False),
    ):
        first = requests.get(varnish.url + path, timeout=10)
        second = requests.get(varnish.url + path, timeout=10)
        assert (second.text == first.text) is stored, path
        assert second.headers["X-Cache"] == ("HIT" if stored else "MISS"), path
        assert "s-maxage" not in second.headers.get("Cache-Control", ""), path


def test_forms_always_reach_plone(stack):
    """POST (forms with their CSRF token, REST writes) is never answered by the cache."""
    varnish, _server = stack
    requests.get(varnish.url + "/long", timeout=10)
    before = Backend.served
    for _twice in range(2):
        answer = requests.post(
            varnish.url + "/long", data={"_authenticator": "abc"}, timeout=10
        )
        assert answer.headers["X-Cache"] == "MISS"
    assert Backend.served == before + 2


def test_a_dead_backend_still_serves_stale_public_answers_then_a_503(stack):
    varnish, server = stack
    kept = requests.get(varnish.url + "/feed", timeout=10).text
    server.shutdown()
    server.server_close()
    # the health probe (every 2 s) notices; the answer's 1 s are long over by then
    assert until(lambda: "sick" in varnish_backends(varnish), timeout=40)
    stale = requests.get(varnish.url + "/feed", timeout=10)
    assert stale.status_code == 200
    assert stale.text == kept
    gone = requests.get(varnish.url + "/never-asked", timeout=10)
    assert gone.status_code == 503
    assert gone.headers["Retry-After"] == "5"
    assert gone.headers["Cache-Control"] == "no-store"


def test_purge_and_ban_only_from_the_acl(stack):
    varnish, _server = stack
    polled = varnish.url + "/long?since=4"
    requests.get(polled, timeout=10)
    assert requests.get(polled, timeout=10).headers["X-Cache"] == "HIT"
    for method in ("PURGE", "BAN"):
        assert raw_status(varnish.port, method, "/long", source="127.0.0.2") == 405
    assert requests.get(polled, timeout=10).headers["X-Cache"] == "HIT"
    assert requests.request("PURGE", varnish.url + "/long").status_code == 200
    assert requests.get(polled, timeout=10).headers["X-Cache"] == "MISS"
    assert requests.get(polled, timeout=10).headers["X-Cache"] == "HIT"
    assert requests.request("BAN", varnish.url + "/lo.*").status_code == 200
    assert requests.get(polled, timeout=10).headers["X-Cache"] == "MISS"


def varnish_backends(varnish):
    import subprocess

    return subprocess.run(
        ["varnishadm", "-n", str(varnish.workdir), "backend.list"],
        capture_output=True,
        text=True,
    ).stdout.lower()


def raw_status(port, method, path, source):
    """One request sent from ``source`` (another loopback address than the ACL's)."""
    with socket.create_connection(
        ("127.0.0.1", port), timeout=10, source_address=(source, 0)
    ) as connection:
        connection.sendall(
            f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
        )
        head = connection.recv(200).decode("latin-1")
    return int(head.split()[1])
