"""Open the site of a stopped instance, for the commands run from the project folder.

``nguon-units``, ``nguon-search``, ``nguon-radio-keys``, ``nguon-outbox`` and the site setup
that ``nguon-start`` runs before the server (``python -m nguon.instance.site``) open the
instance's FileStorage themselves, as zconsole does. ``offline_site`` is how they all do it::

    with offline_site(settings, solr=START, log_as="nguon-search") as site:
        ...  # commit what the command changes; the rest is aborted

- the FileStorage's lock tells whether the site runs: then the error says so ("site đang
  chạy") and what the operator can do instead (``while_running``), in one line;
- the portal is the current site (``setSite``), with a request for the public address
  (``NGUON_PUBLIC_URL``, so absolute URLs are the public ones) and the system user;
- ``solr=POINT`` points collective.solr where the settings say (``SOLR_URL``), as every start
  of the site does; ``solr=START`` also makes sure Solr answers, starting the bundled node for
  the run when the settings use it, and stopping it after;
- at the end, what the command did not commit is aborted (``commit=True``: committed), and the
  database is closed.

``run_command(job, arguments, …)`` wraps it for a command's ``main``: exit code 0, or 2 with
one line on stderr saying why the command could not run. The delivery thread of a running
server makes its request with ``system_request`` too (``nguon.outbox.site``).
"""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import noSecurityManager
from AccessControl.users import system
from contextlib import contextmanager
from contextlib import ExitStack
from nguon.instance import preflight
from nguon.instance.settings import ConfigurationError
from nguon.instance.settings import from_environment
from nguon.instance.solr import BundledSolr
from nguon.instance.solr import ping
from Testing.makerequest import makerequest
from urllib.parse import urlsplit
from zope.component.hooks import setSite
from zope.globalrequest import clearRequest
from zope.globalrequest import setRequest

import logging
import os
import sys
import transaction
import zc.lockfile


POINT = "point"
START = "start"
RUNNING = "cơ sở dữ liệu đang được Plone dùng (site đang chạy)"
STOP_FIRST = "dừng site rồi chạy lại lệnh"


def say(message):
    print(f"nguon: {message}", flush=True)


def public_environ():
    """SERVER_NAME/PORT of the public address (NGUON_PUBLIC_URL), for absolute URLs."""
    url = urlsplit(os.environ.get("NGUON_PUBLIC_URL", "http://127.0.0.1:8080"))
    secure = url.scheme == "https"
    return {
        "SERVER_NAME": url.hostname or "127.0.0.1",
        "SERVER_PORT": str(url.port or (443 if secure else 80)),
        "HTTPS": "on" if secure else "off",
    }


def with_request(root):
    """The Zope application ``root`` wrapped in a request for the public address, made the
    current request, acting as the system user (every item readable, public or not)."""
    app = makerequest(root, environ=public_environ())
    app.REQUEST["PARENTS"] = [app]
    setRequest(app.REQUEST)
    newSecurityManager(None, system)
    return app


def forget_request():
    """Undo ``with_request`` and any ``setSite``."""
    setSite(None)
    noSecurityManager()
    clearRequest()


@contextmanager
def system_request(root):
    try:
        yield with_request(root)
    finally:
        forget_request()


def open_app(zope_conf):
    """Open the database of ``zope_conf``; its application root with a request (``with_request``).

    Raises zc.lockfile.LockError when a server holds the database. Scripts deliver the outbox
    themselves when they want to: no delivery thread here."""
    from Zope2.Startup.run import make_wsgi_app

    import Zope2

    os.environ["NGUON_OUTBOX_WORKER"] = "0"
    make_wsgi_app({}, str(zope_conf))
    return with_request(Zope2.app())


def log_to_event_log(settings, name):
    """The command's and Zope's log lines go to the instance's event log, not the screen."""
    folder = settings.var / "log"
    if not folder.is_dir():
        return
    handler = logging.FileHandler(folder / "event.log", encoding="utf-8")
    handler.setFormatter(
        logging.Formatter(
            f"%(asctime)s %(levelname)s [%(name)s:%(lineno)s][{name}] %(message)s",
            "%Y-%m-%d %H:%M:%S",
        )
    )
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.captureWarnings(
        True
    )  # deprecation warnings of the stack, not for the operator


def point_at_solr(settings):
    """collective.solr's settings from SOLR_URL, as every start sets them (written only when
    they differ; committed only by what commits)."""
    from plone import api

    scheme, host, port, base = settings.solr_parts
    wanted = {
        "host": host,
        "port": port,
        "base": base,
        "https_connection": scheme == "https",
        "active": True,
    }
    for name, value in wanted.items():
        record = f"collective.solr.{name}"
        if api.portal.get_registry_record(record, default=None) != value:
            api.portal.set_registry_record(record, value)


def point_at_caching_proxies(settings):
    """plone.cachepurging's settings from NGUON_CACHING_PROXIES, as every start sets them:
    purging on and the proxies listed, or off when there are none (written only when they
    differ). The records exist once plone.app.caching is installed (nguon:default)."""
    from plone import api

    prefix = "plone.cachepurging.interfaces.ICachePurgingSettings"
    if api.portal.get_registry_record(f"{prefix}.enabled", default=None) is None:
        return  # a site not upgraded yet: the upgrade step installs the records
    wanted = {
        "enabled": bool(settings.caching_proxies),
        "cachingProxies": tuple(settings.caching_proxies),
    }
    for name, value in wanted.items():
        record = f"{prefix}.{name}"
        if api.portal.get_registry_record(record, default=None) != value:
            api.portal.set_registry_record(record, value)


def start_solr(settings):
    """Make sure Solr answers at SOLR_URL: the bundled node is started when the settings use
    it and it is not running; returns it (to stop after the run), or None. Raises
    ConfigurationError when Solr cannot be reached."""
    if ping(settings.solr_url):
        return None
    if not settings.solr_bundled:
        raise ConfigurationError(
            f"Solr không trả lời tại {settings.solr_url}/admin/ping: khởi động Solr hoặc "
            f"sửa SOLR_URL"
        )
    preflight.check_port_free("127.0.0.1", settings.solr_parts[2], "SOLR_URL")
    say("khởi động Solr đi kèm cho lần chạy này…")
    solr = BundledSolr(settings)
    solr.start()
    return solr


@contextmanager
def solr_for_the_run(settings):
    """Solr answers inside the block (``start_solr``); a node started for it stops after."""
    solr = start_solr(settings)
    try:
        yield
    finally:
        if solr is not None:
            solr.stop()


@contextmanager
def offline_site(
    settings,
    solr=None,
    create=None,
    commit=False,
    while_running=STOP_FIRST,
    log_as=None,
):
    """The portal of the stopped instance ``settings`` describe (see the module's docstring).

    ``create(app)`` makes the site when it does not exist (otherwise that is an error);
    ``log_as`` names the command in the event log's lines."""
    if log_as:
        log_to_event_log(settings, log_as)
    if not settings.zope_conf.exists():
        raise ConfigurationError(
            f"không thấy {settings.zope_conf}: chạy lệnh trong thư mục dự án, sau khi đã "
            f"chạy make start ít nhất một lần"
        )
    try:
        app = open_app(settings.zope_conf)
    except zc.lockfile.LockError:
        raise ConfigurationError(f"{RUNNING}: {while_running}") from None
    with ExitStack() as cleanup:
        cleanup.callback(app._p_jar.db().close)
        cleanup.callback(forget_request)
        cleanup.callback(transaction.abort)  # first: what the command did not commit
        site = app.get(settings.site_id)
        if site is None and create is not None:
            site = create(app)
        if site is None:
            raise ConfigurationError(
                f"không có site «{settings.site_id}»: chạy make start trước"
            )
        setSite(site)
        if solr in (POINT, START):
            point_at_solr(settings)
            point_at_caching_proxies(settings)
        if solr == START:
            cleanup.enter_context(solr_for_the_run(settings))
        yield site
        if commit:
            transaction.commit()


def run_command(job, arguments, refusals=(), **options):
    """``job(site, arguments)`` on the stopped site (``offline_site(**options)``, settings from
    the environment): exit code 0, or 2 with one line on stderr when the command could not
    run (ConfigurationError, or one of the ``refusals`` the job raises)."""
    try:
        with offline_site(from_environment(), **options) as site:
            job(site, arguments)
    except (ConfigurationError, *refusals) as error:
        print(f"nguon: LỖI: {error.args[0] if error.args else error}", file=sys.stderr)
        return 2
    return 0
