"""Privacy by default: what is published of a citizen's report never carries personal data.

Vietnam's personal data rules (Decree 13/2023/NĐ-CP, the 2025 Personal Data Protection Law)
treat phone numbers, identity document numbers, e-mail addresses and vehicle plates as
personal data. :func:`scrub_text` masks them in free Vietnamese text; :func:`clean_photo`
checks a photo with the board uploads' validation (``nguon.content.validation``) and
re-encodes it as a JPEG without any metadata (EXIF with GPS, camera make and model, XMP,
comments, PNG text chunks, ICC profiles), the orientation applied and the name neutral.

Names of people written in the text are not detected (docs/feedback.md, "Privacy").
"""

from dataclasses import dataclass
from io import BytesIO
from nguon import _
from nguon.content.validation import check_image
from nguon.content.validation import Refused
from PIL import Image
from PIL import ImageCms
from PIL import ImageOps

import re
import unicodedata


MASK_PHONE = "[số điện thoại đã ẩn]"
MASK_ID = "[số giấy tờ đã ẩn]"
MASK_EMAIL = "[email đã ẩn]"
MASK_PLATE = "[biển số đã ẩn]"

MAX_PHOTOS = 5
PHOTO_FORMATS = ("jpeg", "png", "webp")
# What the report form's file input accepts: iOS Safari then converts HEIC photos to JPEG.
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
PHOTO_MAX_SIDE = 2560
PHOTO_QUALITY = 85
_SRGB = ImageCms.createProfile("sRGB")

# XML 1.0 refuses these (lxml raises on them); office programs paste them into text.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Between the digits of a number people put nothing, a space, a dot or a hyphen (« - »).
_SEP = r"(?:\ [.\-]\ |[ .\-])?"
# A phone number is not inside another number, but a letter may touch it: «ĐT0912345678».
_NOT_BEFORE = r"(?<![\d+])"
_NOT_AFTER = r"(?!\d)"
_MONEY_AFTER = r"(?!\s?(?:đ|₫|vnđ|vnd|đồng|nghìn|triệu|tỷ)(?!\w))"

_PHONE = rf"""
    {_NOT_BEFORE}
    (?:
        (?: \(?(?:\+|00)84\)? {_SEP} (?:\(0\){_SEP} | 0{_SEP})?    # +84, 0084, (+84)
          | \(?0 )                                              # or the trunk 0
        (?: [35789] (?:\)?{_SEP}\d){{8}}                          # mobile: 03x 05x 07x 08x 09x
          | 1[2689] (?:\)?{_SEP}\d){{8}}                          # the 01xx numbers before 2018
          | 2 (?:\)?{_SEP}\d){{9}} )                              # landline: 02xx, 024, 028
      | 84 (?: [35789]\d{{8}} | 2\d{{9}} )                         # 84912345678, no spaces
    )
    {_NOT_AFTER}
"""

# Identity numbers: CCCD (12 digits, begins with a province code 001-096) written plain or
# grouped, the old CMND (9 digits) plain, and any number right after the document's name.
_ID = rf"""
    (?P<id_label>(?i:CCCD|CMND|CMT|căn\ cước(?:\ công\ dân)?|chứng\ minh(?:\ nhân\ dân)?
        |định\ danh(?:\ cá\ nhân)?|hộ\ chiếu)\W{{0,4}}(?:(?i:số)\W{{0,3}})?)
        (?:[A-Z]\d{{7}} | \d(?:{_SEP}\d){{7,11}}) {_NOT_AFTER}
  | (?<![\w+.,/]) (?: 0\d(?:[ .]?\d){{10}} | \d{{12}} | \d{{9}} ) (?![\w]|[.,/]\d) {_MONEY_AFTER}
"""

# Starting only where a run of such characters starts keeps long texts linear.
_EMAIL = r"(?<![\w.%+\-])[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}"

# Plates: the province's two digits, a series (A, LD, A1, X1), four or five digits.
_PLATE = rf"""
    (?<![\w.,/])
    \d{{2}} (?: [ \-]?[A-ZĐ]{{1,2}}\d? | -?[a-zđ][a-zđ\d]? )
    {_SEP} (?: \d{{3}}\.\d{{2}} | \d{{4,5}} )
    (?![\w]|[.,/]\d)
"""

_PERSONAL = re.compile(
    rf"(?P<email>{_EMAIL})|(?P<phone>{_PHONE})|(?P<id>{_ID})|(?P<plate>{_PLATE})",
    re.VERBOSE,
)
_MASKS = {"email": MASK_EMAIL, "phone": MASK_PHONE, "id": MASK_ID, "plate": MASK_PLATE}


def _mask(match):
    return (match["id_label"] or "") + _MASKS[match.lastgroup]


def clean_text(text):
    """``text`` without the control characters XML refuses, in NFC."""
    return unicodedata.normalize("NFC", _XML_ILLEGAL.sub("", text or ""))


def scrub_text(text):
    """``text`` with phone, identity document and plate numbers and e-mail addresses masked.

    Applied until nothing changes, so that scrubbing twice gives the same text: a mask may
    free the number beside it (``a@b.vn0912345678``) for the next pass.
    """
    scrubbed, previous = clean_text(text), None
    while scrubbed != previous:
        scrubbed, previous = _PERSONAL.sub(_mask, scrubbed), scrubbed
    return scrubbed


@dataclass(frozen=True)
class CleanPhoto:
    """A report's photo as it may be published: a JPEG with no metadata and a neutral name."""

    data: bytes
    content_type: str
    filename: str
    width: int
    height: int


def check_photo_count(count):
    if count > MAX_PHOTOS:
        raise Refused(
            _(
                "error_feedback_too_many_photos",
                default="Mỗi phản ánh gửi tối đa ${limit} ảnh.",
                mapping={"limit": MAX_PHOTOS},
            )
        )


def _is_heif(data):
    """HEIC, HEIF or AVIF (ISO media files of still images), which phones save."""
    return data[4:8] == b"ftyp" and data[8:12] in {
        b"heic",
        b"heix",
        b"hevc",
        b"hevx",
        b"heim",
        b"heis",
        b"mif1",
        b"msf1",
        b"avif",
        b"avis",
    }


def check_photo(data, filename=None):
    """A JPEG, PNG or WEBP photo within the image limits; returns its format."""
    if data and _is_heif(data):
        raise Refused(
            _(
                "error_feedback_photo_heic",
                default="Ảnh HEIC/HEIF chưa được hỗ trợ; hãy gửi ảnh JPEG (trên điện thoại: "
                "chụp ảnh với định dạng «Tương thích nhất» hoặc chia sẻ ảnh dưới dạng JPEG).",
            )
        )
    try:
        fmt = check_image(data, filename)
    except Refused as refused:
        # The shared check names GIF among the formats it reads; reports take none.
        if refused.args[0] == "error_not_image":
            raise Refused(
                _(
                    "error_feedback_not_photo",
                    default="Tệp không phải ảnh JPEG, PNG hoặc WEBP hợp lệ.",
                )
            ) from None
        raise
    if fmt not in PHOTO_FORMATS:
        raise Refused(
            _(
                "error_feedback_photo_format",
                default="Ảnh phản ánh phải là JPEG, PNG hoặc WEBP.",
            )
        )
    return fmt


def _damaged():
    return Refused(
        _(
            "error_feedback_photo_damaged",
            default="Ảnh bị hỏng hoặc tải lên không đầy đủ; hãy chụp hoặc chọn lại ảnh.",
        )
    )


def _complete(data, fmt):
    """Whether the file reaches its format's end: a JPEG's end-of-image marker, a PNG's
    IEND chunk, a WEBP's RIFF length. Pillow's own refusal of truncated files depends on
    the process-wide ``ImageFile.LOAD_TRUNCATED_IMAGES``, which plone.scale turns on in
    every Plone process (a photo cut off by a weak connection would be padded with grey)."""
    if fmt == "jpeg":
        return data.rstrip(b"\x00").endswith(b"\xff\xd9")
    if fmt == "png":
        return b"IEND" in data[-16:]
    if fmt == "webp":
        return len(data) >= int.from_bytes(data[4:8], "little") + 8
    return True


def _decoded(data):
    """The photo's pixels, upright, in sRGB (RGB or L), through its embedded profile if any."""
    try:
        image = Image.open(BytesIO(data))
        image.draft("RGB", (PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))  # JPEG decodes smaller
        image = ImageOps.exif_transpose(image)
    except Exception:  # damaged data fails while decoding, in any way
        raise _damaged() from None
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "CMYK", "L"):
        try:
            image = ImageCms.profileToProfile(
                image, BytesIO(profile), _SRGB, outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the pixels as they are, the profile dropped
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        flat = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        flat.paste(rgba, mask=rgba)
        image = flat
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    return image


def clean_photo(data, filename=None, number=1):
    """The photo checked and re-encoded without metadata, as ``anh-<number>.jpg``.

    Refused (``Refused``, a Vietnamese message) when empty, over IMAGE_MAX_MB, not a JPEG,
    PNG or WEBP, damaged or truncated, over IMAGE_MAX_MEGAPIXELS, or named as another
    format. The EXIF orientation is applied, the long side brought to PHOTO_MAX_SIDE at
    most, and nothing but the pixels is written: no EXIF (GPS, camera), XMP, comment, text
    chunk or ICC profile, and not the citizen's file name.
    """
    fmt = check_photo(data, filename)
    if not _complete(data, fmt):
        raise _damaged()
    image = _decoded(data)
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
    image.info = {}
    out = BytesIO()
    image.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True)
    return CleanPhoto(
        data=out.getvalue(),
        content_type="image/jpeg",
        filename=f"anh-{number}.jpg",
        width=image.width,
        height=image.height,
    )
