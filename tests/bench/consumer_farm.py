"""Many commune consumers in one process, for the push fan-out benchmark.

Every commune has its own callback path (``/c/<code>``) and secret; the farm answers WebSub
intent checks for the commune's own feed only, verifies each pushed body's HMAC-SHA256
signature with that commune's secret (``nguon.syndication.signing``, as ``nguon-sync`` does),
and notes when each item arrived at each commune. ``GET /_acks?uid=…`` tells how many communes
acknowledged the item and when (wall-clock seconds, for the benchmark to compare with the time
it published).

    python tests/bench/consumer_farm.py --port 9100 --communes communes.json
"""

from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import argparse
import json
import sys
import threading
import time


REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

from nguon.syndication import signing  # noqa: E402


def serve(port, communes):
    acks = {}  # uid -> {code: time}
    refused = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            if url.path == "/_acks":
                uid = query.get("uid", [""])[0]
                with lock:
                    times = dict(acks.get(uid, {}))
                self.answer(
                    200,
                    json.dumps(
                        {"count": len(times), "times": times, "refused": len(refused)}
                    ),
                )
                return
            code = url.path.rsplit("/", 1)[-1]
            commune = communes.get(code)
            if commune and query.get("hub.topic", [""])[0] == commune["topic"]:
                self.answer(200, query.get("hub.challenge", [""])[0])
            else:
                self.answer(404, "unknown topic")

        def do_POST(self):
            arrived = time.time()
            code = urlsplit(self.path).path.rsplit("/", 1)[-1]
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            commune = communes.get(code)
            if commune is None or not signing.verify(
                commune["secret"], body, self.headers.get(signing.HEADER)
            ):
                refused.append(code)
                self.answer(403, "bad signature")
                return
            document = json.loads(body)
            with lock:
                for item in document.get("items", []):
                    acks.setdefault(item["_nguon"]["uid"], {}).setdefault(code, arrived)
            self.answer(200, "ok")

        def answer(self, status, text):
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.request_queue_size = 256
    print(f"consumer farm on {port}: {len(communes)} communes", flush=True)
    server.serve_forever()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--communes", required=True)
    args = parser.parse_args()
    serve(args.port, json.loads(Path(args.communes).read_text()))


if __name__ == "__main__":
    main()
