"""An editor's and approver's home ("Việc của tôi"), per role on the tree site: the editor
sees her drafts, her items waiting and at which unit, her rejected items with the reason;
each approver sees what waits for them; everyone in the unit sees what it published today
and where it went, with the delivery ledger said to be missing rather than counted. The
same lists come from ``@my-work`` in bounded batches."""

from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user
from nguon.work import lists
from plone import api
from tests.search.helpers import create
from tests.search.helpers import transition
from zope.interface import alsoProvides

import pytest
import requests
import transaction


EDITOR = tree_user("19786", "editors")
APPROVER = tree_user("19786", "approvers")
PROVINCE_APPROVER = tree_user("46", "approvers")


def _bulletin(commune, title, **fields):
    fields.setdefault("channels", {"web"})
    return create(commune, "Bulletin", EDITOR, title=title, **fields)


def _work(portal):
    """One item in every state of the editor's work: a draft, one waiting at her commune,
    one climbed to the province, one rejected with a reason, one published today for the
    whole province on web and radio."""
    commune = portal["vn"]["46"]["19786"]
    draft = _bulletin(commune, "Dự thảo lịch tiếp dân")
    waiting = _bulletin(commune, "Thông báo cắt nước")
    transition(EDITOR, "submit", waiting)
    climbed = _bulletin(
        commune,
        "Kế hoạch tiêm chủng toàn thành phố",
        target_scope="area",
        target_units=["46"],
    )
    transition(EDITOR, "submit", climbed)
    transition(APPROVER, "approve", climbed)
    rejected = _bulletin(commune, "Thông báo họp tổ dân phố")
    transition(EDITOR, "submit", rejected)
    with api.env.adopt_user(username=APPROVER):
        api.content.transition(
            obj=rejected, transition="reject", comment="Thiếu địa điểm họp."
        )
    published = _bulletin(
        commune,
        "Lịch tiêm chủng mở rộng",
        target_scope="subtree",
        channels={"web", "radio"},
        essential=True,
    )
    transition(EDITOR, "submit", published)
    transition(APPROVER, "publish", published)
    return {
        "draft": draft,
        "waiting": waiting,
        "climbed": climbed,
        "rejected": rejected,
        "published": published,
    }


def _titles(name, userid):
    with api.env.adopt_user(username=userid):
        return [b.Title for b in lists.work_list(name)]


def _described(name, userid):
    with api.env.adopt_user(username=userid):
        titles = lists.UnitTitles()
        return [lists.describe(name, b, titles) for b in lists.work_list(name)]


def test_the_editor_sees_drafts_waiting_and_rejected_items_with_where_and_why(tree):
    _work(tree["portal"])
    assert _titles("drafts", EDITOR) == ["Dự thảo lịch tiếp dân"]
    waiting = _described("waiting", EDITOR)
    assert [(w["title"], w["awaiting_unit_title"]) for w in waiting] == [
        ("Thông báo cắt nước", "Phường Thuận Hóa"),
        ("Kế hoạch tiêm chủng toàn thành phố", "Thành phố Huế"),
    ]
    assert all(w["waiting_since"] for w in waiting)
    [rejected] = _described("rejected", EDITOR)
    assert rejected["title"] == "Thông báo họp tổ dân phố"
    assert rejected["reason"] == "Thiếu địa điểm họp."
    assert rejected["rejected_by"] == APPROVER
    with api.env.adopt_user(username=EDITOR):
        assert not lists.approves()  # an editor has no approval queue


def test_each_approver_sees_what_waits_for_them(tree):
    _work(tree["portal"])
    assert _titles("queue", APPROVER) == ["Thông báo cắt nước"]
    assert _titles("queue", PROVINCE_APPROVER) == ["Kế hoạch tiêm chủng toàn thành phố"]
    assert _titles("queue", tree_user("44", "approvers")) == []
    # Nobody else's drafts, even for an approver of the unit.
    assert _titles("drafts", APPROVER) == []


def test_the_unit_sees_what_it_published_today_and_where_it_went(tree):
    _work(tree["portal"])
    for userid in (EDITOR, APPROVER, tree_user("19786", "admins")):
        [published] = _described("published_today", userid)
        assert published["title"] == "Lịch tiêm chủng mở rộng"
        assert published["reach"] == [
            {"unit": "19786", "title": "Phường Thuận Hóa", "below": True}
        ]
        assert published["channels"] == ["radio", "web"]
    # Another commune's staff do not see it as theirs.
    assert _titles("published_today", tree_user("19777", "editors")) == []
    assert _titles("published_today", tree_user("46", "approvers")) == []


def test_published_today_starts_at_midnight_in_vietnam():
    from datetime import datetime
    from nguon.content.timezone import LOCAL_ZONE

    # 23:30 UTC on the 29th is 06:30 on the 30th in Vietnam.
    now = datetime.fromisoformat("2026-11-29T23:30:00+00:00")
    midnight = lists.start_of_today(now)
    assert midnight.ISO8601().startswith("2026-11-30T00:00:00+07:00")
    assert LOCAL_ZONE.key == "Asia/Ho_Chi_Minh"


@pytest.fixture
def page(tree):
    from nguon.interfaces import INguonLayer

    request = tree["request"]
    alsoProvides(request, INguonLayer)

    def render(userid, **form):
        request.form.clear()
        request.form.update(form)
        with api.env.adopt_user(username=userid):
            return api.content.get_view("viec-cua-toi", tree["portal"], request)()

    return render


def test_the_editors_page_in_vietnamese(page, tree):
    _work(tree["portal"])
    html = page(EDITOR)
    assert "Việc của tôi" in html
    for text in (
        "Dự thảo lịch tiếp dân",
        "Thông báo cắt nước",
        "Thành phố Huế",
        "Thiếu địa điểm họp.",
        "Lịch tiêm chủng mở rộng",
        "và các đơn vị trực thuộc",
        "Truyền thanh",
        "0/2 nơi nhận (0%)",
    ):
        assert text in html, text
    assert 'id="nguon-work-queue"' not in html  # an editor approves nothing


def test_the_approvers_page_shows_the_queue(page, tree):
    _work(tree["portal"])
    html = page(PROVINCE_APPROVER)
    assert 'id="nguon-work-queue"' in html
    assert "Kế hoạch tiêm chủng toàn thành phố" in html
    assert "Chờ tôi duyệt" in html


def test_a_long_list_has_a_see_all_link_and_pages(page, tree):
    commune = tree["portal"]["vn"]["46"]["19786"]
    for number in range(lists.SHOWN + 3):
        _bulletin(commune, f"Bản nháp số {number:02d}")
    html = page(EDITOR)
    assert "Xem tất cả" in html and "danh-sach=drafts" in html
    assert html.count("Bản nháp số") == lists.SHOWN
    whole = page(EDITOR, **{"danh-sach": "drafts"})
    assert whole.count("Bản nháp số") == lists.SHOWN + 3
    assert 'id="nguon-work-waiting"' not in whole


def test_staff_land_on_their_work_after_logging_in(tree):
    from nguon.work.browser import StaffLandOnTheirWork

    portal = tree["portal"]
    redirect = StaffLandOnTheirWork(portal, tree["request"])
    with api.env.adopt_user(username=EDITOR):
        assert redirect(None).endswith("/@@viec-cua-toi")
        assert redirect(portal.absolute_url()).endswith("/@@viec-cua-toi")
        page = f"{portal.absolute_url()}/vn/46"
        assert redirect(page) == page  # back where they were
    api.user.create(email="dan@nguon.invalid", username="dan", password="x" * 12)
    with api.env.adopt_user(username="dan"):
        assert redirect(None) is None  # not staff: Plone's default


def _rest(url, userid, **params):
    return requests.get(
        url,
        params=params,
        auth=(userid, TREE_PASSWORD) if userid else None,
        headers={"Accept": "application/json"},
        timeout=30,
    )


def test_my_work_over_rest_in_bounded_batches(tree_functional):
    portal = tree_functional["portal"]
    _work(portal)
    transaction.commit()
    url = f"{portal.absolute_url()}/@my-work"

    assert _rest(url, None).status_code == 401
    home = _rest(url, EDITOR).json()
    assert set(home["lists"]) == {"rejected", "waiting", "drafts", "published_today"}
    assert home["lists"]["rejected"]["items"][0]["reason"] == "Thiếu địa điểm họp."
    assert home["lists"]["drafts"]["@id"] == f"{url}/drafts"
    [published] = home["lists"]["published_today"]["items"]
    # Essential: where it arrived is the delivery ledger's (nothing proven yet).
    assert published["coverage"] == {"delivered": 0, "required": 2, "percent": 0}
    assert published["reach"] == [
        {"unit": "19786", "title": "Phường Thuận Hóa", "below": True}
    ]

    approver = _rest(url, PROVINCE_APPROVER).json()
    assert [i["title"] for i in approver["lists"]["queue"]["items"]] == [
        "Kế hoạch tiêm chủng toàn thành phố"
    ]

    first = _rest(f"{url}/waiting", EDITOR, b_size=1).json()
    assert first["items_total"] == 2 and len(first["items"]) == 1
    assert first["items"][0]["awaiting_unit_title"] == "Phường Thuận Hóa"
    following = _rest(first["batching"]["next"], EDITOR).json()
    assert following["items"][0]["awaiting_unit"] == "46"

    assert _rest(f"{url}/waiting", EDITOR, b_size=10**6).status_code == 400
    unknown = _rest(f"{url}/queue", EDITOR)  # an editor has no queue
    assert unknown.status_code == 404 and "drafts" in unknown.json()["message"]


def test_a_manager_in_no_unit_sees_every_unit_and_citizens_see_nothing(page, tree):
    from plone.app.testing import logout
    from plone.app.testing import setRoles
    from zExceptions import Unauthorized

    _work(tree["portal"])
    api.user.create(
        email="vanhanh@nguon.invalid", username="vanhanh", password="x" * 12
    )
    setRoles(tree["portal"], "vanhanh", ["Manager"])
    assert _titles("published_today", "vanhanh") == ["Lịch tiêm chủng mở rộng"]
    assert set(_titles("queue", "vanhanh")) == {
        "Thông báo cắt nước",
        "Kế hoạch tiêm chủng toàn thành phố",
    }
    with api.env.adopt_user(username="vanhanh"):
        assert lists.approves() and lists.is_staff()
    logout()
    with pytest.raises(Unauthorized):
        api.content.get_view("viec-cua-toi", tree["portal"], tree["request"])()


def test_only_the_items_shown_are_opened(page, tree, monkeypatch):
    """The lists are lazy catalog results: the page reads the rejection comment of the ten
    returned items it shows, not of every returned item the editor has."""
    from Products.ZCatalog.CatalogBrains import AbstractCatalogBrain

    commune = tree["portal"]["vn"]["46"]["19786"]
    for number in range(lists.SHOWN + 3):
        item = _bulletin(commune, f"Tin bị trả lại số {number:02d}")
        transition(EDITOR, "submit", item)
        with api.env.adopt_user(username=APPROVER):
            api.content.transition(obj=item, transition="reject", comment="Sai số.")
    opened = []
    original = AbstractCatalogBrain.getObject

    def counting(brain, *args, **kwargs):
        opened.append(brain.getPath())
        return original(brain, *args, **kwargs)

    monkeypatch.setattr(AbstractCatalogBrain, "getObject", counting)
    html = page(EDITOR)
    assert html.count("Sai số.") == lists.SHOWN
    assert len(opened) == lists.SHOWN
