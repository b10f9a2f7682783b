"""The citizen's pages: the home (the site root's view), each unit's page, the list of the
units under a unit, and "find your commune".

Everything they show of items is read from the change log (``nguon.publication``), which
holds only what is published, in effect and within its approved reach, as the anonymous user
sees it: a draft, a pending or an expired item is never there. Stations and boards are
private configuration; their pages show only a public summary read with the system's rights:
their names, a board's location, the next broadcast slots and what a board shows now (titles
of published items), never clusters, device ids, tokens or reports.

The latest essential information is the latest live items that the delivery ledger counts as
essential (``nguon.publication.essential``: the author's mark, the policy, every emergency), found
with the catalog's ``is_essential`` index among the change log's live items (docs/citizen.md).
"""

from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.boards import playlist as board_playlist
from nguon.content.timezone import LOCAL_ZONE
from nguon.publication.feeds import Filters
from nguon.publication.feeds import UnitFeed
from nguon.publication.store import storage
from nguon.radio import schedule
from nguon.units import finder
from nguon.units.tree import lineage
from plone import api
from plone.batching import Batch
from Products.Five import BrowserView
from zope.component import getMultiAdapter

import heapq
import time


SCAN = 5000  # live entries the home page examines at most, newest first
EMERGENCY = Filters(priorities=("emergency",))
NATIONWIDE = "__nationwide__"
UNITS_PER_PAGE = 60
SLOTS_SHOWN = 3


def in_force(entry, now):
    expires = entry.get("expires")
    return entry["effective"] <= now and (expires is None or expires > now)


def local_time(seconds):
    if not seconds:
        return ""
    return datetime.fromtimestamp(seconds, LOCAL_ZONE).strftime("%d/%m/%Y %H:%M")


def live_everywhere(store, scan=SCAN):
    """``(entry, reach)`` of every item live for any unit, newest effective first, at most
    ``scan`` live keys examined."""
    merged = heapq.merge(*(anchor.live.keys() for anchor in store.anchors.values()))
    seen = set()
    for examined, (_effective, uid) in enumerate(merged):
        if examined >= scan:
            return
        if uid in seen:
            continue
        seen.add(uid)
        record = store.items.get(uid)
        if record is not None and record.live and record.entry:
            yield record.entry, record.reach


class CitizenPage(BrowserView):
    """What the citizen's pages share: item links, the stores, the time."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.portal = api.portal.get()
        self.portal_url = self.portal.absolute_url()
        self.now = time.time()

    def store(self):
        return storage(self.portal)

    def item(self, entry):
        return {
            "title": entry["title"],
            "summary": entry["summary"],
            "url": f"{self.portal_url}/{entry['path']}",
            "unit": entry["unit"]["title"],
            "priority": entry["priority"],
            "priority_title": entry.get("priority_title") or entry["priority"],
            "category_title": entry.get("category_title") or "",
            "effective": local_time(entry["effective"]),
            "expires": local_time(entry.get("expires")),
        }

    def unit_url(self, unit):
        return f"{self.portal_url}/{unit.path}"

    def provinces(self):
        return sorted(
            (u for u in finder.index(self.portal) if u.level == "province"),
            key=lambda u: u.key,
        )


class CitizenHome(CitizenPage):
    """The site root's view: warnings in force everywhere, grouped by province; the latest
    essential information; the latest items; find your commune; the search box."""

    def update(self):
        store = self.store()
        live = list(live_everywhere(store)) if store is not None else []
        self.live = [
            (entry, reach) for entry, reach in live if in_force(entry, self.now)
        ]

    def __call__(self):
        self.update()
        return self.index()

    def warnings(self):
        """``[{"title": province, "url", "items"}]``: every emergency in force, in each
        province it reaches (nationwide ones first)."""
        by_path = {u.code: u for u in finder.index(self.portal)}
        paths = {u.path: u for u in by_path.values()}
        groups = {}
        for entry, reach in self.live:
            if entry["priority"] != "emergency":
                continue
            for key in {self._province(code, by_path, paths) for code, _b in reach}:
                groups.setdefault(key, []).append(self.item(entry))
        nationwide = groups.pop(NATIONWIDE, None)
        found = []
        if nationwide:
            title = _("citizen_nationwide", default="Toàn quốc")
            found.append({"title": title, "url": None, "entries": nationwide})
        for province in sorted(
            (paths[key] for key in groups), key=lambda unit: unit.key
        ):
            found.append(
                {
                    "title": province.title,
                    "url": self.unit_url(province),
                    "entries": groups[province.path],
                }
            )
        return found

    @staticmethod
    def _province(code, by_code, by_path):
        unit = by_code.get(code)
        if unit is None:
            return NATIONWIDE
        parts = unit.path.split("/")
        for depth in range(1, len(parts) + 1):
            above = by_path.get("/".join(parts[:depth]))
            if above is not None and above.level == "province":
                return above.path
        return NATIONWIDE

    def essential(self, size=8):
        uids = [entry["uid"] for entry, _reach in self.live]
        marked = (
            {brain.UID for brain in api.content.find(UID=uids, is_essential=True)}
            if uids
            else set()
        )
        return [
            self.item(entry) for entry, _reach in self.live if entry["uid"] in marked
        ][:size]

    def latest(self, size=8):
        return [self.item(entry) for entry, _reach in self.live[:size]]


class UnitPage(CitizenPage):
    """A unit's page: warnings in force for it, its latest items (its own and those from
    above targeted at it), its radio schedule, its boards, and the units under it."""

    def feed(self, filters=Filters()):
        store = self.store()
        if store is None:
            return None
        return UnitFeed(
            store, [code for code, _level in lineage(self.context)], filters
        )

    def warnings(self):
        """The emergencies in force for the unit (its own and those from above), and for a
        unit with units under it those reaching any of them, newest first."""
        feed = self.feed(EMERGENCY)
        if feed is None:
            return []
        found = {entry["uid"]: entry for entry in feed.current(size=20).entries}
        prefix = self.path() + "/"
        below = {u.code for u in finder.index(self.portal) if u.path.startswith(prefix)}
        if below:
            for entry, reach in live_everywhere(self.store()):
                if entry["priority"] == "emergency" and any(
                    code in below for code, _below in reach
                ):
                    found.setdefault(entry["uid"], entry)
        return [
            self.item(entry)
            for entry in sorted(found.values(), key=lambda e: -e["effective"])
            if in_force(entry, self.now)
        ]

    def latest(self, size=10):
        feed = self.feed()
        if feed is None:
            return []
        return [
            self.item(entry)
            for entry in feed.current(size=size + 10).entries
            if in_force(entry, self.now)
        ][:size]

    def _devices(self, portal_type):
        catalog = api.portal.get_tool("portal_catalog")
        brains = catalog.unrestrictedSearchResults(
            portal_type=portal_type,
            path={"query": "/".join(self.context.getPhysicalPath()), "depth": 1},
            sort_on="sortable_title",
        )
        return [brain._unrestrictedGetObject() for brain in brains]

    def stations(self):
        """Each station's name and its next slots with the titles that will air."""
        found = []
        for station in self._devices("RadioStation"):
            document = schedule.document(self.portal, station, lambda uid: "")
            slots = [
                {
                    "start": datetime.fromisoformat(slot["start"]).strftime(
                        "%H:%M %d/%m/%Y"
                    ),
                    "end": datetime.fromisoformat(slot["end"]).strftime("%H:%M"),
                    "titles": [item["title"] for item in slot["items"]],
                }
                for slot in document["slots"]
            ][:SLOTS_SHOWN]
            found.append({"title": station.Title(), "slots": slots})
        return found

    def boards(self):
        """Each board's name, location and the titles it shows now."""
        now = datetime.now(UTC)
        found = []
        for board in self._devices("PublicBoard"):
            shown = board_playlist.build(self.portal, board, now)
            titles = list(dict.fromkeys(slide["title"] for slide in shown["slides"]))
            found.append(
                {
                    "title": board.Title(),
                    "location": board.location,
                    "emergency": shown["emergency"],
                    "open": shown["open"],
                    "titles": titles,
                }
            )
        return found

    def path(self):
        return "/".join(
            self.context.getPhysicalPath()[len(self.portal.getPhysicalPath()) :]
        )

    def children(self):
        return finder.children(self.path(), self.portal)

    def initials(self):
        return sorted({unit.initial for unit in self.children()})


class UnitChildren(UnitPage):
    """The units under a unit (a province's communes): alphabetical by name, by initial,
    in pages of ``UNITS_PER_PAGE``."""

    def letter(self):
        letter = str(self.request.form.get("letter", ""))[:1].upper()
        return letter if letter in self.initials() else ""

    def batch(self):
        letter = self.letter()
        units = [u for u in self.children() if not letter or u.initial == letter]
        try:
            start = max(0, int(self.request.form.get("b_start", 0)))
        except (TypeError, ValueError):
            start = 0
        return Batch(units, UNITS_PER_PAGE, start)

    def navigation(self, batch):
        return getMultiAdapter((self.context, self.request), name="batchnavigation")(
            batch
        )


class FindUnit(CitizenPage):
    """``@@tim-don-vi?q=``: the units whose name holds the words typed (no diacritics
    needed), for browsers without scripts; the box on every citizen page asks ``@find-unit``
    as one types."""

    def query(self):
        return str(self.request.form.get("q", ""))[: finder.MAX_QUERY]

    def results(self):
        units, total = finder.find(self.query(), limit=50, portal=self.portal)
        return units, total
