"""``@@unit-members`` on a unit: its unit admins (or those of a unit above) add and remove
the members of the unit's editors, approvers and admins groups."""

from nguon import _
from nguon.units import membership
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView


GROUP_TITLES = {
    "editors": _("group_editors", default="Biên tập viên"),
    "approvers": _("group_approvers", default="Người duyệt"),
    "admins": _("group_admins", default="Quản trị đơn vị"),
}


class UnitMembersView(BrowserView):
    def __call__(self):
        form = self.request.form
        if self.request.method == "POST" and form.get("action") in ("add", "remove"):
            CheckAuthenticator(self.request)
            self.change(
                form["action"], form.get("kind", ""), form.get("user", "").strip()
            )
            self.request.response.redirect(
                f"{self.context.absolute_url()}/@@unit-members"
            )
            return ""
        return self.index()

    def change(self, action, kind, userid):
        change = membership.add_member if action == "add" else membership.remove_member
        try:
            change(self.context, kind, userid)
        except membership.MembershipError as error:
            api.portal.show_message(
                error.translated(self.request), request=self.request, type="error"
            )
        else:
            message = (
                _(
                    "msg_member_added",
                    default="Đã thêm «${user}» vào nhóm.",
                    mapping={"user": userid},
                )
                if action == "add"
                else _(
                    "msg_member_removed",
                    default="Đã bỏ «${user}» khỏi nhóm.",
                    mapping={"user": userid},
                )
            )
            api.portal.show_message(message, request=self.request)

    def groups(self):
        members = membership.members(self.context)
        return [
            {"kind": kind, "title": GROUP_TITLES[kind], "members": members[kind]}
            for kind in membership.KINDS
        ]
