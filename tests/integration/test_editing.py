"""The rich text editor as an editor needs it: HTML only, with no format selector and no
TinyMCE branding in English; an upgrade step does the same on older sites."""

from ftw.upgrade.interfaces import IUpgradeStepRecorder
from nguon.demo.users import demo_password
from nguon.units.tree import find_unit
from plone import api
from tests.integration.upgrade_steps import PROFILE
from tests.integration.upgrade_steps import proposed
from tests.integration.upgrade_steps import run_next
from zope.component import getMultiAdapter

import html
import json
import re
import requests


TITLE = "A plain rich text editor."


def test_the_add_form_offers_html_only_without_tinymce_branding(demo_functional):
    editor = requests.Session()
    editor.auth = ("thuanhoa.bientap", demo_password())
    page = editor.get(
        f"{find_unit('19786').absolute_url()}/++add++Bulletin", timeout=60
    ).text
    assert "text/x-web-textile" not in page
    options = re.search(r'data-pat-tinymce="([^"]*)"', page)
    assert options, "the text field is edited with TinyMCE"
    tiny = json.loads(html.unescape(options.group(1)))["tiny"]
    assert tiny["branding"] is False and tiny["promotion"] is False


def test_the_upgrade_step_sets_the_editor_on_an_older_site(integration):
    api.portal.set_registry_record(
        "plone.allowed_types", ("text/html", "text/x-web-textile")
    )
    api.portal.set_registry_record("plone.other_settings", "{}")
    setup_tool = api.portal.get_tool("portal_setup")
    recorder = getMultiAdapter((api.portal.get(), PROFILE), IUpgradeStepRecorder)
    recorder.clear()
    for step in proposed(setup_tool):
        if step["title"] != TITLE:
            recorder.mark_as_installed(step["dest"][0])
    assert [step["title"] for step in proposed(setup_tool)] == [TITLE]
    run_next(setup_tool)
    assert api.portal.get_registry_record("plone.allowed_types") == ("text/html",)
    assert json.loads(api.portal.get_registry_record("plone.other_settings")) == {
        "branding": False,
        "promotion": False,
    }
