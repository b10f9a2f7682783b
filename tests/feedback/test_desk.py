"""The officials' desk, ``xu-ly-phan-anh``, over HTTP on the small tree (Huế 46 > Thuận Hóa
19786, Vỹ Dạ 19777; Quảng Trị 44): who may not reach it first, then a commune's day with its
reports and the province's view of one escalated to it."""

from nguon.content.timezone import LOCAL_ZONE
from nguon.feedback import lifecycle
from nguon.feedback.policy import load_policy
from nguon.feedback.store import feedback_store
from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user
from plone import api

import pytest
import re
import requests
import transaction


COMMUNE, SIBLING, PROVINCE = "19786", "19777", "46"
EDITOR = tree_user(COMMUNE, "editors")
TEXT = "Đèn đường trước nhà văn hóa tổ 5 bị hỏng đã hai tuần, gọi 0912 345 678."


def category():
    """A public commune-level category offered everywhere, with answer templates."""
    return next(
        c
        for c in load_policy().categories
        if c.level == "commune" and c.public and not c.offered_in and c.templates
    )


def file(text=TEXT, **extra):
    report, _code = lifecycle.file_report(category().code, COMMUNE, text, **extra)
    return report


def session(userid=None):
    browser = requests.Session()
    if userid:
        browser.auth = (userid, TREE_PASSWORD)
    return browser


def token(html):
    return re.search(r'name="_authenticator" value="([^"]+)"', html).group(1)


def fresh(report_id):
    """The report as the server committed it."""
    transaction.begin()
    return feedback_store(api.portal.get()).get(report_id)


@pytest.fixture
def desk(tree_functional):
    """The commune's desk URL and a report filed there, committed."""
    portal = tree_functional["portal"]
    report = file()
    transaction.commit()
    base = f"{portal.absolute_url()}/vn/{PROVINCE.lower()}"
    return {
        "base": base,
        "commune": f"{base}/{COMMUNE}/xu-ly-phan-anh",
        "report": report.id,
    }


def act(browser, url, **data):
    """POST one step with the page's authenticator; the page after the redirect."""
    page = browser.get(url)
    assert page.status_code == 200, page.text[:500]
    return browser.post(url, data={**data, "_authenticator": token(page.text)})


def test_who_may_not_reach_the_desk(desk):
    one = f"{desk['commune']}/{desk['report']}"
    # Anonymous is sent to the login form.
    for url in (desk["commune"], one):
        anonymous = session().get(url, allow_redirects=False)
        assert anonymous.status_code == 302
        assert "login" in anonymous.headers["Location"]
    # An editor of the commune next door reaches neither the desk nor the report, even
    # through the address of their own desk; the unit's page offers them no link to it.
    sibling = session(tree_user(SIBLING, "editors"))
    unit_page = desk["commune"].removesuffix("/xu-ly-phan-anh")
    assert desk["commune"] in session(EDITOR).get(unit_page).text
    assert desk["commune"] not in sibling.get(unit_page).text
    own_desk = f"{desk['base']}/{SIBLING}/xu-ly-phan-anh"
    assert sibling.get(own_desk).status_code == 200
    for url in (desk["commune"], one, f"{own_desk}/{desk['report']}"):
        refused = sibling.get(url, allow_redirects=False)
        assert refused.status_code in (302, 401, 403)
        assert "0912 345 678" not in refused.text
    # Nor another province's approver.
    other = session(tree_user("44", "approvers"))
    assert other.get(one, allow_redirects=False).status_code in (302, 401, 403)


def test_forged_and_refused_steps_change_nothing(desk):
    editor = session(EDITOR)
    one = f"{desk['commune']}/{desk['report']}"
    forged = editor.post(one, data={"action": "note", "note": "Giả mạo."})
    assert forged.status_code == 403
    assert [step["action"] for step in fresh(desk["report"]).history] == ["received"]

    unrelated = act(
        editor, one, action="forward", unit="44", note="Không thuộc địa bàn."
    )
    assert "Chỉ chuyển được phản ánh lên đơn vị cấp trên" in unrelated.text
    stranger = act(editor, one, action="assign", assignee=tree_user(SIBLING, "editors"))
    assert "Người được giao phải là cán bộ của đơn vị xử lý." in stranger.text
    unknown = act(editor, one, action="merge", into="999999999")
    assert "Không có phản ánh số «999999999»" in unknown.text
    report = fresh(desk["report"])
    assert report.handler == COMMUNE and report.assignee is None
    assert report.state == "received"


def test_a_communes_desk_assign_note_merge_forward(desk):
    editor = session(EDITOR)
    twin = file()  # the same text: a suspected duplicate
    transaction.commit()
    listing = editor.get(desk["commune"])
    assert listing.status_code == 200
    assert listing.text.count('data-report="') == 2
    assert "Có thể trùng" in listing.text
    assert category().title in listing.text
    assert re.search(r'class="nguon-desk-count">2<', listing.text)

    one = f"{desk['commune']}/{desk['report']}"
    page = editor.get(one)
    assert "0912 345 678" in page.text  # the text as written, on the desk only
    assert "Phường Thuận Hóa" in page.text

    assigned = act(
        editor, one, action="assign", assignee=tree_user(COMMUNE, "approvers")
    )
    assert "Đã giao xử lý." in assigned.text
    noted = act(
        editor, one, action="note", note="Đã cử tổ kiểm tra.", visibility="internal"
    )
    assert "Đã cử tổ kiểm tra." in noted.text and "Nội bộ" in noted.text
    merged = act(
        editor, f"{desk['commune']}/{twin.id}", action="merge", into=desk["report"]
    )
    assert "Đã gộp phản ánh." in merged.text
    report = fresh(desk["report"])
    assert report.assignee == tree_user(COMMUNE, "approvers")
    assert report.state == "in_progress"
    assert list(report.followers) == [twin.id]
    assert fresh(twin.id).state == "merged"
    done = editor.get(desk["commune"], params={"ds": "done"})
    assert f'data-report="{twin.id}"' in done.text

    # Forwarded up: the province handles it; the commune no longer reaches it.
    forwarded = act(
        editor, one, action="forward", unit=PROVINCE, note="Vượt thẩm quyền."
    )
    assert forwarded.url.rstrip("/").endswith("xu-ly-phan-anh")
    assert "Đã chuyển phản ánh." in forwarded.text
    assert fresh(desk["report"]).handler == PROVINCE
    assert editor.get(one, allow_redirects=False).status_code in (302, 401, 403)
    province = session(tree_user(PROVINCE, "approvers"))
    assert (
        f'data-report="{desk["report"]}"'
        in province.get(f"{desk['base']}/xu-ly-phan-anh").text
    )


def test_the_province_sees_an_escalated_report_and_the_commune_answers(desk):
    lifecycle.escalate(fresh(desk["report"]))
    transaction.commit()
    province = session(tree_user(PROVINCE, "approvers"))
    escalated = province.get(
        f"{desk['base']}/xu-ly-phan-anh", params={"ds": "escalated"}
    )
    assert f'data-report="{desk["report"]}"' in escalated.text
    assert "Phường Thuận Hóa" in escalated.text  # the handler, shown beside the state
    seen = province.get(f"{desk['base']}/xu-ly-phan-anh/{desk['report']}")
    assert seen.status_code == 200 and "quá hạn, đã chuyển lên" in seen.text
    assert 'value="answer"' not in seen.text  # the commune writes the answer

    # The commune answers from the category's first template.
    editor = session(EDITOR)
    one = f"{desk['commune']}/{desk['report']}"
    composed = editor.get(one, params={"mau": "0"})
    received = fresh(desk["report"]).received
    assert "phường Thuận Hóa" in composed.text
    assert received.astimezone(LOCAL_ZONE).strftime("%d/%m/%Y") in composed.text
    text = re.search(
        r'<textarea[^>]*id="answer-text"[^>]*>([^<]*)<', composed.text
    ).group(1)
    answered = editor.post(
        one,
        data={"action": "answer", "text": text, "_authenticator": token(composed.text)},
        allow_redirects=False,
    )
    assert answered.status_code == 302
    assert answered.headers["Location"].endswith("/edit")
    assert f"/vn/46/{COMMUNE}/" in answered.headers["Location"]
    report = fresh(desk["report"])
    assert report.state == "answering"
    draft = editor.get(one)
    assert 'class="nguon-answer-draft"' in draft.text
    assert 'value="answer"' not in draft.text  # one answer at a time
