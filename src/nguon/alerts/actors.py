"""Who the alerts capability acts as when no person does: a user that is no account, with a
Manager's rights, whose name is what an item's history, approvals and creators show (Zope's
special users have no id). The chain retracts what a published Update or Cancel replaces as
``nguon-alerts``."""

from AccessControl.users import UnrestrictedUser
from plone import api


SYSTEM = "nguon-alerts"


class Actor(UnrestrictedUser):
    def getId(self):
        return self.getUserName()

    def getGroups(self):
        return []


def actor(userid=SYSTEM):
    """The acting user ``userid``, wrapped in the site's user folder (``api.env.adopt_user``)."""
    return Actor(userid, "", ("Manager",), ()).__of__(api.portal.get().acl_users)
