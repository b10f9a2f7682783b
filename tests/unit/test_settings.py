"""Instance settings from the environment: defaults, and one-line errors for bad values."""

from nguon.instance.settings import ConfigurationError
from nguon.instance.settings import from_environment

import pytest


def test_defaults_serve_a_local_demo(tmp_path):
    settings = from_environment({}, cwd=tmp_path)
    assert (settings.host, settings.port, settings.site_id) == (
        "127.0.0.1",
        8080,
        "Plone",
    )
    assert settings.var == tmp_path / "var"
    assert settings.instance_dir == tmp_path / "parts" / "instance"
    assert settings.solr_url == "http://127.0.0.1:8983/solr/plone"
    assert settings.solr_bundled and settings.demo
    assert settings.site_url == "http://127.0.0.1:8080/Plone"


def test_solr_address_from_environment_means_an_external_solr(tmp_path):
    settings = from_environment(
        {"SOLR_URL": "https://search.example.vn:8984/solr/nguon/"}, cwd=tmp_path
    )
    assert not settings.solr_bundled
    assert settings.solr_parts == ("https", "search.example.vn", 8984, "/solr/nguon")


@pytest.mark.parametrize("port", ["http", "0", "70000", ""])
def test_a_bad_port_is_refused_with_the_variable_named(tmp_path, port):
    with pytest.raises(ConfigurationError, match="NGUON_PORT"):
        from_environment({"NGUON_PORT": port}, cwd=tmp_path)


@pytest.mark.parametrize(
    "url", ["localhost:8983", "ftp://x/solr/plone", "http://127.0.0.1:8983"]
)
def test_a_malformed_solr_address_is_refused(tmp_path, url):
    with pytest.raises(ConfigurationError, match="SOLR_URL") as error:
        from_environment({"SOLR_URL": url}, cwd=tmp_path)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("password", ["", "admin", "short"])
def test_a_production_site_needs_a_real_admin_password(tmp_path, password):
    with pytest.raises(ConfigurationError, match="NGUON_ADMIN_PASSWORD"):
        from_environment(
            {"NGUON_DEMO": "0", "NGUON_ADMIN_PASSWORD": password}, cwd=tmp_path
        )


def test_a_production_site_with_a_long_password_is_accepted(tmp_path):
    settings = from_environment(
        {"NGUON_DEMO": "0", "NGUON_ADMIN_PASSWORD": "mật-khẩu-đủ-dài-2026"},
        cwd=tmp_path,
    )
    assert not settings.demo
    assert settings.admin_password == "mật-khẩu-đủ-dài-2026"
