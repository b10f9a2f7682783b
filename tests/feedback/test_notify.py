"""The mails of a report's steps, received by a real SMTP server (tests/mail.py) from the
tree site's mail host: the citizen's first mail to any address, every later one only to a
verified address (and to the authors of merged duplicates), the units told without the
citizen's text or contact, and a mail host that is down never undoing a step."""

from email.header import decode_header
from email.header import make_header
from nguon.feedback import lifecycle
from nguon.feedback.policy import load_policy
from nguon.feedback.store import feedback_store
from nguon.testing import tree_user
from plone import api
from tests.mail import free_port
from tests.mail import smtp_server
from tests.mail import use_server
from tests.rest import json_session

import logging
import pytest
import re
import transaction


COMMUNE, PROVINCE = "19786", "46"
EDITOR = tree_user(COMMUNE, "editors")
APPROVER = tree_user(COMMUNE, "approvers")
TEXT = "Rác thải đổ trộm ở đầu kiệt 12 đường Ngự Bình, gọi 0912 345 678."
STAFF = {
    f"{tree_user(code, kind)}@nguon.invalid"
    for code in (COMMUNE,)
    for kind in ("editors", "approvers")
}


@pytest.fixture
def smtp(tree_functional):
    with smtp_server() as server:
        use_server(server)
        transaction.commit()
        yield server


def category():
    return next(
        c
        for c in load_policy().categories
        if c.level == "commune" and c.public and not c.offered_in
    )


def file(address, text=TEXT):
    report, code = lifecycle.file_report(
        category().code, COMMUNE, text, contact={"kind": "email", "value": address}
    )
    transaction.commit()
    return report, code


def subject(message):
    return str(make_header(decode_header(message["Subject"])))


def body(message):
    return message.get_payload(decode=True).decode(message.get_content_charset())


def to(smtp, address):
    """The mails ``address`` received, in order."""
    return [m for m in smtp.messages if m["X-RcptTo"] == address]


def test_an_unverified_address_gets_the_first_mail_only(smtp):
    report, code = file("nguoidan@example.org")
    [first] = to(smtp, "nguoidan@example.org")
    assert subject(first) == f"Đã nhận phản ánh số {report.id}"
    text = body(first)
    assert f"/theo-doi-phan-anh?ma={code}" in text
    assert re.search(r"Mã xác minh thư điện tử: \d{6}\.", text)
    assert "Phường Thuận Hóa" in text and category().title in text
    assert len(smtp.messages) == 1  # the units are not mailed for every new report

    # Forwarded up: the province's staff are told, the unverified citizen is not.
    lifecycle.forward(report, EDITOR, PROVINCE, "Vượt thẩm quyền của phường.")
    transaction.commit()
    assert len(to(smtp, "nguoidan@example.org")) == 1
    told = {m["X-RcptTo"]: m for m in smtp.messages[1:]}
    assert set(told) == {
        f"{tree_user(PROVINCE, kind)}@nguon.invalid"
        for kind in ("editors", "approvers")
    }
    unit_mail = body(next(iter(told.values())))
    assert f"/vn/46/xu-ly-phan-anh/{report.id}" in unit_mail
    # The units' mails carry the desk's link, never the citizen's text or address.
    assert "0912" not in unit_mail and "nguoidan@" not in unit_mail


def _verify(smtp, address, report):
    text = body(to(smtp, address)[0])
    code = re.search(r"Mã xác minh thư điện tử: (\d{6})\.", text).group(1)
    lifecycle.verify_contact(report, code)
    transaction.commit()


def test_verified_authors_and_merged_followers_are_told_up_to_the_answer(smtp):
    first, _code = file("an@example.org")
    twin, _code = file("binh@example.org")
    _verify(smtp, "an@example.org", first)
    _verify(smtp, "binh@example.org", twin)

    # An internal note stays on the desk; a note for the author is mailed.
    lifecycle.add_note(first, EDITOR, "Đội vệ sinh báo đã gom một phần.")
    lifecycle.add_note(first, EDITOR, "Tổ dân phố thu gom trong tuần.", internal=False)
    transaction.commit()
    [note] = to(smtp, "an@example.org")[1:]
    assert subject(note) == f"Phản ánh số {first.id}: thông tin mới từ Phường Thuận Hóa"
    assert "Tổ dân phố thu gom trong tuần." in body(note)
    assert "Đội vệ sinh" not in body(note)

    lifecycle.merge(twin, first, EDITOR)
    transaction.commit()
    [merged] = to(smtp, "binh@example.org")[1:]
    assert subject(merged) == (
        f"Phản ánh số {twin.id} được gộp vào phản ánh số {first.id}"
    )
    assert len(to(smtp, "an@example.org")) == 2  # the merge is not news to its author

    # The due date is near, then past: the commune's staff, then both units'.
    lifecycle.warn(first)
    transaction.commit()
    warned = [m for m in smtp.messages if subject(m).startswith("[Sắp đến hạn]")]
    assert {m["X-RcptTo"] for m in warned} == STAFF
    lifecycle.escalate(first)
    transaction.commit()
    escalated = [m for m in smtp.messages if subject(m).startswith("[Quá hạn]")]
    assert {m["X-RcptTo"] for m in escalated} == STAFF | {
        f"{tree_user(PROVINCE, kind)}@nguon.invalid"
        for kind in ("editors", "approvers")
    }
    assert "cả hai đơn vị cùng thấy" in body(escalated[0])
    for address in ("an@example.org", "binh@example.org"):
        assert "quá hạn trả lời" in subject(to(smtp, address)[-1])

    # The commune answers; its approver publishes the answer through the workflow.
    answer = lifecycle.start_answer(first, EDITOR, "Phường đã thu gom rác.")
    transaction.commit()
    url = answer.absolute_url()
    assert json_session(EDITOR).post(f"{url}/@workflow/submit").status_code == 200
    published = json_session(APPROVER).post(f"{url}/@workflow/publish")
    assert published.status_code == 200, published.text
    transaction.begin()
    assert feedback_store(api.portal.get()).get(first.id).state == "closed"
    for address in ("an@example.org", "binh@example.org"):
        last = to(smtp, address)[-1]
        assert subject(last) == f"Phản ánh số {first.id} đã có câu trả lời"
        assert url in body(last)


def test_a_mail_host_that_is_down_never_undoes_the_step(tree_functional, caplog):
    class Nowhere:
        hostname, port = "127.0.0.1", free_port()  # nobody listens there

    use_server(Nowhere)
    transaction.commit()
    with caplog.at_level(logging.ERROR, logger="nguon.feedback"):
        report, code = file("nguoidan@example.org")
    transaction.begin()
    found = feedback_store(api.portal.get())
    assert found.get(report.id) is not None and found.by_token(code).id == report.id
    assert "feedback mail to nguoidan@example.org not sent" in caplog.text
