"""A plone.restapi session as the tests' people use it: JSON answers, and basic auth for a
user of the tree site (``nguon.testing``) unless it is anonymous."""

from nguon.testing import TREE_PASSWORD

import requests


def json_session(userid=None, password=TREE_PASSWORD):
    session = requests.Session()
    session.headers["Accept"] = "application/json"
    if userid:
        session.auth = (userid, password)
    return session
