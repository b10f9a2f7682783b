"""What the tests of the alerts capability share: an alert in Huế (46) for the whole
province, written by its editor and published by its approver, on the small tree of
nguon.testing (Huế 46 with Thuận Hóa 19786 and Vỹ Dạ 19777; Quảng Trị 44 beside it)."""

from DateTime import DateTime
from datetime import datetime
from nguon.content.timezone import LOCAL_ZONE
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from plone import api


EDITOR = tree_user("46", "editors")
APPROVER = tree_user("46", "approvers")


def local_now():
    """Now as the forms keep it: naive local time."""
    return datetime.now(LOCAL_ZONE).replace(tzinfo=None, microsecond=0)


def make_alert(unit="46", **fields):
    fields = {
        "title": "Lũ quét trên sông Hương",
        "category": "disaster",
        "event": "Lũ quét",
        "cap_categories": {"Met"},
        "urgency": "Immediate",
        "severity": "Extreme",
        "certainty": "Likely",
        "alert_description": "Mưa lớn, nước sông Hương lên nhanh.",
        "instruction": "Di chuyển lên chỗ cao ngay.",
        "expiration_date": DateTime() + 0.25,  # six hours
        "target_scope": "subtree",
        **fields,
    }
    with api.env.adopt_user(username=tree_user(unit, "editors")):
        return api.content.create(container=find_unit(unit), type="Alert", **fields)


def add_language(alert, language="en-US", **fields):
    fields = {
        "title": "Flash flood on the Perfume River",
        "event": "Flash flood",
        "alert_description": "Heavy rain, the river rises fast.",
        "instruction": "Move to high ground now.",
        **fields,
    }
    with api.env.adopt_user(username=EDITOR):
        return api.content.create(
            container=alert, type="AlertInfo", language=language, **fields
        )


def publish(alert, approver=APPROVER):
    with api.env.adopt_user(username=approver):
        api.content.transition(obj=alert, transition="emergency_publish")
    return alert
