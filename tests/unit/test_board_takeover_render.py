"""An alert's takeover slide (``render.takeover``) at every board resolution the product
supports, from the smallest LED board to 4K screens: nothing cut, the severity's colours
readable, the instruction kept before the headline when the board is too small."""

from nguon.boards import render
from PIL import Image
from PIL import ImageDraw
from tests.unit.test_board_render import ARTIFACTS
from tests.unit.test_board_render import ink_box

import pytest


BAND = "ĐẶC BIỆT NGUY HIỂM · Lũ quét"
HEADLINE = "Lũ quét và sạt lở đất ở các xã vùng núi huyện Nam Đông, A Lưới"
INSTRUCTION = (
    "Người dân ven suối Tả Trạch di dời ngay lên nhà văn hóa thôn; không qua ngầm, tràn; "
    "gọi 112 khi cần cứu hộ."
)
FOOTER = "Hiệu lực đến 17:00 25/11 · Xã Hương Phú, xã Hương Sơn, thị trấn Khe Tre"
# LED boards (32×16 up to 512×256, images only) and LCD screens (kiosk browsers), both ways.
SIZES = (
    (64, 32),
    (128, 64),
    (192, 96),
    (384, 192),
    (512, 256),
    (800, 480),
    (1080, 1920),
    (1920, 1080),
    (3840, 2160),
)


@pytest.mark.parametrize("severity", render.SEVERITY_PALETTES)
def test_severity_colours_are_fixed_readable_pairs(severity):
    background, text = render.SEVERITY_PALETTES[severity]
    assert (
        render.contrast(background, text) >= 7
    )  # WCAG AAA, as the boards' other colours


def test_severities_look_different():
    backgrounds = [bg for bg, _text in render.SEVERITY_PALETTES.values()]
    assert len(set(backgrounds)) == len(backgrounds)
    assert set(render.SEVERITY_PALETTES) == {
        "Extreme",
        "Severe",
        "Moderate",
        "Minor",
        "Unknown",
    }


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("severity", ["Extreme", "Moderate"])
def test_the_takeover_fits_every_board(size, severity):
    palette = render.SEVERITY_PALETTES[severity]
    slide = render.takeover(
        render.Board(*size), BAND, HEADLINE, INSTRUCTION, FOOTER, palette
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    slide.save(ARTIFACTS / f"takeover-{size[0]}x{size[1]}-{severity}.png")
    assert slide.size == size
    left, top, right, bottom = ink_box(slide, palette[0])
    assert left >= 1 and top >= 1 and right <= size[0] - 1 and bottom <= size[1] - 1
    # the instruction's plate (text colour as background) is there, wherever it fits
    plate = sum(1 for pixel in slide.getdata() if pixel == palette[1])
    assert plate > size[0] * size[1] * 0.05


def test_on_a_small_board_the_headline_gives_way_to_the_instruction():
    draw = ImageDraw.Draw(Image.new("RGB", (192, 96)))
    laid, blocks = render.fit_blocks(
        draw,
        (
            render.Block(HEADLINE, render.BOLD, 0.75),
            render.Block(INSTRUCTION, render.BOLD, 1.0, plate=True),
        ),
        180,
        50,
        shorten=(0, 1),
    )
    assert laid is not None
    headline, instruction = (block.text for block in blocks)
    assert len(headline) < len(HEADLINE)
    assert instruction.startswith(INSTRUCTION.split()[0])
    assert len(instruction) >= len(headline)


def test_a_large_board_shows_every_word_in_order():
    draw = ImageDraw.Draw(Image.new("RGB", (1920, 1080)))
    (laid, _used), blocks = render.fit_blocks(
        draw,
        (
            render.Block(HEADLINE, render.BOLD, 0.75),
            render.Block(INSTRUCTION, render.BOLD, 1.0, plate=True),
        ),
        1800,
        700,
        shorten=(0, 1),
    )
    words = [w for lines, *_rest in laid for line in lines for w in line.split()]
    assert words == (HEADLINE + " " + INSTRUCTION).split()
    assert [b.text for b in blocks] == [HEADLINE, INSTRUCTION]


def test_a_long_footer_keeps_its_time_and_loses_the_area_end():
    draw = ImageDraw.Draw(Image.new("RGB", (192, 96)))
    text, font = render._one_line(
        draw, FOOTER + ", xã Thượng Quảng", render.REGULAR, 9, 150
    )
    assert text.startswith("Hiệu lực đến 17:00 25/11") and text.endswith("…")
    assert draw.textlength(text, font=font) <= 150


def test_the_smallest_led_board_shows_the_severity():
    palette = render.SEVERITY_PALETTES["Extreme"]
    slide = render.takeover(
        render.Board(32, 16), BAND, HEADLINE, INSTRUCTION, FOOTER, palette
    )
    assert slide.size == (32, 16)
    left, top, right, bottom = ink_box(slide, palette[0])
    assert left >= 1 and top >= 1 and right <= 31 and bottom <= 15
