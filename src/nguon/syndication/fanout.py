"""Send a round of pushes at once: one event loop, keep-alive connections per checked address.

``send_all`` posts every push of a round from one asyncio loop (no thread per request, no
GIL hand-over between 64 threads), with at most ``CONNECTIONS`` connections open at once and
at most ``PER_HOST`` to one callback host, each carrying one request after the other
(HTTP/1.1 keep-alive): a province whose communes' sites live on one server gets its pushes
over a few connections instead of a TCP (and TLS) handshake each. Connections are closed at
the end of the round.

The guarantees of ``outbound`` hold for every request: each callback is checked against the
allowed networks before the round sends anything to it (``addresses.checked``; a host name
is resolved once per round, so a rebinding name cannot answer one address to the check and
another to a later request of the same round), the request goes to the very address that was
checked (the host name stays in ``Host`` and, for https, in SNI and the certificate check),
redirects are never followed, and nothing of an answer is kept but its status: its body is
read and dropped only to reuse the connection (a body without a length, or longer than
``DRAIN``, closes the connection instead). A failure names only its kind, in urllib3's words
(``NewConnectionError``, ``ConnectTimeoutError``, ``ReadTimeoutError``, ``ProtocolError``,
``SSLError``) as ``outbound.call`` does. A request that fails on a reused connection before
any answer came (the server closed an idle connection) is sent once more on a new one; the
delivery id makes a repeat harmless.

``send_all`` takes the pushes as an iterable and starts sending the first ones while the
next ones are built (``BATCH`` at a time between two turns of the loop): the first communes
have the push before the last one's document is made.
"""

from nguon.errors import UserError
from nguon.syndication import addresses
from nguon.syndication import outbound
from urllib.parse import urlsplit

import asyncio
import logging
import requests.certs
import ssl
import time


logger = logging.getLogger("nguon.syndication")
CONNECTIONS = 64  # open at once, in all
PER_HOST = 16  # open at once to one callback host (address, port and name)
TIMEOUT = 10  # seconds to connect, and again to send a push and read its answer's head
DRAIN = 64 * 1024  # bytes of an answer's body read (and dropped) to keep its connection
MAX_HEAD = 100  # header lines of an answer at most
BATCH = 32  # pushes built between two turns of the event loop

_tls = None


def tls_context():
    """The TLS context of every https push (certificates checked against certifi's roots,
    as ``outbound`` does), made once."""
    global _tls
    if _tls is None:
        _tls = ssl.create_default_context(cafile=requests.certs.where())
    return _tls


class Failed(Exception):
    """No answer: the message is the kind of failure (urllib3's class name for it)."""


class _Stale(Exception):
    """A reused connection was closed before any answer came."""


class _Connection:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    def close(self):
        self.writer.close()


class _Host:
    """The connections of a round to one checked address, port and host name."""

    def __init__(self, limit):
        self.slots = asyncio.Semaphore(limit)
        self.idle = []

    def close(self):
        for connection in self.idle:
            connection.close()
        self.idle.clear()


def checked_once(allowed, executor=None):
    """A coroutine function ``check(url)`` giving ``addresses.checked(url, allowed)``, made
    once per scheme and network location in the round (the check depends on nothing else),
    in ``executor``'s threads (name lookups may block)."""
    found = {}

    async def check(url):
        parts = urlsplit(url or "")
        key = (parts.scheme, parts.netloc)
        future = found.get(key)
        if future is None:
            loop = asyncio.get_running_loop()
            future = found[key] = loop.run_in_executor(
                executor, addresses.checked, url, allowed
            )
        parts_, port, addresses_ = await asyncio.shield(future)
        return urlsplit(url), port, addresses_

    return check


def _head(parts, headers, length):
    """The request head of a POST of ``length`` bytes to ``parts``' path."""
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [
        f"POST {target} HTTP/1.1",
        f"Host: {parts.netloc}",
        "User-Agent: nguon-hub",
        f"Content-Length: {length}",
        "Connection: keep-alive",
    ]
    for name, value in headers.items():
        value = str(value)
        if "\r" in value or "\n" in value or "\r" in name or "\n" in name:
            raise Failed("InvalidHeader")
        lines.append(f"{name}: {value}")
    try:
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    except UnicodeEncodeError as error:
        raise Failed("InvalidHeader") from error


async def _answer(reader):
    """``(status, keep)`` of the answer on ``reader``: its status and whether the connection
    may carry another request (its body read and dropped)."""
    while True:
        line = await reader.readline()
        if not line:
            raise _Stale()
        parts = line.split(None, 2)
        if (
            len(parts) < 2
            or not parts[0].startswith(b"HTTP/1.")
            or not parts[1].isdigit()
        ):
            raise Failed("ProtocolError")
        status, version = int(parts[1]), parts[0]
        length, close, chunked = None, version == b"HTTP/1.0", False
        for _count in range(MAX_HEAD):
            header = await reader.readline()
            if header in (b"\r\n", b"\n"):
                break
            if not header:
                raise Failed("ProtocolError")
            name, _sep, value = header.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length" and value.isdigit():
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = True
            elif name == b"connection":
                close = close or b"close" in value
                if version == b"HTTP/1.0" and b"keep-alive" in value:
                    close = False
        else:
            raise Failed("ProtocolError")
        if 100 <= status < 200:  # an interim answer: the real one follows
            continue
        if status in (204, 304) and not chunked:
            length = 0
        if close or chunked or length is None or length > DRAIN:
            return status, False
        if length:
            await reader.readexactly(length)
        return status, True


async def _exchange(connection, request):
    connection.writer.write(request)
    await connection.writer.drain()
    return await _answer(connection.reader)


async def _connect(parts, port, address, timeout):
    options = {}
    if parts.scheme == "https":
        options = {"ssl": tls_context(), "server_hostname": parts.hostname}
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(str(address), port, **options), timeout
        )
    except TimeoutError as error:
        raise Failed("ConnectTimeoutError") from error
    except ssl.SSLError as error:
        raise Failed("SSLError") from error
    except OSError as error:
        raise Failed("NewConnectionError") from error
    return _Connection(reader, writer)


async def _post(host, parts, port, address, request, timeout):
    """POST ``request`` over an idle connection of ``host`` or a new one; return the
    status."""
    retried = False
    while True:
        connection = host.idle.pop() if host.idle and not retried else None
        reused = connection is not None
        if connection is None:
            connection = await _connect(parts, port, address, timeout)
        try:
            status, keep = await asyncio.wait_for(
                _exchange(connection, request), timeout
            )
        except (_Stale, ConnectionError, asyncio.IncompleteReadError) as error:
            connection.close()
            if reused and not retried and isinstance(error, (_Stale, ConnectionError)):
                retried = True
                continue
            raise Failed("ProtocolError") from error
        except TimeoutError as error:
            connection.close()
            raise Failed("ReadTimeoutError") from error
        except ssl.SSLError as error:
            connection.close()
            raise Failed("SSLError") from error
        except (Failed, ValueError, OSError) as error:  # ValueError: a line too long
            connection.close()
            if isinstance(error, Failed):
                raise
            raise Failed("ProtocolError") from error
        if keep:
            host.idle.append(connection)
        else:
            connection.close()
        return status


async def _send_all(
    pushes, allowed, executor, connections, per_host, timeout, translate
):
    check = checked_once(allowed, executor)
    hosts = {}
    overall = asyncio.Semaphore(connections)

    async def deliver(push):
        try:
            parts, port, found = await check(push.callback)
            address = found[0]
            key = (parts.scheme, str(address), port, parts.hostname)
            host = hosts.get(key)
            if host is None:
                host = hosts[key] = _Host(per_host)
            request = _head(parts, push.headers, len(push.body)) + push.body
            async with host.slots, overall:
                started = time.monotonic()
                try:
                    push.code = await _post(
                        host, parts, port, address, request, timeout
                    )
                finally:
                    push.ms = round((time.monotonic() - started) * 1000, 1)
            push.ok = push.code // 100 == 2
            if not push.ok:
                reason = outbound.Answer(push.code).reason
                push.message = f"HTTP {push.code} {reason}".strip()
        except UserError as error:
            push.message = translate(error)
        except Failed as error:
            push.message = str(error)
        except (
            Exception
        ) as error:  # one push's surprise must not lose the round's outcomes
            logger.exception("push to %s failed", push.callback)
            push.message = error.__class__.__name__
        return push

    tasks = []
    try:
        # Pushes may be built as they are asked for (``pusher.due`` is a generator): the
        # loop sends the first ones while the next ones are built.
        for number, push in enumerate(pushes, 1):
            tasks.append(asyncio.ensure_future(deliver(push)))
            if number % BATCH == 0:
                await asyncio.sleep(0)
        return await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        for host in hosts.values():
            host.close()


def send_all(
    pushes,
    allowed=(),
    executor=None,
    connections=CONNECTIONS,
    per_host=PER_HOST,
    timeout=TIMEOUT,
    translate=str,
):
    """Send every push of ``pushes`` (``pusher.Push``, or anything with ``callback``,
    ``body`` and ``headers``; an iterable that may build them as it goes, in this thread)
    and note each outcome in it: ``ok``, ``code``, ``message`` (our own words, never the
    answer's), ``ms``. ``translate(error)`` gives the words of a refused address (a
    ``UserError``). Returns the pushes, in order."""
    return asyncio.run(
        _send_all(
            pushes, tuple(allowed), executor, connections, per_host, timeout, translate
        )
    )
