"""Validation of what editors put into items: files by content, sizes, dates, required pairs.

The ``check_*`` functions are pure: they take bytes, texts or dates and raise :class:`Refused`
with a Vietnamese message saying what is wrong. The schemas use them through the
``*_constraint`` wrappers (zope.schema constraints, which forms and plone.restapi both run)
and through schema invariants; ``nguon.content.publication`` applies ``check_dates_in_order``
to the plone.publication behaviour.
"""

from datetime import date
from datetime import datetime
from datetime import time
from io import BytesIO
from nguon import _
from nguon.content.formats import audio_format
from nguon.content.formats import document_format
from nguon.content.formats import extension_matches
from nguon.content.text_extraction import EncryptedDocument
from nguon.content.text_extraction import ForbiddenDTD
from nguon.content.text_extraction import read_text
from nguon.content.text_extraction import TooComplex
from nguon.content.timezone import LOCAL_ZONE as LOCAL_TIMEZONE
from PIL import Image
from zope.schema import ValidationError

import warnings
import zipfile


MB = 1024 * 1024
DOCUMENT_MAX_MB = 20
IMAGE_MAX_MB = 10
AUDIO_MAX_MB = 50
DOCX_MAX_UNPACKED_MB = 200  # a DOCX is a zip: refuse what would unpack into a bomb
IMAGE_MAX_MEGAPIXELS = 40
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
BOARD_TEXT_MAX_CHARACTERS = 300


class Refused(ValidationError):
    """A value refused; ``args[0]`` is the i18n message, shown by forms and plone.restapi."""

    def doc(self):
        return self.args[0]


def check_size(data, max_mb):
    if not data:
        raise Refused(_("error_file_empty", default="Tệp rỗng."))
    if len(data) > max_mb * MB:
        raise Refused(
            _(
                "error_file_too_large",
                default="Tệp vượt quá ${limit} MB.",
                mapping={"limit": max_mb},
            )
        )


def check_name(filename, fmt):
    if not extension_matches(filename, fmt):
        raise Refused(
            _(
                "error_file_name_mismatch",
                default="Tên tệp «${filename}» không khớp với nội dung (${format}); hãy sửa đuôi tệp.",
                mapping={"filename": filename, "format": fmt.upper()},
            )
        )


def check_document(data, filename=None):
    """A PDF or DOCX whose text can be read; returns ``"pdf"`` or ``"docx"``."""
    check_size(data, DOCUMENT_MAX_MB)
    fmt = document_format(data)
    if fmt is None:
        raise Refused(
            _("error_not_document", default="Tệp không phải PDF hoặc DOCX hợp lệ.")
        )
    check_name(filename, fmt)
    if fmt == "docx":
        _check_unpacked_size(data)
    try:
        read_text(data, fmt)
    except EncryptedDocument:
        raise Refused(
            _(
                "error_document_encrypted",
                default="Tệp PDF được đặt mật khẩu; hãy tải lên bản không đặt mật khẩu.",
            )
        ) from None
    except ForbiddenDTD:
        raise Refused(
            _(
                "error_docx_dtd",
                default="Tệp DOCX chứa khai báo DTD (thực thể XML), điều Word không bao giờ tạo ra; "
                "hãy mở và lưu lại tệp bằng Word hoặc LibreOffice.",
            )
        ) from None
    except TooComplex:
        raise Refused(
            _(
                "error_document_too_complex",
                default="Tệp ${format} quá lớn hoặc quá phức tạp để đọc (vượt giới hạn bộ nhớ hoặc "
                "thời gian xử lý).",
                mapping={"format": fmt.upper()},
            )
        ) from None
    except Exception:  # a damaged file can make a parser fail in any way
        raise Refused(
            _(
                "error_document_damaged",
                default="Tệp ${format} bị hỏng, không đọc được nội dung.",
                mapping={"format": fmt.upper()},
            )
        ) from None
    return fmt


def _check_unpacked_size(data):
    with zipfile.ZipFile(BytesIO(data)) as archive:
        unpacked = sum(entry.file_size for entry in archive.infolist())
    if unpacked > DOCX_MAX_UNPACKED_MB * MB:
        raise Refused(
            _(
                "error_docx_unpacked_too_large",
                default="Tệp DOCX khi giải nén vượt quá ${limit} MB.",
                mapping={"limit": DOCX_MAX_UNPACKED_MB},
            )
        )


def check_image(data, filename=None):
    """A JPEG, PNG, WEBP or GIF image of at most IMAGE_MAX_MEGAPIXELS; returns its format."""
    check_size(data, IMAGE_MAX_MB)
    not_an_image = Refused(
        _(
            "error_not_image",
            default="Tệp không phải ảnh JPEG, PNG, WEBP hoặc GIF hợp lệ.",
        )
    )
    too_many_pixels = Refused(
        _(
            "error_image_too_many_pixels",
            default="Ảnh quá lớn: tối đa ${limit} megapixel.",
            mapping={"limit": IMAGE_MAX_MEGAPIXELS},
        )
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data), formats=IMAGE_FORMATS)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise too_many_pixels from None
    except Exception:
        raise not_an_image from None
    width, height = image.size
    if width * height > IMAGE_MAX_MEGAPIXELS * 1_000_000:
        raise too_many_pixels
    try:
        image.verify()
    except Exception:
        raise not_an_image from None
    fmt = image.format.lower()
    check_name(filename, fmt)
    return fmt


def check_audio(data, filename=None):
    """An audio file of a known container; returns its format.

    Only the magic bytes are checked here. Decoding (ffmpeg) belongs to the radio pipeline,
    which refuses what does not decode when it prepares the item for broadcast.
    """
    check_size(data, AUDIO_MAX_MB)
    fmt = audio_format(data)
    if fmt is None:
        raise Refused(
            _(
                "error_not_audio",
                default="Tệp không phải âm thanh MP3, WAV, OGG, M4A hoặc FLAC.",
            )
        )
    check_name(filename, fmt)
    return fmt


def check_dates_in_order(effective, expires):
    """The expiry date, when both are given, comes strictly after the effective date."""
    if not (effective and expires):
        return
    if (effective.tzinfo is None) != (expires.tzinfo is None):
        effective, expires = (
            effective.replace(tzinfo=None),
            expires.replace(tzinfo=None),
        )
    if expires <= effective:
        raise Refused(
            _(
                "error_expires_before_effective",
                default="Ngày hết hiệu lực phải sau ngày hiệu lực.",
            )
        )


def check_not_future(day, today=None):
    """An issue date is not after today (in Vietnam)."""
    today = today or datetime.now(LOCAL_TIMEZONE).date()
    if isinstance(day, date) and day > today:
        raise Refused(
            _(
                "error_issue_date_future",
                default="Ngày ban hành không được ở tương lai.",
            )
        )


def check_board_text(text):
    if text and len(text) > BOARD_TEXT_MAX_CHARACTERS:
        raise Refused(
            _(
                "error_board_text_too_long",
                default="Nội dung bảng tin tối đa ${limit} ký tự.",
                mapping={"limit": BOARD_TEXT_MAX_CHARACTERS},
            )
        )


def check_any(values, message):
    """At least one of ``values`` is given (a text of blanks counts as missing)."""
    if not any(
        value.strip() if isinstance(value, str) else value is not None
        for value in values
    ):
        raise Refused(message)


def file_constraint(check):
    """A zope.schema constraint running ``check`` on a plone.namedfile value."""

    def constraint(value):
        check(value.data, value.filename)
        return True

    return constraint


def value_constraint(check):
    """A zope.schema constraint running ``check`` on the value itself."""

    def constraint(value):
        check(value)
        return True

    return constraint


def parse_dayparts(text):
    """``[(start, end)]`` times of day from lines ``HH:MM-HH:MM`` (a part may wrap midnight)."""
    parts = []
    for number, line in enumerate((text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            start, end = (
                time(*map(int, value.strip().split(":"))) for value in line.split("-")
            )
        except (TypeError, ValueError):
            raise Refused(
                _(
                    "error_daypart",
                    default="Dòng ${line}: khung giờ phải có dạng HH:MM-HH:MM.",
                    mapping={"line": number},
                )
            ) from None
        if start == end:
            raise Refused(
                _(
                    "error_daypart_empty",
                    default="Dòng ${line}: khung giờ bắt đầu và kết thúc trùng nhau.",
                    mapping={"line": number},
                )
            )
        parts.append((start, end))
    return parts


def check_dayparts(text):
    parse_dayparts(text)
    return text
