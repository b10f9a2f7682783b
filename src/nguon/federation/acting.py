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

Its id is ``nguon-federation:<link id>`` (``user_id``): one per link, so the Owner role a
link's copies give their maker is no key to another link's copies, and with a colon no
account can ever be made under it (Plone's member ids allow none). It is never the author of
what it received (the copy's creator is ``federation:<link id>``), so the workflow's rule
that nobody approves what they wrote still holds.
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


def user_id(link):
    return f"{USER}:{link.id}"


def link_user(link):
    """The federation's system user acting for ``link`` on its unit, wrapped in the site's
    user folder (local roles are looked up through its plugins)."""
    user = PloneUser(user_id(link), user_id(link))
    user._addGroups([group_id(link.local_unit, kind) for kind in KINDS])
    user._addRoles(["Authenticated"])
    return user.__of__(api.portal.get().acl_users)


@contextmanager
def as_link(link):
    """Act as the federation's system user on ``link``'s own unit (see the module).

    The user is adopted directly, not through ``api.env.adopt_user``, which looks the id up
    in the user folders first."""
    previous = getSecurityManager()
    newSecurityManager(getRequest(), link_user(link))
    try:
        yield
    finally:
        setSecurityManager(previous)
