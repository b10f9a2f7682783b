"""Which proxies Zope believes about the client's address (``NGUON_TRUSTED_PROXIES``): the
public forms count their limits per client address (nguon.feedback.throttle), so behind the
documented reverse proxy the address must be the citizen's, not the proxy's."""

from nguon.instance.files import write_instance
from nguon.instance.settings import ConfigurationError
from nguon.instance.settings import from_environment
from Zope2.Startup.options import ZopeWSGIOptions

import pytest


def zope_conf(tmp_path, **env):
    settings = from_environment(env, cwd=tmp_path)
    write_instance(settings)
    return ZopeWSGIOptions(str(settings.zope_conf))().configroot  # as Zope reads it


def test_the_local_reverse_proxy_is_trusted_by_default(tmp_path):
    assert zope_conf(tmp_path).trusted_proxies == ["127.0.0.1"]


def test_the_proxies_are_the_operators(tmp_path):
    config = zope_conf(tmp_path, NGUON_TRUSTED_PROXIES="10.0.0.5, 10.0.0.6")
    assert config.trusted_proxies == ["10.0.0.5", "10.0.0.6"]
    assert not zope_conf(tmp_path, NGUON_TRUSTED_PROXIES="").trusted_proxies


def test_a_proxy_that_is_not_an_address_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="NGUON_TRUSTED_PROXIES"):
        from_environment({"NGUON_TRUSTED_PROXIES": "proxy.example"}, cwd=tmp_path)
