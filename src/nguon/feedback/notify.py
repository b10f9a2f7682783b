"""The mails of a report's steps: a subscriber of ``IReportChanged`` (``configure.zcml``).

To the citizen, in Vietnamese, plain text, with links:

- ``received``: to the e-mail address given, verified or not (this one mail only): the
  report's number, the follow-up link with the citizen's secret code
  (``<site>/theo-doi-phan-anh?ma=<code>``) and the code that verifies the address;
- every later public step (``forwarded``, ``escalated``, ``answered`` with the answer's
  link, ``reopened``, ``merged``, and a note the official made public): only to a
  VERIFIED e-mail address, the report's and those of the reports merged into it
  (``report.followers``). An unverified address is a stranger's until proven otherwise.

To the units (their editors' and approvers' e-mail addresses, from the unit's groups): a
report forwarded to a unit, its due date near (``warned``, the handling unit), its due date
passed (``escalated``: the handling unit and the unit above, both told that both see it), and
to the official a report is assigned to. These mails carry the number, the category, the
place, the due date and the desk's link, never the citizen's text or contact: those stay
on the desk.

The mails are worked out when the step happens and sent once its transaction is committed
(an after-commit hook: a step that is rolled back mails nobody, and a mail host that is
down never undoes the step). A mail that cannot leave is logged and skipped.
"""

from dataclasses import dataclass
from nguon import _
from nguon.content.timezone import LOCAL_ZONE
from nguon.feedback.lifecycle import VERIFICATION_HOURS
from nguon.feedback.policy import load_policy
from nguon.feedback.shapes import answer_of
from nguon.feedback.shapes import unit_title
from nguon.feedback.store import feedback_store
from nguon.units.tree import find_unit
from nguon.units.tree import group_id
from plone import api
from urllib.parse import urlencode
from ZODB.POSException import ConflictError
from zope.component.hooks import site
from zope.i18n import translate

import logging


logger = logging.getLogger("nguon.feedback")

DESK = "xu-ly-phan-anh"
FOLLOW = "theo-doi-phan-anh"
# The groups of a unit that handle its reports and are told of them.
STAFF = ("editors", "approvers")


@dataclass(frozen=True)
class Mail:
    recipient: str
    subject: str
    body: str


def report_changed(event):
    """Work out the step's mails and send them after the commit of the transaction that
    made the step: the one of the site's connection, a request's or the clock thread's own
    (``nguon.feedback.clock``), which is not the thread's default transaction. A mail
    that cannot be written is logged: the step goes on without it."""
    try:
        mails = messages(event)
    except ConflictError:
        raise  # the request is retried, and its mails worked out again
    except Exception:
        logger.exception("feedback mails of %s on %s", event.action, event.report.id)
        return
    if mails:
        send_after_commit(mails)


def send_after_commit(mails):
    """Send ``mails`` once the current site's transaction is committed (none if it is not)."""
    portal = api.portal.get()
    manager = portal._p_jar.transaction_manager
    manager.get().addAfterCommitHook(_after_commit, args=(portal, mails))


def _after_commit(committed, portal, mails):
    """Send the mails of a committed step, with the step's site as the current site (the
    commit may come after whoever made the step let go of it)."""
    if committed:
        with site(portal):
            for mail in mails:
                send(mail)


def send(mail):
    """Send one mail now; False, logged, when it cannot leave: the mail host is not set
    up, the server refuses or cannot be reached, or anything else goes wrong on the way
    (the step is committed already: nothing a mail does may reach it)."""
    try:
        api.portal.send_email(
            recipient=mail.recipient,
            subject=mail.subject,
            body=mail.body,
            immediate=True,
        )
    except ValueError as error:  # plone.api: the mail host is not set up (a demo site)
        logger.warning("feedback mail to %s not sent: %s", mail.recipient, error)
        return False
    except Exception:
        logger.exception("feedback mail to %s not sent", mail.recipient)
        return False
    return True


def messages(event):
    """Every ``Mail`` that ``event`` (an ``IReportChanged``) asks for."""
    facts = _facts(event.report, event.step)
    mails = []
    citizen = _citizen_message(event, facts)
    if citizen is not None:
        recipients = (
            _given_address(event.report)
            if event.action == "received"
            else _verified_addresses(event.report)
        )
        # The first mail carries the follow-up link; it ends with the public page only.
        url = facts["report_url"]
        if event.action == "received" and not event.report.listed:
            url = ""
        mails += _mails(recipients, citizen, url)
    for codes, message in _unit_messages(event, facts):
        for code in codes:
            mails += _mails(
                staff_addresses(code), message, desk_url(code, event.report.id)
            )
    if event.action == "assigned":
        user = api.user.get(userid=event.step.get("assignee"))
        address = user.getProperty("email") if user is not None else None
        subject = _(
            "feedback_mail_assigned",
            default="[Được giao] Phản ánh số ${id} (${category}, ${place})",
            mapping=facts,
        )
        text = _(
            "feedback_mail_assigned_text",
            default="Anh/chị được giao xử lý phản ánh số ${id} (${category}, ${place}); "
            "hạn trả lời: ${due}.",
            mapping=facts,
        )
        mails += _mails(
            [address] if address else [],
            (subject, (text,)),
            desk_url(event.report.handler, event.report.id),
        )
    return mails


# -- who -------------------------------------------------------------------------------------


def _given_address(report):
    contact = report.contact
    if contact is None or contact["kind"] != "email":
        return []
    return [contact["value"]]


def _verified_addresses(report):
    """The verified e-mail addresses of the report's author and of the authors of the
    reports merged into it."""
    found = feedback_store(api.portal.get())
    reports = [report] + [found.get(each) for each in report.followers]
    addresses = []
    for each in reports:
        contact = each.contact if each is not None else None
        if contact and contact["kind"] == "email" and contact.get("verified"):
            if contact["value"] not in addresses:
                addresses.append(contact["value"])
    return addresses


def staff_addresses(code):
    """The e-mail addresses of the editors and approvers of the unit ``code``."""
    users = [
        user
        for kind in STAFF
        for user in api.user.get_users(groupname=group_id(code, kind))
    ]
    return sorted({user.getProperty("email") for user in users} - {None, ""})


# -- what -------------------------------------------------------------------------------------


def desk_url(code, report_id):
    unit = find_unit(code)
    return f"{unit.absolute_url()}/{DESK}/{report_id}" if unit is not None else ""


def local_time(moment):
    """``17:00 ngày 14/12/2026`` in Vietnam's time."""
    local = moment.astimezone(LOCAL_ZONE)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def _facts(report, step):
    base = api.portal.get().absolute_url()
    category = load_policy().category(report.category)
    answer = answer_of(report)
    return {
        "id": report.id,
        "category": category.title if category is not None else report.category,
        "place": unit_title(report.place),
        "handler": unit_title(report.handler),
        "above": unit_title(report.escalated_to) if report.escalated_to else "",
        "source": unit_title(step.get("source")) if step.get("source") else "",
        "target": step.get("target") or "",
        "due": local_time(report.due) if report.due is not None else "",
        "note": step.get("note") or "",
        "answer_url": answer.absolute_url() if answer is not None else "",
        "follow_url": f"{base}/{FOLLOW}",
        "report_url": (
            f"{base}/phan-anh/{report.id}" if report.listed else f"{base}/{FOLLOW}"
        ),
    }


def _citizen_message(event, facts):
    """``(subject, paragraphs)`` of the citizen's mail for this step, or None."""
    action = event.action
    if action == "received":
        return _received(event, facts)
    if action == "note" and event.step.get("internal"):
        return None
    subjects = {
        "forwarded": _(
            "feedback_mail_forwarded",
            default="Phản ánh số ${id} đã được chuyển đến ${handler}",
            mapping=facts,
        ),
        "escalated": _(
            "feedback_mail_escalated",
            default="Phản ánh số ${id} quá hạn trả lời, đã báo ${above}",
            mapping=facts,
        ),
        "answered": _(
            "feedback_mail_answered",
            default="Phản ánh số ${id} đã có câu trả lời",
            mapping=facts,
        ),
        "reopened": _(
            "feedback_mail_reopened",
            default="Phản ánh số ${id} đã được mở lại",
            mapping=facts,
        ),
        "merged": _(
            "feedback_mail_merged",
            default="Phản ánh số ${id} được gộp vào phản ánh số ${target}",
            mapping=facts,
        ),
        "note": _(
            "feedback_mail_note",
            default="Phản ánh số ${id}: thông tin mới từ ${handler}",
            mapping=facts,
        ),
    }
    texts = {
        "forwarded": _(
            "feedback_mail_forwarded_text",
            default="Phản ánh số ${id} (${category}) đã được chuyển đến ${handler} "
            "để xử lý. Hạn trả lời: ${due}.",
            mapping=facts,
        ),
        "escalated": _(
            "feedback_mail_escalated_text",
            default="Phản ánh số ${id} (${category}) chưa được trả lời trong hạn "
            "(${due}). ${above} đã được báo để đôn đốc, xử lý.",
            mapping=facts,
        ),
        "answered": _(
            "feedback_mail_answered_text",
            default="${handler} đã trả lời phản ánh số ${id} (${category}). Đọc câu "
            "trả lời: ${answer_url}",
            mapping=facts,
        ),
        "reopened": _(
            "feedback_mail_reopened_text",
            default="Phản ánh số ${id} (${category}) đã được mở lại và sẽ được trả "
            "lời trước ${due}.",
            mapping=facts,
        ),
        "merged": _(
            "feedback_mail_merged_text",
            default="Phản ánh số ${id} có cùng nội dung với phản ánh số ${target} đang "
            "được xử lý, nên đã được gộp vào phản ánh đó. Ông/bà sẽ tiếp tục nhận thư "
            "báo về các bước xử lý phản ánh số ${target}.",
            mapping=facts,
        ),
        "note": _(
            "feedback_mail_note_text",
            default="${handler} cho biết về phản ánh số ${id}: ${note}",
            mapping=facts,
        ),
    }
    if action not in subjects:
        return None
    if action == "answered":
        after = _(
            "feedback_mail_answered_after",
            default="Nếu chưa hài lòng, ông/bà có thể mở lại phản ánh một lần, hoặc "
            "đánh giá câu trả lời, trên trang theo dõi phản ánh (${follow_url}) bằng "
            "đường dẫn trong thư đầu tiên.",
            mapping=facts,
        )
        return subjects[action], (texts[action], after)
    return subjects[action], (texts[action],)


def _received(event, facts):
    code = event.secrets.get("code")
    base = api.portal.get().absolute_url()
    facts = {
        **facts,
        "follow_url": f"{base}/{FOLLOW}?{urlencode({'ma': code})}",
        "verification": event.secrets.get("verification") or "",
        "hours": VERIFICATION_HOURS,
    }
    paragraphs = [
        _(
            "feedback_mail_received_text",
            default="Cảm ơn ông/bà đã gửi phản ánh về «${category}» tại ${place}. "
            "Phản ánh số ${id} đã đến ${handler} và sẽ được trả lời trước ${due}.",
            mapping=facts,
        ),
        _(
            "feedback_mail_received_follow",
            default="Theo dõi phản ánh, rút lại hoặc đánh giá câu trả lời tại: "
            "${follow_url} (đường dẫn này chứa mã theo dõi riêng của ông/bà: xin đừng "
            "chia sẻ).",
            mapping=facts,
        ),
    ]
    if facts["verification"]:
        paragraphs.append(
            _(
                "feedback_mail_received_verify",
                default="Mã xác minh thư điện tử: ${verification}. Nhập mã này trên "
                "trang theo dõi trong vòng ${hours} giờ để nhận thư báo về từng bước "
                "xử lý phản ánh; nếu không xác minh, đây là thư duy nhất ông/bà nhận "
                "được.",
                mapping=facts,
            )
        )
    paragraphs.append(
        _(
            "feedback_mail_received_stranger",
            default="Nếu ông/bà không gửi phản ánh này, xin bỏ qua thư.",
        )
    )
    subject = _(
        "feedback_mail_received",
        default="Đã nhận phản ánh số ${id}",
        mapping=facts,
    )
    return subject, tuple(paragraphs)


def _unit_messages(event, facts):
    """``(unit codes, (subject, paragraphs))`` of the units' mails for this step."""
    report = event.report
    if event.action == "forwarded":
        subject = _(
            "feedback_mail_unit_forwarded",
            default="[Phản ánh chuyển đến] Phản ánh số ${id} (${category}, ${place})",
            mapping=facts,
        )
        text = _(
            "feedback_mail_unit_forwarded_text",
            default="${source} đã chuyển phản ánh số ${id} (${category}, ${place}) "
            "đến ${handler}. Hạn trả lời: ${due}.",
            mapping=facts,
        )
        return [((report.handler,), (subject, (text,)))]
    if event.action == "warned":
        subject = _(
            "feedback_mail_unit_warned",
            default="[Sắp đến hạn] Phản ánh số ${id} phải trả lời trước ${due}",
            mapping=facts,
        )
        text = _(
            "feedback_mail_unit_warned_text",
            default="Phản ánh số ${id} (${category}, ${place}) do ${handler} xử lý "
            "phải được trả lời trước ${due}.",
            mapping=facts,
        )
        return [((report.handler,), (subject, (text,)))]
    if event.action == "escalated":
        subject = _(
            "feedback_mail_unit_escalated",
            default="[Quá hạn] Phản ánh số ${id} đã chuyển lên ${above}",
            mapping=facts,
        )
        text = _(
            "feedback_mail_unit_escalated_text",
            default="Phản ánh số ${id} (${category}, ${place}) do ${handler} xử lý đã "
            "quá hạn trả lời (${due}). Phản ánh được chuyển lên ${above}: cả hai đơn "
            "vị cùng thấy phản ánh trên trang xử lý phản ánh. ${handler} vẫn phải trả "
            "lời; ${above} có thể nhận xử lý thay bằng cách chuyển phản ánh về mình.",
            mapping=facts,
        )
        return [((report.handler, report.escalated_to), (subject, (text,)))]
    return []


def _mails(recipients, message, url):
    """One ``Mail`` per recipient of ``(subject, paragraphs)``, ending with ``url``."""
    if not recipients:
        return []
    subject, paragraphs = message
    language = api.portal.get_default_language()
    subject = translate(subject, target_language=language)
    texts = [translate(text, target_language=language) for text in paragraphs]
    body = "\n\n".join([*texts, url] if url else texts)
    return [Mail(address, subject, body) for address in recipients]
