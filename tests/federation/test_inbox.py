"""The province's inbox: forged, replayed, stale and misdirected deliveries are refused with
nothing stored; an accepted one makes an item of the province with its provenance, published
or submitted as the policy says; updates, retractions and repeats follow."""

from nguon.federation import links
from nguon.federation import provenance
from nguon.workflow.state import review_state
from plone import api
from tests.federation.helpers import document
from tests.federation.helpers import item
from tests.federation.helpers import make_link
from tests.federation.helpers import new_uid
from tests.federation.helpers import post
from tests.federation.helpers import signed
from tests.federation.helpers import tombstone

import pytest
import time
import transaction


def local_items(portal, unit="46"):
    transaction.begin()
    return [
        brain.getObject()
        for brain in api.content.find(
            path="/".join(portal["vn"][unit].getPhysicalPath()),
            portal_type=["Bulletin", "LegalDocument", "RadioItem"],
        )
        if provenance.get(brain.getObject())
    ]


def nothing_stored(portal, link_id="trung-uong"):
    transaction.begin()
    link = links.get(portal, link_id)
    return (
        not local_items(portal)
        and len(link.applied) == 0
        and len(link.seen) == 0
        and link.cursor == 0
    )


@pytest.fixture
def link(portal):
    return make_link(portal)


def test_a_forged_signature_is_refused_and_nothing_is_stored(portal, link):
    data = document(link, [item(new_uid(), 5, "Giả mạo")])
    body, _signature = signed(data)
    for signature in (
        None,
        "sha256=" + "0" * 64,
        signed(data, secret="not-the-secret-of-the-link")[1],
        "md5=abc",
    ):
        response = post(portal, link.id, body, signature)
        assert response.status_code == 403, response.text
        assert "Chữ ký" in response.json()["message"]
    # a body changed after signing
    tampered = body.replace("Giả mạo".encode(), "Sửa đổi".encode())
    assert post(portal, link.id, tampered, signed(data)[1]).status_code == 403
    assert nothing_stored(portal)


def test_a_stale_delivery_is_refused(portal, link):
    old = document(link, [item(new_uid(), 5, "Cũ")], sent=time.time() - 3600)
    response = post(portal, link.id, *signed(old))
    assert response.status_code == 403
    assert "lệch quá 300 giây" in response.json()["message"]
    future = document(link, [item(new_uid(), 5, "Tương lai")], sent=time.time() + 3600)
    assert post(portal, link.id, *signed(future)).status_code == 403
    assert nothing_stored(portal)


def test_a_delivery_for_another_link_or_unit_is_refused(portal, link):
    other = make_link(
        portal, "tinh-khac", unit="44", secret="another-secret-0123456789"
    )
    transaction.begin()
    # signed with this link's secret, but another subscription's delivery id
    data = document(link, [item(new_uid(), 5, "Lạc")], sid=other.subscription_id)
    response = post(portal, link.id, *signed(data))
    assert response.status_code == 403
    assert "không thuộc liên kết" in response.json()["message"]
    # the right subscription, another unit's feed
    data = document(link, [item(new_uid(), 5, "Lạc")], unit="44")
    assert post(portal, link.id, *signed(data)).status_code == 403
    # this link's delivery posted to the other link: its secret does not verify it
    data = document(link, [item(new_uid(), 5, "Lạc")])
    assert post(portal, other.id, *signed(data)).status_code == 403
    # no such link
    assert post(portal, "khong-co", *signed(data)).status_code == 404
    assert nothing_stored(portal)
    assert len(links.get(portal, other.id).applied) == 0


def test_a_malformed_document_is_refused(portal, link):
    body = b'{"items": []}'
    from nguon.syndication import signing

    response = post(portal, link.id, body, signing.sign(link.secret, body))
    assert response.status_code == 400
    assert nothing_stored(portal)


def test_an_accepted_delivery_makes_an_item_with_provenance_then_replay_update_retraction(
    portal, link
):
    uid = new_uid()
    data = document(
        link,
        [item(uid, 7, "Chỉ thị phòng chống bão", "LegalDocument", number="12/CT-TTg")],
    )
    body, signature = signed(data)
    response = post(portal, link.id, body, signature)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "created": 1,
        "updated": 0,
        "retracted": 0,
        "skipped": 0,
        "cursor": 7,
    }
    [received] = local_items(portal)
    assert received.portal_type == "LegalDocument"
    assert received.title == "Chỉ thị phòng chống bão"
    assert received.number == "12/CT-TTg"
    assert received.target_scope == "subtree"
    # the policy: central's legal documents are published at once, through the chain
    assert review_state(received) == "published"
    origin = provenance.get(received)
    assert origin["origin_uid"] == uid
    assert origin["site"] == "https://trunguong.nguon.invalid"
    assert origin["url"] == f"https://trunguong.nguon.invalid/vn/{uid}"
    assert origin["unit"]["code"] == "VN"
    assert origin["link"] == link.id
    history = [
        entry["action"]
        for entry in received.workflow_history["nguon_approval_workflow"]
    ]
    assert "publish" in history

    # the same bytes again: a replay, refused, nothing doubled
    again = post(portal, link.id, body, signature)
    assert again.status_code == 409
    assert "đã được nhận" in again.json()["message"]
    # the same delivery rebuilt with a new time (central's retry): taken, changes nothing
    retry = post(
        portal, link.id, *signed(document(link, data["items"], sent=time.time() + 1))
    )
    assert retry.status_code == 200
    assert retry.json()["skipped"] == 1
    assert len(local_items(portal)) == 1

    # an update from central
    changed = item(
        uid, 9, "Chỉ thị phòng chống bão (sửa đổi)", "LegalDocument", number="12/CT-TTg"
    )
    response = post(portal, link.id, *signed(document(link, [changed])))
    assert response.json()["updated"] == 1
    [updated] = local_items(portal)
    assert updated.UID() == received.UID()
    assert updated.title == "Chỉ thị phòng chống bão (sửa đổi)"
    assert review_state(updated) == "published"
    assert provenance.get(updated)["seq"] == 9
    # an older change arriving late is not applied
    late = item(uid, 8, "Bản cũ", "LegalDocument")
    assert post(portal, link.id, *signed(document(link, [late]))).json()["skipped"] == 1
    assert local_items(portal)[0].title == "Chỉ thị phòng chống bão (sửa đổi)"

    # central retracts it
    response = post(
        portal, link.id, *signed(document(link, deleted=[tombstone(uid, 10)]))
    )
    assert response.json()["retracted"] == 1
    [retracted] = local_items(portal)
    assert review_state(retracted) == "retracted"
    assert provenance.get(retracted)["retracted"] is True
    assert links.get(portal, link.id).cursor == 10


def test_a_bulletin_waits_for_the_provinces_approval_as_the_policy_says(portal, link):
    uid = new_uid()
    response = post(
        portal, link.id, *signed(document(link, [item(uid, 3, "Tin thường")]))
    )
    assert response.status_code == 200
    [received] = local_items(portal)
    assert received.portal_type == "Bulletin"
    assert review_state(received) == "pending"
    # the province's approver publishes it; the federation is not its author
    with api.env.adopt_user(username="46-approvers"):
        api.content.transition(obj=received, transition="publish")
    transaction.commit()
    assert review_state(received) == "published"
    # central retracts it: the published copy is retracted
    post(portal, link.id, *signed(document(link, deleted=[tombstone(uid, 4)])))
    assert review_state(local_items(portal)[0]) == "retracted"


def test_a_waiting_copy_is_updated_not_doubled_and_withdrawn_when_central_retracts(
    portal, link
):
    uid = new_uid()
    post(portal, link.id, *signed(document(link, [item(uid, 3, "Tin chờ duyệt")])))
    [waiting] = local_items(portal)
    assert review_state(waiting) == "pending"
    changed = item(uid, 5, "Tin chờ duyệt (sửa)")
    assert (
        post(portal, link.id, *signed(document(link, [changed]))).json()["updated"] == 1
    )
    [updated] = local_items(portal)
    assert updated.UID() == waiting.UID() and updated.title == "Tin chờ duyệt (sửa)"
    assert review_state(updated) == "pending"
    post(portal, link.id, *signed(document(link, deleted=[tombstone(uid, 6)])))
    [withdrawn] = local_items(portal)
    assert review_state(withdrawn) == "draft"
    assert provenance.get(withdrawn)["retracted"] is True


def test_the_inbox_answers_with_or_without_accept_json(portal, link):
    data = document(link, [item(new_uid(), 2, "Khẩn", priority="emergency")])
    response = post(portal, link.id, *signed(data), accept="application/json")
    assert response.status_code == 200, response.text
    [received] = local_items(portal)
    assert review_state(received) == "published"  # emergency: at once


def test_the_provenance_is_shown_on_the_item(portal, link, layer):
    import requests

    post(
        portal,
        link.id,
        *signed(
            document(
                link,
                [item(new_uid(), 2, "Tin có nguồn", "LegalDocument", number="1/CT")],
            )
        ),
    )
    [received] = local_items(portal)
    page = requests.get(received.absolute_url(), timeout=30)
    assert page.status_code == 200
    assert "Tin nhận từ Trung ương (https://trunguong.nguon.invalid)" in page.text


def test_values_this_site_does_not_know_fall_back_to_its_own(portal, link):
    strange = item(new_uid(), 2, "Tin lạ", category="space-weather", priority="cosmic")
    assert post(portal, link.id, *signed(document(link, [strange]))).status_code == 200
    [received] = local_items(portal)
    assert received.category == "policy-law" and received.priority == "normal"


def test_a_directive_keeps_centrals_type_number_issuing_body_signer_and_date(
    portal, link
):
    facts = {
        "type": "directive",
        "number": "05/CT-TTg",
        "issuing_body": "Thủ tướng Chính phủ",
        "signer": "Nguyễn Văn A",
        "issue_date": "2026-11-02",
    }
    directive = item(new_uid(), 2, "Chỉ thị", "LegalDocument", document=facts)
    assert post(portal, link.id, *signed(document(link, [directive]))).ok
    [received] = local_items(portal)
    assert (
        received.document_type,
        received.number,
        received.issuing_body,
        received.signer,
        received.issue_date.isoformat(),
    ) == ("directive", "05/CT-TTg", "Thủ tướng Chính phủ", "Nguyễn Văn A", "2026-11-02")
    # a type this site does not know, and a central that sends no facts: its own fallbacks
    odd = item(new_uid(), 3, "Văn bản lạ", "LegalDocument", number="1/X")
    odd["_nguon"]["document"] = {"type": "edict", "issuing_body": None}
    assert post(portal, link.id, *signed(document(link, [odd]))).ok
    plain = item(new_uid(), 4, "Văn bản cũ", "LegalDocument", number="2/X")
    assert post(portal, link.id, *signed(document(link, [plain]))).ok
    by_title = {obj.title: obj for obj in local_items(portal)}
    for title in ("Văn bản lạ", "Văn bản cũ"):
        copy = by_title[title]
        assert copy.document_type == "other" and copy.issuing_body == "Trung ương"
        assert copy.signer is None
    assert by_title["Văn bản lạ"].number == "1/X"
