"""What kind of file some bytes are, judged by their content (magic bytes), never by their name.

Only the first bytes are looked at (and, for DOCX, the zip's table of contents): whether the
file is complete and readable is the validators' question (``nguon.content.validation``).
"""

from io import BytesIO

import zipfile


# Extensions a file of each format may carry; a name with another known extension lies.
EXTENSIONS = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "jpeg": (".jpg", ".jpeg", ".jfif"),
    "png": (".png",),
    "webp": (".webp",),
    "gif": (".gif",),
    "mp3": (".mp3",),
    "wav": (".wav",),
    "ogg": (".ogg", ".oga", ".opus"),
    "m4a": (".m4a", ".mp4", ".aac"),
    "flac": (".flac",),
}
KNOWN_EXTENSIONS = frozenset(
    ext for extensions in EXTENSIONS.values() for ext in extensions
)


def document_format(data):
    """``"pdf"``, ``"docx"`` or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            return None
    return None


def _mpeg_frame(header):
    """An MPEG audio frame header: 11 sync bits, then no reserved version, layer, rate."""
    if len(header) < 3 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return False
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate, sample_rate = header[2] >> 4, (header[2] >> 2) & 3
    return version != 1 and layer != 0 and bitrate != 15 and sample_rate != 3


def audio_format(data):
    """``"mp3"``, ``"wav"``, ``"ogg"``, ``"m4a"``, ``"flac"`` or None.

    Only the container is recognised; whether the audio decodes is for the radio pipeline
    (ffmpeg) to find out.
    """
    if data.startswith(b"ID3") or _mpeg_frame(data[:3]):
        return "mp3"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data.startswith(b"OggS"):
        return "ogg"
    if data[4:8] == b"ftyp":
        return "m4a"
    if data.startswith(b"fLaC"):
        return "flac"
    return None


def extension_matches(filename, fmt):
    """False when ``filename`` ends with an extension of another format than ``fmt``."""
    suffix = (
        "." + filename.rsplit(".", 1)[-1].lower()
        if filename and "." in filename
        else ""
    )
    return suffix not in KNOWN_EXTENSIONS or suffix in EXTENSIONS[fmt]
