"""The lists of one user's work, as catalog queries: my drafts, my items waiting and where,
my rejected items with the reason, what waits for my approval, and what my units published
today and where it went.

Each list is a lazy catalog result (``api.content.find``, so only what the user may see),
sorted by an index, so that a page of it costs the same at 50,000 items as at 50. Only the
items of the page shown are woken up, by :func:`describe`, to read what the catalog does not
hold: the last rejection's comment (``nguon.workflow.audit``) and where a published item went
(``nguon.publication.targeting.reach`` and ``nguon.content.channels``).
"""

from DateTime import DateTime
from datetime import datetime
from datetime import time
from nguon.content.channels import channels
from nguon.content.channels import DISTRIBUTED_TYPES
from nguon.content.timezone import LOCAL_ZONE
from nguon.ledger.coverage import summary as coverage_summary
from nguon.publication.targeting import reach
from nguon.units.tree import find_unit
from nguon.units.tree import GROUP_KINDS
from nguon.units.tree import group_unit_code
from nguon.workflow.approval import approver_units
from nguon.workflow.approval import is_manager
from nguon.workflow.approval import WAITING_STATES
from nguon.workflow.audit import last_rejection
from nguon.workflow.queue import waiting_for
from plone import api


# The lists, in the order the home page shows them.
LISTS = ("queue", "rejected", "waiting", "drafts", "published_today")
# Items of each list on a home (the page, and ``@my-work`` without a list name).
SHOWN = 10


def member_units(user=None):
    """Codes of the units whose groups (editors, approvers, admins) ``user`` belongs to."""
    user = user or api.user.get_current()
    codes = set()
    for group in user.getGroups() if hasattr(user, "getGroups") else ():
        for kind in GROUP_KINDS:
            code = group_unit_code(group, kind)
            if code:
                codes.add(code)
    return codes


def is_staff(user=None):
    """Whether ``user`` works in the system: a member of a unit's groups, or a Manager."""
    user = user or api.user.get_current()
    return bool(member_units(user)) or is_manager(user)


def start_of_today(now):
    """Midnight today in the system's time zone (Vietnam), as a Zope ``DateTime``."""
    midnight = datetime.combine(now.astimezone(LOCAL_ZONE).date(), time(), LOCAL_ZONE)
    return DateTime(midnight.isoformat())


def _mine(userid, states, sort_on):
    return api.content.find(
        portal_type=list(DISTRIBUTED_TYPES),
        Creator=userid,
        review_state=states,
        sort_on=sort_on,
        sort_order="descending" if sort_on == "modified" else "ascending",
    )


def in_waiting_order(brains):
    """``brains`` oldest wait first, to the millisecond: the catalog's date index keeps
    minutes, so two items that began to wait in the same minute came back in no set order
    (one user's waiting items: a short list, sorted here from the metadata column)."""

    def since(brain):
        value = brain.waiting_since
        return value.timeTime() if isinstance(value, DateTime) else 0.0

    return sorted(brains, key=since)


def published_today(user=None, now=None):
    """Items of ``user``'s units published since midnight, newest first (by their effective
    date, which the ``publish`` transition sets; one dated later is not counted before its
    time). A Manager who is in no unit sees what every unit published; anyone else in no
    unit sees nothing."""
    user = user or api.user.get_current()
    now = now or datetime.now(LOCAL_ZONE)
    query = {
        "portal_type": list(DISTRIBUTED_TYPES),
        "review_state": "published",
        "effective": {
            "query": (start_of_today(now), DateTime(now.isoformat())),
            "range": "min:max",
        },
        "sort_on": "effective",
        "sort_order": "descending",
    }
    units = member_units(user)
    if units:
        query["owning_unit"] = sorted(units)
    elif not is_manager(user):
        return []
    return api.content.find(**query)


def work_list(name, user=None):
    """The catalog results of list ``name`` (one of :data:`LISTS`) for ``user`` (default: the
    current user); ``KeyError`` for another name."""
    user = user or api.user.get_current()
    userid = user.getId()
    if name == "drafts":
        return _mine(userid, "draft", "modified")
    if name == "waiting":
        return in_waiting_order(_mine(userid, list(WAITING_STATES), "waiting_since"))
    if name == "rejected":
        return _mine(userid, "rejected", "modified")
    if name == "queue":
        return waiting_for(user)
    if name == "published_today":
        return published_today(user)
    raise KeyError(name)


def approves(user=None):
    """Whether ``user`` has an approval queue at all (an approver somewhere, or a Manager)."""
    user = user or api.user.get_current()
    return bool(approver_units(user)) or is_manager(user)


class UnitTitles(dict):
    """Unit titles by code, each looked up once."""

    def __missing__(self, code):
        unit = find_unit(code)
        title = self[code] = unit.Title() if unit is not None else code
        return title


def describe(name, brain, titles):
    """What list ``name`` says of one item: a dict of plain values and ``DateTime``s (the
    REST service and the page format them). ``titles`` is a :class:`UnitTitles`."""
    entry = {
        "url": brain.getURL(),
        "uid": brain.UID,
        "title": brain.Title,
        "type": brain.portal_type,
        "review_state": brain.review_state,
        "modified": brain.modified,
        "creator": brain.Creator,
    }
    if name in ("waiting", "queue"):
        code = brain.awaiting_unit
        entry.update(
            awaiting_unit=code,
            awaiting_unit_title=titles[code] if code else None,
            waiting_since=brain.waiting_since,
        )
    elif name == "rejected":
        rejection = last_rejection(brain.getObject()) or {}
        entry.update(
            reason=rejection.get("comment") or "",
            rejected_by=rejection.get("actor"),
            rejected_at=rejection.get("time"),
        )
    elif name == "published_today":
        item = brain.getObject()
        entry.update(
            owning_unit=brain.owning_unit,
            owning_unit_title=titles[brain.owning_unit] if brain.owning_unit else None,
            effective=brain.effective,
            reach=[
                {"unit": code, "title": titles[code], "below": below}
                for code, below in reach(item)
            ],
            channels=list(channels(item)),
            coverage=coverage_summary(api.portal.get(), brain.UID),
        )
    return entry
