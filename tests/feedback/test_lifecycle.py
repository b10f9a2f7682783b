"""A report's life in the store, on the small tree (Huế 46 > Thuận Hóa 19786, Vỹ Dạ 19777):
routing by place and category, the desk's queues and their counts, forwarding, merging,
the answer as an approved bulletin, the clock's escalation, and what the citizen may do."""

from datetime import datetime
from datetime import timedelta
from nguon.content.timezone import LOCAL_ZONE
from nguon.errors import UserError
from nguon.feedback import lifecycle
from nguon.feedback.events import IReportChanged
from nguon.feedback.policy import load_policy
from nguon.feedback.store import DONE
from nguon.feedback.store import ESCALATED
from nguon.feedback.store import feedback_store
from nguon.feedback.store import OPEN
from nguon.feedback.store import periods
from nguon.testing import tree_user
from plone import api
from zope.component import getGlobalSiteManager
from zope.component import provideHandler

import pytest


# Monday 7 December 2026, 09:00 in Huế.
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=LOCAL_ZONE)


def _category(level):
    """A public category handled at ``level`` offered everywhere."""
    return next(
        c
        for c in load_policy().categories
        if c.level == level and c.public and not c.offered_in
    )


@pytest.fixture
def store(tree):
    return feedback_store(tree["portal"])


def _file(place="19786", level="commune", text=None, now=MONDAY, **extra):
    return lifecycle.file_report(
        _category(level).code,
        place,
        text
        or "Đèn đường trước nhà văn hóa tổ 5 bị hỏng đã hai tuần, gọi 0912 345 678.",
        now=now,
        **extra,
    )


def test_a_report_lands_at_the_unit_of_its_place_and_category(store):
    commune, _code = _file()
    province, _code = _file(
        level="province",
        text="Cần sửa quy định về cấp phép xây dựng nhà ở.",
        now=MONDAY + timedelta(minutes=1),
    )
    assert commune.handler == "19786"
    assert province.handler == "46"
    assert commune.areas == ("VN", "46", "19786")
    assert "0912 345 678" in commune.text
    assert "0912 345 678" not in commune.public_text
    assert commune.due > MONDAY
    assert store.listing("19786", OPEN)[0] == 1
    assert store.in_area("46") == ([province, commune], False)
    assert store.in_area("19786") == ([province, commune], False)  # both happen there
    assert store.in_area("19777") == ([], False)


def test_the_citizens_code_finds_the_report_and_only_its_hash_is_kept(store):
    report, code = _file()
    assert store.by_token(code) is report
    assert store.by_token(code + "x") is None
    assert code not in repr(dict(store.tokens))


def test_a_refused_filing_keeps_nothing(store):
    before = len(store.reports)
    with pytest.raises(UserError):
        lifecycle.file_report("no-such-category", "19786", "Một phản ánh đủ dài.")
    with pytest.raises(UserError):
        _file(place="no-such-unit")
    with pytest.raises(UserError):
        _file(text="ngắn")
    with pytest.raises(UserError):
        _file(contact={"kind": "phone", "value": "12"})
    assert len(store.reports) == before


def test_the_same_text_again_is_marked_a_suspected_duplicate(store):
    first, _code = _file(text="Rác thải đổ trộm ở cuối kiệt 12 đường Nguyễn Huệ.")
    again, _code = _file(text="rác thải  đổ trộm ở cuối kiệt 12 đường Nguyễn Huệ")
    assert again.duplicate_of == first.id
    assert first.duplicate_of is None


def test_forward_goes_up_or_down_only_and_keeps_the_due_date(store):
    report, _code = _file()
    due = report.due
    with pytest.raises(UserError):
        lifecycle.forward(report, "someone", "19777", "Sai địa bàn")
    with pytest.raises(UserError):
        lifecycle.forward(report, "someone", "46", "")
    lifecycle.forward(report, "someone", "46", "Vượt thẩm quyền của phường.")
    assert report.handler == "46" and report.due == due
    assert store.listing("19786", OPEN)[0] == 0
    assert store.listing("46", OPEN)[1] == [report]


def test_assign_takes_only_a_member_of_the_handling_unit(store):
    report, _code = _file()
    with pytest.raises(UserError):
        lifecycle.assign(report, "x", tree_user("19777", "editors"))
    lifecycle.assign(report, "x", tree_user("19786", "editors"))
    assert report.assignee == tree_user("19786", "editors")
    assert report.state == "in_progress"


def test_merge_closes_the_duplicate_and_its_author_follows_the_first(store):
    first, _code = _file(text="Ổ gà lớn trên đường Lê Lợi gần cầu Trường Tiền.")
    second, code = _file(text="Đường Lê Lợi có ổ gà rất nguy hiểm cho xe máy.")
    lifecycle.merge(second, first, "x")
    assert second.state == "merged" and second.merged_into == first.id
    assert second.id in first.followers
    assert store.by_token(code) is second
    assert second not in store.in_area("19786", size=100)[0]
    assert store.listing("19786", DONE)[1] == [second]


def test_the_clock_escalates_an_overdue_report_to_the_unit_above(store):
    report, _code = _file()
    assert lifecycle.tick(report.due - timedelta(minutes=1)) <= 1  # at most the warning
    assert report.escalated_to is None
    lifecycle.tick(report.due + timedelta(minutes=1))
    assert report.escalated_to == "46"
    assert store.listing("46", ESCALATED)[1] == [report]
    assert store.listing("19786", OPEN)[1] == [report]  # still the commune's to answer
    assert report.history[-1]["action"] == "escalated"
    day = periods(report.due + timedelta(minutes=1))[0]
    assert store.figure("19786", "escalated", day) == 1
    lifecycle.tick(report.due + timedelta(days=3))
    assert [s["action"] for s in report.history].count("escalated") == 1


def test_the_answer_is_a_bulletin_approved_like_any_item_and_closes_the_report(store):
    report, _code = _file()
    editor = tree_user("19786", "editors")
    answer = lifecycle.start_answer(
        report, editor, "Phường đã thay bóng đèn.\nCảm ơn bà con."
    )
    assert report.state == "answering"
    assert answer.portal_type == "Bulletin" and answer.aq_parent.code == "19786"
    assert api.content.get_state(answer) == "draft"
    with pytest.raises(UserError):
        lifecycle.start_answer(report, editor)
    with api.env.adopt_user(username=editor):
        api.content.transition(obj=answer, transition="submit")
    assert report.is_open
    with api.env.adopt_user(username=tree_user("19786", "approvers")):
        api.content.transition(obj=answer, transition="publish")
    assert report.state == "closed" and report.answer == answer.UID()
    assert store.listing("19786", DONE)[1] == [report]
    assert store.figure("19786", "closed_on_time", periods(report.closed_at)[0]) == 1


def test_the_author_reopens_once_and_rates_once(store):
    report, _code = _file()
    with pytest.raises(UserError):
        lifecycle.rate(report, 5)
    with pytest.raises(UserError):
        lifecycle.reopen(report, "Chưa sửa")
    answer = lifecycle.start_answer(report, tree_user("19786", "editors"), "Đã sửa.")
    lifecycle.answer_published(answer)
    lifecycle.reopen(report, "Đèn vẫn chưa sáng, gọi 0905123456.")
    assert report.is_open and report.reopened == 1
    assert "0905123456" not in report.history[-1]["note"]
    answer = lifecycle.start_answer(
        report, tree_user("19786", "editors"), "Đã thay đèn mới."
    )
    lifecycle.answer_published(answer)
    with pytest.raises(UserError):
        lifecycle.reopen(report, "Lại hỏng")
    with pytest.raises(UserError):
        lifecycle.rate(report, 7)
    lifecycle.rate(report, 4, "Cảm ơn phường.")
    with pytest.raises(UserError):
        lifecycle.rate(report, 5)
    month = periods(report.closed_at)[1]
    assert store.figure("19786", "rating_sum", month) == 4


def test_a_withdrawn_report_leaves_the_public_list_and_the_desk(store):
    report, _code = _file()
    lifecycle.withdraw(report)
    assert report not in store.in_area("19786", size=100)[0]
    assert store.listing("19786", OPEN)[0] == 0
    with pytest.raises(UserError):
        lifecycle.withdraw(report)


def test_the_contact_is_verified_only_with_its_code(store):
    codes = []

    def keep(event):
        codes.append(event.secrets.get("verification"))

    provideHandler(keep, (IReportChanged,))
    try:
        report, _code = _file(contact={"kind": "email", "value": "Dan@Example.VN"})
    finally:
        getGlobalSiteManager().unregisterHandler(keep, (IReportChanged,))
    assert report.contact["value"] == "dan@example.vn"
    assert not report.contact["verified"]
    code = codes[0]
    assert code and code not in repr(dict(report.contact))
    with pytest.raises(UserError):
        lifecycle.verify_contact(report, "000000" if code != "000000" else "111111")
    lifecycle.verify_contact(report, code)
    assert report.contact["verified"]
