"""Slides for public boards, rendered with Pillow and Be Vietnam Pro: the same long Vietnamese
notice fits every board size with every diacritic; bad images are refused clearly."""

from io import BytesIO
from nguon.boards import render
from pathlib import Path
from PIL import Image
from PIL import ImageChops
from PIL import ImageDraw

import pytest
import unicodedata


ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "boards"


TITLE = "Thông báo của UBND phường Thuận Hóa về việc phòng chống bão số 15"
TEXT = (
    "Nghệ An, Quảng Trị, Thừa Thiên Huế: người dân ở vùng trũng thấp, ven sông Hương cần di "
    "dời trước 17 giờ ngày 25/11. Đường Trường Chinh, Nguyễn Trãi ngập sâu; không đi qua "
    "ngầm, tràn. Mọi thông tin xin liên hệ tổ dân phố, công an phường, ban chỉ huy phòng "
    "chống thiên tai để được hỗ trợ kịp thời."
)
HARD_WORDS = (
    "Nghệ",
    "Quảng",
    "ường",
    "ữ",
    "Huế",
    "Thuận",
    "Đường",
    "ngập",
    "Nguyễn",
    "ỷ",
    "Ổ",
    "ặ",
    "ẫ",
    "ợ",
    "Ử",
)
SIZES = ((192, 96), (384, 192), (1080, 1920), (1920, 1080))


def ink_box(slide, background):
    """The bounding box of everything that is not background."""
    plain = Image.new("RGB", slide.size, background)
    return (
        ImageChops.difference(slide, plain)
        .convert("L")
        .point(lambda v: 255 if v > 40 else 0)
        .getbbox()
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("priority", ["normal", "priority", "emergency"])
def test_the_long_notice_fits_every_board(size, priority):
    slide = render.render(render.Board(*size), TITLE, TEXT, priority)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    slide.save(
        ARTIFACTS / f"slide-{size[0]}x{size[1]}-{priority}.png"
    )  # kept for a human look
    assert slide.size == size
    box = ink_box(slide, render.PALETTES[priority][0])
    assert box is not None
    left, top, right, bottom = box
    assert (
        left >= 1 and top >= 1 and right <= size[0] - 1 and bottom <= size[1] - 1
    )  # nothing cut


@pytest.mark.parametrize("size", SIZES)
def test_lines_break_between_words_only(size):
    board = render.Board(*size)
    draw = ImageDraw.Draw(Image.new("RGB", size))
    (blocks, _used), title, text = render.fit(
        draw, TITLE, TEXT, size[0] - 10, size[1] - 10
    )
    words = [
        word
        for lines, _font, _step in blocks
        for line in lines
        for word in line.split()
    ]
    expected = (title + " " + text).split()
    assert words == expected
    assert set(words) - {"…"} <= set(TITLE.split()) | set(
        TEXT.split()
    )  # whole words only
    assert board.width == size[0]


def test_the_largest_board_shows_all_the_words():
    draw = ImageDraw.Draw(Image.new("RGB", (1920, 1080)))
    (_blocks, _used), title, text = render.fit(draw, TITLE, TEXT, 1800, 960)
    assert title == TITLE and text == TEXT


@pytest.mark.parametrize("word", HARD_WORDS)
def test_every_diacritic_has_its_glyph_and_its_ink(word):
    font = render._font(render.REGULAR, 120)
    for character in word:
        assert font.getmask(character).getbbox() is not None, character
    base = "".join(unicodedata.normalize("NFD", ch)[0] for ch in word)
    marked, plain = font.getbbox(word), font.getbbox(base)
    if word != base:
        # the marks add ink above the letters (acute, hook, tilde, circumflex) or below (dot)
        assert marked[1] < plain[1] or marked[3] > plain[3], word
    slide = render.render(render.Board(384, 192), word, "", "normal")
    assert ink_box(slide, render.PALETTES["normal"][0]) is not None


def test_decomposed_text_renders_as_the_composed_one():
    composed = render.render(render.Board(384, 192), "Nghệ An, Quảng Trị", "ường ữ")
    decomposed = render.render(
        render.Board(384, 192),
        unicodedata.normalize("NFD", "Nghệ An, Quảng Trị"),
        unicodedata.normalize("NFD", "ường ữ"),
    )
    assert ImageChops.difference(composed, decomposed).getbbox() is None


@pytest.mark.parametrize("priority", render.PALETTES)
def test_colours_are_readable(priority):
    background, text, accent = render.PALETTES[priority]
    assert render.contrast(background, text) >= 7
    assert render.contrast(background, accent) >= 4.5


def _image(fmt, size=(800, 600), mode="RGB"):
    buffer = BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 1).save(buffer, fmt)
    return buffer.getvalue()


def test_an_image_is_scaled_and_cropped_into_its_place():
    picture = render.open_image(_image("JPEG", (3000, 1000)))
    slide = render.render(render.Board(1920, 1080), TITLE, TEXT, image=picture)
    assert slide.getpixel((200, 500))[0] > 150  # the red picture fills the left part
    led = render.render(render.Board(192, 96), TITLE, TEXT, image=picture)
    assert led.getpixel((20, 50))[0] < 150  # LED boards show text only


@pytest.mark.parametrize(
    "data, word",
    [
        (b"", "trống"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "hỏng"),
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "hỏng"),
        (_image("BMP"), "JPEG, PNG"),
        (_image("PNG", (20000, 20000), "1"), "quá lớn"),
        (_image("PNG", (8000, 6000), "1"), "quá lớn"),
    ],
    ids=[
        "empty",
        "truncated-png",
        "pdf",
        "bmp",
        "decompression-bomb",
        "too-many-pixels",
    ],
)
def test_bad_images_are_refused_with_a_clear_error(data, word):
    with pytest.raises(render.ImageRefused) as refused:
        render.open_image(data)
    from zope.i18n import translate

    assert word in translate(refused.value.message, target_language="vi")
