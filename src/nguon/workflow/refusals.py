"""Why a transition the guards hide is refused, when the reason is the reach rule: an API
client that tries one anyway gets this sentence instead of "no such transition"."""

from nguon import _
from nguon.units.tree import find_unit
from nguon.workflow.approval import approver_units
from nguon.workflow.approval import approving_unit_in_area
from nguon.workflow.approval import is_author
from nguon.workflow.reach import approved_area
from nguon.workflow.reach import approved_area_lineage
from nguon.workflow.reach import declared_reach
from nguon.workflow.reach import ReachError
from nguon.workflow.reach import refuse_outside


def refusal(item, transition):
    """An i18n message saying why ``transition`` is refused to the current user, or None."""
    if transition == "emergency_publish" and not is_author(item):
        acting = approving_unit_in_area(item)
        if acting is None or getattr(item, "priority", None) != "emergency":
            return None
        try:
            refuse_outside(acting, declared_reach(item), "emergency")
        except ReachError as error:
            return error.message
    if (
        transition in ("retract", "archive")
        and approving_unit_in_area(item) is not None
    ):
        if not approver_units() & set(approved_area_lineage(item)):
            unit = find_unit(approved_area(item) or "")
            return _(
                "error_reach_retract",
                default="Tin này do ${area} duyệt cho địa bàn của mình; chỉ người duyệt của "
                "đơn vị đó hoặc cấp trên mới thu hồi hay lưu trữ được.",
                mapping={"area": unit.Title() if unit is not None else ""},
            )
    return None
