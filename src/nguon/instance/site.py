"""Create the Plone site on first start and apply the environment's settings at every start.

Runs as its own process (``python -m nguon.instance.site``) before the WSGI server opens the
database, so that it has the FileStorage to itself. Creating the site is skipped when it
exists: a second start reuses everything the first one made.
"""

from nguon.content.timezone import TIMEZONE
from nguon.instance import settings as settings_module
from nguon.instance.events import SiteStarting
from nguon.instance.offline import offline_site
from nguon.instance.offline import (
    open_app,  # noqa: F401 (the benchmarks open sites with it)
)
from nguon.instance.offline import POINT
from zope.event import notify

import sys


BASE_PROFILES = (
    "plone.app.contenttypes:default",
    "plonetheme.barceloneta:default",
    "nguon:default",
)


def ensure_admin(app, password):
    """A Zope root ``admin`` with the Manager role, created only if missing."""
    if app.acl_users.getUserById("admin") is None:
        app.acl_users._doAddUser("admin", password, ["Manager"], [])


def create_site(app, settings):
    from Products.CMFPlone.factory import addPloneSite

    extensions = BASE_PROFILES + (("nguon:demo",) if settings.demo else ())
    return addPloneSite(
        app,
        settings.site_id,
        title="Nguồn",
        extension_ids=extensions,
        setup_content=False,
        default_language="vi",
        portal_timezone=TIMEZONE,
    )


def ensure_site(settings):
    """Returns True when the site was created by this call.

    collective.solr is pointed at SOLR_URL (``offline.point_at_solr``), then the capabilities
    act on ``SiteStarting`` (search queues in the outbox what Solr lacks: the server's worker
    indexes it).
    """
    created = []

    def create(app):
        created.append(True)
        return create_site(app, settings)

    with offline_site(settings, solr=POINT, create=create, commit=True) as site:
        ensure_admin(site.getPhysicalRoot(), settings.admin_password)
        notify(SiteStarting(site))
    return bool(created)


def main():
    try:
        created = ensure_site(settings_module.from_environment())
    except settings_module.ConfigurationError as error:
        print(error, file=sys.stderr)  # nguon-start shows the last line
        return 2
    print("created" if created else "existing")


if __name__ == "__main__":
    sys.exit(main())
