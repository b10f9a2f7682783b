"""The station agent's loops: the schedule (every minute), emergencies (every two seconds,
a 304 when nothing is new; every ``fallback_interval`` while the messaging engine is
connected), the slot clock (twice a second), the emergency clock (repeats) and the as-run
reporter.

The agent only ever airs a schedule it accepted (``acceptance.accept``: signed by one of its
pinned keys, for this station — the one its token names — and for the kind asked for) and
audio whose checksum matches; when the server is unreachable it goes on with the last accepted
schedule from its cache, within that schedule's validity.

Emergencies come from the poll of ``@station-events`` and, with a broker, from the topics of
the station's unit on the messaging engine (``nguon.messaging``: each list accepted only if
signed by a pinned key for that very topic). Both go through ``hear`` and one code path airs
them (``air_emergencies``): each in force airs its due round once (``emergencies.due_round``,
the round in its aired key), whatever the hour (quiet hours and days off are the schedule's,
never an emergency's); one that a newer list withdrew is cut if it plays and skipped if it
waits. Each emergency the station newly holds is reported as ``received`` (a receipt in the
delivery ledger).
"""

from datetime import datetime
from datetime import UTC
from nguon.messaging.subscriber import Subscriber
from nguon.messaging.topics import subscriptions
from nguon.radio.signing import EMERGENCIES
from nguon.radio.signing import Pin
from nguon.radio.signing import SCHEDULE
from nguon.station.acceptance import accept
from nguon.station.acceptance import Refused
from nguon.station.cache import EMERGENCY
from nguon.station.cache import RECEIVED
from nguon.station.emergencies import due_round
from nguon.station.emergencies import InForce
from pathlib import Path

import logging
import requests
import threading
import time


logger = logging.getLogger("nguon.station")


def _now():
    return datetime.now(UTC)


def _iso(seconds):
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")


class Agent:
    def __init__(
        self,
        site,
        token,
        pins,
        cache,
        player,
        schedule_interval=60.0,
        events_interval=2.0,
        report_interval=5.0,
        broker=None,
        fallback_interval=30.0,
    ):
        self.site = site.rstrip("/")
        self.pins = pins  # the keys the station trusts (``signing.Pin``)
        self.station = station_of(token)
        self.cache = cache
        self.player = player
        self.schedule_interval = schedule_interval
        self.events_interval = events_interval
        self.report_interval = report_interval
        # (host, port) of the messaging engine, or None: polling only; while it is
        # connected, emergencies are polled every ``fallback_interval`` seconds.
        self.broker = broker
        self.fallback_interval = fallback_interval
        self.session = requests.Session()
        self.session.headers.update(
            {"X-Station-Token": token, "Accept": "application/json"}
        )
        self.schedule = None
        self.events_etag = None
        self.last_events = (
            None  # the last emergencies document accepted (for its sequence)
        )
        self.playing = None  # (uid, started, duration, urgent)
        self.in_force = InForce()  # the emergencies held, from the poll and the topics
        self.subscriber = None
        self.urgent_queue = []  # uids pushed to the urgent queue, not started yet
        self.withdrawn = set()  # uids withdrawn while waiting: skipped when they start
        self.durations = {}
        self.stopping = threading.Event()
        self.events_wake = threading.Event()  # a push says: ask for emergencies now
        self.air_wake = threading.Event()  # the broker brought a list: air it now
        self.lock = threading.Lock()
        self.air_lock = threading.Lock()
        player.on_track = self.track_started

    # -- the schedule ---------------------------------------------------------------------

    def load_cached(self):
        envelope = self.cache.envelope()
        if envelope is None:
            return
        try:
            self.schedule = self._accept(envelope, SCHEDULE)
            self._learn(self.schedule)
            logger.info("dùng lịch phát đã lưu, số %s", self.schedule["sequence"])
        except Refused as error:
            logger.warning("lịch phát đã lưu không dùng được: %s", error)

    def fetch_schedule(self):
        try:
            response = self.session.get(f"{self.site}/@station-schedule", timeout=30)
            response.raise_for_status()
            envelope = response.json()
        except (requests.RequestException, ValueError) as error:
            logger.warning(
                "không lấy được lịch phát (%s); tiếp tục với lịch đã có",
                error.__class__.__name__,
            )
            return False
        try:
            schedule = self._accept(envelope, SCHEDULE, last=self.schedule)
        except Refused as error:
            logger.error("từ chối lịch phát: %s", error)
            return False
        for item in self._items(schedule):
            self._download(item)
        self.cache.keep(envelope)
        self.schedule = schedule
        self._learn(schedule)
        return True

    def _accept(self, envelope, kind, last=None):
        return accept(envelope, self.pins, kind, self.station, last=last)

    def _items(self, schedule):
        for slot in schedule["slots"]:
            yield from slot["items"]
        yield from schedule["emergencies"]

    def _learn(self, schedule):
        for item in self._items(schedule):
            self.durations[item["uid"]] = item["duration"]
        self._subscribe(schedule)

    # -- the messaging engine -------------------------------------------------------------

    def _subscribe(self, schedule):
        """Subscribe to the topics of the station's unit (its lineage, and the test audience
        when it receives tests), as the accepted schedule names them."""
        if self.broker is None:
            return
        wanted = subscriptions(
            schedule.get("lineage") or [],
            "radio",
            tests=bool(schedule.get("receives_tests")),
        )
        current = self.subscriber.topics if self.subscriber else []
        if wanted == current:
            return
        if self.subscriber is not None:
            self.subscriber.stop()
            for topic in current:
                self.in_force.forget(topic)
        host, port = self.broker
        self.subscriber = (
            Subscriber(
                host,
                port,
                wanted,
                self.pins,
                on_list=self.on_broadcast,
                on_refused=self._refused,
            ).start()
            if wanted
            else None
        )
        logger.info("nhận tin khẩn cấp qua %s:%s: %s", host, port, ", ".join(wanted))

    def on_broadcast(self, topic, doc):
        """A list the subscriber accepted on ``topic``: held at once, aired by the
        emergency clock's thread (woken now) so the broker's thread never waits for audio."""
        self.hear(topic, doc, doc["items"])
        self.air_wake.set()

    def _refused(self, topic, reason):
        logger.error("từ chối danh sách tin khẩn cấp trên %s: %s", topic, reason)

    def broker_connected(self):
        return self.subscriber is not None and self.subscriber.client.is_connected()

    def _events_interval(self):
        if self.broker_connected():
            return self.fallback_interval
        return self.events_interval

    def _download(self, item):
        if self.cache.has_audio(item):
            return self.cache.audio_path(item)
        response = self.session.get(item["audio"]["url"], timeout=120)
        response.raise_for_status()
        return self.cache.store_audio(item, response.content)

    # -- emergencies ----------------------------------------------------------------------

    def poll_events(self):
        """Ask ``@station-events``; air what is due. A fresh signed list is asked for (no
        ``If-None-Match``) before the one held runs out, so the poll alone keeps an alert in
        force for its repeats."""
        headers = {"If-None-Match": self.events_etag} if self._events_fresh() else {}
        try:
            response = self.session.get(
                f"{self.site}/@station-events", headers=headers, timeout=10
            )
        except requests.RequestException:
            return []
        if response.status_code != 200:
            return self.air_emergencies() if response.status_code == 304 else []
        try:
            events = self._accept(response.json(), EMERGENCIES, last=self.last_events)
        except (Refused, ValueError) as error:
            logger.error("từ chối danh sách tin khẩn cấp: %s", error)
            return []
        self.events_etag = response.headers.get("ETag")
        self.last_events = events
        self.hear("poll", events, events.get("emergencies", []))
        return self.air_emergencies()

    def _events_fresh(self, now=None):
        if not self.events_etag or self.last_events is None:
            return False
        left = datetime.fromisoformat(self.last_events["valid_until"]) - (now or _now())
        return left.total_seconds() > 2 * max(
            self.events_interval, self.fallback_interval
        )

    def hear(self, source, doc, entries):
        """Hold an accepted list of emergencies from ``source`` (``poll`` or a topic):
        receipts for the new ones, withdrawal of those a newer list dropped."""
        now = _now()
        withdrawn = self.in_force.update(source, doc, entries, now)
        self.receive(entries)
        self.withdraw(withdrawn)

    def air_emergencies(self, now=None):
        """Air every emergency in force whose round is due and has not aired (the one code
        path of the poll and the broker); returns the uids started."""
        now = now or _now()
        started = []
        with self.air_lock:
            aired = self.cache.aired()
            for item in self.in_force.items(now):
                round_number = due_round(item, now)
                if round_number is None:
                    continue  # long past: held, never interrupted for
                key = aired_key(item, round_number)
                if key in aired:
                    continue
                try:
                    path = self._download(item)
                except (requests.RequestException, ValueError) as error:
                    logger.error(
                        "không tải được âm thanh khẩn cấp %s: %s", item["uid"], error
                    )
                    continue
                self.durations[item["uid"]] = item["duration"]
                with self.lock:
                    self.urgent_queue.append(item["uid"])
                    interrupted = self.playing is not None and not self.playing[3]
                self.player.interrupt(path)
                if interrupted:
                    self.player.command("normal.skip")  # the cut item does not resume
                self.cache.mark_aired(key)
                started.append(item["uid"])
                logger.warning("phát tin khẩn cấp %s (%s)", item["title"], key)
        return started

    def withdraw(self, uids):
        """Emergencies withdrawn by a newer list: the one playing is cut now, a waiting one
        is skipped as it starts (Liquidsoap's queue cannot drop one request)."""
        if not uids:
            return
        with self.lock:
            self.withdrawn |= {uid for uid in uids if uid in self.urgent_queue}
            playing = self.playing
        if playing is not None and playing[3] and playing[0] in uids:
            self.player.command("urgent.skip")
            logger.warning("dừng tin khẩn cấp đã bị rút: %s", playing[0])

    def receive(self, entries):
        """Report ``received`` once for every emergency (and audio) the station now holds."""
        aired = self.cache.aired()
        records = []
        for item in entries:
            key = f"{RECEIVED}{item['uid']}:{item['audio']['sha256'][:16]}"
            if key in aired:
                continue
            self.cache.mark_aired(key)
            records.append(
                {
                    "item": item["uid"],
                    "status": "received",
                    "at": _iso(time.time()),
                    "clusters": self.clusters(),
                }
            )
        if records:
            self.cache.add_reports(records)

    # -- the slot clock -------------------------------------------------------------------

    def tick(self, now=None):
        """Queue the items of a slot whose time has come (once per slot); returns them."""
        schedule = self.schedule
        if schedule is None:
            return []
        now = now or _now()
        if now >= datetime.fromisoformat(schedule["valid_until"]):
            return []
        aired = self.cache.aired()
        queued = []
        for slot in schedule["slots"]:
            start, end = (
                datetime.fromisoformat(slot["start"]),
                datetime.fromisoformat(slot["end"]),
            )
            key = f"slot:{slot['start']}"
            if not (start <= now < end) or key in aired:
                continue
            left = (end - now).total_seconds()
            for item in slot["items"]:
                if item["duration"] > left or not self.cache.has_audio(item):
                    continue
                self.player.queue(self.cache.audio_path(item))
                left -= item["duration"]
                queued.append(item["uid"])
            self.cache.mark_aired(key)
        return queued

    # -- the as-run log -------------------------------------------------------------------

    def track_started(self, filename, at):
        name = Path(filename).name if filename else ""
        uid = name.split("-", 1)[0] if name.endswith(".mp3") else None
        urgent = False
        records = []
        with self.lock:
            if self.playing is not None:
                previous, since, duration, was_urgent = self.playing
                cut = at < since + duration - 1.0
                records.append(
                    {
                        "item": previous,
                        "status": "interrupted" if cut else "finished",
                        "at": _iso(at),
                        "clusters": self.clusters(),
                    }
                )
            cut = False
            if uid:
                urgent = self._is_emergency(uid)
                self.playing = (uid, at, self.durations.get(uid, 0.0), urgent)
                if urgent and uid in self.urgent_queue:
                    self.urgent_queue.remove(uid)
                    cut = uid in self.withdrawn
                    if uid not in self.urgent_queue:
                        self.withdrawn.discard(uid)
                records.append(
                    {
                        "item": uid,
                        "status": "started",
                        "at": _iso(at),
                        "clusters": self.clusters(),
                    }
                )
            else:
                self.playing = None
        if records:
            self.cache.add_reports(records)
        if cut:
            self.player.command("urgent.skip")
            logger.warning("bỏ qua tin khẩn cấp đã bị rút: %s", uid)

    def _is_emergency(self, uid):
        schedule = self.schedule or {"emergencies": []}
        return any(item["uid"] == uid for item in schedule["emergencies"]) or any(
            key.startswith(f"{EMERGENCY}{uid}:") for key in self.cache.aired()
        )

    def clusters(self):
        schedule = self.schedule or {}
        return [
            c["device_id"]
            for c in schedule.get("clusters", [])
            if c.get("status") == "hoạt động"
        ]

    def report(self):
        pending = self.cache.pending_reports()[:500]
        if not pending:
            return 0
        try:
            response = self.session.post(
                f"{self.site}/@station-asrun", json={"records": pending}, timeout=30
            )
        except requests.RequestException:
            return 0
        if response.status_code == 200:
            self.cache.drop_reports(len(pending))
            return len(pending)
        logger.error("máy chủ từ chối nhật ký phát: %s", response.text[:200])
        if response.status_code == 400:
            self.cache.drop_reports(
                len(pending)
            )  # will never be taken: do not block the rest
        return 0

    # -- running --------------------------------------------------------------------------

    def _every(self, seconds, work, wake=None):
        """Run ``work`` every ``seconds`` (a number, or a function that says it each time),
        or at once when ``wake`` is set."""
        wake = wake or self.stopping
        while not self.stopping.is_set():
            try:
                work()
            except Exception:  # the station keeps airing whatever one loop hit
                logger.exception("lỗi trong vòng lặp của đài")
            wake.wait(seconds() if callable(seconds) else seconds)
            if wake is not self.stopping:
                wake.clear()

    def run(self):
        self.load_cached()
        self.fetch_schedule()
        loops = [
            (self.schedule_interval, self.fetch_schedule),
            (self._events_interval, self.poll_events, self.events_wake),
            (0.5, self.tick),
            (1.0, self.air_emergencies, self.air_wake),
            (self.report_interval, self.report),
        ]
        threads = [
            threading.Thread(target=self._every, args=loop, daemon=True)
            for loop in loops
        ]
        for thread in threads:
            thread.start()
        return threads

    def stop(self):
        self.stopping.set()
        self.events_wake.set()
        self.air_wake.set()
        if self.subscriber is not None:
            self.subscriber.stop()


def aired_key(item, round_number):
    """What the cache remembers once ``item`` aired its round ``round_number``: the item and
    its audio (an edited audio airs again), and the round past the first."""
    key = f"{EMERGENCY}{item['uid']}:{item['audio']['sha256'][:16]}"
    return f"{key}:{round_number}" if round_number else key


class EmergencyDoorbell:
    """What ``nguon.sync.receiver`` applies pushes to, for a station: a verified push of the
    unit's emergency feed only rings the agent, which then asks ``@station-events`` at once
    (the signed answer stays the only thing it airs). So a station can poll rarely and still
    air an emergency seconds after its approval, through the site's push engine."""

    def __init__(self, agent):
        self.agent = agent
        self.seen_ids = set()

    def seen(self, delivery_id):
        return delivery_id in self.seen_ids

    def apply(self, document, delivery_id=None):
        """Ring the agent; the delivery counts as seen once it has rung (as the mirror
        records a delivery only once it is applied)."""
        self.agent.events_wake.set()
        if delivery_id is not None:
            self.seen_ids.add(delivery_id)
        return (len(document.get("items", [])), 0, 0)


def station_of(token):
    """The station a token names (``<station uid>.<secret>``, ``nguon.devices``)."""
    return token.split(".", 1)[0]


def pinned_key(text):
    """A ``Pin`` from ``KEY`` or ``KEY@NOT_AFTER``: the base64 public key (as
    ``@radio-signing-key`` gives it) and the ISO 8601 time, with its offset, from which the
    station stops trusting it."""
    import base64

    key, _at, not_after = text.strip().partition("@")
    end = datetime.fromisoformat(not_after) if not_after else None
    if end is not None and end.tzinfo is None:
        raise ValueError(
            "thời điểm hết hạn của khóa cần múi giờ, ví dụ 2026-12-31T00:00:00+07:00"
        )
    return Pin(base64.b64decode(key, validate=True), end)
