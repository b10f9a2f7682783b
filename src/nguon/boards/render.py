"""Slides for boards that only take images, rendered with Pillow at the board's resolution.

Text is NFC-normalised (Vietnamese letters with stacked marks, such as "ệ", are one code
point, so the font's precomposed glyph is used) and set in Be Vietnam Pro, a typeface drawn
for Vietnamese (``fontpkg-be-vietnam-pro``). The largest size at which the title and the text
fit is found by bisection; lines break between words only (a word too wide for the board at
the smallest size ends the text with "…" before it rather than being cut). The line height
leaves room for marks above and below. Colours are fixed pairs with a contrast ratio above
7:1 (WCAG AAA), emergency slides in white on red.
"""

from dataclasses import dataclass
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


def _layout(draw, title, body, width, height, size):
    """``(blocks, used height)`` at ``size`` or None when it does not fit."""
    title_font, body_font = (
        _font(BOLD, size),
        _font(REGULAR, max(MIN_SIZE, round(size * 0.8))),
    )
    blocks = []
    used = 0
    for text, font in ((title, title_font), (body, body_font)):
        if not text:
            continue
        lines = _wrap(text.split(), font, width, draw)
        if lines is None:
            return None
        step = round(font.size * LINE_SPACING)
        blocks.append((lines, font, step))
        used += step * len(lines) + (round(font.size * 0.4) if blocks[:-1] else 0)
    return (blocks, used) if used <= height else None


def fit(draw, title, body, width, height):
    """The largest layout that fits (bisection on the title size); shortens the body by whole
    words, ending in "…", when even the smallest size does not hold it all."""
    low, high = MIN_SIZE, max(MIN_SIZE, height)
    best = _layout(draw, title, body, width, height, low)
    words = body.split()
    while best is None and words:
        words = words[:-1]
        body = " ".join(words) + " …" if words else ""
        best = _layout(draw, title, body, width, height, low)
    if best is None:  # the title alone does not fit: shorten it the same way
        title_words = title.split()
        while best is None and title_words:
            title_words = title_words[:-1]
            title = " ".join(title_words) + " …"
            best = _layout(draw, title, "", width, height, low)
        return best, title, ""
    while low < high:
        middle = (low + high + 1) // 2
        if _layout(draw, title, body, width, height, middle) is not None:
            low = middle
        else:
            high = middle - 1
    return _layout(draw, title, body, width, height, low), title, body


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


def png(slide):
    buffer = BytesIO()
    slide.save(buffer, "PNG", optimize=False)
    return buffer.getvalue()
