"""Icecast mounts, as the radio end-to-end tests and the radio benchmark listen to them, and
what a recording carried: its samples, the power of one frequency (Goertzel), the alert tone."""

import math
import requests
import struct
import subprocess


def mounted(url):
    """True once a source feeds the mount (Icecast 2.4's status-json.xsl is not always valid
    JSON, so the mount itself is asked)."""
    try:
        with requests.get(url, stream=True, timeout=5) as answer:
            return answer.status_code == 200
    except requests.RequestException:
        return False


def samples(audio, start, seconds, rate=8000):
    """Mono 16-bit samples of ``seconds`` of ``audio`` (a file ffmpeg reads) from ``start``."""
    raw = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-ss",
            str(start),
            "-t",
            str(seconds),
            "-i",
            str(audio),
        ]
        + ["-ac", "1", "-ar", str(rate), "-f", "s16le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return struct.unpack(f"<{len(raw) // 2}h", raw)


def power(values, frequency, rate=8000):
    """The Goertzel power of ``frequency`` in ``values``, per sample."""
    coefficient = 2 * math.cos(2 * math.pi * frequency / rate)
    previous = before = 0.0
    for value in values:
        previous, before = value + coefficient * previous - before, previous
    return (previous**2 + before**2 - coefficient * previous * before) / len(values)


def attention_tone(values):
    """Whether ``values`` carry the two-tone attention signal (853 Hz and 960 Hz together),
    far above a frequency beside them."""
    off = power(values, 700) + 1.0
    return power(values, 853) > 50 * off and power(values, 960) > 50 * off
