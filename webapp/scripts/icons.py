"""The app's icons, drawn with Pillow (run from the project: .venv/bin/python
webapp/scripts/icons.py); the PNGs it writes under webapp/public/icons/ are committed.

A white loudspeaker (the commune's radio, the oldest grassroots channel) on the app's red:
192 and 512 for the manifest ("any"), 512 maskable (the drawing inside the 80 % safe circle on
a full red square), 180 for iOS's home screen, and a 96 white-on-transparent badge for the
notifications of warnings."""

from pathlib import Path
from PIL import Image
from PIL import ImageDraw


RED = (155, 28, 28, 255)
WHITE = (255, 255, 255, 255)
HERE = Path(__file__).resolve().parents[1] / "public" / "icons"


def speaker(draw, size, scale, colour):
    """A loudspeaker horn with two sound waves, ``scale`` of the icon, centred."""
    s = size * scale
    x0, y0 = (size - s) / 2, (size - s) / 2

    def p(x, y):
        return (x0 + x * s, y0 + y * s)

    draw.rectangle([p(0.08, 0.38), p(0.26, 0.62)], fill=colour)
    draw.polygon(
        [p(0.26, 0.38), p(0.52, 0.16), p(0.52, 0.84), p(0.26, 0.62)], fill=colour
    )
    width = max(2, round(s * 0.06))
    for radius in (0.18, 0.32):
        box = [p(0.52 - radius, 0.5 - radius), p(0.52 + radius, 0.5 + radius)]
        draw.arc(box, start=-50, end=50, fill=colour, width=width)


def icon(size, scale, rounded=True, background=RED, colour=WHITE):
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if background is not None:
        if rounded:
            draw.rounded_rectangle(
                [0, 0, size - 1, size - 1], size // 6, fill=background
            )
        else:
            draw.rectangle([0, 0, size - 1, size - 1], fill=background)
    speaker(draw, size, scale, colour)
    return image


def main():
    HERE.mkdir(parents=True, exist_ok=True)
    icon(192, 0.8).save(HERE / "icon-192.png", optimize=True)
    icon(512, 0.8).save(HERE / "icon-512.png", optimize=True)
    icon(512, 0.6, rounded=False).save(HERE / "maskable-512.png", optimize=True)
    icon(180, 0.75, rounded=False).convert("RGB").save(
        HERE / "apple-touch-icon.png", optimize=True
    )
    icon(96, 0.9, background=None).save(HERE / "badge-96.png", optimize=True)


if __name__ == "__main__":
    main()
