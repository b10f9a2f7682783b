"""Crafted uploads against the parsers: each attack is shown to work on the naive reading
first, then refused with a Vietnamese message by the confined one, the server unharmed and
the next file still read."""

from io import BytesIO
from nguon.content import confined
from nguon.content import text_extraction
from nguon.content import validation
from nguon.content.text_extraction import searchable_text
from nguon.content.validation import Refused
from nguon.radio import audio
from nguon.radio import tts
from tests.fixtures import samples
from zope.i18n import translate

import json
import pytest
import struct
import subprocess
import sys
import zipfile
import zlib


def refusal(check, *args):
    with pytest.raises(Refused) as raised:
        check(*args)
    return translate(raised.value.doc())


def docx_with(document_xml, **parts):
    """The sample DOCX with its ``word/document.xml`` (and ``parts``) replaced."""
    sample = zipfile.ZipFile(BytesIO(samples.docx_file()))
    entries = {name: sample.read(name) for name in sample.namelist()}
    entries.update({"word/document.xml": document_xml, **parts})
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def document_xml(content, prolog=b""):
    """A document.xml whose body holds ``content``, ``prolog`` before its root."""
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n%s'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body>%s</w:body></w:document>"
    ) % (prolog, content)


def still_reads_a_good_document():
    assert (
        validation.check_document(samples.docx_file("Lịch cắt điện"), "a.docx")
        == "docx"
    )
    assert "Lịch cắt điện" in searchable_text(samples.docx_file("Lịch cắt điện"))


LAUGHS = (
    b'<!DOCTYPE w:document [<!ENTITY a "hahahahaha">'
    + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10)
        for i in range(9)
    )
    + b"]>"
)
DTD_REFUSED = (
    "Tệp DOCX chứa khai báo DTD (thực thể XML), điều Word không bao giờ tạo ra; "
    "hãy mở và lưu lại tệp bằng Word hoặc LibreOffice."
)


def test_an_entity_bomb_in_document_xml_is_refused():
    bomb = docx_with(document_xml(b"<w:p><w:r><w:t>&j;</w:t></w:r></w:p>", LAUGHS))
    assert refusal(validation.check_document, bomb, "bom.docx") == DTD_REFUSED
    assert searchable_text(bomb) == ""
    still_reads_a_good_document()


def test_an_external_entity_never_reads_the_server_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("MAT-KHAU-MAY-CHU")
    xxe = (
        b'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file://%s">]>' % str(secret).encode()
    )
    attack = docx_with(document_xml(b"<w:p><w:r><w:t>&x;</w:t></w:r></w:p>", xxe))
    # The attack on a parser that resolves entities:
    from lxml import etree

    naive = etree.fromstring(
        zipfile.ZipFile(BytesIO(attack)).read("word/document.xml"),
        etree.XMLParser(resolve_entities=True),
    )
    assert "MAT-KHAU-MAY-CHU" in "".join(naive.itertext())
    assert refusal(validation.check_document, attack, "a.docx") == DTD_REFUSED
    assert "MAT-KHAU" not in searchable_text(attack)


def test_deeply_nested_xml_is_refused_as_unreadable():
    nested = document_xml(b"<w:p>" * 100_000 + b"</w:p>" * 100_000)
    assert refusal(validation.check_document, docx_with(nested), "a.docx") == (
        "Tệp DOCX bị hỏng, không đọc được nội dung."
    )
    still_reads_a_good_document()


def test_a_document_that_would_not_fit_in_memory_is_refused():
    # 180 MB of empty paragraphs: under the unpacked-size limit, 300 kB uploaded, and a
    # tree of several GB once parsed. The child is stopped at its memory limit.
    many = docx_with(document_xml(b"<w:p/>" * (180 * validation.MB // 6)))
    assert len(many) < validation.MB
    assert refusal(validation.check_document, many, "a.docx") == (
        "Tệp DOCX quá lớn hoặc quá phức tạp để đọc (vượt giới hạn bộ nhớ hoặc thời gian xử lý)."
    )
    still_reads_a_good_document()


def _lie_about_size(data, name, size):
    """``data`` (a zip) with the uncompressed size of ``name`` replaced by ``size``."""
    data = bytearray(data)
    encoded = name.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while True:
            start = data.index(signature, start)
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(encoded)] == encoded:
                data[start + offset : start + offset + 4] = struct.pack("<I", size)
                break
            start += 4
    return bytes(data)


def test_a_zip_bomb_that_lies_about_its_size_is_not_unpacked():
    good = document_xml(b"<w:p><w:r><w:t>ok</w:t></w:r></w:p>")
    bomb = docx_with(good + b" " * (250 * validation.MB))
    liar = _lie_about_size(bomb, "word/document.xml", len(good))
    entry = zipfile.ZipFile(BytesIO(liar)).getinfo("word/document.xml")
    assert entry.file_size == len(good) and entry.compress_size < validation.MB
    # The attack: the deflated stream holds 250 MB whatever the directory says.
    unpacked = zlib.decompressobj(-15).decompress(
        liar[liar.index(b"word/document.xml") + len("word/document.xml") :],
        300 * validation.MB,
    )
    assert len(unpacked) > 200 * validation.MB
    # Refused: the declared size is what is unpacked, then the checksum fails.
    assert refusal(validation.check_document, liar, "a.docx") == (
        "Tệp DOCX bị hỏng, không đọc được nội dung."
    )


OPERATORS = b"BT /F1 12 Tf 72 712 Td (x) Tj ET "


def test_a_pdf_stream_bomb_is_refused():
    bomb = samples.pdf(operators=OPERATORS * (200 * validation.MB // len(OPERATORS)))
    assert len(bomb) < validation.MB
    assert refusal(validation.check_document, bomb, "a.pdf") == (
        "Tệp PDF bị hỏng, không đọc được nội dung."
    )
    still_reads_a_good_document()


def test_a_pdf_that_takes_too_long_to_read_is_refused(monkeypatch):
    # Under pypdf's own decompression limit, yet minutes of work; the CPU limit is lowered
    # here only so that the test does not wait for the real one.
    slow = samples.pdf(operators=OPERATORS * (60 * validation.MB // len(OPERATORS)))
    monkeypatch.setattr(
        text_extraction,
        "LIMITS",
        confined.Limits(memory_mb=1024, cpu_seconds=1, wall_seconds=60),
    )
    assert refusal(validation.check_document, slow, "a.pdf") == (
        "Tệp PDF quá lớn hoặc quá phức tạp để đọc (vượt giới hạn bộ nhớ hoặc thời gian xử lý)."
    )


# The confinement itself


def _python(code):
    return [sys.executable, "-I", "-c", code]


def test_a_child_is_stopped_at_its_memory_limit():
    limits = confined.Limits(memory_mb=200, cpu_seconds=30, wall_seconds=60)
    done = confined.run(_python("b = bytearray(1024 ** 3)"), limits)
    assert done.returncode != 0 and b"MemoryError" in done.stderr


def test_a_child_is_stopped_at_its_cpu_and_wall_clock_limits():
    with pytest.raises(confined.LimitExceeded):
        confined.run(
            _python("while True: pass"),
            confined.Limits(memory_mb=200, cpu_seconds=1, wall_seconds=60),
        )
    with pytest.raises(confined.LimitExceeded):
        confined.run(
            _python("import time; time.sleep(60)"),
            confined.Limits(memory_mb=200, cpu_seconds=30, wall_seconds=1),
        )


def test_a_child_cannot_write_more_than_its_output_limit(tmp_path):
    limits = confined.Limits(
        memory_mb=200, cpu_seconds=30, wall_seconds=60, output_mb=1
    )
    done = confined.run(
        _python(f"open({str(tmp_path / 'big')!r}, 'wb').write(bytes(3 * 2 ** 20))"),
        limits,
    )
    assert done.returncode != 0
    assert (tmp_path / "big").stat().st_size <= 2**20


# Audio: playlists, concat lists and lying headers


def id3(payload):
    """``payload`` behind an empty ID3v2 tag: what an MP3 is recognised by."""
    return b"ID3\x03\x00\x00\x00\x00\x00\x00" + payload


def _refused(path, tmp_path):
    with pytest.raises(audio.AudioError) as raised:
        audio.prepare(path, tmp_path / "out.mp3")
    return translate(raised.value.message, target_language="vi")


def test_a_concat_list_uploaded_as_mp3_never_reads_the_file_it_names(tmp_path):
    subprocess.run(
        [
            "sox",
            "-n",
            "-r",
            "8000",
            "-c",
            "1",
            str(tmp_path / "secret.wav"),
            "synth",
            "2",
            "sine",
            "440",
        ],
        check=True,
    )
    attack = tmp_path / "tin.mp3"
    attack.write_bytes(id3(b"ffconcat version 1.0\nfile secret.wav\n"))
    # The attack: a tool left to guess the format reads the named file.
    naive = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=format_name",
            "-of",
            "json",
            str(attack),
        ],
        capture_output=True,
        check=True,
    )
    assert json.loads(naive.stdout)["format"]["format_name"] == "concat"
    assert _refused(attack, tmp_path) == (
        "Tệp không phải âm thanh đọc được (hỏng hoặc sai định dạng)."
    )
    assert not (tmp_path / "out.mp3").exists()


@pytest.mark.parametrize(
    "playlist",
    [
        b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:2,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n",
        b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:2,\nhttp://127.0.0.1:9/a.ts\n#EXT-X-ENDLIST\n",
        b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:2,\nsecret.wav\n#EXT-X-ENDLIST\n",
    ],
)
def test_an_hls_playlist_uploaded_as_mp3_is_refused(tmp_path, playlist):
    attack = tmp_path / "tin.mp3"
    attack.write_bytes(id3(playlist))
    assert "không phải âm thanh" in _refused(attack, tmp_path)


def test_a_playlist_without_an_audio_header_is_refused_before_any_tool(tmp_path):
    attack = tmp_path / "tin.mp3"
    attack.write_bytes(b"#EXTM3U\n#EXTINF:2,\nfile:///etc/passwd\n")
    assert "không phải âm thanh" in _refused(attack, tmp_path)


def test_a_header_understating_the_length_is_caught_by_decoding(tmp_path, monkeypatch):
    # A chained Ogg: twenty seconds, then one; ffprobe takes the length from the last page.
    def ogg(seconds):
        path = tmp_path / f"{seconds}.ogg"
        subprocess.run(
            [
                "ffmpeg",
                "-nostdin",
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency=440:duration={seconds}",
                "-ac",
                "1",
                "-ar",
                "16000",
                "-c:a",
                "libvorbis",
                str(path),
            ],
            check=True,
        )
        return path.read_bytes()

    liar = tmp_path / "liar.ogg"
    liar.write_bytes(ogg(20) + ogg(1))
    monkeypatch.setattr(audio, "MAX_SECONDS", 10)
    assert audio.probe(liar)[0] < 10  # the header's word
    assert _refused(liar, tmp_path) == "Âm thanh dài quá 0 giờ."


def test_a_script_longer_than_an_hour_of_speech_is_refused(tmp_path):
    with pytest.raises(tts.SpeechError) as raised:
        tts.speak("Thông báo. " * 10_000, tmp_path / "x.wav", engine_name="espeak-ng")
    assert translate(raised.value.message, target_language="vi") == (
        "Kịch bản đọc dài quá 50000 ký tự; hãy rút ngắn hoặc tải lên bản ghi âm."
    )
