"""``install(portal)``: what alerts keep in a site, the CAP sender and the key that signs CAP
messages, and what the ingest of other systems' messages keeps (idempotent;
``nguon.setuphandlers`` and the upgrade step call it).

The sender (registry ``nguon.alerts.sender``) names the site to every aggregator and must not
change once alerts went out; when it is empty, the site's public host name is taken (a site
made at ``https://canhbao.hue.gov.vn`` sends as ``canhbao.hue.gov.vn``); a site that only
knows a local address or an IP address leaves it empty for the operator.
"""

from nguon.alerts import keys
from nguon.alerts.ingest.install import install as install_ingest
from plone import api
from urllib.parse import urlsplit

import ipaddress


SENDER = "nguon.alerts.sender"


def public_host(portal):
    """The site's public host name, or None for a local name or an IP address."""
    host = urlsplit(portal.absolute_url()).hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host if "." in host and not host.endswith(".localhost") else None
    return None


def install(portal):
    if not api.portal.get_registry_record(SENDER, default=None):
        host = public_host(portal)
        if host:
            api.portal.set_registry_record(SENDER, host)
    keys.current(portal, create=True)
    install_ingest(portal)
