"""Many commune consumers in one process, for the push fan-out benchmark.

Every commune has its own callback path (``/c/<code>``) and secret; the farm answers WebSub
intent checks for the commune's own feed only, verifies each pushed body's HMAC-SHA256
signature with that commune's secret (``nguon.syndication.signing``, as ``nguon-sync`` does),
and notes when each item was acknowledged at each commune (the moment the farm answers
``200``, after the check). ``GET /_acks?uid=…`` tells how many communes acknowledged the item
and when (wall-clock seconds, for the benchmark to compare with the time it published).

The farm stands for 3,321 separate machines, so it must not be what limits the benchmark:
it is one asyncio process speaking HTTP/1.1 with keep-alive (a small parser of its own: the
request line, the headers, a ``Content-Length`` body), about ten times cheaper per request
than ``http.server``'s thread per connection (``--alone`` measures it without the site).

    python tests/bench/consumer_farm.py --port 9100 --communes communes.json
    python tests/bench/consumer_farm.py --alone --communes 3321   # its own ceiling
"""

from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import argparse
import asyncio
import json
import sys
import time


REPO = Path(__file__).resolve().parents[2]
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

from nguon.syndication import signing  # noqa: E402


MAX_HEADERS = 100
MAX_BODY = 16 * 1024 * 1024
REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found"}


class Farm:
    def __init__(self, communes):
        self.communes = communes
        self.acks = {}  # uid -> {code: time}
        self.refused = []
        self.requests = 0

    def get(self, target):
        url = urlsplit(target)
        query = parse_qs(url.query)
        if url.path == "/_acks":
            uid = query.get("uid", [""])[0]
            times = dict(self.acks.get(uid, {}))
            return 200, json.dumps(
                {
                    "count": len(times),
                    "times": times,
                    "refused": len(self.refused),
                    "requests": self.requests,
                }
            )
        code = url.path.rsplit("/", 1)[-1]
        commune = self.communes.get(code)
        if commune and query.get("hub.topic", [""])[0] == commune["topic"]:
            return 200, query.get("hub.challenge", [""])[0]
        return 404, "unknown topic"

    def post(self, target, headers, body):
        code = urlsplit(target).path.rsplit("/", 1)[-1]
        commune = self.communes.get(code)
        if commune is None or not signing.verify(
            commune["secret"], body, headers.get(signing.HEADER.lower())
        ):
            self.refused.append(code)
            return 403, "bad signature"
        document = json.loads(body)
        acknowledged = time.time()
        for item in document.get("items", []):
            self.acks.setdefault(item["_nguon"]["uid"], {}).setdefault(
                code, acknowledged
            )
        return 200, "ok"

    async def connection(self, reader, writer):
        """One client connection: requests one after the other until it closes."""
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                method, target, version = line.decode("latin-1").rstrip().split(" ", 2)
                headers = {}
                for _count in range(MAX_HEADERS):
                    header = await reader.readline()
                    if header in (b"\r\n", b"\n", b""):
                        break
                    name, _sep, value = header.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length") or 0)
                if length > MAX_BODY or "transfer-encoding" in headers:
                    status, text, close = 400, "unsupported body", True
                else:
                    body = await reader.readexactly(length) if length else b""
                    self.requests += 1
                    if method == "POST":
                        status, text = self.post(target, headers, body)
                    else:
                        status, text = self.get(target)
                    close = (
                        headers.get("connection", "").lower() == "close"
                        or version != "HTTP/1.1"
                    )
                data = text.encode()
                writer.write(
                    f"HTTP/1.1 {status} {REASONS.get(status, 'OK')}\r\n"
                    f"Content-Length: {len(data)}\r\n"
                    f"Content-Type: text/plain; charset=utf-8\r\n"
                    f"{'Connection: close' if close else 'Connection: keep-alive'}\r\n"
                    "\r\n".encode("latin-1")
                    + data
                )
                await writer.drain()
                if close:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()


async def serve(port, communes, ready=None):
    farm = Farm(communes)
    server = await asyncio.start_server(
        farm.connection, "127.0.0.1", port, backlog=4096, reuse_address=True
    )
    print(f"consumer farm on {port}: {len(communes)} communes", flush=True)
    if ready is not None:
        ready.set_result(server.sockets[0].getsockname()[1])
    async with server:
        await server.serve_forever()


def alone(count, connections):
    """The farm's own ceiling: a farm process of ``count`` communes takes one signed push
    per commune (about the size of a bulletin's change document) from a bare asyncio client
    over ``connections`` keep-alive connections; prints pushes per second and the farm's
    CPU time per push."""
    import os
    import secrets
    import socket
    import subprocess
    import tempfile

    communes = {
        f"{n:05d}": {"secret": secrets.token_urlsafe(24), "topic": ""}
        for n in range(count)
    }
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(communes, file)
    farm = subprocess.Popen(
        [sys.executable, __file__, "--port", str(port), "--communes", file.name],
        stdout=subprocess.DEVNULL,
    )
    item = {"title": "Cảnh báo bão khẩn cấp " * 4, "content_text": "Nội dung " * 150}
    requests_ = []
    for code, commune in communes.items():
        body = json.dumps(
            {"items": [{**item, "_nguon": {"uid": "u"}}], "code": code},
            ensure_ascii=False,
        ).encode()
        head = (
            f"POST /c/{code} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"{signing.HEADER}: {signing.sign(commune['secret'], body)}\r\n\r\n"
        )
        requests_.append(head.encode() + body)

    def cpu():
        fields = Path(f"/proc/{farm.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def client():
        queue = list(reversed(requests_))

        async def one():
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            while queue:
                writer.write(queue.pop())
                await reader.readline()
                length = 0
                while (header := await reader.readline()) not in (b"\r\n", b""):
                    if header.lower().startswith(b"content-length:"):
                        length = int(header.split(b":")[1])
                await reader.readexactly(length)
            writer.close()

        await asyncio.gather(*(one() for _ in range(connections)))

    try:
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", port)).close()
                break
            except OSError:
                time.sleep(0.1)
        before = cpu()
        started = time.time()
        asyncio.run(client())
        seconds = time.time() - started
        used = cpu() - before
    finally:
        farm.terminate()
        farm.wait(30)
        os.unlink(file.name)
    print(
        f"farm alone: {count} pushes over {connections} keep-alive connections in "
        f"{seconds:.2f} s ({count / seconds:,.0f} per second); the farm's CPU "
        f"{used:.2f} s ({used / count * 1e6:.0f} µs per push); load average "
        f"{os.getloadavg()[0]:.1f}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int)
    parser.add_argument("--communes", required=True)
    parser.add_argument("--alone", action="store_true")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if args.alone:
        alone(int(args.communes), args.connections)
        return
    asyncio.run(serve(args.port, json.loads(Path(args.communes).read_text())))


if __name__ == "__main__":
    main()
