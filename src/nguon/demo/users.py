"""Demo users: an editor, an approver and a unit admin at province and commune level."""

from nguon.units.tree import group_id
from plone import api

import os


DEFAULT_PASSWORD = "nguon-demo"

# (user id, full name, official unit code, group kind)
DEMO_USERS = (
    ("hue.bientap", "Trần Thị Hương", "46", "editors"),
    ("hue.duyet", "Nguyễn Văn Minh", "46", "approvers"),
    ("hue.quantri", "Lê Quang Vinh", "46", "admins"),
    ("thuanhoa.bientap", "Phạm Thị Lan", "19786", "editors"),
    ("thuanhoa.duyet", "Hoàng Văn Đức", "19786", "approvers"),
    ("thuanhoa.quantri", "Võ Thị Ngọc", "19786", "admins"),
    ("vyda.bientap", "Đặng Minh Tuấn", "19777", "editors"),
    ("vyda.duyet", "Bùi Thị Mai", "19777", "approvers"),
    ("quangtri.bientap", "Ngô Thị Thu", "44", "editors"),
    ("quangtri.duyet", "Trương Công Hải", "44", "approvers"),
    ("quangtri.quantri", "Phan Văn Long", "44", "admins"),
    ("donghoi.bientap", "Lý Thị Hằng", "18880", "editors"),
    ("donghoi.duyet", "Đỗ Văn Nam", "18880", "approvers"),
)


def demo_password():
    """The demo users' password: NGUON_DEMO_PASSWORD, or the documented demo default."""
    return os.environ.get("NGUON_DEMO_PASSWORD") or DEFAULT_PASSWORD


def create_demo_users():
    """Create the demo users that are missing and put each in its unit's group."""
    password = demo_password()
    for userid, fullname, unit_code, kind in DEMO_USERS:
        if api.user.get(userid=userid) is None:
            api.user.create(
                username=userid,
                email=f"{userid}@nguon.invalid",
                password=password,
                properties={"fullname": fullname},
            )
        api.group.add_user(groupname=group_id(unit_code, kind), username=userid)
