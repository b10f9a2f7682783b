"""Write ``src/nguon/units/locations.csv`` (a point per official unit) from vietnamadminunits.

    pip install --no-deps vietnamadminunits==1.0.4   # anywhere: only its data file is read
    .venv/bin/python scripts/unit_locations.py /path/to/vietnamadminunits/data/dataset.db

vietnamadminunits (MIT, © 2025 Tran Ngoc Minh Hieu) keeps, for the 34 provinces and 3,321
communes of the 2025 list, a latitude and longitude per unit (``admin_units``: ``provinceLat``,
``provinceLon``, ``wardLat``, ``wardLon``). Its codes differ from the national catalogue's
(which ``vietnam-provinces`` ships and Nguồn uses) for about a hundred communes, so a commune
is matched by its province and its name (exactly, then without diacritics or punctuation),
and by code only between communes of one province whose names fold alike.
"""

from nguon.units import official

import csv
import io
import sqlite3
import sys
import unicodedata


HEADER = """\
# A point (WGS84) for each official unit: code,latitude,longitude (docs/units.md).
# Made by scripts/unit_locations.py from vietnamadminunits {version} (PyPI), table
# admin_units (provinceLat/provinceLon, wardLat/wardLon), matched to the national codes of
# vietnam-provinces {provinces} by province and name. Its author lists as sources
# danhmuchanhchinh.gso.gov.vn, sapnhap.bando.com.vn and Google's Geocoding API: a point
# inside or near each unit, not a surveyed centroid. Replace with your own: nguon-units locate.
#
# vietnamadminunits: MIT License, Copyright (c) 2025 Tran Ngoc Minh Hieu.
# Permission is hereby granted, free of charge, to any person obtaining a copy of this
# software and associated documentation files (the "Software"), to deal in the Software
# without restriction, including without limitation the rights to use, copy, modify, merge,
# publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons
# to whom the Software is furnished to do so, subject to the following conditions: The above
# copyright notice and this permission notice shall be included in all copies or substantial
# portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,
# EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
# FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT
# HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
# CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
# USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def plain(name):
    """The name without diacritics, punctuation or case: "Xã Ea M’Droh" → "xaeamdroh"."""
    text = unicodedata.normalize("NFD", name.lower()).replace("đ", "d")
    return "".join(c for c in text if c.isalnum() and unicodedata.category(c) != "Mn")


def points(database):
    rows = sqlite3.connect(database).execute(
        "select provinceCode, provinceLat, provinceLon, wardCode, ward, wardLat, wardLon"
        " from admin_units"
    )
    provinces, exact, folded = {}, {}, {}
    for province, plat, plon, code, name, lat, lon in rows:
        provinces[province] = (plat, plon)
        exact.setdefault((province, name), []).append((code, lat, lon))
        folded.setdefault((province, plain(name)), []).append((code, lat, lon))
    return provinces, exact, folded


def match(candidates, code):
    if len(candidates) == 1:
        return candidates[0]
    return next((found for found in candidates if found[0] == code), None)


def main(database, out=sys.stdout):
    import vietnam_provinces

    provinces, exact, folded = points(database)
    version = "1.0.4"
    writer = io.StringIO()
    rows = csv.writer(writer, lineterminator="\n")
    rows.writerow(["code", "latitude", "longitude"])
    missing = []
    for code, province in sorted(official.provinces().items()):
        lat, lon = provinces[code]
        rows.writerow([code, f"{lat:.4f}", f"{lon:.4f}"])
        for commune in province.children:
            found = match(exact.get((code, commune.title), []), commune.code) or match(
                folded.get((code, plain(commune.title)), []), commune.code
            )
            if found is None:
                missing.append(f"{commune.code} {commune.title}")
                continue
            rows.writerow([commune.code, f"{found[1]:.4f}", f"{found[2]:.4f}"])
    out.write(
        HEADER.format(version=version, provinces=vietnam_provinces.__version__)
        + writer.getvalue()
    )
    for name in missing:
        print(f"no point for {name}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
