"""What the station keeps on disk: the last accepted schedule (as its signed envelope), the
audio it needs (each file checked against its SHA-256), what it already aired, and the as-run
records not yet delivered."""

from pathlib import Path

import hashlib
import json
import os
import threading


AIRED_LIMIT = 5000  # keys remembered as aired
EMERGENCY = "emergency:"  # the prefix of an emergency's aired key (``emergency:<uid>:<sha256>``)
RECEIVED = (
    "received:"  # an emergency reported as received (``received:<uid>:<sha256>``)
)


class Cache:
    aired_limit = AIRED_LIMIT

    def __init__(self, folder):
        self.folder = Path(folder)
        (self.folder / "audio").mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()

    def _path(self, name):
        return self.folder / name

    def _write(self, name, data):
        path = self._path(name)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def _read(self, name, default):
        try:
            return json.loads(self._path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return default

    # -- the schedule ---------------------------------------------------------------------

    def envelope(self):
        return self._read("schedule.json", None)

    def keep(self, envelope):
        self._write("schedule.json", envelope)

    # -- audio ----------------------------------------------------------------------------

    def audio_path(self, item):
        return (
            self.folder / "audio" / f"{item['uid']}-{item['audio']['sha256'][:16]}.mp3"
        )

    def has_audio(self, item):
        return self.audio_path(item).exists()

    def store_audio(self, item, data):
        if hashlib.sha256(data).hexdigest() != item["audio"]["sha256"]:
            raise ValueError(f"âm thanh của {item['uid']} không khớp mã băm: bỏ")
        path = self.audio_path(item)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return path

    # -- what aired, what to report -----------------------------------------------------------

    def aired(self):
        return set(self._read("aired.json", []))

    def mark_aired(self, key):
        with self.lock:
            aired = [
                known for known in self._read("aired.json", []) if known != key
            ] + [key]
            self._write("aired.json", bounded(aired, self.aired_limit))

    def pending_reports(self):
        return self._read("asrun.json", [])

    def add_reports(self, records):
        with self.lock:
            self._write("asrun.json", self.pending_reports() + list(records))

    def drop_reports(self, count):
        with self.lock:
            self._write("asrun.json", self.pending_reports()[count:])


def bounded(keys, limit):
    """``keys`` (oldest first) cut to ``limit``: the oldest slots are forgotten first; an
    emergency only when nothing but emergencies is left to forget (a forgotten emergency that
    is still in effect would air again)."""
    excess = len(keys) - limit
    if excess <= 0:
        return keys
    dropped = set([key for key in keys if not key.startswith(EMERGENCY)][:excess])
    kept = [key for key in keys if key not in dropped]
    return kept[len(kept) - limit :]
