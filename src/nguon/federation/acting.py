"""The federation's system user: what a link does on this site, it does as ``USER``, with
the Manager role and never as the author of what it received (the workflow's rule that
nobody approves what they wrote still holds)."""

from AccessControl.users import UnrestrictedUser
from contextlib import contextmanager
from plone import api


USER = "nguon-federation"


@contextmanager
def as_link():
    """Act as the federation's system user."""
    portal = api.portal.get()
    user = UnrestrictedUser(USER, "", ("Manager",), ()).__of__(portal.acl_users)
    with api.env.adopt_user(user=user):
        yield
