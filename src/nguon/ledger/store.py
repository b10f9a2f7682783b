"""Where the ledger lives: one ``Ledger`` in the site's annotations (``KEY``).

The store was chosen by measuring it beside PostgreSQL and a Solr core on the same records
(``tests/bench/bench_ledger.py``, docs/benchmarks.md, docs/ledger.md). Its trees are shaped so
that the writers that run at once (devices reporting, pushes acknowledged) touch different
keys, which BTrees' conflict resolution merges, and so that every read is a few key lookups
or one range scan, whatever the number of records:

- ``records``: ``(item, unit, channel, at, device, kind) -> detail``. Insert-only: nothing
  in the product removes or rewrites a record (retraction, deletion and merges leave them).
- ``obligations``: item UID -> ``Obligation``, what an essential item must reach.
- ``by_area``: ``(area code, published, item)`` for every unit of every target's lineage:
  an area's essential items in time order (its gaps, its page).
- ``counters``: ``(unit code, figure, dimension, period) -> int``: figures kept per receiving
  unit only (never per ancestor, so a province's hot keys are not shared by its communes'
  writers), per day (``d2026-11-30``) and per month (``m2026-11``); an area's figure is the
  sum over its units (``nguon.ledger.figures``).
- ``published``: item UID -> when it was first published, so that a republished item is
  counted once.
- ``aliases``: a merged unit's code -> the code it was merged into (its records and figures
  stay under the old code and count for the new unit).
- ``rolled_up`` and ``rolled_up_from``: on a site other sites report to (central), the
  counters of the units another site delivers to, keyed like ``counters``, and for each
  such unit code the source that sent them. Such a unit's figures are the source's: it did
  the delivering there (``nguon.ledger.counters.tree``). None until the first figures come.
"""

from Acquisition import aq_base
from BTrees.Length import Length
from BTrees.OIBTree import OIBTree
from BTrees.OOBTree import OOBTree
from nguon.annotations import site_state
from persistent import Persistent


KEY = "nguon.ledger"


class Ledger(Persistent):
    rolled_up = None  # (unit code, figure, dimension, period) -> int, from other sites
    rolled_up_from = None  # unit code -> the source its figures came from

    def __init__(self):
        self.records = OOBTree()
        self.obligations = OOBTree()
        self.by_area = OOBTree()
        self.counters = OIBTree()
        self.aliases = OOBTree()
        self.published = OOBTree()  # item UID -> when it was first published (UTC ISO)


class ObligationDetail(Persistent):
    """What only pages read of an obligation: each receiving unit's lineage and title when
    the obligation was made. Kept apart so that recording a proof never loads it."""

    def __init__(self, lineages, titles):
        self.lineages = dict(lineages)  # unit code -> codes from the top down to it
        self.titles = dict(titles)  # unit code -> title when the obligation was made


class Obligation(Persistent):
    """What one essential item must reach: every receiving unit (``units``, in tree order) on
    every required channel (``channels``), fixed when the item is first published; the first
    proof of each pair (``proofs``, a BTree so that devices of different units proving at
    once do not conflict; ``delivered`` counts them in a conflict-resolving ``Length``) and
    the last failure reported (``failures``). ``common`` holds the areas that contain every
    receiving unit; the units' lineages and titles are in ``detail``."""

    def __init__(self, item_uid, facts, units, channels, lineages, titles):
        self.item = item_uid
        self.facts = dict(
            facts
        )  # title, path, unit, type, priority, published, channels
        self.units = tuple(units)
        self.channels = tuple(channels)
        found = [set(lineages[unit]) for unit in self.units]
        self.common = frozenset(found[0].intersection(*found[1:]) if found else ())
        self.detail = ObligationDetail(lineages, titles)
        self.proofs = OOBTree()  # (unit, channel) -> (at, kind, device)
        self.failures = OOBTree()  # (unit, channel) -> (at, kind, device, message)
        self.delivered = Length()  # how many pairs have a proof

    def __setstate__(self, state):
        # Obligations made before ``units``/``channels``/``detail`` kept their pairs whole.
        if "required" in state:
            required = state.pop("required")
            state["units"] = tuple(dict.fromkeys(unit for unit, _c in required))
            state["channels"] = tuple(dict.fromkeys(c for _unit, c in required))
            lineages = state.pop("lineages")
            found = [set(codes) for codes in lineages.values()]
            state["common"] = frozenset(
                found[0].intersection(*found[1:]) if found else ()
            )
            state["detail"] = ObligationDetail(lineages, state.pop("titles"))
        super().__setstate__(state)

    @property
    def required(self):
        """Every ``(unit code, channel)`` pair, unit by unit."""
        return tuple(
            (unit, channel) for unit in self.units for channel in self.channels
        )

    @property
    def size(self):
        return len(self.units) * len(self.channels)

    def requires(self, pair):
        """Whether ``(unit code, channel)`` is one of the pairs."""
        units = getattr(self, "_v_units", None)
        if units is None:
            units = self._v_units = frozenset(self.units)
        return pair[0] in units and pair[1] in self.channels

    @property
    def lineages(self):
        return self.detail.lineages

    @property
    def titles(self):
        return self.detail.titles

    @property
    def complete(self):
        """Every required pair has a proof."""
        return self.delivered() >= self.size

    @property
    def emergency(self):
        return self.facts.get("priority") == "emergency"

    @property
    def published(self):
        return self.facts["published"]


def install(portal):
    """Create the ledger of the site (setup and upgrade steps); idempotent."""
    found = site_state(portal, KEY, Ledger, create=True)
    aq_base(portal)._v_nguon_ledger = None  # ``ledger`` finds it again
    return found


def ledger(portal):
    """The site's ``Ledger``, or None before it is installed (requests never create it).
    Kept on the site object for the life of its connection's copy (a volatile attribute):
    every delivery asks, and the ledger, once made, is never replaced."""
    site = aq_base(portal)
    found = getattr(site, "_v_nguon_ledger", None)
    if found is None or found._p_jar is not site._p_jar:
        found = site_state(portal, KEY, Ledger)
        if found is not None:
            site._v_nguon_ledger = found
    return found
