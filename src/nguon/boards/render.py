"""Slides for boards that only take images, rendered with Pillow at the board's resolution.

Text is NFC-normalised (Vietnamese letters with stacked marks, such as "ệ", are one code
point, so the font's precomposed glyph is used) and set in Be Vietnam Pro, a typeface drawn
for Vietnamese (``fontpkg-be-vietnam-pro``). The largest size at which the title and the text
fit is found by bisection; lines break between words only (a word too wide for the board at
the smallest size ends the text with "…" before it rather than being cut). The line height
leaves room for marks above and below. Colours are fixed pairs with a contrast ratio above
7:1 (WCAG AAA), emergency slides in white on red.

An alert takes the board over with ``takeover``: a band with its severity and event in the
severity's colours (``SEVERITY_PALETTES``), the headline, the instruction set larger on a plate
of the inverted colours, and a last line with the time it is in force until and its area.
"""

from dataclasses import dataclass
from dataclasses import replace
from io import BytesIO
from nguon import _
from nguon.errors import UserError
from pathlib import Path
from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont
from PIL import ImageOps
from PIL import UnidentifiedImageError

import fontpkg_be_vietnam_pro
import unicodedata
import warnings


FONTS = Path(fontpkg_be_vietnam_pro.__file__).parent / "files"
REGULAR = FONTS / "BeVietnamPro-Regular.ttf"
BOLD = FONTS / "BeVietnamPro-Bold.ttf"
MIN_SIZE = 7  # pixels: the smallest text an LED board can still show
LINE_SPACING = 1.28  # of the font size: room for marks above and below
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_BYTES = 20 * 1024 * 1024
IMAGE_TYPES = ("JPEG", "PNG", "WEBP", "GIF")

# (background, text, accent) per priority; every text/background pair is above 7:1.
PALETTES = {
    "normal": ((11, 37, 69), (255, 255, 255), (255, 214, 102)),
    "priority": ((255, 214, 0), (20, 20, 20), (120, 0, 0)),
    "emergency": ((176, 0, 0), (255, 255, 255), (255, 255, 255)),
}
EMERGENCY_LABEL = "KHẨN CẤP"

# (background, text) per CAP severity of an alert's takeover, every pair above 7:1; the
# instruction's plate swaps them. Dark red, orange, yellow, dark green, grey.
SEVERITY_PALETTES = {
    "Extreme": ((128, 0, 0), (255, 255, 255)),
    "Severe": ((255, 140, 0), (20, 20, 20)),
    "Moderate": ((255, 214, 0), (20, 20, 20)),
    "Minor": ((0, 84, 45), (255, 255, 255)),
    "Unknown": ((52, 58, 64), (255, 255, 255)),
}


class ImageRefused(UserError):
    """An image a slide cannot use; the message says why."""


@dataclass
class Board:
    width: int
    height: int

    @property
    def is_led(self):
        return self.width * self.height <= 400 * 200


def nfc(text):
    return unicodedata.normalize("NFC", (text or "").strip())


def luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _font(path, size):
    return ImageFont.truetype(str(path), size)


def _wrap(words, font, width, draw):
    """Lines of whole words within ``width``; None if one word alone is wider."""
    lines, line = [], ""
    for word in words:
        attempt = f"{line} {word}".strip()
        if draw.textlength(attempt, font=font) <= width:
            line = attempt
            continue
        if not line:
            return None
        lines.append(line)
        if draw.textlength(word, font=font) > width:
            return None
        line = word
    if line:
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Block:
    """A run of text in one font: ``scale`` of the layout's size; ``plate``: set on a plate
    of the inverted colours (padding included in the layout)."""

    text: str
    path: Path
    scale: float = 1.0
    plate: bool = False


def _plate_padding(font):
    return max(1, round(font.size * 0.3))


def _layout_blocks(draw, blocks, width, height, size):
    """``(laid, used height)`` at ``size`` or None when it does not fit; ``laid`` holds
    ``(lines, font, step, padding)`` per block with text."""
    laid, used = [], 0
    for block in blocks:
        if not block.text:
            continue
        font = _font(block.path, max(MIN_SIZE, round(size * block.scale)))
        padding = _plate_padding(font) if block.plate else 0
        lines = _wrap(block.text.split(), font, width - 2 * padding, draw)
        if lines is None:
            return None
        step = round(font.size * LINE_SPACING)
        used += (
            step * len(lines) + 2 * padding + (round(font.size * 0.4) if laid else 0)
        )
        laid.append((lines, font, step, padding))
    return (laid, used) if used <= height else None


def fit_blocks(draw, blocks, width, height, shorten):
    """The largest layout of ``blocks`` that fits (bisection on the size of scale 1) and the
    blocks it holds; when even the smallest size does not hold them all, the blocks named by
    index in ``shorten`` lose words from their end, in that order, ending in "…"."""
    blocks = list(blocks)
    best = _layout_blocks(draw, blocks, width, height, MIN_SIZE)
    for index in shorten:
        words = blocks[index].text.split()
        while best is None and words:
            words = words[:-1]
            text = " ".join(words) + " …" if words else ""
            blocks[index] = replace(blocks[index], text=text)
            best = _layout_blocks(draw, blocks, width, height, MIN_SIZE)
    if best is None:
        return None, blocks
    low, high = MIN_SIZE, max(MIN_SIZE, height)
    while low < high:
        middle = (low + high + 1) // 2
        if _layout_blocks(draw, blocks, width, height, middle) is not None:
            low = middle
        else:
            high = middle - 1
    return _layout_blocks(draw, blocks, width, height, low), blocks


def fit(draw, title, body, width, height):
    """The largest layout of a notice that fits: ``((blocks, used), title, body)`` with
    ``(lines, font, step)`` per block; the body, then the title, lose words when even the
    smallest size does not hold them."""
    (laid, used), (title_block, body_block) = fit_blocks(
        draw,
        (Block(title, BOLD), Block(body, REGULAR, 0.8)),
        width,
        height,
        shorten=(1, 0),
    )
    return (
        ([(lines, font, step) for lines, font, step, _pad in laid], used),
        title_block.text,
        body_block.text,
    )


def open_image(data):
    """A checked, decoded image from uploaded bytes; ``ImageRefused`` says why not."""
    if not data:
        raise ImageRefused(_("board_image_error_empty", default="Tệp ảnh trống."))
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRefused(
            _(
                "board_image_error_bytes",
                default="Tệp ảnh lớn quá ${mb} MB.",
                mapping={"mb": MAX_IMAGE_BYTES // 2**20},
            )
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
            if image.format not in IMAGE_TYPES:
                raise ImageRefused(
                    _(
                        "board_image_error_type",
                        default="Ảnh phải là JPEG, PNG, WEBP hoặc GIF (tệp này là ${kind}).",
                        mapping={"kind": image.format or "?"},
                    )
                )
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ImageRefused(
                    _(
                        "board_image_error_pixels",
                        default="Ảnh quá lớn (${w}×${h} điểm ảnh); tối đa ${max} triệu điểm ảnh.",
                        mapping={
                            "w": image.width,
                            "h": image.height,
                            "max": MAX_IMAGE_PIXELS // 10**6,
                        },
                    )
                )
            image.load()
    except ImageRefused:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise ImageRefused(
            _(
                "board_image_error_bomb",
                default="Ảnh quá lớn để mở an toàn; tối đa ${max} triệu điểm ảnh.",
                mapping={"max": MAX_IMAGE_PIXELS // 10**6},
            )
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageRefused(
            _(
                "board_image_error_corrupt",
                default="Tệp không phải ảnh đọc được (hỏng hoặc sai định dạng).",
            )
        ) from error
    return ImageOps.exif_transpose(image).convert("RGB")


def render(board, title, text="", priority="normal", image=None):
    """The slide as a Pillow image of exactly ``board.width`` × ``board.height``."""
    background, ink, accent = PALETTES.get(priority, PALETTES["normal"])
    slide = Image.new("RGB", (board.width, board.height), background)
    draw = ImageDraw.Draw(slide)
    title, text = nfc(title), nfc(text)
    margin = max(2, round(min(board.width, board.height) * 0.05))
    box = [margin, margin, board.width - margin, board.height - margin]
    if priority == "emergency":
        band = max(MIN_SIZE + 4, round(board.height * 0.14))
        label_font = _font(BOLD, max(MIN_SIZE, round(band * 0.7)))
        while (
            draw.textlength(EMERGENCY_LABEL, font=label_font) > box[2] - box[0]
            and label_font.size > MIN_SIZE
        ):
            label_font = _font(BOLD, label_font.size - 1)
        draw.text((box[0], box[1]), EMERGENCY_LABEL, font=label_font, fill=accent)
        box[1] += band
    if image is not None and not board.is_led:
        picture = image.convert("RGB")
        if board.width >= board.height:  # landscape: the picture on the left two fifths
            area = (round((box[2] - box[0]) * 0.4), box[3] - box[1])
            slide.paste(
                ImageOps.fit(picture, area, Image.LANCZOS, centering=(0.5, 0.4)),
                (box[0], box[1]),
            )
            box[0] += area[0] + margin
        else:  # portrait: the picture on the top third
            area = (box[2] - box[0], round((box[3] - box[1]) * 0.35))
            slide.paste(
                ImageOps.fit(picture, area, Image.LANCZOS, centering=(0.5, 0.4)),
                (box[0], box[1]),
            )
            box[1] += area[1] + margin
    (blocks, used), _title, _text = fit(
        draw, title, text, box[2] - box[0], box[3] - box[1]
    )
    y = box[1] + max(0, (box[3] - box[1] - used) // 2)
    for number, (lines, font, step) in enumerate(blocks):
        if number:
            y += round(font.size * 0.4)
        for line in lines:
            draw.text(
                (box[0], y),
                line,
                font=font,
                fill=ink if number or priority != "priority" else accent,
            )
            y += step
    return slide


def _one_line(draw, text, path, size, width):
    """``(text, font)``: ``text`` on one line within ``width``, shrunk down to ``MIN_SIZE``,
    then losing words from its end ("…")."""
    font = _font(path, max(MIN_SIZE, size))
    while draw.textlength(text, font=font) > width and font.size > MIN_SIZE:
        font = _font(path, font.size - 1)
    words = text.split()
    while draw.textlength(text, font=font) > width and len(words) > 1:
        words = words[:-1]
        text = " ".join(words) + " …"
    return text, font


def takeover(board, band, headline, instruction, footer, palette):
    """An alert's slide of exactly ``board.width`` × ``board.height``: ``band`` (severity and
    event) on top, the headline, the instruction larger on a plate of the inverted colours,
    ``footer`` (until when, where) at the bottom. ``palette``: ``(background, text)``. When
    the board is too small for everything, the headline gives up words before the
    instruction does, and on the smallest boards the footer, then the band, make room for
    the instruction; a board too small for one line of it shows the band alone."""
    background, ink = palette
    band, headline, instruction, footer = (
        nfc(band),
        nfc(headline),
        nfc(instruction),
        nfc(footer),
    )
    for parts in (
        (band, footer, headline, instruction),
        (band, "", headline, instruction),
        ("", "", headline, instruction),
    ):
        slide = _takeover(board, *parts, background, ink)
        if slide is not None:
            return slide
    return _takeover(board, band, "", "", "", background, ink)


def _takeover(board, band, footer, headline, instruction, background, ink):
    """The takeover with these parts, or None when the instruction finds no room."""
    slide = Image.new("RGB", (board.width, board.height), background)
    draw = ImageDraw.Draw(slide)
    margin = max(2, round(min(board.width, board.height) * 0.04))
    box = [margin, margin, board.width - margin, board.height - margin]
    width = box[2] - box[0]
    band_height = max(MIN_SIZE + 4, round(board.height * 0.13))
    if band:
        text, font = _one_line(draw, band, BOLD, round(band_height * 0.72), width)
        draw.text((box[0], box[1]), text, font=font, fill=ink)
        rule = box[1] + round(font.size * LINE_SPACING)
        draw.line((box[0], rule, box[2], rule), fill=ink, width=max(1, margin // 3))
        box[1] = rule + max(2, margin // 2)
    if footer:
        text, font = _one_line(draw, footer, REGULAR, round(band_height * 0.55), width)
        top = box[3] - round(font.size * LINE_SPACING)
        draw.text((box[0], top), text, font=font, fill=ink)
        box[3] = top - max(2, margin // 2)
    laid, blocks = fit_blocks(
        draw,
        (Block(headline, BOLD, 0.75), Block(instruction, BOLD, 1.0, plate=True)),
        width,
        box[3] - box[1],
        shorten=(0, 1),
    )
    if laid is None or (instruction and not blocks[1].text):
        return None
    lines_of, used = laid
    y = box[1] + max(0, (box[3] - box[1] - used) // 2)
    for number, (lines, font, step, padding) in enumerate(lines_of):
        if number:
            y += round(font.size * 0.4)
        fill = ink
        if padding:
            draw.rectangle(
                (box[0], y, box[2], y + step * len(lines) + 2 * padding), fill=ink
            )
            fill = background
        y += padding
        for line in lines:
            draw.text((box[0] + padding, y), line, font=font, fill=fill)
            y += step
        y += padding
    return slide


def png(slide):
    buffer = BytesIO()
    slide.save(buffer, "PNG", optimize=False)
    return buffer.getvalue()
