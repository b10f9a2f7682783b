"""Simulated devices for the alerts benchmark: MQTT subscribers and 2 s pollers, many per
process, each process driven by one asyncio loop and answering its parent over a pipe.

``subscribers``: one ``nguon.messaging.subscriber.Subscriber`` per device (the class real
devices use, so every list is checked by ``envelope.accept``: the pinned Ed25519 key, the very
topic, newer than the last list, within its validity) subscribed to the device's own topics.
Instead of one network thread per client (``Subscriber.start``), the process drives all its
paho clients from its asyncio loop through paho's socket callbacks (paho's documented
``loop_read``/``loop_write``/``loop_misc`` integration). A device *holds* an item from the
moment a list it accepted on any of its topics has it, and no longer holds it once the lists
it accepted since have it no more; the first time of each is kept per item and device.

``pollers``: the present fallback, a station asking ``@station-events`` (Ed25519-verified
like the agent does) or a board its ``@board-playlist`` every ``interval`` seconds with
``If-None-Match``. The polls of a process share a pool of kept-alive connections, as a
reverse proxy in front of Zope would pass them on (waitress serves 100 connections at a
time: one kept-alive connection per poller would leave all but a hundred waiting); waiting
for a connection of the pool counts in a poll's time.
A poller *sees* an item from the first answer that lists it.

``reporters``: every device reporting at once, over HTTP, that it holds an item (its receipt:
a station's as-run record or a board's proof record with status ``received``), through the
same kind of shared connections.

All answer ``("status",)``, ``("held", uid)`` / ``("cleared", uid)`` (``[device, seconds
since the epoch]`` pairs) and ``("stop",)`` on their pipe. Zope-free: they import only
``nguon.messaging`` and ``nguon.radio.signing``.
"""

from pathlib import Path

import asyncio
import base64
import json
import sys
import time


REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # a spawned process: make ``tests.*`` importable
    sys.path.insert(0, str(REPO))

CONNECT_BATCH = 50  # connections opened before letting the broker accept them
MISC_EVERY = 5  # seconds between paho's keep-alive duties for every client


def pins_of(keys):
    """``signing.Pin``s of the keys ``@radio-signing-key`` lists."""
    from datetime import datetime
    from nguon.radio import signing

    return [
        signing.Pin(
            base64.b64decode(key["public_key"]),
            datetime.fromisoformat(key["not_after"]) if key.get("not_after") else None,
        )
        for key in keys
    ]


class Times:
    """When each device first held an item, and when it stopped holding it."""

    def __init__(self):
        self.held = {}  # uid -> {device: time}
        self.cleared = {}  # uid -> {device: time}

    def update(self, device, before, now_held, moment):
        for uid in now_held - before:
            self.held.setdefault(uid, {}).setdefault(device, moment)
        for uid in before - now_held:
            self.cleared.setdefault(uid, {}).setdefault(device, moment)

    def answer(self, command):
        kind, uid = command
        table = self.held if kind == "held" else self.cleared
        return sorted(table.get(uid, {}).items())


def serve(conn, start):
    """Run ``start(loop, times)`` (a coroutine function returning a ``status()`` callable, a
    ``close()`` coroutine function and, optionally, ``{command: callable}`` for more
    commands) and answer the parent until it says stop."""

    async def main():
        loop = asyncio.get_running_loop()
        times = Times()
        status, close, *more = await start(loop, times)
        commands = more[0] if more else {}
        done = asyncio.Event()

        def command():
            try:
                message = conn.recv()
            except EOFError:
                done.set()
                return
            if message[0] == "status":
                conn.send(status())
            elif message[0] in ("held", "cleared"):
                conn.send(times.answer(message))
            elif message[0] in commands:
                conn.send(commands[message[0]](*message[1:]))
            elif message[0] == "stop":
                done.set()

        loop.add_reader(conn.fileno(), command)
        conn.send("ready")
        await done.wait()
        loop.remove_reader(conn.fileno())
        await close()
        conn.send("stopped")

    asyncio.run(main())


# --- MQTT subscribers ---------------------------------------------------------------------------


def subscribers(conn, devices, host, port, keys):
    """Process entry: ``devices`` are ``(id, [topic, ...])``; ``keys`` as the site lists them."""
    from nguon.messaging.subscriber import Subscriber

    import logging

    logging.getLogger("nguon.messaging").setLevel(logging.ERROR)
    pins = pins_of(keys)
    counts = {"subscribed": 0, "accepted": 0, "refused": 0, "disconnected": 0}
    clients = []

    async def start(loop, times):
        def attach(device, topics):
            held = set()

            def on_list(_topic, _doc):
                moment = time.time()
                counts["accepted"] += 1
                now_held = {item.get("uid") for item in subscriber.items()}
                times.update(device, held.copy(), now_held, moment)
                held.clear()
                held.update(now_held)

            def on_refused(_topic, _reason):
                counts["refused"] += 1

            subscriber = Subscriber(
                host,
                port,
                topics,
                pins,
                on_list=on_list,
                on_refused=on_refused,
                client_id=f"bench-device-{device}",
            )
            client = subscriber.client

            def on_subscribe(*_args):
                counts["subscribed"] += 1

            def on_disconnect(*_args):
                counts["disconnected"] += 1

            def on_socket_open(_client, _userdata, sock):
                loop.add_reader(sock, client.loop_read)

            def on_socket_close(_client, _userdata, sock):
                loop.remove_reader(sock)

            def on_socket_register_write(_client, _userdata, sock):
                loop.add_writer(sock, client.loop_write)

            def on_socket_unregister_write(_client, _userdata, sock):
                loop.remove_writer(sock)

            client.on_subscribe = on_subscribe
            client.on_disconnect = on_disconnect
            client.on_socket_open = on_socket_open
            client.on_socket_close = on_socket_close
            client.on_socket_register_write = on_socket_register_write
            client.on_socket_unregister_write = on_socket_unregister_write
            return client

        counts["began"] = time.time()  # the first connection of this process
        for number, (device, topics) in enumerate(devices, 1):
            client = attach(device, topics)
            client.connect(host, port, keepalive=60, clean_start=True)
            clients.append(client)
            if number % CONNECT_BATCH == 0:
                await asyncio.sleep(0.05)

        async def misc():
            while True:
                await asyncio.sleep(MISC_EVERY)
                for client in clients:
                    client.loop_misc()

        keeper = loop.create_task(misc())

        def status():
            return {**counts, "devices": len(clients)}

        async def close():
            keeper.cancel()
            for client in clients:
                client.disconnect()
            await asyncio.sleep(0.5)

        return status, close

    serve(conn, start)


# --- HTTP to Zope ------------------------------------------------------------------------------


class Pool:
    """Kept-alive HTTP/1.1 connections to Zope shared by many devices, as a reverse proxy in
    front of Zope passes their requests on; waiting for a free connection is part of a
    request's time."""

    def __init__(self, port, size):
        self.port = port
        self.free = asyncio.Queue()
        for _number in range(size):
            self.free.put_nowait(None)  # opened when first needed

    async def request(self, method, path, headers, body=b""):
        """``(status, headers, body)`` of one request."""
        connection = await self.free.get()
        try:
            for attempt in (1, 2):  # Zope may have closed an idle connection
                if connection is None:
                    connection = await asyncio.open_connection("127.0.0.1", self.port)
                try:
                    answer = await self._exchange(
                        connection, method, path, headers, body
                    )
                except (OSError, asyncio.IncompleteReadError):
                    connection[1].close()
                    connection = None
                    if attempt == 2:
                        raise
                    continue
                if answer[1].get("connection", "").lower() == "close":
                    connection[1].close()
                    connection = None
                return answer
        finally:
            self.free.put_nowait(connection)

    @staticmethod
    async def _exchange(connection, method, path, headers, body):
        reader, writer = connection
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        fields = {}
        for line in head.decode("latin-1").split("\r\n")[1:]:
            name, _sep, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        length = int(fields.get("content-length") or 0)
        answer = await reader.readexactly(length) if length else b""
        return int(head.split()[1]), fields, answer


TOKEN_HEADERS = {"radio": "X-Station-Token", "board": "X-Board-Token"}


# --- pollers ----------------------------------------------------------------------------------


def pollers(conn, devices, port, base_path, keys, interval, connections):
    """Process entry: ``devices`` are ``(id, kind, token)`` with kind ``radio`` or ``board``;
    their polls share ``connections`` kept-alive connections."""
    from nguon.radio import signing

    pins = pins_of(keys)
    counts = {"requests": 0, "errors": 0, "late": 0, "statuses": {}}
    latencies = []
    paths = {"radio": "@station-events", "board": "@board-playlist"}

    def uids(kind, body):
        data = json.loads(body)
        if kind == "radio":
            items = signing.verify(data, pins)["emergencies"]
        else:
            items = data["slides"] if data.get("emergency") else []
        return {item["uid"] for item in items}

    async def poller(pool, device, kind, token, times, stop, offset):
        etag, held = None, set()
        headers = {"Accept": "application/json", TOKEN_HEADERS[kind]: token}
        await asyncio.sleep(offset)  # spread the pollers over the interval
        next_at = time.monotonic()
        while not stop.is_set():
            started = time.monotonic()
            try:
                status, fields, body = await pool.request(
                    "GET",
                    f"{base_path}/{paths[kind]}",
                    {**headers, **({"If-None-Match": etag} if etag else {})},
                )
            except (OSError, asyncio.IncompleteReadError):
                counts["errors"] += 1
                status = None
            moment = time.time()
            latencies.append(time.monotonic() - started)
            counts["requests"] += 1
            counts["statuses"][status] = counts["statuses"].get(status, 0) + 1
            if status == 200:
                etag = fields.get("etag")
                now_held = uids(kind, body)
                times.update(device, held, now_held, moment)
                held = now_held
            next_at += interval
            wait = next_at - time.monotonic()
            if wait < 0:  # this poller could not keep its interval
                counts["late"] += 1
                next_at = time.monotonic()
                wait = 0
            try:
                await asyncio.wait_for(stop.wait(), wait)
            except TimeoutError:
                pass

    async def start(loop, times):
        pool = Pool(port, connections)
        stop = asyncio.Event()
        tasks = [
            loop.create_task(
                poller(
                    pool, device, kind, token, times, stop, interval * i / len(devices)
                )
            )
            for i, (device, kind, token) in enumerate(devices)
        ]
        started = time.monotonic()

        def status():
            window = latencies[-5 * len(devices) :]
            return {
                **counts,
                "pollers": len(devices),
                "seconds": time.monotonic() - started,
                "latencies": sorted(window),
            }

        async def close():
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)

        return status, close

    serve(conn, start)


# --- receipts ---------------------------------------------------------------------------------


def reporters(conn, devices, port, base_path, connections):
    """Process entry: ``devices`` are ``(id, kind, token)``. On ``("report", uid)`` every
    device reports at once that it holds the item (a station's as-run record, a board's proof
    record, both with status ``received``), through ``connections`` shared connections;
    ``("held", uid)`` then gives when the site acknowledged each one."""
    from datetime import datetime
    from datetime import UTC

    counts = {"sent": 0, "errors": 0, "statuses": {}}

    def record(kind, uid):
        now = datetime.now(UTC).isoformat(timespec="seconds")
        if kind == "radio":
            return {"item": uid, "status": "received", "at": now}
        return {"item": uid, "status": "received", "shown_at": now, "seconds": 0}

    async def report(pool, times, device, kind, token, uid):
        path = "@station-asrun" if kind == "radio" else "@board-proof"
        body = json.dumps({"records": [record(kind, uid)]}).encode()
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            TOKEN_HEADERS[kind]: token,
        }
        try:
            status, _fields, _body = await pool.request(
                "POST", f"{base_path}/{path}", headers, body
            )
        except (OSError, asyncio.IncompleteReadError):
            counts["errors"] += 1
            return
        counts["sent"] += 1
        counts["statuses"][status] = counts["statuses"].get(status, 0) + 1
        if status < 300:
            times.update(device, set(), {uid}, time.time())

    async def start(loop, times):
        pool = Pool(port, connections)
        tasks = set()

        def status():
            return dict(counts)

        def on_report(uid):
            for device, kind, token in devices:
                task = loop.create_task(report(pool, times, device, kind, token, uid))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            return "reporting"

        async def close():
            await asyncio.gather(*tasks, return_exceptions=True)

        return status, close, {"report": on_report}

    serve(conn, start)
