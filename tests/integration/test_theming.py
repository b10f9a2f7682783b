"""The address ``make start`` prints is the styled site.

``nguon-start`` prints ``http://127.0.0.1:<port>/<site>`` and a reverse proxy reaches Plone on
127.0.0.1 too; Plone's default "unthemed host names" leave exactly that host unthemed. The
profile themes every host name, and an upgrade step does the same for older sites."""

from ftw.upgrade.interfaces import IUpgradeStepRecorder
from nguon.instance.settings import from_environment
from plone import api
from tests.integration.upgrade_steps import PROFILE
from tests.integration.upgrade_steps import proposed
from tests.integration.upgrade_steps import run_next
from urllib.parse import urlsplit
from zope.component import getMultiAdapter

import requests
import transaction


BEFORE = "20261130081300"  # the step before this one
TITLE = "Every host name themed."
BLACKLIST = "plone.app.theming.interfaces.IThemeSettings.hostnameBlacklist"
THEME_CSS = "++theme++barceloneta/css/barceloneta.min.css"


def test_the_printed_address_is_on_127_0_0_1():
    assert urlsplit(from_environment({}).site_url).hostname == "127.0.0.1"


def test_the_page_at_127_0_0_1_is_themed(functional):
    url = urlsplit(functional["portal"].absolute_url())
    printed = f"http://127.0.0.1:{url.port}{url.path}"
    page = requests.get(printed, timeout=30)
    assert page.status_code == 200
    assert THEME_CSS in page.text, "the page at 127.0.0.1 is not themed"
    assert api.portal.get_registry_record(BLACKLIST) == []
    # Plone's own default: the same address is a bare page (what the check above guards).
    api.portal.set_registry_record(BLACKLIST, ["127.0.0.1"])
    transaction.commit()
    assert THEME_CSS not in requests.get(printed, timeout=30).text


def test_the_upgrade_step_themes_127_0_0_1_on_an_older_site(integration):
    setup_tool = api.portal.get_tool("portal_setup")
    api.portal.set_registry_record(BLACKLIST, ["127.0.0.1"])
    setup_tool.setLastVersionForProfile(PROFILE, BEFORE)
    recorder = getMultiAdapter((api.portal.get(), PROFILE), IUpgradeStepRecorder)
    recorder.clear()
    for step in proposed(setup_tool):
        if step["title"] != TITLE:
            recorder.mark_as_installed(step["dest"][0])
    assert [step["title"] for step in proposed(setup_tool)] == [TITLE]
    run_next(setup_tool)
    assert api.portal.get_registry_record(BLACKLIST) == []
