"""Find a unit by its name as people type it: without diacritics, in any case, in any order (the citizen's "find your commune").

"thuan hoa" finds "Phường Thuận Hóa", "hue" finds "Thành phố Huế", "19786" finds the unit
with that official code. Names are folded (diacritics removed, đ → d, lower case) once per
change of the units: the index of every unit (3,321 communes and 34 provinces in the
official list) is a list in memory, rebuilt when the site's *units generation* moves. Units
are public landmarks (always published), so the index holds every unit.

The units generation (``GENERATION``, a counter in the site's annotations, shared by every
process of the database) is moved by ``UnitsProcessor``, an indexing queue processor, when
the catalog takes a unit whose facts the list shows (code, title, level, path) are not
those it noted last (``FACTS``, beside the counter), or removes one: a unit added, moved,
renamed or removed, not one reindexed because an item was added to it. Until then the
index was rebuilt at every move of the catalog's counter, that is after any write to the
catalog: in every request that publishes an item (the ledger reads it), each rebuild
reading every unit of the site, each reading of the counter processing the transaction's
indexing queue. Where there is no counter yet, or the units changed in the current
transaction (not committed, or still in the queue), the catalog's counter decides as before.

A unit's *name* is its title without its kind ("Thuận Hóa" of "Phường Thuận Hóa"): lists
of communes are sorted and grouped by it.

The index also holds each unit's point (``nguon.units.location``, the catalog's
``unit_location``), part of the facts that move the generation: ``nearest`` ranks the located
units by their great-circle distance from a point, for "the communes near me": a scan of
the list, about 17 ms for the 3,321 communes of the official list (tests/unit/test_unit_geo.py's
index, one shared core).
"""

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from dataclasses import dataclass
from nguon.units.geo import distance_km
from nguon.units.tree import UNIT_TYPE
from plone import api
from Products.CMFCore.indexing import getQueue
from Products.CMFCore.interfaces import IIndexQueueProcessor
from Products.CMFCore.utils import getToolByName
from zope.annotation.interfaces import IAnnotations
from zope.component.hooks import getSite
from zope.interface import implementer

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
    # the unit's point (nguon.units.location), if it has one
    latitude: float | None = None
    longitude: float | None = None

    @property
    def initial(self):
        return (self.key[:1] or "#").upper()


_CACHE = {}  # {cache key: units}, one key at a time
GENERATION = "nguon.units.generation"  # site annotation: a BTrees.Length
# site annotation: {unit path: (code, title, level, point)}
FACTS = "nguon.units.facts"


@implementer(IIndexQueueProcessor)
class UnitsProcessor:
    """Moves the units generation when the catalog takes a unit whose facts the list
    shows changed (see the module)."""

    def index(self, obj, attributes=None):
        self._changed(obj)

    def reindex(self, obj, attributes=None, update_metadata=1):
        self._changed(obj)

    def unindex(self, obj):
        self._changed(obj, removed=True)

    def begin(self):
        pass

    def commit(self):
        pass

    def abort(self):
        pass

    def _changed(self, obj, removed=False):
        if getattr(obj, "portal_type", None) != UNIT_TYPE:
            return
        tool = getToolByName(obj, "portal_url", None)
        portal = tool.getPortalObject() if tool is not None else getSite()
        annotations = IAnnotations(portal, None)
        if annotations is None:
            return
        facts = annotations.get(FACTS)
        if facts is None:
            facts = annotations[FACTS] = OOBTree()
        path = "/".join(obj.getPhysicalPath()[len(portal.getPhysicalPath()) :])
        if removed:
            facts.pop(path, None)
        else:
            now = (
                getattr(obj, "code", None),
                obj.Title(),
                getattr(obj, "level", None),
                _point(getattr(obj, "latitude", None), getattr(obj, "longitude", None)),
            )
            if facts.get(path) == now:
                return
            facts[path] = now
        counter = annotations.get(GENERATION)
        if counter is None:
            counter = annotations[GENERATION] = Length()
        counter.change(1)


def _units_queued():
    """Whether the transaction's indexing queue holds a unit not yet processed."""
    return any(
        getattr(entry[1], "portal_type", None) == UNIT_TYPE
        for entry in getQueue().getState()
    )


def _cache_key(portal, catalog):
    """What the index of ``portal`` is cached under: its units generation as committed
    (the counter's object id and last transaction name the database too), else the
    catalog's counter."""
    site = "/".join(portal.getPhysicalPath())
    counter = IAnnotations(portal).get(GENERATION)
    if counter is not None and not _units_queued():
        value = counter()
        if not counter._p_changed:
            return (site, "units", counter._p_oid, counter._p_serial, value)
    return (site, "catalog", catalog.getCounter())


def index(portal=None):
    """Every unit as a ``UnitName``, in tree order of their paths."""
    portal = portal or api.portal.get()
    catalog = api.portal.get_tool("portal_catalog")
    cache_key = _cache_key(portal, catalog)
    units = _CACHE.get(cache_key)
    if units is None:
        units = _build(portal, catalog)
        _CACHE.clear()
        _CACHE[cache_key] = units
    return units


def _point(latitude, longitude):
    if latitude is None or longitude is None:
        return None
    return (float(latitude), float(longitude))


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
        point = getattr(brain, "unit_location", None)  # none before the upgrade step
        latitude, longitude = point if isinstance(point, tuple) else (None, None)
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
                latitude=latitude,
                longitude=longitude,
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


def _matches(unit, query_words):
    return unit.code == query_words[0] or all(
        any(word.startswith(wanted) for word in unit.folded) for wanted in query_words
    )


def find(query, limit=20, portal=None, level=None):
    """``(units, total)``: the units whose title holds every word of ``query`` (each as the
    start of a word of the title, without diacritics) or whose code is ``query``, best
    first, at most ``limit`` of them (of ``level`` only, when given)."""
    query_words = words((query or "")[:MAX_QUERY])
    if not query_words:
        return [], 0
    matches = [
        unit
        for unit in index(portal)
        if (level is None or unit.level == level) and _matches(unit, query_words)
    ]
    matches.sort(key=lambda unit: _rank(unit, query_words))
    return matches[:limit], len(matches)


def nearest(latitude, longitude, limit=20, portal=None, level=None, query=None):
    """``(pairs, total)``: ``(unit, distance in km)`` for the located units nearest to the
    point, nearest first (then by name), at most ``limit`` of them, of ``level`` only when
    given and, with ``query``, only those whose name ``find`` would match. Units without a
    point are left out; ``total`` counts the located units that qualify."""
    query_words = words((query or "")[:MAX_QUERY])
    pairs = [
        (unit, distance_km(latitude, longitude, unit.latitude, unit.longitude))
        for unit in index(portal)
        if unit.latitude is not None
        and (level is None or unit.level == level)
        and (not query_words or _matches(unit, query_words))
    ]
    pairs.sort(key=lambda pair: (pair[1], pair[0].key, pair[0].code))
    return pairs[:limit], len(pairs)


def children(unit_path, portal=None):
    """The units directly under the unit at ``unit_path`` (below the portal), by name."""
    return sorted(
        (unit for unit in index(portal) if unit.parent_path == unit_path),
        key=lambda unit: (unit.key, unit.code),
    )
