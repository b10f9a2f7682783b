"""Plone's catalog honours a ``show_inactive`` query parameter from anyone: on Plone 6.2 an
anonymous ``@search?show_inactive=true`` lists items that are not yet effective or already
expired. Requests from users without "Access inactive portal content" lose the parameter
after traversal (when the user is known), before any view or service reads the form."""

from plone import api


PERMISSION = "Access inactive portal content"


def drop_untrusted_show_inactive(event):
    request = event.request
    form = getattr(request, "form", None)
    if not form or "show_inactive" not in form:
        return
    if api.user.is_anonymous() or not api.user.has_permission(
        PERMISSION, obj=api.portal.get()
    ):
        del form["show_inactive"]
