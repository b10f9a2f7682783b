"""``install(portal)``: what radio keeps in a site, the outbox with the ``radio-audio``
consumer's pending set, the key that signs station schedules and the as-run log (idempotent;
``nguon.setuphandlers`` and the upgrade step call it), and the change log that schedules are
read from (``nguon.publication.install``)."""

from nguon.devices.keys import signing_key
from nguon.outbox.install import install as install_outbox
from nguon.publication.install import install as install_publication
from nguon.radio import asrun


def install(portal):
    install_outbox(portal)
    install_publication(portal)
    signing_key(portal, create=True)
    asrun.install(portal)
