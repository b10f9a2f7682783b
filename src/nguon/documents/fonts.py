"""Be Vietnam Pro, a typeface drawn for Vietnamese (``fontpkg-be-vietnam-pro``, as the board
slides use it), registered with reportlab once per process as the family ``FAMILY``.

reportlab embeds a subset of each TrueType font with its Unicode map, so a PDF reader or
``pdftotext`` gets the Vietnamese letters back intact (text is NFC-normalised by the model,
so each letter is the font's one precomposed glyph).
"""

from functools import cache
from pathlib import Path
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

import fontpkg_be_vietnam_pro


FILES = Path(fontpkg_be_vietnam_pro.__file__).parent / "files"
FAMILY = "BeVietnamPro"
FACES = {  # (bold, italic): file name
    (False, False): "BeVietnamPro-Regular.ttf",
    (True, False): "BeVietnamPro-Bold.ttf",
    (False, True): "BeVietnamPro-Italic.ttf",
    (True, True): "BeVietnamPro-BoldItalic.ttf",
}


def face(bold=False, italic=False):
    """The reportlab name of one face of the family."""
    return (
        FAMILY
        + "-"
        + FACES[bold, italic].removeprefix("BeVietnamPro-").removesuffix(".ttf")
    )


@cache
def register():
    """Register the four faces and their family (``<b>``/``<i>`` in paragraphs pick them)."""
    for (bold, italic), name in FACES.items():
        pdfmetrics.registerFont(TTFont(face(bold, italic), str(FILES / name)))
        addMapping(FAMILY, int(bold), int(italic), face(bold, italic))
    return FAMILY
