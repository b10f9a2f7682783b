"""Citizens' reports of the demo: what a ward's desk looks like on an ordinary week in Huế.

Five reports, filed days before the demo is made (so that due dates fall around it): one
just received, one assigned, one answered (its answer approved and published by the ward,
and rated), one overdue and escalated to the city, one about an official (never public).
Made once: a site whose store already holds reports is left as it is.
"""

from datetime import timedelta
from nguon.demo.users import DEMO_USERS
from nguon.feedback import lifecycle
from nguon.feedback.store import feedback_store
from nguon.feedback.store import utc
from plone import api


# (place, category, days before now, text, address, what happens next)
DEMO_REPORTS = (
    (
        "19786",
        "giao-thong",
        1,
        "Đèn chiếu sáng trên đường Lê Lợi, đoạn trước trường Quốc Học, tắt ba đêm liền; "
        "người đi xe máy qua đây buổi tối rất nguy hiểm.",
        "Đường Lê Lợi, phường Thuận Hóa",
        "received",
    ),
    (
        "19777",
        "moi-truong",
        3,
        "Rác thải sinh hoạt ứ đọng ở cuối kiệt 45 Nguyễn Sinh Cung hơn một tuần chưa được "
        "thu gom, bốc mùi hôi; nhờ phường kiểm tra giúp. Liên hệ 0914 226 118.",
        "Kiệt 45 Nguyễn Sinh Cung, phường Vỹ Dạ",
        "assigned",
    ),
    (
        "19786",
        "trat-tu-do-thi",
        9,
        "Một số quán cà phê trên đường Phạm Ngũ Lão lấn chiếm hết vỉa hè, người đi bộ phải "
        "xuống lòng đường.",
        "Đường Phạm Ngũ Lão, phường Thuận Hóa",
        "answered",
    ),
    (
        "19777",
        "giao-thong",
        25,
        "Mặt đường kiệt 12 Nguyễn Sinh Cung bị sụt lún thành ổ gà lớn sau đợt mưa, nước "
        "đọng cả tuần.",
        "Kiệt 12 Nguyễn Sinh Cung, phường Vỹ Dạ",
        "escalated",
    ),
    (
        "19786",
        "can-bo-cong-chuc",
        2,
        "Cán bộ tiếp nhận hồ sơ ở bộ phận một cửa hẹn lại nhiều lần mà không nói rõ lý do.",
        "",
        "received",
    ),
)

ANSWER = (
    "Ủy ban nhân dân phường Thuận Hóa đã tiếp nhận phản ánh. Tổ kiểm tra trật tự đô thị "
    "của phường đã làm việc với các hộ kinh doanh trên đường Phạm Ngũ Lão, yêu cầu trả lại "
    "phần vỉa hè cho người đi bộ và sẽ kiểm tra lại hằng tuần. Cảm ơn ông/bà đã phản ánh."
)


def _user(unit_code, kind):
    return next(
        u for u, _name, code, k in DEMO_USERS if code == unit_code and k == kind
    )


def _answer(report, now):
    editor = _user(report.handler, "editors")
    answer = lifecycle.start_answer(report, editor, ANSWER, now=now)
    with api.env.adopt_user(username=editor):
        api.content.transition(obj=answer, transition="submit")
    with api.env.adopt_user(username=_user(report.handler, "approvers")):
        api.content.transition(obj=answer, transition="publish")
    lifecycle.rate(report, 5, "Vỉa hè đã thông thoáng, cảm ơn phường.")


def create_demo_reports():
    """File the demo's reports unless the site has some; returns how many were filed."""
    store = feedback_store(api.portal.get())
    if store is None or len(store.reports):
        return 0
    now = utc()
    for place, category, days, text, address, next_step in DEMO_REPORTS:
        filed = now - timedelta(days=days)
        report, _code = lifecycle.file_report(
            category, place, text, address=address, now=filed
        )
        if next_step == "assigned":
            lifecycle.assign(report, "system", _user(place, "editors"), now=filed)
        elif next_step == "answered":
            _answer(report, filed + timedelta(days=2))
        elif next_step == "escalated":
            lifecycle.tick(now)
    return len(DEMO_REPORTS)
