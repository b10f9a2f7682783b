"""The tree site with Web Push, and a real push service on this machine (pushservice.py)
that the site trusts: its self-signed certificate in the push's TLS context, the loopback
network allowed (as a test site allows it for feed callbacks)."""

from nguon.syndication import fanout
from nguon.webpush.store import state
from plone import api
from tests.webpush.pushservice import PushService

import pytest
import ssl
import transaction


@pytest.fixture
def portal(tree_functional):
    portal = tree_functional["portal"]
    before = api.portal.get_registry_record(
        "nguon.syndication.allowed_networks", default=None
    )
    api.portal.set_registry_record(
        "nguon.syndication.allowed_networks", ["127.0.0.0/8"]
    )
    transaction.commit()
    yield portal
    found = state(portal)
    for code in list(found.units):  # the next test starts with no subscription
        for endpoint in list(found.units[code]):
            found.unsubscribe(code, endpoint)
    api.portal.set_registry_record("nguon.syndication.allowed_networks", before)
    transaction.commit()


@pytest.fixture
def service(portal, monkeypatch):
    with PushService(vapid_key=state(portal).public_key) as service:
        monkeypatch.setattr(
            fanout, "_tls", ssl.create_default_context(cafile=str(service.ca))
        )
        yield service
