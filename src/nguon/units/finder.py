"""Find a unit by its name as people type it: without diacritics, in any case, in any order (the citizen's "find your commune").

"thuan hoa" finds "Phường Thuận Hóa", "hue" finds "Thành phố Huế", "19786" finds the unit
with that official code. Names are folded (diacritics removed, đ → d, lower case) once per
change of the catalog: the index of every unit (3,321 communes and 34 provinces in the
official list) is a list in memory, rebuilt when the catalog's counter moves. Units are
public landmarks (always published), so the index holds every unit.

A unit's *name* is its title without its kind ("Thuận Hóa" of "Phường Thuận Hóa"): lists
of communes are sorted and grouped by it.
"""

from dataclasses import dataclass
from nguon.units.tree import UNIT_TYPE
from plone import api

import re
import unicodedata


MAX_QUERY = 100  # characters of a query that are read
_WORD = re.compile(r"[0-9a-z]+")
# Kinds a title may start with, longest first (the official list's division types).
KINDS = (
    "thành phố trung ương",
    "thành phố",
    "đặc khu",
    "thị trấn",
    "phường",
    "tỉnh",
    "xã",
)


def fold(text):
    """``text`` lower-cased, without diacritics, with đ as d: ``"Thuận Hóa"`` → ``"thuan hoa"``."""
    text = unicodedata.normalize("NFD", (text or "").lower()).replace("đ", "d")
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def words(text):
    return _WORD.findall(fold(text))


def name_of(title):
    """The name of a unit without its kind: ``"Phường Thuận Hóa"`` → ``"Thuận Hóa"``."""
    lowered = (title or "").lower()
    for kind in KINDS:
        if lowered.startswith(kind + " "):
            return title[len(kind) + 1 :].strip()
    return title or ""


@dataclass(frozen=True)
class UnitName:
    code: str
    title: str
    name: str
    level: str
    path: str  # physical path below the portal, e.g. "vn/46/19786"
    parent_path: str
    parent_title: str
    folded: tuple  # the words of the title, folded
    key: str  # the folded name: what lists sort by

    @property
    def initial(self):
        return (self.key[:1] or "#").upper()


_CACHE = {}


def index(portal=None):
    """Every unit as a ``UnitName``, in tree order of their paths."""
    portal = portal or api.portal.get()
    catalog = api.portal.get_tool("portal_catalog")
    cache_key = ("/".join(portal.getPhysicalPath()), catalog.getCounter())
    if cache_key not in _CACHE:
        _CACHE.clear()
        _CACHE[cache_key] = _build(portal, catalog)
    return _CACHE[cache_key]


def _build(portal, catalog):
    root = len(portal.getPhysicalPath())
    brains = catalog.unrestrictedSearchResults(portal_type=UNIT_TYPE)
    rows = []
    for brain in brains:
        path = brain.getPath().split("/")[root:]
        rows.append((path, brain))
    titles = {"/".join(path): brain.Title for path, brain in rows}
    found = []
    for path, brain in sorted(rows, key=lambda row: row[0]):
        parent = "/".join(path[:-1])
        name = name_of(brain.Title)
        found.append(
            UnitName(
                code=brain.unit_code,
                title=brain.Title,
                name=name,
                level=brain.unit_level,
                path="/".join(path),
                parent_path=parent,
                parent_title=titles.get(parent, ""),
                folded=tuple(words(brain.Title)),
                key=fold(name),
            )
        )
    return tuple(found)


def _rank(unit, query_words):
    """Lower is better: the whole name, then a name that starts with the query, then any
    unit whose words start with every query word; provinces before communes."""
    joined = " ".join(query_words)
    name = " ".join(words(unit.name))
    if name == joined:
        closeness = 0
    elif name.startswith(joined):
        closeness = 1
    else:
        closeness = 2
    return (closeness, len(unit.path.split("/")), unit.key, unit.code)


def find(query, limit=20, portal=None):
    """``(units, total)``: the units whose title holds every word of ``query`` (each as the
    start of a word of the title, without diacritics) or whose code is ``query``, best
    first, at most ``limit`` of them."""
    query_words = words((query or "")[:MAX_QUERY])
    if not query_words:
        return [], 0
    matches = [
        unit
        for unit in index(portal)
        if unit.code == query_words[0]
        or all(
            any(word.startswith(wanted) for word in unit.folded)
            for wanted in query_words
        )
    ]
    matches.sort(key=lambda unit: _rank(unit, query_words))
    return matches[:limit], len(matches)


def children(unit_path, portal=None):
    """The units directly under the unit at ``unit_path`` (below the portal), by name."""
    return sorted(
        (unit for unit in index(portal) if unit.parent_path == unit_path),
        key=lambda unit: (unit.key, unit.code),
    )
