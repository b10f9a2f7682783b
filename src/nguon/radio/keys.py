"""The site's Ed25519 key that signs station schedules, kept in the portal's annotations (the
ZODB holds the site's other secrets too: password hashes, push secrets). Made on install;
stations pin its public half (``@radio-signing-key``)."""
from nguon.annotations import site_state
from nguon.radio import signing
from persistent.mapping import PersistentMapping


KEY = "nguon.radio.signing-key"


def _new():
    private = signing.new_private_key()
    return PersistentMapping(private=private, public=signing.public_key(private))


def signing_key(portal, create=False):
    return site_state(portal, KEY, _new, create)


def public_key(portal):
    key = signing_key(portal)
    return key["public"] if key else None
