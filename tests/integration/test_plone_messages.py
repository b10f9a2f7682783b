"""Plone's own messages in Vietnamese: the product's catalogues of Plone's domains
(``locales/vi/LC_MESSAGES/plone.po``, ...) fill what plone.app.locales lacks, and are asked
before Plone's, whatever order ZCML registered them in."""

from nguon.demo.users import demo_password
from nguon.i18n import compile_all
from nguon.i18n import consult_first
from nguon.i18n import LOCALES
from nguon.units.tree import find_unit
from pathlib import Path
from zope.component import getUtility
from zope.i18n import translate
from zope.i18n.gettextmessagecatalog import GettextMessageCatalog
from zope.i18n.interfaces import ITranslationDomain
from zope.i18n.zcml import handler

import polib
import pytest
import re
import requests


def test_every_catalogue_compiles():
    compiled = {mo.relative_to(LOCALES).as_posix() for mo in compile_all()}
    assert {
        "vi/LC_MESSAGES/nguon.mo",
        "vi/LC_MESSAGES/plone.mo",
        "vi/LC_MESSAGES/cmfeditions.mo",
        "vi/LC_MESSAGES/z3c.form.mo",
        "vi/LC_MESSAGES/ftw.upgrade.mo",
        "vi/LC_MESSAGES/widgets.mo",
    } <= compiled


@pytest.mark.parametrize(
    "domain", ["plone", "cmfeditions", "z3c.form", "ftw.upgrade", "widgets"]
)
def test_our_catalogue_is_asked_first(integration, domain):
    names = getUtility(ITranslationDomain, domain)._catalogs["vi"]
    assert names[0] == str(LOCALES / "vi" / "LC_MESSAGES" / f"{domain}.mo")


def test_plone_messages_translate_to_vietnamese(integration):
    assert (
        translate("label_description", domain="plone", target_language="vi")
        == "Tóm tắt"
    )
    assert translate("Save", domain="plone", target_language="vi") == "Lưu"
    assert translate("Users", domain="plone", target_language="vi") == "Người dùng"
    assert (
        translate("Upgrades", domain="ftw.upgrade", target_language="vi") == "Nâng cấp"
    )
    assert (
        translate(
            "Add ${name}",
            domain="plone",
            target_language="vi",
            mapping={"name": "Tin, thông báo"},
        )
        == "Thêm Tin, thông báo"
    )


def test_a_package_registered_later_does_not_win(integration, tmp_path):
    """zope.i18n takes the first catalogue that has the message: one registered after ours
    (a package ZCML loads later) with its own "Summary" stays behind ours."""
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=utf-8"}
    catalogue.append(polib.POEntry(msgid="label_description", msgstr="Sai"))
    mo = tmp_path / "plone.mo"
    catalogue.save_as_mofile(str(mo))
    domain = getUtility(ITranslationDomain, "plone")
    before = list(domain._catalogs["vi"])
    try:
        handler([GettextMessageCatalog("vi", "plone", str(mo))], "plone")
        assert domain._catalogs["vi"][-1] == str(mo)
        assert (
            translate("label_description", domain="plone", target_language="vi")
            == "Tóm tắt"
        )
        # and one registered before ours is put behind it when ours is registered
        domain._catalogs["vi"][:] = [str(mo)] + before
        consult_first(str(LOCALES))
        assert domain._catalogs["vi"][0] == before[0]
        assert (
            translate("label_description", domain="plone", target_language="vi")
            == "Tóm tắt"
        )
    finally:
        domain._catalogs["vi"][:] = before
        domain._data.pop(str(mo), None)


ENGLISH = (
    "Add Tin",
    "Summary",
    "Used in item listings and search results",
    "Lead Image",
    "Change Note",
    ">Settings<",
    ">Save<",
    ">Cancel<",
    'value="Save"',
    'value="Cancel"',
)


def test_the_editors_add_form_is_vietnamese(demo_functional):
    portal = demo_functional["portal"]
    province = find_unit("46").absolute_url()
    editor = requests.Session()
    editor.auth = ("hue.bientap", demo_password())
    page = editor.get(f"{province}/++add++Bulletin", timeout=60)
    assert page.status_code == 200
    html = page.text
    assert [text for text in ENGLISH if text in html] == []
    for text in ("Thêm Tin, thông báo", "Tóm tắt", "Ảnh đại diện", "Lưu", "Hủy"):
        assert text in html, text
    assert portal.absolute_url() in html


def test_plones_scripts_read_our_catalogue(demo_functional):
    """The folder contents, upload and link dialogs translate in the browser with the
    catalogue @@plonejsi18n sends, built from the domain's catalogues, ours first."""
    url = demo_functional["portal"].absolute_url()
    catalogue = requests.get(
        f"{url}/@@plonejsi18n?domain=widgets&language=vi", timeout=60
    ).json()
    assert catalogue["Upload files"] == "Tải tệp lên"
    assert catalogue["Select all items on this page"] == "Chọn mọi mục trên trang này"


def test_feed_links_name_their_format_as_text(demo_functional):
    html = requests.get(demo_functional["portal"].absolute_url(), timeout=60).text
    titles = re.findall(r'<link[^>]*rel="alternate"[^>]*title="([^"]*)"', html)
    assert titles, "the front page links its feeds"
    assert [title for title in titles if "b'" in title or 'b"' in title] == []


def test_every_override_has_a_translation():
    for po in Path(LOCALES).glob("vi/LC_MESSAGES/*.po"):
        for entry in polib.pofile(str(po)):
            assert entry.msgstr, f"{po.name}: {entry.msgid!r} has no translation"
