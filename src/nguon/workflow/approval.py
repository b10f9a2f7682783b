"""Where an item stands in its approval chain, and who may act on it.

The chain is computed from the policy when the item is submitted and kept on the item, with
the approvals given so far; ``awaiting_unit`` is the code of the unit whose approvers must act
next. Users are approvers of a unit through its ``approvers`` group.
"""

from datetime import datetime
from nguon.units.tree import find_unit
from nguon.units.tree import group_unit_code
from nguon.units.tree import item_unit
from nguon.units.tree import lineage
from nguon.workflow.chain import approval_chain
from nguon.workflow.fingerprint import digests
from nguon.workflow.policy import active_policy
from nguon.workflow.scope import reach_pairs
from nguon.workflow.state import review_state
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from plone import api
from types import MappingProxyType
from zope.annotation.interfaces import IAnnotations


ANNOTATION_KEY = "nguon.workflow.approval"
WAITING_STATES = ("pending", "approved_at_level")


def _now():
    return datetime.now().astimezone().isoformat(timespec="seconds")


def facts(item):
    """What the policy may test about an item."""
    return {
        "type": item.portal_type,
        "priority": getattr(item, "priority", None) or "normal",
        "category": getattr(item, "category", None),
        "target_scope": getattr(item, "target_scope", None) or "unit",
    }


def approval_chain_for(facts, own_lineage, target_codes):
    """The chain the policy asks for an item with ``facts`` (type, priority, category,
    target_scope) in the unit of ``own_lineage``, targeting the units ``target_codes``."""
    rule = active_policy().rule_for(facts)
    targets = [
        lineage(unit) for unit in map(find_unit, target_codes or ()) if unit is not None
    ]
    return approval_chain(rule, own_lineage, targets or [own_lineage])


def compute_chain(item):
    item_facts, unit = facts(item), item_unit(item)
    pairs = reach_pairs(
        item_facts["target_scope"], unit.code, getattr(item, "target_units", None)
    )
    chain = approval_chain_for(
        item_facts, lineage(unit), [code for code, _below in pairs]
    )
    return chain, active_policy().rule_for(item_facts).name


class ApprovalState:
    """The approval record kept on an item (in an annotation)."""

    EMPTY = MappingProxyType(
        {
            "chain": (),
            "step": 0,
            "rule": "",
            "approvals": (),
            "skipped": (),
            "emergency": False,
            "digests": {},
            "previous_digests": {},
        }
    )

    def __init__(self, item):
        self.item = item
        # Reading (e.g. while indexing) never writes: the record is stored on first change.
        self.data = IAnnotations(item).get(ANNOTATION_KEY, self.EMPTY)

    def for_update(self):
        """The stored record, created if the item has none yet."""
        if self.data is self.EMPTY:
            self.data = IAnnotations(self.item)[ANNOTATION_KEY] = PersistentMapping(
                dict(self.EMPTY), approvals=PersistentList()
            )
        return self.data

    @property
    def chain(self):
        return tuple(self.data["chain"])

    @property
    def step(self):
        return self.data["step"]

    @property
    def awaiting_unit(self):
        """The unit code whose approvers must act now, or None when nothing waits."""
        if review_state(self.item) not in WAITING_STATES:
            return None
        chain = self.chain
        return chain[self.step] if self.step < len(chain) else None

    @property
    def is_last_step(self):
        return self.step >= len(self.chain) - 1

    @property
    def emergency(self):
        return self.data["emergency"]

    @property
    def skipped(self):
        return tuple(self.data["skipped"])

    @property
    def approvals(self):
        return list(self.data["approvals"])

    @property
    def digests(self):
        """Digests of what was submitted (``nguon.workflow.fingerprint``)."""
        return dict(self.data.get("digests") or {})

    @property
    def previous_digests(self):
        """Digests of what the previous, voided approval round had approved."""
        return dict(self.data.get("previous_digests") or {})

    def start(self):
        """A new approval round for what the item says now; approvals so far are voided."""
        chain, rule = compute_chain(self.item)
        previous = self.digests if self.approvals else self.previous_digests
        self.for_update().update(
            chain=chain,
            step=0,
            rule=rule,
            skipped=(),
            emergency=False,
            approvals=PersistentList(),
            digests=digests(self.item),
            previous_digests=previous,
        )

    def record_approval(self, userid):
        """Called after the approving transition: the step not yet advanced is the one done."""
        unit = self.chain[self.step] if self.step < len(self.chain) else ""
        self.for_update()["approvals"].append(
            {"unit": unit, "user": userid, "time": _now()}
        )
        self.data["step"] = self.step + 1

    def record_emergency(self, userid, acting_unit):
        remaining = self.chain[self.step :] if self.chain else ()
        self.for_update().update(
            emergency=True, skipped=tuple(c for c in remaining if c != acting_unit)
        )
        self.data["approvals"].append(
            {"unit": acting_unit, "user": userid, "time": _now(), "emergency": True}
        )


def approver_units(user=None):
    """Codes of the units ``user`` (default: the current user) approves for."""
    user = user or api.user.get_current()
    codes = set()
    for group in user.getGroups() if hasattr(user, "getGroups") else ():
        code = group_unit_code(group, "approvers")
        if code:
            codes.add(code)
    return codes


def is_manager(user=None):
    user = user or api.user.get_current()
    return "Manager" in user.getRoles() or "Site Administrator" in user.getRoles()


def is_author(item, user=None):
    user = user or api.user.get_current()
    return user.getId() is not None and user.getId() in item.listCreators()


def approving_unit_in_area(item, user=None):
    """The lowest unit of the item's lineage (its own unit or above) that ``user`` approves
    for, or None."""
    mine = approver_units(user)
    for code, _level in reversed(lineage(item_unit(item))):
        if code in mine:
            return code
    return None
