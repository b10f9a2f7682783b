"""Every audio that goes on air: checked with ffprobe (real audio, not a file name), converted
to one delivery format and loudness-normalised to EBU R128 with ffmpeg's two-pass ``loudnorm``,
its duration and loudness measured.

The delivery format is MP3, mono, 44.1 kHz, 96 kbit/s: what IP loudspeaker clusters and
Icecast take everywhere. An alert's audio is made of parts (``tone``, then one reading per
language) each prepared alone, then ``join``ed and prepared once more as a whole. The target is EBU R128's −23 LUFS integrated, −1 dBTP true peak, so
one item is never louder than the next.

An uploaded file is untrusted. ffprobe and ffmpeg read it only as the container its first
bytes say it is (``-f``, from ``nguon.content.formats``: never a playlist, concat list or
other demuxer that opens further files), through the ``file`` protocol alone, without
standard input, and under memory, CPU, output-size and wall-clock limits
(``nguon.content.confined``). Whatever the header claims, no more than ``MAX_SECONDS`` are
decoded.
"""

from dataclasses import dataclass
from nguon import _
from nguon.content import confined
from nguon.content.formats import audio_format
from nguon.errors import UserError
from pathlib import Path

import hashlib
import json
import re


TARGET_LUFS = -23.0
TRUE_PEAK = -1.0
LOUDNESS_RANGE = 15.0
MAX_SECONDS = 3 * 3600
DELIVERY = [
    "-ac",
    "1",
    "-ar",
    "44100",
    "-c:a",
    "libmp3lame",
    "-b:a",
    "96k",
    "-f",
    "mp3",
]
# The only demuxers an input is opened with, by the container its magic bytes show.
DEMUXERS = {"mp3": "mp3", "wav": "wav", "ogg": "ogg", "m4a": "mov", "flac": "flac"}
# The attention signal of alerts: the two-tone 853 Hz + 960 Hz chord that emergency alert
# systems broadcast before a warning (EAS, and the radio practice that followed it).
ATTENTION_TONE = (853, 960)
TONE_SECONDS = 4
GAP_SECONDS = 1.0  # silence between the parts of a joined audio
# Three hours of audio take well under a minute of CPU per pass; the delivery MP3 of three
# hours is 130 MB.
LIMITS = confined.Limits(
    memory_mb=1024, cpu_seconds=600, wall_seconds=1200, output_mb=256
)


class AudioError(UserError):
    """The audio cannot be aired; the message says why."""


@dataclass
class Audio:
    path: Path
    duration: float  # seconds
    loudness: float  # LUFS, integrated
    sha256: str
    size: int


def _run(argv):
    """Run ffmpeg or ffprobe under ``LIMITS``; a file that exceeds them is refused."""
    try:
        return confined.run(argv, LIMITS)
    except confined.LimitExceeded:
        raise AudioError(
            _(
                "audio_error_limits",
                default="Tệp âm thanh vượt giới hạn xử lý (bộ nhớ hoặc thời gian); "
                "hãy tải lên bản ngắn hơn hoặc đã chuyển sang MP3.",
            )
        ) from None


def not_audio():
    return AudioError(
        _(
            "audio_error_not_audio",
            default="Tệp không phải âm thanh đọc được (hỏng hoặc sai định dạng).",
        )
    )


def too_long():
    return AudioError(
        _(
            "audio_error_too_long",
            default="Âm thanh dài quá ${hours} giờ.",
            mapping={"hours": MAX_SECONDS // 3600},
        )
    )


def source(path):
    """The input options of ffmpeg/ffprobe for ``path``: its container's demuxer only, the
    file protocol only. A file of no known container is refused before any tool sees it."""
    with open(path, "rb") as opened:
        fmt = audio_format(opened.read(16))
    if fmt is None:
        raise not_audio()
    return [
        "-protocol_whitelist",
        "file",
        "-f",
        DEMUXERS[fmt],
        "-i",
        f"file:{Path(path).resolve()}",
    ]


def probe(path):
    """``(duration, codec)`` of the first audio stream; ``AudioError`` when the file is not
    audio ffmpeg can decode."""
    done = _run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=duration:stream=codec_type,codec_name",
            "-of",
            "json",
            *source(path),
        ]
    )
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
        raise not_audio()
    if duration > MAX_SECONDS:
        raise too_long()
    return duration, streams[0].get("codec_name")


def _ffmpeg(*arguments):
    return _run(["ffmpeg", "-nostdin", "-hide_banner", "-nostats", *arguments])


def _decode_check(path):
    """Decode the whole file (at most ``MAX_SECONDS`` and one more): a file whose header is
    fine but whose data is corrupt fails, one whose header understates its length too."""
    done = _ffmpeg(
        "-v",
        "error",
        "-xerror",
        *source(path),
        "-t",
        str(MAX_SECONDS + 1),
        "-f",
        "null",
        "-progress",
        "pipe:1",
        "-",
    )
    if done.returncode != 0:
        raise AudioError(
            _(
                "audio_error_corrupt",
                default="Tệp âm thanh bị hỏng, không giải mã được hết: ${message}",
                mapping={"message": done.stderr.decode(errors="replace").strip()[:160]},
            )
        )
    decoded = re.findall(rb"out_time_us=(\d+)", done.stdout)
    if decoded and int(decoded[-1]) > MAX_SECONDS * 1_000_000:
        raise too_long()


def _converted(done):
    """``done`` (an ffmpeg run) when it succeeded; ``AudioError`` with its words otherwise."""
    if done.returncode != 0:
        raise AudioError(
            _(
                "audio_error_convert",
                default="Không chuyển đổi được âm thanh: ${message}",
                mapping={
                    "message": done.stderr.decode(errors="replace").strip()[-160:]
                },
            )
        )
    return done


def _loudnorm(*arguments):
    stderr = _converted(_ffmpeg(*arguments)).stderr.decode(errors="replace")
    found = re.findall(r"\{[^{}]*\"input_i\"[^{}]*\}", stderr)
    return json.loads(found[-1]) if found else {}


def _loudness_stats(path):
    """The first ``loudnorm`` pass: what ``path`` measures (input_i, input_tp...)."""
    return _loudnorm(
        *source(path),
        "-af",
        f"loudnorm=I={TARGET_LUFS}:TP={TRUE_PEAK}:"
        f"LRA={LOUDNESS_RANGE}:print_format=json",
        "-f",
        "null",
        "-",
    )


def measure(path):
    """Integrated loudness (LUFS) of ``path``."""
    return float(_loudness_stats(path)["input_i"])


def prepare(path, target):
    """Check ``path``, write the normalised delivery file to ``target``; returns ``Audio``."""
    probe(path)
    _decode_check(path)
    first = _loudness_stats(path)
    if first.get("input_i") in (None, "-inf") or float(first["input_i"]) < -70:
        raise AudioError(
            _("audio_error_silent", default="Âm thanh im lặng, không có gì để phát.")
        )
    loudnorm = (
        f"loudnorm=I={TARGET_LUFS}:TP={TRUE_PEAK}:LRA={LOUDNESS_RANGE}"
        f":measured_I={first['input_i']}:measured_TP={first['input_tp']}"
        f":measured_LRA={first['input_lra']}:measured_thresh={first['input_thresh']}"
        f":offset={first['target_offset']}:linear=true:print_format=json"
    )
    _loudnorm(
        "-y",
        *source(path),
        "-t",
        str(MAX_SECONDS),
        "-af",
        loudnorm,
        *DELIVERY,
        f"file:{Path(target).resolve()}",
    )
    duration, _codec = probe(target)
    data = Path(target).read_bytes()
    return Audio(
        Path(target),
        duration,
        measure(target),
        hashlib.sha256(data).hexdigest(),
        len(data),
    )


def tone(target, frequencies=ATTENTION_TONE, seconds=TONE_SECONDS):
    """Write the attention signal to ``target`` (WAV): the sine waves of ``frequencies``
    sounded together for ``seconds``, faded in and out so it starts and ends without a click.
    Generated by ffmpeg, never read from a file."""
    inputs = []
    for frequency in frequencies:
        inputs += [
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency={frequency}:duration={seconds}:sample_rate=44100",
        ]
    chord = (
        f"amix=inputs={len(frequencies)},"
        f"afade=t=in:d=0.05,afade=t=out:st={seconds - 0.05}:d=0.05"
    )
    done = _ffmpeg(
        "-v",
        "error",
        "-y",
        *inputs,
        "-filter_complex",
        chord,
        "-ac",
        "1",
        "-c:a",
        "pcm_s16le",
        f"file:{Path(target).resolve()}",
    )
    _converted(done)
    return Path(target)


def join(paths, target, gap=GAP_SECONDS):
    """Write ``paths`` one after the other into ``target`` (WAV, mono, 44.1 kHz), with
    ``gap`` seconds of silence between them. The parts are files this pipeline made (from
    ``prepare`` or ``tone``); each is opened by its own container's demuxer all the same."""
    inputs, chains = [], []
    last = len(paths) - 1
    for index, path in enumerate(paths):
        inputs += source(path)
        pad = f",apad=pad_dur={gap}" if index < last else ""
        chains.append(
            f"[{index}:a]aresample=44100,"
            f"aformat=sample_fmts=s16:channel_layouts=mono{pad}[p{index}]"
        )
    labels = "".join(f"[p{index}]" for index in range(len(paths)))
    graph = ";".join(chains) + f";{labels}concat=n={len(paths)}:v=0:a=1[joined]"
    done = _ffmpeg(
        "-v",
        "error",
        "-y",
        *inputs,
        "-filter_complex",
        graph,
        "-map",
        "[joined]",
        "-c:a",
        "pcm_s16le",
        f"file:{Path(target).resolve()}",
    )
    _converted(done)
    return Path(target)
