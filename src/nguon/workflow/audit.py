"""The audit trail of an item: every transition with who, when, from, to and the comment.

It reads the workflow history that DCWorkflow keeps on the item (so nothing is stored twice);
callers decide who may see it.
"""

from nguon.workflow.events import WORKFLOW_ID


def audit_trail(item):
    """Transitions oldest first, as dicts: transition, from, to, actor, time, comment."""
    history = (getattr(item, "workflow_history", None) or {}).get(WORKFLOW_ID, ())
    trail, previous = [], None
    for entry in history:
        if entry.get("action"):
            trail.append(
                {
                    "transition": entry["action"],
                    "from": previous,
                    "to": entry["review_state"],
                    "actor": entry.get("actor"),
                    "time": entry.get("time"),
                    "comment": entry.get("comments", ""),
                }
            )
        previous = entry["review_state"]
    return trail


def last_rejection(item):
    """The latest rejection entry, or None: what the author must read."""
    rejections = [
        entry for entry in audit_trail(item) if entry["transition"] == "reject"
    ]
    return rejections[-1] if rejections else None
