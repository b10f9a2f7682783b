"""The anonymised export (``xu-ly-phan-anh-xuat``, ``nguon.feedback.export``) on the small
tree (Huế 46 > Thuận Hóa 19786, Vỹ Dạ 19777): the attack first (what a citizen wrote about
themselves and how to reach them never leaves the unit, in CSV or XLSX), then who may export
which units' reports, then the rows."""

from datetime import date
from datetime import datetime
from datetime import timedelta
from io import BytesIO
from nguon.content.timezone import LOCAL_ZONE
from nguon.feedback import lifecycle
from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from openpyxl import load_workbook
from plone import api
from zExceptions import BadRequest
from zExceptions import Unauthorized

import csv
import html
import io
import pytest
import requests
import transaction
import zipfile


FILED = datetime(2026, 12, 7, 9, 0, tzinfo=LOCAL_ZONE)  # a Monday
SECRETS = (
    "0912 345 678",  # a phone number in the text
    "0912345678",
    "dan.nguyen@example.vn",  # an e-mail address in the text
    "046201001234",  # a citizen ID (CCCD) in the text
    "0905111222",  # the contact
    "Số 12 kiệt 7",  # the address
    "16.4637",  # the point
    "107.5909",
    "Ghi chú nội bộ: bà Lan",  # an internal note
)
TEXT = (
    "Đèn đường hỏng trước nhà tôi, gọi 0912 345 678 hoặc dan.nguyen@example.vn, "
    "CCCD 046201001234."
)


def _file(category, text=TEXT, now=FILED, **extra):
    report, _code = lifecycle.file_report(category, "19786", text, now=now, **extra)
    return report


@pytest.fixture
def reports(tree):
    """A commune's report full of personal data (assigned, noted, answered and rated),
    a report about an official (a category never published, handled by the province) and
    a report an official hid."""
    editor = tree_user("19786", "editors")
    street = _file(
        "giao-thong",
        address="Số 12 kiệt 7 Nguyễn Huệ",
        point=(16.4637, 107.5909),
        contact={"kind": "phone", "value": "0905 111 222"},
    )
    lifecycle.assign(street, "x", editor)
    lifecycle.add_note(street, editor, "Ghi chú nội bộ: bà Lan ở số 12 gọi lại.")
    answer = lifecycle.start_answer(street, editor, "Phường đã thay bóng đèn.")
    lifecycle.answer_published(answer, now=FILED + timedelta(days=2))
    lifecycle.rate(street, 5, now=FILED + timedelta(days=3))
    official = _file(
        "can-bo-cong-chuc",
        "Cán bộ một cửa hẹn lại nhiều lần, số của tôi 0912345678.",
        now=FILED + timedelta(hours=1),
    )
    hidden = _file(
        "moi-truong",
        "Nhà ông hàng xóm đổ rác bừa bãi, ông ấy tên là Trần Văn Bảy.",
        now=FILED + timedelta(hours=2),
    )
    lifecycle.hide(hidden, editor, "Nêu tên người khác.")
    return {
        "street": street,
        "official": official,
        "hidden": hidden,
        "request": tree["request"],
    }


def _export(reports, code, user, **form):
    unit = find_unit(code)
    request = reports["request"]
    request.form.clear()
    request.form.update(form)
    with api.env.adopt_user(username=user):
        view = unit.restrictedTraverse("@@xu-ly-phan-anh-xuat")
        return view()


def _xlsx_text(data):
    """Every part of the workbook, uncompressed, its character references read (openpyxl
    writes «Số» as «S&#7889;»)."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        parts = b"".join(archive.read(name) for name in archive.namelist())
    return html.unescape(parts.decode())


def _csv_rows(data):
    assert data.startswith("\ufeff".encode())  # Excel in Vietnam reads it as UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _xlsx_rows(data):
    sheet = load_workbook(BytesIO(data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row[0] == "Số phản ánh")
    titles, body = rows[header], rows[header + 1 :]
    end = body.index([None] * len(titles))  # the table ends with an empty row
    return [dict(zip(titles, row, strict=True)) for row in body[:end]]


def test_no_personal_data_leaves_the_unit_in_either_format(reports):
    approver = tree_user("46", "approvers")
    csv_data = _export(reports, "46", approver, format="csv")
    xlsx_text = _xlsx_text(_export(reports, "46", approver, format="xlsx"))
    for found in (csv_data.decode("utf-8-sig"), xlsx_text):
        for secret in SECRETS + (approver, tree_user("19786", "editors")):
            assert secret not in found
        assert "Trần Văn Bảy" not in found  # the hidden report's text
        assert "[số điện thoại đã ẩn]" in found  # the scrubbed text is there
    assert reports["street"].id in csv_data.decode("utf-8-sig")


def test_only_those_who_handle_the_unit_export_and_only_the_units_they_handle(reports):
    for user in (tree_user("19777", "editors"), tree_user("19777", "approvers")):
        with pytest.raises(Unauthorized):
            _export(reports, "19786", user, format="csv")
    ids = {
        user: {
            row["Số phản ánh"]
            for row in _csv_rows(_export(reports, code, user, format="csv"))
        }
        for code, user in (
            ("46", tree_user("46", "approvers")),  # the province and its communes
            ("46", tree_user("46", "editors")),  # the province's own desk only
            ("19786", tree_user("19786", "editors")),
        )
    }
    street, official, hidden = (reports[k].id for k in ("street", "official", "hidden"))
    assert ids[tree_user("46", "approvers")] == {street, official, hidden}
    assert ids[tree_user("46", "editors")] == {official}
    assert ids[tree_user("19786", "editors")] == {street, hidden}
    with pytest.raises(BadRequest):
        _export(reports, "19786", tree_user("19786", "editors"), format="pdf")


def test_one_row_per_report_in_both_formats(reports):
    approver = tree_user("46", "approvers")
    rows = _csv_rows(_export(reports, "46", approver, format="csv"))
    assert [row["Số phản ánh"] for row in rows] == [
        reports[k].id for k in ("hidden", "official", "street")
    ]  # the newest first
    hidden, official, street = rows
    assert street == {
        "Số phản ánh": reports["street"].id,
        "Lĩnh vực": "Hạ tầng giao thông, chiếu sáng",
        "Mã xã, phường": "19786",
        "Xã, phường": "Phường Thuận Hóa",
        "Đơn vị xử lý": "Phường Thuận Hóa",
        "Ngày tiếp nhận": "2026-12-07",
        "Hạn trả lời": reports["street"].due.date().isoformat(),
        "Tình trạng": "Đã trả lời",
        "Ngày kết thúc": "2026-12-09",
        "Trả lời đúng hạn": "Có",
        "Chuyển cấp trên": "Không",
        "Đánh giá (1-5 sao)": "5",
        "Nội dung (đã che thông tin cá nhân)": reports["street"].public_text,
    }
    # A category never published is the unit's own data: exported, scrubbed.
    assert official["Đơn vị xử lý"] == "Thành phố Huế"
    assert official["Nội dung (đã che thông tin cá nhân)"] == (
        "Cán bộ một cửa hẹn lại nhiều lần, số của tôi [số điện thoại đã ẩn]."
    )
    assert official["Trả lời đúng hạn"] == "" and official["Ngày kết thúc"] == ""
    assert hidden["Nội dung (đã che thông tin cá nhân)"] == (
        "(Nội dung đã ẩn khỏi công khai)"
    )
    sheet = _xlsx_rows(_export(reports, "46", approver, format="xlsx"))
    assert [row["Số phản ánh"] for row in sheet] == [row["Số phản ánh"] for row in rows]
    assert sheet[2]["Ngày tiếp nhận"].date() == date(2026, 12, 7)
    assert sheet[2]["Đánh giá (1-5 sao)"] == 5


def test_a_period_keeps_the_reports_received_in_it(reports):
    editor = tree_user("19786", "editors")
    later = _file("giao-thong", now=FILED + timedelta(days=10))
    rows = _csv_rows(
        _export(reports, "19786", editor, format="csv", start="2026-12-17")
    )
    assert [row["Số phản ánh"] for row in rows] == [later.id]
    rows = _csv_rows(_export(reports, "19786", editor, format="csv", end="2026-12-07"))
    assert {row["Số phản ánh"] for row in rows} == {
        reports["street"].id,
        reports["hidden"].id,
    }
    with pytest.raises(BadRequest):
        _export(reports, "19786", editor, format="csv", start="7/12")


def test_the_download_over_http(tree_functional):
    """Through the WSGI server: the file with its type and name for the unit's editor, the
    login for a visitor, a refusal for another commune's editor."""
    report = _file("giao-thong")
    transaction.commit()
    url = f"{find_unit('19786').absolute_url()}/xu-ly-phan-anh-xuat"
    editor = requests.Session()
    editor.auth = (tree_user("19786", "editors"), TREE_PASSWORD)
    found = editor.get(url, params={"format": "csv"}, timeout=60)
    assert found.status_code == 200
    assert found.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="phan-anh-19786.csv"' in found.headers["Content-Disposition"]
    assert [row["Số phản ánh"] for row in _csv_rows(found.content)] == [report.id]
    found = editor.get(url, timeout=60)
    assert found.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert _xlsx_rows(found.content)[0]["Số phản ánh"] == report.id
    visitor = requests.get(url, params={"format": "csv"}, timeout=60)
    assert report.id not in visitor.text and "login" in visitor.url
    neighbour = requests.Session()
    neighbour.auth = (tree_user("19777", "editors"), TREE_PASSWORD)
    refused = neighbour.get(url, params={"format": "csv"}, timeout=60)
    assert report.id not in refused.text
    assert refused.url.endswith("/insufficient-privileges")  # Plone's refusal page
