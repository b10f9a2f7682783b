"""What publishing an item writes into the ledger (once per item, at its first publication):

- the figures of every published item: ``published`` per channel and per category, and the
  time each approving level took (``approval_s``/``approval_n`` per level), for the units that
  wrote and approved it;
- for an essential item (``nguon.publication.essential``), its ``Obligation``: every unit it is
  received by (``nguon.ledger.units.receiving_units`` of its deliverable reach) times every
  channel it requires, with the ``required`` figure of each receiving unit and the item listed
  under every unit of their lineages (``by_area``), so each level finds its gaps.
"""

from datetime import datetime
from datetime import UTC
from nguon.content.channels import channels
from nguon.content.channels import is_distributed
from nguon.ledger.counters import bump
from nguon.ledger.counters import local_day
from nguon.ledger.store import ledger
from nguon.ledger.store import Obligation
from nguon.ledger.units import level_of
from nguon.ledger.units import lineage_codes
from nguon.ledger.units import receiving_units
from nguon.publication.essential import is_essential
from nguon.publication.essential import required_channels
from nguon.publication.targeting import reach
from nguon.units.tree import item_unit
from nguon.workflow.approval import ApprovalState
from plone import api


PUBLISHED = "published"


def _iso(moment):
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def on_transition(item, event):
    """Subscriber: an item's first publication is entered in the ledger."""
    if event.new_state is None or event.new_state.id != PUBLISHED:
        return
    if not is_distributed(item):
        return
    store = ledger(api.portal.get())
    if store is None or item.UID() in store.published:
        return
    enter(store, item, datetime.now(UTC))


def enter(store, item, now, essential=True):
    """Count ``item`` as published at ``now`` and, unless ``essential`` is False (items
    counted after the fact), open its obligation if it is essential."""
    uid = item.UID()
    store.published[uid] = _iso(now)
    unit = item_unit(item)
    code = unit.code if unit is not None else ""
    day = local_day(now)
    category = getattr(item, "category", None) or ""
    bump(store, code, "published", "", day)
    for channel in channels(item):
        bump(store, code, "published", f"channel:{channel}", day)
    if category:
        bump(store, code, "published", f"category:{category}", day)
    _count_approvals(store, item, now)
    if essential and is_essential(item):
        open_obligation(store, item, now)


def _count_approvals(store, item, now):
    """Time each approving unit took: from submission (or the previous approval) to its
    approval, per level, under the approving unit's code."""
    since = _submitted(item)
    for approval in ApprovalState(item).approvals:
        at = _parse(approval.get("time"))
        code = approval.get("unit") or ""
        if at is None or since is None or not code:
            since = at
            continue
        seconds = max(0, int((at - since).total_seconds()))
        level = level_of(code)
        bump(store, code, "approval_s", level, local_day(now), seconds)
        bump(store, code, "approval_n", level, local_day(now))
        since = at


def _submitted(item):
    """When the item was last submitted for approval (its workflow history)."""
    history = api.portal.get_tool("portal_workflow").getInfoFor(
        item, "review_history", []
    )
    submits = [entry["time"] for entry in history if entry.get("action") == "submit"]
    return submits[-1].asdatetime() if submits else None


def _parse(value):
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def open_obligation(store, item, now):
    """The essential item's ``Obligation``, made once."""
    uid = item.UID()
    if uid in store.obligations:
        return store.obligations[uid]
    units = receiving_units(reach(item))
    wanted = required_channels(item)
    required = [(unit.code, channel) for unit in units for channel in wanted]
    lineages = {unit.code: lineage_codes(unit.code) for unit in units}
    owner = item_unit(item)
    facts = {
        "title": item.Title(),
        "path": "/".join(item.getPhysicalPath()),
        "unit": owner.code if owner is not None else "",
        "type": item.portal_type,
        "priority": getattr(item, "priority", None) or "normal",
        "category": getattr(item, "category", None) or "",
        "published": _iso(now),
        "channels": tuple(wanted),
    }
    obligation = store.obligations[uid] = Obligation(
        uid,
        facts,
        [unit.code for unit in units],
        wanted,
        lineages,
        {unit.code: unit.title for unit in units},
    )
    day = local_day(now)
    published = facts["published"]
    for unit_code, channel in required:
        bump(store, unit_code, "required", channel, day)
    areas = {code for codes in lineages.values() for code in codes}
    for area in areas:
        store.by_area[(area, published, uid)] = 1
    return obligation
