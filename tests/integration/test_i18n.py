"""Every message of the add-on has a Vietnamese and an English translation."""

from nguon import _
from nguon.i18n import LOCALES
from nguon.i18n import read_po
from nguon.i18n import used_messages
from zope.i18n import translate

import pytest


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_used_message_is_translated(language):
    catalogue = read_po(LOCALES / language / "LC_MESSAGES" / "nguon.po")
    untranslated = [msgid for msgid in used_messages() if not catalogue.get(msgid)]
    assert untranslated == []


def test_vietnamese_catalogue_says_what_the_code_defaults_say():
    catalogue = read_po(LOCALES / "vi" / "LC_MESSAGES" / "nguon.po")
    assert {msgid: catalogue[msgid] for msgid in used_messages()} == used_messages()


def test_messages_translate_at_runtime(portal):
    message = _("priority_emergency", default="Khẩn cấp")
    assert translate(message, target_language="vi") == "Khẩn cấp"
    assert translate(message, target_language="en") == "Emergency"


def test_type_titles_translate_to_english(portal):
    from plone import api

    fti = api.portal.get_tool("portal_types")["Bulletin"]
    assert fti.i18n_domain == "nguon"
    assert translate(fti.Title(), domain="nguon", target_language="en") == "Bulletin"
