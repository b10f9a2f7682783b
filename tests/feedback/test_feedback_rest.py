"""Citizens' feedback through plone.restapi over HTTP on the small tree (Huế 46 > Thuận Hóa
19786, Vỹ Dạ 19777): the attacks first (the desk without an account or from another unit, a
forged follow-up code, a report without its proof of work or with a replayed one, a photo
over the limit, a contact over its limit), then a citizen files with a real challenge solved
as the widget would, the commune's officials handle the report, and the citizen follows it
with the secret code."""

from nguon.feedback import lifecycle
from nguon.feedback.policy import load_policy
from nguon.feedback.store import feedback_store
from nguon.feedback.throttle import CONTACT_LIMITS
from nguon.feedback.throttle import THROTTLE
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from plone import api
from tests.feedback.altcha_solver import solve
from tests.feedback.photos import has_gps
from tests.feedback.photos import jpeg_with_gps
from tests.rest import json_session

import base64
import pytest
import requests
import transaction
import uuid


COMMUNE, SIBLING, PROVINCE = "19786", "19777", "46"
EDITOR = tree_user(COMMUNE, "editors")
STRANGER = tree_user(SIBLING, "editors")
TEXT = "Đèn đường trước nhà văn hóa tổ 5 bị hỏng đã hai tuần, gọi 0912 345 678."


def category(public=True):
    """A commune-level public category offered everywhere, or a category never public."""
    return next(
        c
        for c in load_policy().categories
        if c.public == public
        and not c.offered_in
        and (c.level == "commune" or not public)
    )


@pytest.fixture
def site(tree_functional):
    portal = tree_functional["portal"]
    return portal.absolute_url()


def unit_url(site, code):
    transaction.begin()
    return find_unit(code).absolute_url()


def proof(site):
    answer = json_session().get(f"{site}/@feedback-challenge")
    assert answer.status_code == 200, answer.text
    assert answer.headers["Cache-Control"] == "no-store"
    return solve(answer.json())


def report_body(site, **extra):
    return {
        "category": category().code,
        "place": COMMUNE,
        "text": TEXT,
        "altcha": proof(site),
        **extra,
    }


def file(site, **extra):
    answer = json_session().post(f"{site}/@feedback", json=report_body(site, **extra))
    assert answer.status_code == 201, answer.text
    return answer.json()


def refused(answer, status):
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["type"] and body["message"]
    return body["message"]


# -- attacks -----------------------------------------------------------------------------------


def test_the_desk_refuses_anonymous_401_and_another_units_official_403(site):
    filed = file(site)
    desk = f"{unit_url(site, COMMUNE)}/@feedback"
    refused(json_session().get(desk), 401)
    refused(json_session(STRANGER).get(desk), 403)
    act = {"action": "note", "note": "Tôi xem được không?"}
    refused(json_session().post(f"{site}/@feedback/{filed['id']}", json=act), 401)
    refused(
        json_session(STRANGER).post(f"{site}/@feedback/{filed['id']}", json=act), 403
    )
    # The other unit's official reads only what the public reads.
    shape = json_session(STRANGER).get(f"{site}/@feedback/{filed['id']}").json()
    assert "contact" not in shape and "history" not in shape


def test_a_private_report_is_not_found_outside_its_desk(site):
    transaction.begin()
    report, _code = lifecycle.file_report(category(public=False).code, COMMUNE, TEXT)
    transaction.commit()
    for user in (None, STRANGER):
        refused(json_session(user).get(f"{site}/@feedback/{report.id}"), 404)
    # A province's official handles it (the category is handled at the province).
    handler = tree_user(report.handler, "editors")
    assert json_session(handler).get(f"{site}/@feedback/{report.id}").status_code == 200


def test_a_forged_or_missing_code_reads_as_not_found(site):
    file(site)
    for code in ("", "forged-code-0000000000", "A" * 5000):
        answer = json_session().post(
            f"{site}/@feedback-mine", json={"code": code, "action": "withdraw"}
        )
        refused(answer, 404)


def test_a_report_without_its_proof_of_work_or_with_a_used_one_is_refused(site):
    body = report_body(site)
    del body["altcha"]
    assert "xác minh" in refused(
        json_session().post(f"{site}/@feedback", json=body), 400
    )
    body = report_body(site)
    assert json_session().post(f"{site}/@feedback", json=body).status_code == 201
    again = json_session().post(f"{site}/@feedback", json=body)
    assert "đã được dùng" in refused(again, 400)


def test_an_oversize_or_undecodable_photo_is_refused_with_the_reason(site):
    huge = base64.b64encode(b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024)).decode()
    body = report_body(site, photos=[{"data": huge, "filename": "big.jpg"}])
    assert "10 MB" in refused(json_session().post(f"{site}/@feedback", json=body), 400)
    body = report_body(site, photos=[{"data": "not base64!", "filename": "a.jpg"}])
    assert "base64" in refused(json_session().post(f"{site}/@feedback", json=body), 400)
    too_many = [{"data": base64.b64encode(jpeg_with_gps()).decode()}] * 6
    body = report_body(site, photos=too_many)
    assert "5" in refused(json_session().post(f"{site}/@feedback", json=body), 400)


def test_a_contact_over_its_limit_is_told_when_to_come_back(site):
    contact = f"0{uuid.uuid4().int % 10**9:09d}"
    for _ in range(CONTACT_LIMITS[0][1]):
        THROTTLE.admit(contact)
    body = report_body(site, contact={"kind": "phone", "value": contact})
    answer = json_session().post(f"{site}/@feedback", json=body)
    refused(answer, 429)
    assert int(answer.headers["Retry-After"]) > 0


# -- a citizen files, officials handle, the citizen follows -----------------------------------


def test_categories_at_the_site_and_at_a_unit(site):
    everywhere = json_session().get(f"{site}/@feedback-categories").json()
    assert everywhere["place"] is None
    assert [c["code"] for c in everywhere["items"]] == [
        c.code for c in load_policy().categories
    ]
    here = json_session().get(f"{unit_url(site, COMMUNE)}/@feedback-categories").json()
    assert here["place"] == COMMUNE
    offered = load_policy().offered(["VN", PROVINCE, COMMUNE])
    assert [c["code"] for c in here["items"]] == [c.code for c in offered]
    assert set(here["items"][0]) == {"code", "title", "level", "due_days", "public"}


def test_a_citizen_files_with_a_photo_and_officials_see_what_the_public_does_not(site):
    email = f"dan-{uuid.uuid4().hex[:8]}@example.vn"
    photo = {"data": base64.b64encode(jpeg_with_gps()).decode(), "filename": "x.jpg"}
    filed = file(
        site,
        point=[16.4637, 107.5909],
        address="12 Lê Lợi",
        contact={"kind": "email", "value": email},
        photos=[photo],
    )
    assert set(filed) >= {"@id", "id", "code", "follow_url", "url", "due"}
    assert filed["handler"] == COMMUNE and filed["listed"] is True
    public = json_session().get(filed["@id"]).json()
    assert public["id"] == filed["id"]
    assert "0912 345 678" not in public["text"] and "contact" not in public
    image = requests.get(public["photos"][0], timeout=60)
    assert image.status_code == 200 and not has_gps(image.content)
    assert email not in json_session().get(filed["@id"]).text
    desk = json_session(EDITOR).get(filed["@id"]).json()
    assert desk["contact"]["value"] == email and "0912 345 678" in desk["text"]
    assert desk["history"][0]["action"] == "received"


def test_the_desk_pages_its_buckets(site):
    ids = [file(site, text=f"{TEXT} Lần thứ {n}.")["id"] for n in range(3)]
    desk = json_session(EDITOR).get(
        f"{unit_url(site, COMMUNE)}/@feedback", params={"b_size": 2}
    )
    assert desk.status_code == 200, desk.text
    page = desk.json()
    assert page["bucket"] == "open" and page["items_total"] == page["counts"]["open"]
    assert page["items_total"] >= 3 and len(page["items"]) == 2
    assert "next" in page["batching"]
    second = json_session(EDITOR).get(page["batching"]["next"]).json()
    seen = {i["id"] for i in page["items"]} | {i["id"] for i in second["items"]}
    assert set(ids) & seen
    assert "history" not in page["items"][0]
    done = (
        json_session(EDITOR)
        .get(f"{unit_url(site, COMMUNE)}/@feedback", params={"bucket": "done"})
        .json()
    )
    assert done["items_total"] == done["counts"]["done"]
    refused(
        json_session(EDITOR).get(
            f"{unit_url(site, COMMUNE)}/@feedback", params={"bucket": "all"}
        ),
        400,
    )


def test_officials_note_assign_hide_merge_forward_and_answer(site):
    first, second, third = (file(site, text=f"{TEXT} Số {n}.")["id"] for n in range(3))
    url = f"{site}/@feedback"
    editor = json_session(EDITOR)

    def act(report_id, **body):
        answer = editor.post(f"{url}/{report_id}", json=body)
        assert answer.status_code == 200, answer.text
        return answer.json()

    noted = act(first, action="note", note="Đã gọi điện cho tổ trưởng.")
    assert noted["history"][-1]["note"] == "Đã gọi điện cho tổ trưởng."
    assigned = act(first, action="assign", userid=EDITOR)
    assert assigned["assignee"] == EDITOR and assigned["state"] == "in_progress"
    refused(
        editor.post(f"{url}/{first}", json={"action": "assign", "userid": STRANGER}),
        400,
    )
    hidden = act(second, action="hide", reason="Nêu tên người.")
    assert hidden["public"] is False
    refused(json_session().get(f"{url}/{second}"), 404)
    merged = act(second, action="merge", into=first)
    assert merged["state"] == "merged" and merged["merged_into"] == first
    forwarded = act(
        third, action="forward", unit=PROVINCE, note="Tuyến đường do tỉnh quản lý."
    )
    assert forwarded["handler"] == PROVINCE
    refused(editor.post(f"{url}/{first}", json={"action": "dance"}), 400)
    odd = {"action": "forward", "unit": ["46"], "note": {"why": 1}}
    refused(editor.post(f"{url}/{first}", json=odd), 400)  # not a server error
    answered = act(first, action="answer", template=0)
    assert answered["state"] == "answering"
    draft = editor.get(answered["answer_draft_url"]).json()
    assert draft["@type"] == "Bulletin"
    assert "Thuận Hóa" in draft["text"]["data"]  # the template, filled in


def test_the_citizen_follows_withdraws_and_cannot_rate_before_the_answer(site):
    email = f"dan-{uuid.uuid4().hex[:8]}@example.vn"
    filed = file(site, contact={"kind": "email", "value": email})
    mine = f"{site}/@feedback-mine"
    view = json_session().post(mine, json={"code": filed["code"]}).json()
    assert view["id"] == filed["id"] and view["can_withdraw"] is True
    assert view["contact"] == {"kind": "email", "verified": False}
    assert email not in str(view)
    assert [step["action"] for step in view["history"]] == ["received"]
    wrong = {"code": filed["code"], "action": "verify", "verification": "000000"}
    refused(json_session().post(mine, json=wrong), 400)
    rate = {"code": filed["code"], "action": "rate", "stars": 5}
    refused(json_session().post(mine, json=rate), 400)
    gone = json_session().post(mine, json={"code": filed["code"], "action": "withdraw"})
    assert gone.status_code == 200 and gone.json()["state"] == "withdrawn"
    refused(json_session().get(filed["@id"]), 404)
    transaction.begin()
    assert feedback_store(api.portal.get()).get(filed["id"]).state == "withdrawn"
