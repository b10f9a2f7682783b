"""Every audio that goes on air: checked with ffprobe (real audio, not a file name), converted
to one delivery format and loudness-normalised to EBU R128 with ffmpeg's two-pass ``loudnorm``,
its duration and loudness measured.

The delivery format is MP3, mono, 44.1 kHz, 96 kbit/s: what IP loudspeaker clusters and
Icecast take everywhere. The target is EBU R128's −23 LUFS integrated, −1 dBTP true peak, so
one item is never louder than the next.
"""
from dataclasses import dataclass
from nguon import _
from nguon.errors import UserError
from pathlib import Path

import hashlib
import json
import re
import subprocess


TARGET_LUFS = -23.0
TRUE_PEAK = -1.0
LOUDNESS_RANGE = 15.0
MAX_SECONDS = 3 * 3600
DELIVERY = ["-ac", "1", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "96k", "-f", "mp3"]


class AudioError(UserError):
    """The audio cannot be aired; the message says why."""


@dataclass
class Audio:
    path: Path
    duration: float  # seconds
    loudness: float  # LUFS, integrated
    sha256: str
    size: int


def probe(path):
    """``(duration, codec)`` of the first audio stream; ``AudioError`` when the file is not
    audio ffmpeg can decode."""
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_type,codec_name",
         "-of", "json", str(path)], capture_output=True, timeout=120)
    try:
        info = json.loads(done.stdout or b"{}")
    except ValueError:
        info = {}
    streams = [s for s in info.get("streams", []) if s.get("codec_type") == "audio"]
    try:
        duration = float(info.get("format", {}).get("duration"))
    except (TypeError, ValueError):
        duration = 0.0
    if done.returncode != 0 or not streams or duration <= 0:
        raise AudioError(_("audio_error_not_audio",
                           default="Tệp không phải âm thanh đọc được (hỏng hoặc sai định dạng)."))
    if duration > MAX_SECONDS:
        raise AudioError(_("audio_error_too_long", default="Âm thanh dài quá ${hours} giờ.",
                           mapping={"hours": MAX_SECONDS // 3600}))
    return duration, streams[0].get("codec_name")


def _decode_check(path):
    """Decode the whole file: a file whose header is fine but whose data is corrupt fails."""
    done = subprocess.run(["ffmpeg", "-v", "error", "-xerror", "-i", str(path), "-f", "null", "-"],
                          capture_output=True, timeout=600)
    if done.returncode != 0:
        raise AudioError(_("audio_error_corrupt",
                           default="Tệp âm thanh bị hỏng, không giải mã được hết: ${message}",
                           mapping={"message": done.stderr.decode(errors="replace").strip()[:160]}))


def _loudnorm(arguments):
    done = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", *arguments],
                          capture_output=True, timeout=1800)
    stderr = done.stderr.decode(errors="replace")
    if done.returncode != 0:
        raise AudioError(_("audio_error_convert", default="Không chuyển đổi được âm thanh: ${message}",
                           mapping={"message": stderr.strip()[-160:]}))
    found = re.findall(r"\{[^{}]*\"input_i\"[^{}]*\}", stderr)
    return json.loads(found[-1]) if found else {}


def measure(path):
    """Integrated loudness (LUFS) of ``path``."""
    stats = _loudnorm(["-i", str(path), "-af", f"loudnorm=I={TARGET_LUFS}:TP={TRUE_PEAK}:"
                       f"LRA={LOUDNESS_RANGE}:print_format=json", "-f", "null", "-"])
    return float(stats["input_i"])


def prepare(source, target):
    """Check ``source``, write the normalised delivery file to ``target``; returns ``Audio``."""
    probe(source)
    _decode_check(source)
    first = _loudnorm(["-i", str(source), "-af", f"loudnorm=I={TARGET_LUFS}:TP={TRUE_PEAK}:"
                       f"LRA={LOUDNESS_RANGE}:print_format=json", "-f", "null", "-"])
    if first.get("input_i") in (None, "-inf") or float(first["input_i"]) < -70:
        raise AudioError(_("audio_error_silent", default="Âm thanh im lặng, không có gì để phát."))
    loudnorm = (f"loudnorm=I={TARGET_LUFS}:TP={TRUE_PEAK}:LRA={LOUDNESS_RANGE}"
                f":measured_I={first['input_i']}:measured_TP={first['input_tp']}"
                f":measured_LRA={first['input_lra']}:measured_thresh={first['input_thresh']}"
                f":offset={first['target_offset']}:linear=true:print_format=json")
    _loudnorm(["-y", "-i", str(source), "-af", loudnorm, *DELIVERY, str(target)])
    duration, _codec = probe(target)
    data = Path(target).read_bytes()
    return Audio(Path(target), duration, measure(target), hashlib.sha256(data).hexdigest(), len(data))
