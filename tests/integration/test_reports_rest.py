"""``@reports`` over HTTP, the Classic UI pages with their CSRF protection, and the yearly
report's downloads read back by openpyxl and ``pdftotext`` (docs/reports.md)."""

from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user
from tests.rest import json_session
from tests.unit.test_documents import pdf_text
from tests.unit.test_documents import read_csv
from tests.unit.test_documents import read_xlsx

import re
import requests
import transaction


COMMUNE = "19786"
EDITOR = tree_user(COMMUNE, "editors")
APPROVER = tree_user(COMMUNE, "approvers")
QUARTER = "2026-Q4"


def _unit_url(portal, code):
    return {
        "19786": f"{portal.absolute_url()}/vn/46/19786",
        "19777": f"{portal.absolute_url()}/vn/46/19777",
        "46": f"{portal.absolute_url()}/vn/46",
        "44": f"{portal.absolute_url()}/vn/44",
    }[code]


def test_a_quarterly_report_over_rest(tree_functional):
    portal = tree_functional["portal"]
    transaction.commit()
    reports = f"{_unit_url(portal, COMMUNE)}/@reports"
    editor, approver = json_session(EDITOR), json_session(APPROVER)
    sibling = json_session(tree_user("19777", "editors"))

    # Attacks first: anonymous, another commune's editor, the approver filling.
    anonymous = json_session().get(reports)
    assert anonymous.status_code == 401
    assert anonymous.json()["type"] == "Unauthorized"
    assert (
        sibling.post(reports, json={"form": "quy", "period": QUARTER}).status_code
        == 401
    )

    created = editor.post(reports, json={"form": "quy", "period": QUARTER})
    assert created.status_code == 201, created.text
    report = created.json()
    assert report["@id"] == f"{reports}/quy/{QUARTER}"
    assert report["state"] == "draft"
    figures = {f["key"]: f for f in report["figures"]}
    assert figures["items_published"]["source"] == "system"
    assert figures["items_published"]["source_title"] == "Hệ thống"
    assert figures["staff_trained"]["manual"] is True

    one = f"{reports}/quy/{QUARTER}"
    assert sibling.get(one).status_code == 401
    typed_over = editor.patch(one, json={"values": {"items_published": 99}})
    assert typed_over.status_code == 400
    assert "không nhập tay" in typed_over.json()["message"]
    assert approver.patch(one, json={"values": {"staff_trained": 5}}).status_code == 401
    filled = editor.patch(
        one,
        json={
            "values": {"staff_trained": 5, "loudspeakers": "8", "remarks": "Tốt."},
            "remarks": {"items_published": "Đủ."},
        },
    )
    assert filled.status_code == 200, filled.text
    assert {f["key"]: f["value"] for f in filled.json()["figures"]}[
        "staff_trained"
    ] == 5

    assert editor.post(f"{one}/submit").json()["state"] == "submitted"
    assert editor.post(f"{one}/sign").status_code == 401  # an editor does not sign
    assert editor.post(f"{one}/fly").status_code == 404
    signed = approver.post(f"{one}/sign")
    assert signed.json()["state"] == "signed"
    assert signed.json()["signed"]["by"] == APPROVER
    # Signed: nobody changes it.
    assert editor.patch(one, json={"values": {"staff_trained": 1}}).status_code == 400

    # The province reads the commune's status and its signed report; Quảng Trị does not.
    province = json_session(tree_user("46", "approvers"))
    listing = province.get(
        f"{_unit_url(portal, '46')}/@reports", params={"form": "quy", "period": QUARTER}
    ).json()
    [quarter] = listing["forms"]
    states = {row["code"]: row["state"] for row in quarter["children"]}
    assert states == {"19786": "signed", "19777": "missing"}
    assert quarter["children"][1]["@id"] == one
    assert province.get(one).json()["state"] == "signed"
    assert json_session(tree_user("44", "approvers")).get(one).status_code == 401
    late = province.get(
        f"{_unit_url(portal, '46')}/@reports",
        params={"form": "quy", "period": "2026-Q3"},
    ).json()
    assert late["forms"][0]["late"] == ["19777", "19786"]
    unknown = province.get(f"{_unit_url(portal, '46')}/@reports", params={"form": "x"})
    assert unknown.status_code == 404
    assert "«x»" in unknown.json()["message"]


def _token(html):
    return re.search(r'name="_authenticator" value="([^"]+)"', html).group(1)


def test_the_pages_fill_and_sign_with_csrf_protection(tree_functional):
    portal = tree_functional["portal"]
    transaction.commit()
    unit = _unit_url(portal, COMMUNE)
    editor = requests.Session()
    editor.auth = (EDITOR, TREE_PASSWORD)

    listing = editor.get(f"{unit}/@@bao-cao")
    assert listing.status_code == 200
    assert "Báo cáo định kỳ" in listing.text and "Lập báo cáo" in listing.text
    # Without the authenticator a POST is refused and nothing is made.
    forged = editor.post(f"{unit}/@@bao-cao", data={"form": "quy", "period": QUARTER})
    assert forged.status_code == 403
    token = _token(listing.text)
    made = editor.post(
        f"{unit}/@@bao-cao",
        data={"form": "quy", "period": QUARTER, "_authenticator": token},
    )
    assert made.status_code == 200 and "Cập nhật số liệu" in made.text
    page = f"{unit}/@@bao-cao-xem?form=quy&period={QUARTER}"
    action = (
        f"{unit}/@@bao-cao-xem"  # the form's action: form and period are its fields
    )
    fields = {
        "form": "quy",
        "period": QUARTER,
        "value.staff_trained": "2",
        "value.loudspeakers": "4",
        "remark.items_published": "Đủ.",
    }
    assert editor.post(action, data={**fields, "action": "save"}).status_code == 403
    token = _token(editor.get(page).text)
    for step in ("save", "submit"):
        done = editor.post(
            action, data={**fields, "action": step, "_authenticator": token}
        )
        assert done.status_code == 200
    assert "Đã nộp, chờ ký duyệt" in done.text

    approver = requests.Session()
    approver.auth = (APPROVER, TREE_PASSWORD)
    seen = approver.get(page)
    # The approver's buttons: sign off or send back; no field to fill.
    assert 'value="sign"' in seen.text and 'value="reject"' in seen.text
    assert 'value="save"' not in seen.text and 'name="value.' not in seen.text
    signed = approver.post(
        action,
        data={
            "form": "quy",
            "period": QUARTER,
            "action": "sign",
            "_authenticator": _token(seen.text),
        },
    )
    assert "Đã ký duyệt" in signed.text

    # The province's page lists the late communes of a past quarter.
    province = requests.Session()
    province.auth = (tree_user("46", "admins"), TREE_PASSWORD)
    past = province.get(
        f"{_unit_url(portal, '46')}/@@bao-cao",
        params={"form": "quy", "period": "2026-Q3"},
    )
    assert "Đơn vị trễ hạn: Phường Vỹ Dạ, Phường Thuận Hóa" in " ".join(
        re.sub(r"<[^>]+>", " ", past.text).split()
    )

    # Anonymous and another province never see the pages.
    assert requests.get(f"{unit}/@@bao-cao", allow_redirects=False).status_code in (
        302,
        401,
    )
    stranger = requests.Session()
    stranger.auth = (tree_user("44", "admins"), TREE_PASSWORD)
    assert stranger.get(page, allow_redirects=False).status_code in (302, 401)


def test_the_yearly_report_exports_to_xlsx_pdf_and_csv(tree_functional):
    portal = tree_functional["portal"]
    transaction.commit()
    unit = _unit_url(portal, COMMUNE)
    editor, approver = json_session(EDITOR), json_session(APPROVER)
    one = f"{unit}/@reports/nam/2026"
    assert editor.post(f"{unit}/@reports", json={"form": "nam", "period": "2026"}).ok
    editor.patch(
        one,
        json={
            "values": {
                "staff_trained": 12,
                "loudspeakers": 30,
                "remarks": "Đề nghị hỗ trợ kinh phí sửa chữa cụm loa ở thôn Đông.",
            }
        },
    )
    editor.post(f"{one}/submit")
    assert approver.post(f"{one}/sign").json()["state"] == "signed"

    download = f"{unit}/@@bao-cao-tai-ve?form=nam&period=2026&format="
    xlsx = requests.get(download + "xlsx", auth=(APPROVER, TREE_PASSWORD))
    assert xlsx.status_code == 200
    assert "bao-cao-19786-nam-2026.xlsx" in xlsx.headers["Content-Disposition"]
    cells = [
        value
        for sheet in read_xlsx(xlsx.content).worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert "Số lượt cán bộ được bồi dưỡng, tập huấn" in cells
    assert 12 in cells and 30 in cells
    assert "Đề nghị hỗ trợ kinh phí sửa chữa cụm loa ở thôn Đông." in cells

    pdf = requests.get(download + "pdf", auth=(APPROVER, TREE_PASSWORD))
    assert pdf.headers["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(pdf.content, "report-yearly-19786").split())
    for words in (
        "Báo cáo năm về hoạt động thông tin cơ sở",
        "Phường Thuận Hóa",
        "Số lượt cán bộ được bồi dưỡng, tập huấn",
        "Số giờ phát thanh trên hệ thống truyền thanh cơ sở",
    ):
        assert words in text

    csv = requests.get(download + "csv", auth=(APPROVER, TREE_PASSWORD))
    rows = read_csv(csv.content)
    assert rows[0][0] == "Chỉ tiêu"
    assert ["Số lượt cán bộ được bồi dưỡng, tập huấn", "", "12"] == rows[
        [r[0] for r in rows].index("Số lượt cán bộ được bồi dưỡng, tập huấn")
    ][:3]
    # Another commune's editor downloads nothing.
    assert requests.get(
        download + "xlsx",
        auth=(tree_user("19777", "editors"), TREE_PASSWORD),
        allow_redirects=False,
    ).status_code in (302, 401)
