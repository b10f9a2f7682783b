"""Privacy by default: personal data masked in a report's text, metadata gone from its photos.

The attacks first: every way Vietnamese people write a phone number, an identity number, an
e-mail address or a plate is masked, and every piece of metadata a phone puts in a photo
(GPS, make and model, comment, XMP, PNG text) is gone after cleaning. Then the refusals of
photos that must not be accepted, each with its Vietnamese message, and what must survive
unchanged (dates, money, addresses, times).
"""

from hypothesis import given
from hypothesis import strategies as st
from io import BytesIO
from nguon.content.validation import IMAGE_MAX_MB
from nguon.content.validation import IMAGE_MAX_MEGAPIXELS
from nguon.content.validation import Refused
from nguon.feedback import privacy
from nguon.feedback.privacy import check_photo_count
from nguon.feedback.privacy import clean_photo
from nguon.feedback.privacy import MASK_EMAIL
from nguon.feedback.privacy import MASK_ID
from nguon.feedback.privacy import MASK_PHONE
from nguon.feedback.privacy import MASK_PLATE
from nguon.feedback.privacy import MAX_PHOTOS
from nguon.feedback.privacy import scrub_text
from PIL import ExifTags
from PIL import Image
from PIL import ImageFile
from tests.feedback import photos
from zope.i18n import translate

import pytest
import unicodedata


def refusal(check, *args):
    with pytest.raises(Refused) as raised:
        check(*args)
    return translate(raised.value.doc())


def opened(data):
    return Image.open(BytesIO(data))


# Text: the attacks

PHONES = [
    "0912345678",
    "0912 345 678",
    "0912.345.678",
    "091-234-5678",
    "0912-345-678",
    "+84 912 345 678",
    "+84912345678",
    "84912345678",
    "0084 912 345 678",
    "(+84) 912 345 678",
    "+84 (0) 912 345 678",
    "0386 123 456",
    "0704.123.456",
    "0234 3822 123",
    "0234.3822.123",
    "(0234) 3822123",
    "024 3825 1234",
    "028-3829-1234",
    "+84 234 3822 123",
    "0912 - 345 - 678",
    "01212345678",
    "(016) 8123 4567",
]
IDS = [
    "045123456789",
    "045 123 456 789",
    "0451 2345 6789",
    "045.123.456.789",
    "123456789",
]
LABELLED_IDS = [
    "CCCD: 045123456789",
    "CMND số 123.456.789",
    "số CMND 191 234 567",
    "căn cước công dân số 046 098 001 234",
    "hộ chiếu C1234567",
]
EMAILS = [
    "nguyen.van.an@gmail.com",
    "an_nv+phananh@hue.gov.vn",
    "TRAN.THI.B@Yahoo.com.vn",
]
PLATES = [
    "75A-123.45",
    "75A12345",
    "29A1-123.45",
    "59-X1 234.56",
    "51F-999.99",
    "75 A 12345",
    "75A-1234",
    "75a-123.45",
    "43LD-012.34",
    "75A - 123.45",
    "29-MĐ1 123.45",
]


@pytest.mark.parametrize("phone", PHONES)
def test_phone_numbers_are_masked_in_every_writing(phone):
    text = f"Xin liên hệ anh Tư theo số {phone}, sau 17h."
    assert scrub_text(text) == f"Xin liên hệ anh Tư theo số {MASK_PHONE}, sau 17h."


@pytest.mark.parametrize("number", IDS)
def test_citizen_id_numbers_are_masked(number):
    assert scrub_text(f"CCCD của tôi là {number}.") == f"CCCD của tôi là {MASK_ID}."
    assert scrub_text(f"mã {number} nhé") == f"mã {MASK_ID} nhé"


@pytest.mark.parametrize("text", LABELLED_IDS)
def test_a_number_after_the_documents_name_is_masked_however_grouped(text):
    scrubbed = scrub_text(text)
    assert scrubbed.endswith(MASK_ID)
    assert not any(character.isdigit() for character in scrubbed)


@pytest.mark.parametrize("email", EMAILS)
def test_email_addresses_are_masked(email):
    assert scrub_text(f"Gửi về {email}.") == f"Gửi về {MASK_EMAIL}."


@pytest.mark.parametrize("plate", PLATES)
def test_licence_plates_are_masked(plate):
    text = f"Xe tải {plate} đổ rác trộm ở kiệt 12."
    assert scrub_text(text) == f"Xe tải {MASK_PLATE} đổ rác trộm ở kiệt 12."


def test_a_report_with_everything_at_once():
    text = (
        "Tôi là Nguyễn Văn An, CCCD 046098001234, ĐT 0905.123.456 hoặc an.nv@gmail.com. "
        "Ngày 30/11/2026 lúc 7h30, xe 75C-123.45 đổ phế thải trước số 45/3 Hùng Vương."
    )
    assert scrub_text(text) == (
        f"Tôi là Nguyễn Văn An, CCCD {MASK_ID}, ĐT {MASK_PHONE} hoặc {MASK_EMAIL}. "
        f"Ngày 30/11/2026 lúc 7h30, xe {MASK_PLATE} đổ phế thải trước số 45/3 Hùng Vương."
    )


def test_a_number_touching_a_word_is_masked():
    assert scrub_text("SĐT0912345678") == "SĐT" + MASK_PHONE
    assert scrub_text("zalo.me/0912345678") == "zalo.me/" + MASK_PHONE


def test_numbers_glued_to_a_masked_address_are_masked_too():
    scrubbed = scrub_text("an@hue.vn0912345678")
    assert scrubbed == MASK_EMAIL + MASK_PHONE


def test_text_is_normalised_and_stripped_of_what_xml_refuses():
    decomposed = unicodedata.normalize("NFD", "Đường Lê Lợi ngập nước")
    pasted = "Đoạn\x0bvăn\x0c từ\x00 Word\x1f\ufffe" + decomposed
    scrubbed = scrub_text(pasted)
    assert scrubbed == "Đoạnvăn từ Word" + "Đường Lê Lợi ngập nước"
    assert scrubbed == unicodedata.normalize("NFC", scrubbed)
    assert scrub_text("e\x00\u0301") == "é"


def test_empty_text():
    assert scrub_text("") == ""
    assert scrub_text(None) == ""


# Text: what survives

SURVIVORS = [
    "Ngày 30/11/2026, hạn 03/12/2026, ngày 3 tháng 12 năm 2026, năm 2026.",
    "Lúc 7h30, 19h, 07:30 sáng, 17h00 chiều.",
    "Phí 500.000 đồng, đã nộp 1.200.000đ, tổng 2.500.000.000 VNĐ, 125.000.000 đồng.",
    "123456789 đồng, 30 triệu, 1,5 tỷ, 84.000 đồng.",
    "Số 12 Lê Lợi, 45/3 Hùng Vương, kiệt 12/4 Nguyễn Trãi, tổ 7, khu vực 3.",
    "QL1A, km 791+500, 100 hộ dân, 3 lần, 12 người, mã hồ sơ 2026/1234.",
    "Quyết định số 1234/QĐ-UBND ngày 12/11/2026.",
    "Ngày 30.11.2026 và 03.09.2026, từ 30/11 - 03/12/2026.",
    "Đường dây nóng 1022, tổng đài 1900 1234, cấp cứu 115.",
]


@pytest.mark.parametrize("text", SURVIVORS)
def test_dates_times_money_and_addresses_are_not_masked(text):
    assert scrub_text(text) == text


# Text: properties

MOBILE_PREFIXES = [
    *(f"03{d}" for d in "23456789"),
    "052",
    "056",
    "058",
    "059",
    "070",
    *(f"07{d}" for d in "6789"),
    *(f"08{d}" for d in "123456789"),
    *(f"09{d}" for d in "0123456789"),
]
AREA_CODES = ["0234", "0232", "0233", "0235", "0236", "0203", "0299", "024", "028"]


@st.composite
def vietnamese_phones(draw):
    """A real-looking Vietnamese number, written as people write it."""
    if draw(st.booleans()):
        prefix = draw(st.sampled_from(MOBILE_PREFIXES))
        digits = prefix + draw(st.text("0123456789", min_size=7, max_size=7))
        groups = [digits[:4], digits[4:7], digits[7:]]
        alternatives = [digits[:3], digits[3:6], digits[6:]]
    else:
        area = draw(st.sampled_from(AREA_CODES))
        size = 11 - len(area)
        subscriber = draw(st.text("0123456789", min_size=size, max_size=size))
        digits = area + subscriber
        groups = [area, subscriber[:4], subscriber[4:]]
        alternatives = [area, subscriber[:3], subscriber[3:]]
    style = draw(st.sampled_from(["plain", " ", ".", "-", "+84", "84", "(0)"]))
    chosen = draw(st.sampled_from([groups, alternatives]))
    if style == "plain":
        return digits
    if style == "+84":
        return "+84 " + " ".join([chosen[0][1:], *chosen[1:]])
    if style == "84":
        return "84" + digits[1:]
    if style == "(0)":
        return f"({chosen[0]}) " + "".join(chosen[1:])
    return style.join(chosen)


VIETNAMESE = st.text(
    st.one_of(
        st.characters(categories=("Ll", "Lu"), max_codepoint=0x1EFF),
        st.sampled_from(" ,.;:!?()\n"),
    ),
    max_size=40,
)


@given(before=VIETNAMESE, phone=vietnamese_phones(), after=VIETNAMESE)
def test_any_vietnamese_phone_number_in_any_text_is_masked(before, phone, after):
    scrubbed = scrub_text(f"{before} {phone} {after}")
    assert not any(character.isdigit() for character in scrubbed)
    assert MASK_PHONE in scrubbed or MASK_ID in scrubbed


def money(amount):
    return f"{amount:,}".replace(",", ".")


SURVIVING = st.one_of(
    st.dates().map(lambda day: day.strftime("%d/%m/%Y")),
    st.dates().map(lambda day: f"ngày {day.day} tháng {day.month} năm {day.year}"),
    st.integers(1000, 999_999_999_999)
    .map(money)
    .flatmap(
        lambda amount: st.sampled_from([" đồng", "đ", " VNĐ", " triệu"]).map(
            lambda unit: amount + unit
        )
    ),
    st.builds(
        "số {} {}".format,
        st.integers(1, 9999),
        st.sampled_from(["Lê Lợi", "Hùng Vương", "Trần Hưng Đạo"]),
    ),
    st.builds("{}/{} Hùng Vương".format, st.integers(1, 999), st.integers(1, 99)),
    st.builds("{}h{:02}".format, st.integers(0, 23), st.integers(0, 59)),
    st.integers(0, 99_999).map(str),
)


@given(st.lists(SURVIVING, min_size=1, max_size=6))
def test_dates_money_addresses_and_short_numbers_survive_unchanged(parts):
    text = ", ".join(parts) + "."
    assert scrub_text(text) == text


ANYTHING = st.text(
    st.one_of(
        st.sampled_from("0123456789 .-+()/@đAaXx"),
        st.characters(max_codepoint=0x1EFF),
    ),
    max_size=80,
)


@given(st.lists(st.one_of(ANYTHING, vietnamese_phones(), st.sampled_from(PLATES))))
def test_scrubbing_twice_changes_nothing(parts):
    once = scrub_text("".join(parts))
    assert scrub_text(once) == once


# Photos: the attacks


def test_gps_make_and_model_are_gone():
    data = photos.jpeg_with_gps()
    assert photos.has_gps(data)
    assert opened(data).getexif()[ExifTags.Base.Make] == photos.MAKE

    photo = clean_photo(data, "IMG_20261130_Nguyen_Van_An.jpg")

    assert not photos.has_gps(photo.data)
    assert not opened(photo.data).getexif()
    assert b"Exif\0\0" not in photo.data
    assert photos.MAKE.encode() not in photo.data
    assert photos.MODEL.encode() not in photo.data
    assert photo.content_type == "image/jpeg"
    assert opened(photo.data).format == "JPEG"


def test_the_citizens_file_name_is_not_kept():
    photo = clean_photo(photos.jpeg_with_gps(), "Nguyen Van An 0912345678.jpg", 3)
    assert photo.filename == "anh-3.jpg"
    assert clean_photo(photos.jpeg_with_gps(), None).filename == "anh-1.jpg"


def test_comment_xmp_and_icc_profile_are_gone():
    data = photos.jpeg_with_comment_and_xmp()
    assert {"comment", "xmp"} <= set(opened(data).info)
    cleaned = clean_photo(data, "a.jpg").data
    assert b"0912345678" not in cleaned
    assert b"xmpmeta" not in cleaned
    assert not {"comment", "xmp", "exif"} & set(opened(cleaned).info)

    data = photos.jpeg_with_icc()
    assert "icc_profile" in opened(data).info
    assert "icc_profile" not in opened(clean_photo(data, "a.jpg").data).info

    broken = photos.jpeg(icc_profile=b"Nguyen Van An " * 10)
    cleaned = clean_photo(broken, "a.jpg").data
    assert b"Nguyen" not in cleaned
    assert "icc_profile" not in opened(cleaned).info


def test_png_text_chunks_are_gone():
    data = photos.png_with_text()
    assert opened(data).info["Author"] == "Nguyen Van An 0912345678"
    photo = clean_photo(data, "so-do.png")
    assert b"0912345678" not in photo.data
    assert b"Nguy" not in photo.data
    assert photo.filename == "anh-1.jpg"


def test_webp_exif_is_gone():
    data = photos.webp()
    assert photos.has_gps(data)
    assert not photos.has_gps(clean_photo(data, "a.webp").data)


def test_the_orientation_is_applied():
    data = photos.jpeg_rotated(6, size=(64, 48))
    assert opened(data).size == (64, 48)
    photo = clean_photo(data, "a.jpg")
    assert (photo.width, photo.height) == (48, 64)
    assert opened(photo.data).size == (48, 64)
    # the red half, on the left as stored, is on top once turned 90° clockwise
    red, green, blue = opened(photo.data).convert("RGB").getpixel((24, 5))
    assert red > 150 and green < 100
    assert opened(photo.data).convert("RGB").getpixel((24, 58))[1] > 200


def test_a_transparent_png_is_flattened_on_white():
    photo = clean_photo(photos.png_transparent(), "a.png")
    assert opened(photo.data).convert("RGB").getpixel((5, 5)) >= (250, 250, 250)


def test_a_cmyk_jpeg_comes_out_in_rgb():
    data = photos.jpeg(Image.new("CMYK", (16, 16), (0, 255, 255, 0)))
    image = opened(clean_photo(data, "a.jpg").data)
    assert image.mode == "RGB"
    red, green, blue = image.getpixel((8, 8))
    assert red > 200 and green < 60 and blue < 60


def test_large_photos_are_brought_down_to_the_long_side():
    photo = clean_photo(photos.jpeg(photos.picture((3000, 1200))), "a.jpg")
    assert (photo.width, photo.height) == (privacy.PHOTO_MAX_SIDE, 1024)
    small = clean_photo(photos.jpeg(photos.picture((800, 600))), "a.jpg")
    assert (small.width, small.height) == (800, 600)


# Photos: the refusals


def test_refusals_say_what_is_wrong():
    assert refusal(clean_photo, b"", "a.jpg") == "Tệp rỗng."
    assert f"{IMAGE_MAX_MB} MB" in refusal(clean_photo, photos.oversize_jpeg(), "a.jpg")
    assert "hỏng" in refusal(clean_photo, photos.truncated_jpeg(), "a.jpg")
    assert "không phải ảnh JPEG, PNG hoặc WEBP" in refusal(
        clean_photo, photos.corrupt_jpeg(), "a.jpg"
    )
    assert "không phải ảnh" in refusal(clean_photo, b"%PDF-1.7 not a photo", "a.jpg")
    assert "hãy sửa đuôi tệp" in refusal(clean_photo, photos.jpeg(), "anh.png")
    assert "JPEG, PNG hoặc WEBP" in refusal(clean_photo, photos.gif(), "a.gif")


def test_a_decompression_bomb_is_refused_before_decoding():
    bomb = photos.png_header(100_000, 100_000)
    assert len(bomb) < 200
    limit = f"{IMAGE_MAX_MEGAPIXELS} megapixel"
    assert limit in refusal(clean_photo, bomb, "a.png")
    assert limit in refusal(clean_photo, photos.png_header(8000, 6000), "a.png")


def test_heic_is_refused_asking_for_jpeg():
    message = refusal(clean_photo, photos.heic(), "IMG_0001.HEIC")
    assert "HEIC" in message and "JPEG" in message


def test_at_most_five_photos():
    assert MAX_PHOTOS == 5
    check_photo_count(0)
    check_photo_count(MAX_PHOTOS)
    assert "tối đa 5 ảnh" in refusal(check_photo_count, MAX_PHOTOS + 1)


def test_the_next_photo_is_still_cleaned_after_refusals():
    for attack in (photos.truncated_jpeg(), photos.png_header(100_000, 100_000)):
        with pytest.raises(Refused):
            clean_photo(attack, "a.jpg")
    assert clean_photo(photos.jpeg_with_gps(), "a.jpg").width == 64


@pytest.mark.parametrize(
    "cut, name",
    [
        (photos.truncated_jpeg, "a.jpg"),
        (lambda: photos.png_transparent((200, 200))[:-30], "a.png"),
        (lambda: photos.webp((200, 200))[:-30], "a.webp"),
    ],
)
def test_a_truncated_photo_is_refused_in_a_plone_process_too(monkeypatch, cut, name):
    # plone.scale sets this for the whole process when Plone starts: Pillow pads the rest.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    message = refusal(clean_photo, cut(), name)
    assert "hỏng" in message or "không phải ảnh" in message
