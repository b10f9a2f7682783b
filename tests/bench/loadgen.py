"""A small HTTP/1.1 load generator for loopback benchmarks: keep-alive connections driven by
asyncio, each sending prepared requests one after the other (closed loop), for a fixed time.

It measures what a client sees: seconds from writing the request to having read the whole
response. One process and one core: it comfortably outruns a Zope process on the other core
(the static-file phase shows the ceiling it reached).
"""

from dataclasses import dataclass
from dataclasses import field

import asyncio
import itertools
import time


@dataclass
class Request:
    path: str
    headers: dict = field(default_factory=dict)

    def raw(self, host):
        headers = {
            "Host": host,
            "Accept": "application/feed+json",
            "Connection": "keep-alive",
            **self.headers,
        }
        lines = [f"GET {self.path} HTTP/1.1"] + [
            f"{name}: {value}" for name, value in headers.items()
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@dataclass
class Outcome:
    requests: int = 0
    seconds: float = 0.0
    latencies: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    bytes: int = 0

    @property
    def rate(self):
        return self.requests / self.seconds if self.seconds else 0.0


async def _read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    size = 0
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            length = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            await reader.readexactly(length + 2)  # the chunk and its CRLF, not kept
            size += length
            if length == 0:
                break
    elif status not in (204, 304):
        length = int(headers.get("content-length", 0))
        await reader.readexactly(length)
        size = length
    return status, headers, size


async def _connection(host, port, requests, deadline, outcome, lock_free_counter):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            raw = next(requests)
            started = time.perf_counter()
            writer.write(raw)
            await writer.drain()
            status, headers, size = await _read_response(reader)
            outcome.latencies.append(time.perf_counter() - started)
            outcome.statuses[status] = outcome.statuses.get(status, 0) + 1
            outcome.bytes += size
            if headers.get("connection", "").lower() == "close":
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


def run(host, port, requests, seconds, connections):
    """Send ``requests`` (a list of ``Request``, cycled) for ``seconds`` over ``connections``
    keep-alive connections; returns the ``Outcome``."""
    raw = itertools.cycle([request.raw(f"{host}:{port}") for request in requests])
    outcome = Outcome()

    async def main():
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()
        await asyncio.gather(
            *(
                _connection(host, port, raw, deadline, outcome, None)
                for _ in range(connections)
            )
        )
        outcome.seconds = time.perf_counter() - started

    asyncio.run(main())
    outcome.requests = len(outcome.latencies)
    return outcome
