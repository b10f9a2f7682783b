"""The WSGI instance: zope.conf (ZODB FileStorage + blobs under ``var/``), wsgi.ini (waitress)
and site.zcml in ``parts/instance/etc/`` as buildout lays them out, written anew from the
settings at every start; the data under ``var/`` is never touched here."""

from nguon.content.timezone import TIMEZONE
from string import Template


ZOPE_CONF = Template("""\
# Written by nguon-start from the environment at every start: edit the settings, not this file.
%define INSTANCE $instance
instancehome $$INSTANCE
%define CLIENTHOME $var
clienthome $$CLIENTHOME
debug-mode off
security-policy-implementation C
verbose-security off
default-zpublisher-encoding utf-8
python-check-interval 1000
$trusted_proxies

<environment>
    zope_i18n_compile_mo_files true
    zope_i18n_allowed_languages vi en
    CHAMELEON_CACHE $var/cache
    PTS_LANGUAGES vi en
    TZ $timezone
</environment>

<zodb_db main>
$storage
    mount-point /
    cache-size 30000
</zodb_db>

<dos_protection>
    form-memory-limit 4MB
</dos_protection>
""")

WSGI_INI = Template("""\
# Written by nguon-start from the environment at every start.
[app:zope]
use = egg:Zope#main
zope_conf = %(here)s/zope.conf

[server:main]
use = egg:waitress#main
listen = $host:$port
threads = 4
clear_untrusted_proxy_headers = false
max_request_body_size = 1073741824

[pipeline:main]
pipeline =
    egg:Zope#httpexceptions
    zope

[loggers]
keys = root, waitress.queue, waitress, wsgi

[handlers]
keys = console, accesslog, eventlog

[formatters]
keys = generic, message

[formatter_generic]
format = %(asctime)s %(levelname)s [%(name)s:%(lineno)s][%(threadName)s] %(message)s
datefmt = %Y-%m-%d %H:%M:%S

[formatter_message]
format = %(message)s

[logger_root]
level = INFO
handlers = console, eventlog

[logger_waitress.queue]
level = INFO
handlers = eventlog
qualname = waitress.queue
propagate = 0

[logger_waitress]
level = INFO
handlers = eventlog
qualname = waitress

[logger_wsgi]
level = WARN
handlers = accesslog
qualname = wsgi
propagate = 0

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = WARN
formatter = generic

[handler_accesslog]
class = FileHandler
args = (r'$var/log/access.log', 'a')
level = INFO
formatter = message

[handler_eventlog]
class = FileHandler
args = (r'$var/log/event.log', 'a')
level = INFO
formatter = generic
""")

SITE_ZCML = """\
<configure
    xmlns="http://namespaces.zope.org/zope"
    xmlns:meta="http://namespaces.zope.org/meta"
    xmlns:five="http://namespaces.zope.org/five">
  <include package="Products.Five" />
  <meta:redefinePermission from="zope2.Public" to="zope.Public" />
  <five:loadProducts file="meta.zcml" />
  <five:loadProducts />
  <five:loadProductsOverrides />
  <securityPolicy component="AccessControl.security.SecurityPolicy" />
</configure>
"""


FILESTORAGE = """\
    <filestorage>
        path $var/filestorage/Data.fs
        blob-dir $var/blobstorage
    </filestorage>"""


def storage_section(settings):
    """The zope.conf storage section: the FileStorage under ``var/``, or the text of
    ``settings.storage_conf`` (nguon-cluster's RelStorage section, written by it)."""
    if settings.storage_conf is None:
        return Template(FILESTORAGE).substitute(var=settings.var)
    return settings.storage_conf.read_text(encoding="utf-8").rstrip()


def write_instance(settings):
    """Create the data folders and (re)write the instance's configuration files."""
    var = settings.var
    for folder in ("log", "cache", settings.instance_dir / "etc"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    if settings.storage_conf is None:
        (var / "filestorage").mkdir(exist_ok=True)
        (var / "blobstorage").mkdir(mode=0o700, exist_ok=True)
    values = {
        "instance": settings.instance_dir,
        "var": var,
        "host": settings.host,
        "port": settings.port,
        "storage": storage_section(settings),
        "timezone": TIMEZONE,
        "trusted_proxies": "\n".join(
            f"trusted-proxy {proxy}" for proxy in settings.trusted_proxies
        ),
    }
    settings.zope_conf.write_text(ZOPE_CONF.substitute(values), encoding="utf-8")
    settings.wsgi_ini.write_text(WSGI_INI.substitute(values), encoding="utf-8")
    (settings.instance_dir / "etc" / "site.zcml").write_text(
        SITE_ZCML, encoding="utf-8"
    )
