"""Create the Plone site on first start and apply the environment's settings at every start.

Runs as its own process (``python -m nguon.instance.site``) before the WSGI server opens the
database, so that it has the FileStorage to itself. Creating the site is skipped when it
exists: a second start reuses everything the first one made.
"""
from nguon.content.timezone import TIMEZONE
from nguon.instance import settings as settings_module

import os
import sys
import transaction


BASE_PROFILES = (
    "plone.app.contenttypes:default",
    "plonetheme.barceloneta:default",
    "nguon:default",
)


def open_app(zope_conf):
    """The Zope application root, with a request and the system user, as zconsole does.

    Scripts deliver the outbox themselves when they want to: no delivery thread here."""
    from AccessControl.SecurityManagement import newSecurityManager
    from AccessControl.users import system
    from Testing.makerequest import makerequest
    from zope.globalrequest import setRequest
    from Zope2.Startup.run import make_wsgi_app

    import Zope2

    os.environ["NGUON_OUTBOX_WORKER"] = "0"
    make_wsgi_app({}, str(zope_conf))
    app = makerequest(Zope2.app())
    app.REQUEST["PARENTS"] = [app]
    setRequest(app.REQUEST)
    newSecurityManager(None, system)
    return app


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


def apply_solr_address(site, settings):
    """Point collective.solr at the Solr core the environment names and switch search on it.

    When Solr does not hold as many items as the catalog (a new site, a new or emptied core),
    the differing items are queued in the outbox: the server's worker indexes them.
    (``maintenance.sync_at_start``)."""
    from nguon.search import maintenance
    from plone import api
    from zope.component.hooks import setSite

    setSite(site)
    scheme, host, port, base = settings.solr_parts
    api.portal.set_registry_record("collective.solr.host", host)
    api.portal.set_registry_record("collective.solr.port", port)
    api.portal.set_registry_record("collective.solr.base", base)
    api.portal.set_registry_record("collective.solr.https_connection", scheme == "https")
    api.portal.set_registry_record("collective.solr.active", True)
    maintenance.sync_at_start(site)


def ensure_site(settings):
    """Returns True when the site was created by this call."""
    app = open_app(settings.zope_conf)
    ensure_admin(app, settings.admin_password)
    created = settings.site_id not in app.objectIds()
    site = create_site(app, settings) if created else app[settings.site_id]
    apply_solr_address(site, settings)
    transaction.commit()
    app._p_jar.db().close()
    return created


def main():
    created = ensure_site(settings_module.from_environment())
    print("created" if created else "existing")


if __name__ == "__main__":
    sys.exit(main())
