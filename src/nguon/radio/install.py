"""``install(portal)``: what radio keeps in a site, the outbox with the ``radio-audio``
consumer's pending set, the key that signs station schedules and the as-run log (idempotent;
``nguon.setuphandlers`` and the upgrade step call it)."""
from nguon.outbox.install import install as install_outbox
from nguon.radio import asrun
from nguon.radio.keys import signing_key


def install(portal):
    install_outbox(portal)
    signing_key(portal, create=True)
    asrun.install(portal)
