"""The validators of the content types: files judged by content, sizes, dates, required pairs."""

from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from io import BytesIO
from nguon.content import validation
from nguon.content.formats import audio_format
from nguon.content.formats import document_format
from nguon.content.text_extraction import searchable_text
from nguon.content.validation import Refused
from tests.fixtures import samples
from zope.i18n import translate

import pytest
import zipfile


def refusal(check, *args):
    """The translated message of the refusal ``check(*args)`` raises."""
    with pytest.raises(Refused) as raised:
        check(*args)
    return translate(raised.value.doc())


def zipped(entries):
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


# Documents


def test_pdf_and_docx_are_recognised_by_content():
    assert validation.check_document(samples.pdf(), "quyet-dinh.pdf") == "pdf"
    assert validation.check_document(samples.docx_file(), "ke-hoach.DOCX") == "docx"
    assert validation.check_document(samples.pdf(), None) == "pdf"
    assert validation.check_document(samples.pdf(), "quyet-dinh-so-12.2026") == "pdf"


def test_a_pdf_renamed_docx_is_a_pdf_whose_name_lies():
    assert document_format(samples.pdf()) == "pdf"
    message = refusal(validation.check_document, samples.pdf(), "ke-hoach.docx")
    assert (
        message
        == "Tên tệp «ke-hoach.docx» không khớp với nội dung (PDF); hãy sửa đuôi tệp."
    )


@pytest.mark.parametrize(
    "data",
    [
        b"Thong bao lich cat dien\n",  # a text file named .pdf
        b"%PDF",  # not even a header
        zipped({"content.xml": "<x/>"}),  # a zip, but not a Word document
        samples.image("PNG"),
    ],
)
def test_what_is_not_a_pdf_or_docx_is_refused(data):
    message = refusal(validation.check_document, data, "van-ban.pdf")
    assert message == "Tệp không phải PDF hoặc DOCX hợp lệ."


def test_a_truncated_pdf_is_refused_as_damaged():
    data = samples.pdf()
    assert refusal(validation.check_document, data[: len(data) // 2], "a.pdf") == (
        "Tệp PDF bị hỏng, không đọc được nội dung."
    )


def test_a_damaged_docx_is_refused():
    data = zipped({"word/document.xml": "<not-closed", "[Content_Types].xml": "<x/>"})
    assert refusal(validation.check_document, data, "a.docx") == (
        "Tệp DOCX bị hỏng, không đọc được nội dung."
    )


def test_an_encrypted_pdf_is_refused():
    assert refusal(validation.check_document, samples.encrypted_pdf(), "a.pdf") == (
        "Tệp PDF được đặt mật khẩu; hãy tải lên bản không đặt mật khẩu."
    )


def test_a_docx_that_would_unpack_into_a_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(validation, "DOCX_MAX_UNPACKED_MB", 1)
    document = zipfile.ZipFile(BytesIO(samples.docx_file()))
    entries = {name: document.read(name) for name in document.namelist()}
    data = zipped({**entries, "word/media/padding.bin": b"\0" * (2 * validation.MB)})
    assert len(data) < validation.MB
    assert refusal(validation.check_document, data, "a.docx") == (
        "Tệp DOCX khi giải nén vượt quá 1 MB."
    )


def test_empty_and_oversized_files_are_refused():
    assert refusal(validation.check_document, b"", "a.pdf") == "Tệp rỗng."
    too_big = samples.pdf() + b"\0" * (validation.DOCUMENT_MAX_MB * validation.MB)
    assert refusal(validation.check_document, too_big, "a.pdf") == "Tệp vượt quá 20 MB."
    assert refusal(validation.check_size, b"12345", 0) == "Tệp vượt quá 0 MB."
    validation.check_size(b"x" * validation.MB, 1)


def test_searchable_text_reads_pdf_and_docx_and_never_raises():
    assert "nao vet" in searchable_text(samples.pdf("Ke hoach nao vet"))
    text = searchable_text(
        samples.docx_file("Lịch cắt điện", table_text="Tổ dân phố 5")
    )
    assert "Lịch cắt điện" in text and "Tổ dân phố 5" in text
    for damaged in (
        b"",
        None,
        b"%PDF-1.4 broken",
        samples.encrypted_pdf(),
        b"PK\x03\x04bad",
    ):
        assert searchable_text(damaged) == ""


# Images


@pytest.mark.parametrize(
    "fmt, name",
    [
        ("JPEG", "anh.jpg"),
        ("PNG", "anh.png"),
        ("WEBP", "anh.webp"),
        ("GIF", "anh.GIF"),
    ],
)
def test_allowed_images(fmt, name):
    assert validation.check_image(samples.image(fmt), name) == fmt.lower()


@pytest.mark.parametrize(
    "data",
    [
        samples.image("BMP"),  # an image, but not an allowed format
        samples.image("PNG")[:40],  # truncated
        b"GIF89a but not really",
        samples.pdf(),
    ],
)
def test_what_is_not_an_allowed_image_is_refused(data):
    assert refusal(validation.check_image, data, "anh.png") == (
        "Tệp không phải ảnh JPEG, PNG, WEBP hoặc GIF hợp lệ."
    )


@pytest.mark.parametrize("width, height", [(8000, 6000), (100_000, 100_000)])
def test_a_huge_image_header_is_refused_before_decoding(width, height):
    data = samples.png_claiming(width, height)
    assert len(data) < 100
    assert (
        refusal(validation.check_image, data, "anh.png")
        == "Ảnh quá lớn: tối đa 40 megapixel."
    )


def test_an_image_with_a_lying_name_or_too_big_is_refused():
    assert "không khớp" in refusal(
        validation.check_image, samples.image("PNG"), "anh.jpg"
    )
    assert refusal(validation.check_image, b"", "anh.png") == "Tệp rỗng."
    too_big = samples.image() + b"\0" * (validation.IMAGE_MAX_MB * validation.MB)
    assert refusal(validation.check_image, too_big, "anh.png") == "Tệp vượt quá 10 MB."


# Audio


@pytest.mark.parametrize(
    "data, fmt",
    [
        (samples.wav(), "wav"),
        (samples.MP3_ID3, "mp3"),
        (samples.MP3_FRAME, "mp3"),
        (samples.OGG, "ogg"),
        (samples.M4A, "m4a"),
        (samples.FLAC, "flac"),
    ],
)
def test_audio_containers_are_recognised_by_their_magic_bytes(data, fmt):
    assert audio_format(data) == fmt
    assert validation.check_audio(data, f"tin.{fmt}") == fmt


@pytest.mark.parametrize(
    "data",
    [
        b"RIFF\x24\x00\x00\x00AVI LIST",  # RIFF, but a video
        b"\xff\xf1\x50\x80",  # ADTS AAC sync word: layer bits 00
        b"\xff\xfb\xf0\x64",  # MPEG frame with the forbidden bitrate index
        samples.pdf(),
        samples.image("PNG"),
        b"Day khong phai am thanh",
    ],
)
def test_wrong_audio_is_refused(data):
    assert refusal(validation.check_audio, data, "tin.mp3") == (
        "Tệp không phải âm thanh MP3, WAV, OGG, M4A hoặc FLAC."
    )


def test_audio_with_a_lying_name_empty_or_too_big_is_refused():
    assert "(WAV)" in refusal(validation.check_audio, samples.wav(), "tin.mp3")
    assert refusal(validation.check_audio, b"", "tin.wav") == "Tệp rỗng."
    too_big = samples.wav() + b"\0" * (validation.AUDIO_MAX_MB * validation.MB)
    assert refusal(validation.check_audio, too_big, "tin.wav") == "Tệp vượt quá 50 MB."


# Dates and texts


def test_expiry_must_come_after_the_effective_date():
    start = datetime(2026, 5, 1, 8, 0)
    validation.check_dates_in_order(start, datetime(2026, 5, 2))
    validation.check_dates_in_order(start, None)
    validation.check_dates_in_order(None, start)
    for expires in (start, datetime(2026, 4, 30)):
        assert refusal(validation.check_dates_in_order, start, expires) == (
            "Ngày hết hiệu lực phải sau ngày hiệu lực."
        )
    aware = datetime(2026, 4, 30, tzinfo=UTC)
    assert refusal(validation.check_dates_in_order, start, aware)


def test_an_issue_date_is_not_in_the_future():
    today = date(2026, 3, 10)
    validation.check_not_future(today, today)
    validation.check_not_future(date(2020, 1, 1), today)
    validation.check_not_future(None, today)
    assert refusal(validation.check_not_future, date(2026, 3, 11), today) == (
        "Ngày ban hành không được ở tương lai."
    )
    vietnam_today = datetime.now(validation.LOCAL_TIMEZONE).date()
    validation.check_not_future(vietnam_today)
    assert refusal(validation.check_not_future, vietnam_today + timedelta(days=1))


def test_board_text_is_short():
    validation.check_board_text("x" * 300)
    validation.check_board_text(None)
    assert (
        refusal(validation.check_board_text, "x" * 301)
        == "Nội dung bảng tin tối đa 300 ký tự."
    )


def test_one_of_a_pair_is_required():
    message = "Cần một trong hai."
    validation.check_any(("kịch bản", None), message)
    validation.check_any(("", object()), message)
    for values in ((None, None), ("   ", None), ("", None)):
        assert refusal(validation.check_any, values, message) == "Cần một trong hai."


def test_constraints_run_the_checks_on_field_values():
    class Upload:
        data, filename = b"plain text", "van-ban.pdf"

    constraint = validation.file_constraint(validation.check_document)
    with pytest.raises(Refused):
        constraint(Upload())
    Upload.data = samples.pdf()
    assert constraint(Upload()) is True
    assert validation.value_constraint(validation.check_board_text)("ngắn") is True
