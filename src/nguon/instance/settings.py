"""Instance settings, read from the environment with defaults for a local evaluation."""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import ipaddress
import os


DEFAULT_SOLR_URL = "http://127.0.0.1:8983/solr/plone"


class ConfigurationError(Exception):
    """A setting that cannot work; its message says what to fix, in one line."""


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    root: Path
    var: Path
    site_id: str
    solr_url: str
    solr_bundled: bool
    demo: bool
    admin_password: str
    trusted_proxies: tuple = ("127.0.0.1",)
    # nguon-cluster: each instance's own configuration folder (NGUON_INSTANCE_DIR) and the
    # file holding the zope.conf storage section (NGUON_ZODB_STORAGE, RelStorage); None: the
    # one process of nguon-start (parts/instance, FileStorage under var/).
    instance_home: Path = None
    storage_conf: Path = None
    # NGUON_CACHING_PROXIES: the Varnish instances plone.cachepurging purges (URLs, e.g.
    # http://127.0.0.1:6081); empty: no purge (offline.point_at_caching_proxies).
    caching_proxies: tuple = ()

    @property
    def instance_dir(self):
        """Generated configuration, where buildout and ftw.upgrade's command expect it."""
        return self.instance_home or self.root / "parts" / "instance"

    @property
    def zope_conf(self):
        return self.instance_dir / "etc" / "zope.conf"

    @property
    def wsgi_ini(self):
        return self.instance_dir / "etc" / "wsgi.ini"

    @property
    def site_url(self):
        return f"http://{self.host}:{self.port}/{self.site_id}"

    @property
    def solr_parts(self):
        """(scheme, host, port, base path) of the Solr core URL, as collective.solr stores them."""
        parts = urlsplit(self.solr_url)
        return parts.scheme, parts.hostname, parts.port or 8983, parts.path.rstrip("/")


def _int(env, name, default):
    raw = env.get(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(
            f"{name}={raw!r} không phải số cổng hợp lệ (cần số 1–65535)"
        ) from None
    if not 0 < value < 65536:
        raise ConfigurationError(f"{name}={value} nằm ngoài khoảng 1–65535")
    return value


def _flag(env, name, default):
    return env.get(name, "1" if default else "0").strip().lower() in (
        "1",
        "true",
        "yes",
        "on",
    )


def _solr_url(env):
    url = env.get("SOLR_URL", DEFAULT_SOLR_URL).rstrip("/")
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or not parts.path.strip("/")
    ):
        raise ConfigurationError(
            f"SOLR_URL={url!r} không hợp lệ: cần dạng http://máy-chủ:cổng/solr/tên-core, "
            f"ví dụ {DEFAULT_SOLR_URL}"
        )
    return url


def _trusted_proxies(env):
    """The reverse proxies whose ``X-Forwarded-For`` names the client (Zope's
    ``trusted-proxy``): the public forms' limits count per client address."""
    raw = env.get("NGUON_TRUSTED_PROXIES", "127.0.0.1")
    proxies = tuple(raw.replace(",", " ").split())
    for proxy in proxies:
        try:
            ipaddress.ip_address(proxy)
        except ValueError:
            raise ConfigurationError(
                f"NGUON_TRUSTED_PROXIES: {proxy!r} không phải địa chỉ IP "
                "(liệt kê địa chỉ IP của các proxy ngược, cách nhau bởi dấu cách)"
            ) from None
    return proxies


def _caching_proxies(env):
    """NGUON_CACHING_PROXIES: the URLs of the caching proxies to purge (space-separated)."""
    proxies = tuple(
        url.rstrip("/") for url in env.get("NGUON_CACHING_PROXIES", "").split()
    )
    for url in proxies:
        parts = urlsplit(url)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path.strip("/")
        ):
            raise ConfigurationError(
                f"NGUON_CACHING_PROXIES: {url!r} không hợp lệ: cần dạng http://máy-chủ:cổng, "
                "ví dụ http://127.0.0.1:6081 (các địa chỉ cách nhau bởi dấu cách)"
            )
    return proxies


def from_environment(env=None, cwd=None):
    """Settings from ``env`` (default: os.environ); raises ConfigurationError on bad values."""
    env = os.environ if env is None else env
    cwd = Path(cwd or os.getcwd())
    demo = _flag(env, "NGUON_DEMO", True)
    admin_password = env.get("NGUON_ADMIN_PASSWORD", "")
    if not demo and (
        len(admin_password) < 12 or admin_password.lower() in ("admin", "password")
    ):
        raise ConfigurationError(
            "một site thật (NGUON_DEMO=0) cần NGUON_ADMIN_PASSWORD dài ít nhất 12 ký tự, "
            "không phải mật khẩu mặc định"
        )
    return Settings(
        host=env.get("NGUON_HOST", "127.0.0.1"),
        port=_int(env, "NGUON_PORT", 8080),
        root=cwd.resolve(),
        var=(cwd / env.get("NGUON_VAR", "var")).resolve(),
        site_id=env.get("NGUON_SITE_ID", "Plone"),
        solr_url=_solr_url(env),
        solr_bundled=_flag(env, "NGUON_SOLR_BUNDLED", "SOLR_URL" not in env),
        demo=demo,
        admin_password=admin_password or "admin",
        trusted_proxies=_trusted_proxies(env),
        instance_home=_path(env, "NGUON_INSTANCE_DIR", cwd),
        storage_conf=_path(env, "NGUON_ZODB_STORAGE", cwd),
        caching_proxies=_caching_proxies(env),
    )


def _path(env, name, cwd):
    raw = env.get(name, "").strip()
    return (cwd / raw).resolve() if raw else None
