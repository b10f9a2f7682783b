"""Whom a link acts as on this site: the federation's system user ``nguon-federation``, with
no more than an editor and an approver of the link's own unit hold there.

``as_link(link)`` adopts a user that is no account: its only global role is
``Authenticated`` and its only groups are the editors and approvers groups of the link's
``local_unit`` (``nguon.units.groups``), so every role it has comes from the local roles
those groups hold: Contributor, Editor, Reader, Reviewer in the link's unit (and Reviewer,
Reader in the units below it, as any approver of the unit). Zope's security and the
workflow's guards therefore refuse it what the link has no business doing: adding, editing,
approving or deleting in another unit, at the site root, or changing the site's settings.
Inside its unit it creates the copy, runs this site's approval chain at the link's unit
(it approves as that unit's approver), updates, retracts and withdraws the copy.

It is never the author of what it received (the copy's creator is ``federation:<link
id>``), so the workflow's rule that nobody approves what they wrote still holds.
"""

from AccessControl.SecurityManagement import getSecurityManager
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import setSecurityManager
from contextlib import contextmanager
from nguon.units.tree import group_id
from plone import api
from Products.PlonePAS.plugins.ufactory import PloneUser
from zope.globalrequest import getRequest


USER = "nguon-federation"
# The unit groups whose local roles the link holds (``nguon.units.groups.OWN_ROLES``).
KINDS = ("editors", "approvers")


def link_user(unit_code):
    """The federation's system user acting for the unit ``unit_code``, wrapped in the site's
    user folder (local roles are looked up through its plugins)."""
    user = PloneUser(USER, USER)
    user._addGroups([group_id(unit_code, kind) for kind in KINDS])
    user._addRoles(["Authenticated"])
    return user.__of__(api.portal.get().acl_users)


@contextmanager
def as_link(link):
    """Act as the federation's system user on ``link``'s own unit (see the module).

    The user is adopted directly, not through ``api.env.adopt_user``, which would swap in an
    account of the same id if one were ever made."""
    previous = getSecurityManager()
    newSecurityManager(getRequest(), link_user(link.local_unit))
    try:
        yield
    finally:
        setSecurityManager(previous)
