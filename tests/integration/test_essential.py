"""Essential information (nguon.publication.essential): an item is essential by its author's mark,
by a rule of policies/essential.yaml, or because it is an emergency, whatever the file says;
the catalog's ``is_essential`` follows; the editor ticks the mark in the add form. On the
small tree of nguon.testing (Thuận Hóa 19786 in Huế 46)."""

from nguon.publication.essential import is_essential
from nguon.publication.essential import load
from nguon.publication.essential import required_channels
from nguon.publication.essential import why_essential
from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from nguon.workflow.events import WORKFLOW_ID
from plone import api
from zope.event import notify
from zope.i18n import translate
from zope.lifecycleevent import ObjectModifiedEvent

import html
import pytest
import re
import requests
import transaction


EDITOR = tree_user("19786", "editors")


def _item(portal_type="Bulletin", **fields):
    fields = {"title": "Thông báo thử", "category": "culture-society", **fields}
    with api.env.adopt_user(username=EDITOR):
        return api.content.create(
            container=find_unit("19786"), type=portal_type, **fields
        )


def _why(item, language="vi"):
    message = why_essential(item)
    return message and translate(message, target_language=language)


def _indexed_essential():
    catalog = api.portal.get_tool("portal_catalog")
    return {
        brain.getId for brain in catalog.unrestrictedSearchResults(is_essential=True)
    }


@pytest.fixture
def no_rules(tmp_path):
    path = tmp_path / "essential.yaml"
    path.write_text("rules: []\n", encoding="utf-8")
    return load(path)


def test_an_ordinary_item_is_not_essential(tree):
    item = _item(id="van-nghe")
    assert not is_essential(item) and _why(item) is None
    assert item.essential is False  # the field's default
    assert "van-nghe" not in _indexed_essential()
    brain = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
        UID=item.UID()
    )[0]
    assert brain.is_essential is False


def test_the_authors_mark_makes_an_item_essential(tree, no_rules):
    item = _item(id="lich-cat-dien", essential=True)
    assert is_essential(item) and is_essential(item, no_rules)
    assert _why(item) == "Tác giả đánh dấu đây là thông tin thiết yếu."
    assert "lich-cat-dien" in _indexed_essential()


def test_marking_an_item_later_reindexes_it(tree):
    item = _item(id="lich-tiem")
    assert "lich-tiem" not in _indexed_essential()
    with api.env.adopt_user(username=EDITOR):
        item.essential = True
        notify(ObjectModifiedEvent(item))
    assert "lich-tiem" in _indexed_essential()


def test_a_policy_rule_makes_an_item_essential_and_names_itself(tree, no_rules):
    item = _item(id="bao-so-3", category="disaster")
    assert is_essential(item)
    assert _why(item) == (
        "Thông tin thiết yếu theo chính sách: Phòng chống thiên tai, dịch bệnh."
    )
    assert "bao-so-3" in _indexed_essential()
    # The same item under a policy without that rule: not essential.
    assert not is_essential(item, no_rules) and why_essential(item, no_rules) is None


def test_an_emergency_is_always_essential_whatever_the_policy(tree, no_rules):
    item = _item(id="lu-quet", priority="emergency", essential=False)
    assert is_essential(item) and is_essential(item, no_rules)
    assert _why(item) == "Tin khẩn cấp luôn là thông tin thiết yếu."
    assert translate(why_essential(item, no_rules), target_language="vi") == _why(item)
    assert "lu-quet" in _indexed_essential()


def test_required_channels_are_the_items_own_unless_a_rule_narrows_them(tree, tmp_path):
    bulletin = _item(id="bao", category="disaster", channels={"web", "radio", "board"})
    assert required_channels(bulletin) == ("board", "radio", "web")
    # policies/essential.yaml: a law document is proven on the web only (not on boards).
    document = _item("LegalDocument", id="luat", category="policy-law")
    assert is_essential(document) and required_channels(document) == ("web",)
    # A rule naming only channels the item is not on leaves the item's own.
    path = tmp_path / "essential.yaml"
    path.write_text("rules:\n  - name: Đài\n    channels: [radio]\n", encoding="utf-8")
    radio_only = load(path)
    assert required_channels(document, radio_only) == ("board", "web")
    assert required_channels(bulletin, radio_only) == ("radio",)


def test_marking_an_item_essential_after_submission_is_a_new_approval(tree):
    # Whether an item counts as essential is part of what its approvers approve.
    item = _item(id="nuoc-sach")
    with api.env.adopt_user(username=EDITOR):
        api.content.transition(obj=item, transition="submit")
        item.essential = True
        notify(ObjectModifiedEvent(item))
    last = item.workflow_history[WORKFLOW_ID][-1]
    assert last["action"] == "reapprove" and "essential" in last["comments"]


def test_the_editor_ticks_the_mark_in_the_add_form(tree_functional):
    unit = tree_functional["portal"].absolute_url() + "/vn/46/19786"
    editor = requests.Session()
    editor.auth = (EDITOR, TREE_PASSWORD)
    form = editor.get(f"{unit}/++add++Bulletin", timeout=60).text
    page = html.unescape(form)
    assert "Thông tin thiết yếu" in page
    assert "Tin khẩn cấp và tin mà chính sách thông tin thiết yếu quy định" in page
    token = re.search(r'name="_authenticator"[^>]*value="([^"]+)"', form).group(1)
    answer = editor.post(
        f"{unit}/++add++Bulletin",
        data={
            "_authenticator": token,
            "form.buttons.save": "Lưu",
            "form.widgets.IBasic.title": "Lịch cắt nước",
            "form.widgets.category:list": "public-services",
            "form.widgets.category-empty-marker": "1",
            "form.widgets.channels:list": "web",
            "form.widgets.channels-empty-marker": "1",
            "form.widgets.priority:list": "normal",
            "form.widgets.priority-empty-marker": "1",
            "form.widgets.essential:list": "selected",
            "form.widgets.essential-empty-marker": "1",
            "form.widgets.target_scope:list": "unit",
            "form.widgets.target_scope-empty-marker": "1",
        },
        timeout=60,
    )
    assert answer.ok
    found = editor.get(
        f"{unit}/@search",
        headers={"Accept": "application/json"},
        params={"portal_type": "Bulletin", "is_essential": True},
        timeout=60,
    ).json()
    assert [item["title"] for item in found["items"]] == ["Lịch cắt nước"]


def test_the_items_page_tells_its_staff_why_it_is_essential(tree_functional):
    with api.env.adopt_user(username=EDITOR):
        storm = api.content.create(
            container=find_unit("19786"),
            type="Bulletin",
            title="Tin bão số 3",
            category="disaster",
        )
        ordinary = api.content.create(
            container=find_unit("19786"),
            type="Bulletin",
            title="Lễ hội",
            category="culture-society",
        )
    transaction.commit()
    editor = requests.Session()
    editor.auth = (EDITOR, TREE_PASSWORD)
    page = html.unescape(editor.get(storm.absolute_url(), timeout=60).text)
    assert (
        "Thông tin thiết yếu theo chính sách: Phòng chống thiên tai, dịch bệnh." in page
    )
    page = html.unescape(editor.get(ordinary.absolute_url(), timeout=60).text)
    assert "nguon-essential" not in page and "Thông tin thiết yếu theo" not in page
