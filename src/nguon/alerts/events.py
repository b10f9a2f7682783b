"""What the alerts capability does when an alert is added, edited or changes state.

- Every alert has its own CAP identifier from the moment it exists (a copy gets a new one
  and is not sent).
- At its first publication an alert is *sent* (``sent``); a published Update or Cancel
  retracts what it references (``chain.supersede``).
- A published Test or Exercise alert is not for the public: the anonymous user loses View
  and Access on it (and on its languages, which follow it), so no page, search, index or
  CAP address shows it to anyone outside the site.
"""

from datetime import datetime
from nguon.alerts import chain
from nguon.content.alert import is_public
from nguon.content.alert import new_identifier
from nguon.content.timezone import LOCAL_ZONE
from nguon.workflow.state import review_state


WORKFLOW_ID = "nguon_approval_workflow"
HIDDEN = ("View", "Access contents information")
PUBLISHING = ("publish", "emergency_publish")


def identify(alert, event):
    if not getattr(alert, "identifier", None):
        alert.identifier = new_identifier()


def copied(alert, event):
    """A copy is a new message: a new identifier, not sent."""
    alert.identifier = new_identifier()
    alert.sent = None


def hide_from_public(alert):
    """Anonymous may neither view nor find a Test or Exercise alert."""
    for permission in HIDDEN:
        roles = [
            role["name"]
            for role in alert.rolesOfPermission(permission)
            if role["selected"] and role["name"] != "Anonymous"
        ]
        alert.manage_permission(permission, roles=roles, acquire=False)
    alert.reindexObjectSecurity()


def after_transition(alert, event):
    if (
        event.workflow is None
        or event.workflow.getId() != WORKFLOW_ID
        or event.transition is None
    ):
        return
    if event.transition.id in PUBLISHING:
        if getattr(alert, "sent", None) is None:
            # Naive local time, as the forms keep an alert's times (``content.alert``).
            alert.sent = datetime.now(LOCAL_ZONE).replace(tzinfo=None, microsecond=0)
        chain.supersede(alert)
    if review_state(alert) == "published" and not is_public(alert):
        hide_from_public(alert)
