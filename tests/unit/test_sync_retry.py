"""``nguon-sync`` reads the feed again soon after a failed read, not a whole interval later:
a commune back after an outage, or meeting its site busy, catches up in seconds."""

from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from nguon.sync.cli import pause
from nguon.sync.cli import RETRY
from nguon.sync.mirror import Mirror
from pathlib import Path

import json
import os
import subprocess
import sys
import threading
import time


def test_the_pause_is_the_interval_after_success_and_grows_from_retry_after_failures():
    assert pause(300, 0) == 300
    assert [pause(300, n) for n in range(1, 8)] == [
        RETRY,
        2 * RETRY,
        4 * RETRY,
        8 * RETRY,
        16 * RETRY,
        32 * RETRY,
        300,
    ]
    assert pause(3, 1) == 3  # never above the interval
    assert pause(300, 10_000) == 300  # no overflow however long the outage


FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Phường Thuận Hóa",
    "items": [
        {
            "id": "https://nguon.example/tin-1",
            "title": "Lịch tiêm chủng mở rộng tháng 12",
            "content_text": "Tiêm chủng tại trạm y tế phường.",
            "_nguon": {"uid": "tin-1", "seq": 7},
        }
    ],
    "_nguon": {"cursor": 7, "deleted": []},
}


class _Site(BaseHTTPRequestHandler):
    """The site's feed, failing with 503 for the first ``fail`` reads (a busy site)."""

    fail = 1
    reads = []

    def do_GET(self):
        _Site.reads.append(time.monotonic())
        if len(_Site.reads) <= _Site.fail:
            body, status = b"busy", 503
        else:
            body, status = json.dumps(FEED).encode(), 200
        self.send_response(status)
        self.send_header("Content-Type", "application/feed+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_serve_reads_again_after_a_failed_read_without_waiting_the_interval(tmp_path):
    site = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    db = tmp_path / "mirror.sqlite"
    log = open(tmp_path / "sync.log", "w")
    sync = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "nguon-sync"),
            "serve",
            "--feed",
            f"http://127.0.0.1:{site.server_address[1]}/xa/feed.json",
            "--db",
            str(db),
            "--listen",
            "127.0.0.1:0",
            "--interval",
            "3600",
        ],
        env={**os.environ, "NGUON_SYNC_SECRET": "bí mật của phường"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (db.exists() and Mirror(db).items()):
            time.sleep(0.2)
        output = (tmp_path / "sync.log").read_text()
        assert Mirror(db).items() == {"tin-1": "Lịch tiêm chủng mở rộng tháng 12"}, (
            output
        )
        assert "LỖI" in output and "503" in output, output
        # The second read came after the first retry pause, not the hour's interval.
        assert len(_Site.reads) >= 2
        assert RETRY - 0.5 <= _Site.reads[1] - _Site.reads[0] < 60
    finally:
        sync.terminate()
        sync.wait(30)
        log.close()
        site.shutdown()
