"""Photos as citizens' phones send them, made with Pillow for the feedback tests.

A phone's JPEG carries its place (GPS EXIF), its make and model, the time it was taken and
an orientation; some carry a comment or XMP. The broken ones are the attacks the report
form must refuse: truncated, corrupt, over the size, a decompression bomb's header, HEIC.
"""

from fractions import Fraction
from io import BytesIO
from nguon.content.validation import IMAGE_MAX_MB
from nguon.content.validation import MB
from PIL import ExifTags
from PIL import Image
from PIL import ImageCms
from PIL import PngImagePlugin

import struct
import zlib


MAKE = "Samsung"
MODEL = "SM-A125F"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Nguyen Van An 0912345678'
    b"</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
)


def picture(size=(64, 48), colour=(200, 30, 30)):
    """An RGB image whose left half is ``colour`` and right half white (to see rotations)."""
    image = Image.new("RGB", size, "white")
    image.paste(colour, (0, 0, size[0] // 2, size[1]))
    return image


def _dms(value):
    """Degrees, minutes, seconds as EXIF rationals."""
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = Fraction(round((value - degrees - minutes / 60) * 3600 * 100), 100)
    return (Fraction(degrees), Fraction(minutes), seconds)


def phone_exif(lat=16.4637, lon=107.5909, orientation=None):
    """EXIF as a phone writes it: make, model, time taken, GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = MAKE
    exif[ExifTags.Base.Model] = MODEL
    exif[ExifTags.Base.DateTime] = "2026:11:30 08:15:00"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if lat is not None:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N" if lat >= 0 else "S",
            ExifTags.GPS.GPSLatitude: _dms(lat),
            ExifTags.GPS.GPSLongitudeRef: "E" if lon >= 0 else "W",
            ExifTags.GPS.GPSLongitude: _dms(lon),
        }
    return exif


def jpeg(image=None, **params):
    out = BytesIO()
    (image or picture()).save(out, "JPEG", quality=90, **params)
    return out.getvalue()


def jpeg_with_gps(lat=16.4637, lon=107.5909, size=(64, 48)):
    """A phone's JPEG taken at ``lat``, ``lon`` (Huế by default), with make and model."""
    return jpeg(picture(size), exif=phone_exif(lat, lon))


def jpeg_rotated(orientation=6, size=(64, 48)):
    """A JPEG stored ``size`` wide whose EXIF says to turn it (6: 90° clockwise)."""
    return jpeg(picture(size), exif=phone_exif(orientation=orientation))


def jpeg_with_comment_and_xmp():
    """A JPEG with a COM comment and an XMP packet naming the photographer and a phone."""
    return jpeg(comment=b"Nguyen Van An 0912345678", xmp=XMP)


def jpeg_with_icc():
    """A JPEG with an embedded ICC profile (sRGB here; phones embed Display P3)."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return jpeg(icc_profile=profile)


def png_with_text(key="Author", text="Nguyen Van An 0912345678"):
    info = PngImagePlugin.PngInfo()
    info.add_text(key, text)
    info.add_itxt("Comment", "Nguyễn Văn An, thôn 3", lang="vi")
    out = BytesIO()
    picture().save(out, "PNG", pnginfo=info)
    return out.getvalue()


def png_transparent(size=(32, 32)):
    out = BytesIO()
    Image.new("RGBA", size, (0, 0, 255, 0)).save(out, "PNG")
    return out.getvalue()


def webp(size=(64, 48)):
    out = BytesIO()
    picture(size).save(out, "WEBP", exif=phone_exif())
    return out.getvalue()


def gif():
    out = BytesIO()
    picture().save(out, "GIF")
    return out.getvalue()


def truncated_jpeg():
    """A JPEG cut off half way, as a broken upload on a weak connection arrives."""
    data = jpeg(picture((400, 300)))
    return data[: len(data) // 2]


def corrupt_jpeg():
    """A JPEG's start marker followed by garbage."""
    return b"\xff\xd8\xff\xe0" + b"\x13\x37" * 500


def oversize_jpeg():
    """A real JPEG padded past IMAGE_MAX_MB."""
    data = jpeg()
    return data + b"\0" * (IMAGE_MAX_MB * MB + 1 - len(data))


def png_header(width, height):
    """A PNG that claims ``width`` × ``height`` pixels in a few bytes: a decompression bomb."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def heic():
    """The start of an iPhone's HEIC file (an ISO media file of brand ``heic``)."""
    return struct.pack(">I", 24) + b"ftypheic" + b"\0\0\0\0mif1heic" + b"\0" * 200


def has_gps(data):
    """Whether the image ``data`` carries a GPS position in its EXIF."""
    exif = Image.open(BytesIO(data)).getexif()
    return bool(exif.get_ifd(ExifTags.IFD.GPSInfo))
