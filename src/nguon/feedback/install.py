"""``install(portal)``: what citizen feedback keeps in a site (idempotent;
``nguon.setuphandlers`` and the upgrade step call it)."""

from nguon.feedback.challenge import install as install_challenge
from nguon.feedback.clock import install as install_clock
from nguon.feedback.store import install as install_store
from nguon.feedback.surveys import install as install_surveys


def install(portal):
    install_store(portal)
    install_challenge(portal)
    install_clock(portal)
    install_surveys(portal)
