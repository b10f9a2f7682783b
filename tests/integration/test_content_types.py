"""The information items of a unit: legal documents, radio items, board notices and surveys.

Each is written by the editor of a commune and goes through the approval workflow; the text
of a document's PDF or DOCX is searchable; bad files and dates are refused in Plone's forms
and through plone.restapi with a Vietnamese message, and nothing is saved.
"""

from AccessControl.SecurityManagement import getSecurityManager
from AccessControl.SecurityManagement import setSecurityManager
from base64 import b64encode
from collections import OrderedDict
from datetime import date
from datetime import timedelta
from io import BytesIO
from nguon.content import text_extraction
from nguon.interfaces import INguonLayer
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from plone import api
from plone.app.testing import logout
from plone.namedfile.file import NamedBlobFile
from plone.namedfile.file import NamedBlobImage
from tests.fixtures import samples
from tests.rest import json_session
from zope.i18n import translate
from zope.interface import alsoProvides
from ZPublisher.HTTPRequest import FileUpload

import pytest


EDITOR = tree_user("19786", "editors")
APPROVER = tree_user("19786", "approvers")
COMMON = {"category": "public-services", "priority": "normal", "target_scope": "unit"}
ITEMS = {
    "LegalDocument": lambda: {
        "title": "Quyết định về lịch cắt điện",
        "number": "12/2026/QĐ-UBND",
        "document_type": "decision",
        "issuing_body": "UBND phường Thuận Hóa",
        "signer": "Nguyễn Văn A",
        "issue_date": date(2026, 1, 5),
        "file": NamedBlobFile(
            samples.pdf("Lich cat dien khu pho 3"), filename="qd-12.pdf"
        ),
    },
    "RadioItem": lambda: {
        "title": "Tin phát thanh lịch cắt điện",
        "script": "Kính thưa bà con, lịch cắt điện…",
    },
    "BoardNotice": lambda: {
        "title": "Bảng tin lịch cắt điện",
        "text": "Cắt điện khu phố 3 từ 8 giờ đến 11 giờ.",
        "image": NamedBlobImage(samples.image("PNG"), filename="cat-dien.png"),
    },
    "Survey": lambda: {
        "title": "Lấy ý kiến về lịch cắt điện",
        "questions": "Lịch cắt điện có được báo đủ sớm không? *\n( ) Có\n( ) Không",
    },
}


def _create(portal_type, **fields):
    """An item of ``portal_type`` written by the commune's editor."""
    with api.env.adopt_user(username=EDITOR):
        return api.content.create(
            container=find_unit("19786"),
            type=portal_type,
            **{**COMMON, **ITEMS[portal_type](), **fields},
        )


def _transition(userid, item, transition):
    with api.env.adopt_user(username=userid):
        api.content.transition(obj=item, transition=transition)


def _found(**query):
    """Paths of what anonymous citizens find in the catalog."""
    manager = getSecurityManager()
    logout()
    try:
        return [brain.getPath() for brain in api.content.find(**query)]
    finally:
        setSecurityManager(manager)


@pytest.mark.parametrize("portal_type", sorted(ITEMS))
def test_the_commune_editor_writes_and_submits_each_type(tree, portal_type):
    unit = find_unit("19786")
    with api.env.adopt_user(username=EDITOR):
        assert portal_type in {fti.getId() for fti in unit.allowedContentTypes()}
    item = _create(portal_type)
    assert item.aq_parent.code == "19786"
    assert api.content.get_state(item) == "draft"
    _transition(EDITOR, item, "submit")
    assert api.content.get_state(item) == "pending"
    _transition(APPROVER, item, "publish")
    assert api.content.get_state(item) == "published"


def test_the_new_types_live_only_in_units(tree):
    types = api.portal.get_tool("portal_types")
    for portal_type in ITEMS:
        assert types[portal_type].global_allow is False
        assert types[portal_type].i18n_domain == "nguon"
        workflow = api.portal.get_tool("portal_workflow").getChainForPortalType(
            portal_type
        )
        assert workflow == ("nguon_approval_workflow",)


@pytest.mark.parametrize(
    "name, data, words",
    [
        (
            "qd-12.pdf",
            samples.pdf("Quyet dinh nao vet kenh muong Thuan Hoa"),
            "kenh muong",
        ),
        (
            "ke-hoach.docx",
            samples.docx_file("Kế hoạch nạo vét kênh mương", "Tổ dân phố 7"),
            "nạo vét",
        ),
    ],
    ids=["pdf", "docx"],
)
def test_the_text_of_a_published_document_file_is_searchable(tree, name, data, words):
    document = _create(
        "LegalDocument", title="Văn bản số 7", file=NamedBlobFile(data, filename=name)
    )
    path = "/".join(document.getPhysicalPath())
    assert _found(SearchableText=words) == []  # a draft stays hidden
    _transition(EDITOR, document, "submit")
    _transition(APPROVER, document, "publish")
    assert _found(SearchableText=words) == [path]
    assert _found(SearchableText="12/2026/QĐ-UBND") == [path]
    assert _found(SearchableText="Thuận Hóa", portal_type="LegalDocument") == [path]


def test_a_file_is_read_once_however_often_its_document_is_indexed(tree, monkeypatch):
    from nguon.content import file_text
    from zope.event import notify
    from zope.lifecycleevent import ObjectModifiedEvent

    read = []

    def counted(data):
        read.append(len(data))
        return text_extraction.searchable_text(data)

    monkeypatch.setattr(file_text, "searchable_text", counted)
    monkeypatch.setattr(file_text, "_recent", OrderedDict())  # files of earlier tests
    first = samples.docx_file("Kế hoạch nạo vét kênh mương", "Tổ dân phố 7")
    document = _create(
        "LegalDocument", file=NamedBlobFile(first, filename="ke-hoach.docx")
    )
    _transition(EDITOR, document, "submit")
    _transition(APPROVER, document, "publish")
    for _round in range(3):
        document.reindexObject()
    assert _found(SearchableText="nạo vét") == ["/".join(document.getPhysicalPath())]
    assert read == [len(first)]

    # A new file: read once, and the old file's words leave the index.
    def _indexed(words):
        with api.env.adopt_roles(["Manager"]):
            return [b.getObject() for b in api.content.find(SearchableText=words)]

    second = samples.docx_file("Lịch tiêm phòng dại cho chó mèo", "Tổ dân phố 9")
    document.file = NamedBlobFile(second, filename="tiem-phong.docx")
    notify(ObjectModifiedEvent(document))
    document.reindexObject()
    assert read == [len(first), len(second)]
    assert _indexed("phòng dại") == [document]
    assert _indexed("nạo vét") == []

    # A file replaced behind the events is never indexed with the old file's text.
    document.file = NamedBlobFile(first, filename="ke-hoach.docx")
    document.reindexObject()
    assert _indexed("nạo vét") == [document]
    assert _indexed("phòng dại") == []


def test_the_upgrade_step_keeps_the_text_of_documents_saved_before(tree, monkeypatch):
    from nguon.content import file_text
    from tests.integration.upgrade_steps import run_only
    from zope.annotation.interfaces import IAnnotations

    data = samples.docx_file("Kế hoạch phòng chống lụt bão", "Thôn Đông")
    document = _create("LegalDocument", file=NamedBlobFile(data, filename="pclb.docx"))
    del IAnnotations(document)[file_text.KEY]  # as a document saved before the step
    run_only(tree["portal"], "Legal documents' file text kept once per file.")
    monkeypatch.setattr(file_text, "searchable_text", None)  # reading again would fail
    monkeypatch.setattr(file_text, "_recent", OrderedDict())
    assert "phòng chống lụt bão" in file_text.text_of(document)


def test_the_script_and_the_board_text_are_searchable(tree):
    radio = _create("RadioItem", script="Tiêm phòng dại cho chó mèo tại nhà văn hóa")
    board = _create("BoardNotice", text="Đổ rác đúng giờ quy định")
    with api.env.adopt_roles(["Manager"]):
        assert [
            b.getObject() for b in api.content.find(SearchableText="phòng dại")
        ] == [radio]
        assert [b.getObject() for b in api.content.find(SearchableText="rác")] == [
            board
        ]


def test_a_document_whose_file_cannot_be_read_is_still_saved_and_indexed(tree):
    # Validation refuses such files in forms and the REST API; code that bypasses it
    # must not break saving either.
    broken = NamedBlobFile(samples.pdf()[:200], filename="hong.pdf")
    document = _create("LegalDocument", title="Văn bản hỏng", file=broken)
    with api.env.adopt_roles(["Manager"]):
        assert [b.getObject() for b in api.content.find(SearchableText="hỏng")] == [
            document
        ]


# Plone's add form (z3c.form): the same validators as the REST API.


class _Upload:
    """What the publisher makes of a file field of a multipart form."""

    def __init__(self, data, filename):
        self.file, self.filename, self.name = BytesIO(data), filename, "upload"
        self.headers = {}


def _form_errors(tree, context, view_name, fields):
    """The messages a form shows for ``fields`` (widget name: value)."""
    request = tree["request"]
    alsoProvides(request, INguonLayer)
    request.form.update(
        {f"form.widgets.{name}": value for name, value in fields.items()}
    )
    with api.env.adopt_user(username=EDITOR):
        form = context.restrictedTraverse(view_name).form_instance
        form.update()
        _data, errors = form.extractData()
        return [translate(error.message, context=request) for error in errors]


def _add_form_errors(tree, portal_type, fields):
    return _form_errors(tree, find_unit("19786"), f"++add++{portal_type}", fields)


def _legal_document_form(**overrides):
    return {
        "IBasic.title": "Quyết định",
        "number": "12/2026/QĐ-UBND",
        "document_type": ["decision"],
        "issuing_body": "UBND phường",
        "issue_date": "2026-01-05",
        "category": ["health"],
        "priority": ["normal"],
        "target_scope": ["unit"],
        "file": FileUpload(_Upload(samples.pdf(), "qd.pdf")),
        **overrides,
    }


def test_the_add_form_accepts_a_good_document(tree):
    assert _add_form_errors(tree, "LegalDocument", _legal_document_form()) == []


def test_the_add_form_refuses_bad_files_and_dates(tree):
    future = (date.today() + timedelta(days=2)).isoformat()
    errors = _add_form_errors(
        tree,
        "LegalDocument",
        _legal_document_form(
            file=FileUpload(_Upload(b"Thong bao", "thong-bao.pdf")),
            issue_date=future,
            **{
                "IPublication.effective": "2026-05-02T08:00",
                "IPublication.expires": "2026-05-01T08:00",
            },
        ),
    )
    assert sorted(errors) == sorted(
        [
            "Tệp không phải PDF hoặc DOCX hợp lệ.",
            "Ngày ban hành không được ở tương lai.",
            "Ngày hết hiệu lực phải sau ngày hiệu lực.",
        ]
    )


def test_the_add_forms_require_one_of_a_pair(tree):
    base = {
        "IBasic.title": "Tin",
        "category": ["health"],
        "priority": ["normal"],
        "target_scope": ["unit"],
    }
    assert _add_form_errors(tree, "RadioItem", base) == [
        "Cần tải lên tệp âm thanh hoặc nhập kịch bản để đọc."
    ]
    assert _add_form_errors(
        tree, "BoardNotice", {**base, "display_duration": "10"}
    ) == ["Cần nhập nội dung ngắn hoặc tải lên hình ảnh."]


def test_the_edit_form_keeps_or_removes_the_audio(tree):
    radio = _create(
        "RadioItem", script=None, audio=NamedBlobFile(samples.wav(), filename="a.wav")
    )
    fields = {
        "IBasic.title": "Tin",
        "category": ["health"],
        "priority": ["normal"],
        "target_scope": ["unit"],
        "script": "",
        "audio.action": "nochange",
    }
    assert _form_errors(tree, radio, "@@edit", fields) == []
    assert _form_errors(
        tree, radio, "@@edit", {**fields, "audio.action": "remove"}
    ) == ["Cần tải lên tệp âm thanh hoặc nhập kịch bản để đọc."]


# plone.restapi


@pytest.fixture
def commune_url(tree_functional):
    return tree_functional["portal"].absolute_url() + "/vn/46/19786"


def _session():
    """The commune editor's REST session."""
    return json_session(EDITOR)


def _post(url, body):
    return _session().post(url, json=body)


def _upload(data, filename, content_type="application/octet-stream"):
    return {
        "data": b64encode(data).decode(),
        "encoding": "base64",
        "filename": filename,
        "content-type": content_type,
    }


def _rest_document(**overrides):
    return {
        "@type": "LegalDocument",
        "title": "Quyết định về lịch cắt điện",
        "number": "12/2026/QĐ-UBND",
        "document_type": "decision",
        "issuing_body": "UBND phường Thuận Hóa",
        "issue_date": "2026-01-05",
        **COMMON,
        "file": _upload(samples.docx_file("Lịch cắt điện tổ dân phố 9"), "qd.docx"),
        **overrides,
    }


def _children(tree_functional):
    return set(tree_functional["portal"]["vn"]["46"]["19786"].objectIds())


def test_rest_creates_a_good_document(commune_url, tree_functional):
    created = _post(commune_url, _rest_document())
    assert created.status_code == 201, created.text
    assert created.json()["file"]["filename"] == "qd.docx"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"file": _upload(samples.pdf(), "qd.docx")}, "không khớp với nội dung (PDF)"),
        (
            {"file": _upload(b"Thong bao lich cat dien", "qd.pdf")},
            "Tệp không phải PDF hoặc DOCX hợp lệ.",
        ),
        (
            {"file": _upload(samples.encrypted_pdf(), "qd.pdf")},
            "Tệp PDF được đặt mật khẩu",
        ),
        (
            {"issue_date": (date.today() + timedelta(days=2)).isoformat()},
            "Ngày ban hành không được ở tương lai.",
        ),
        (
            {
                "effective": "2026-05-02T08:00:00+07:00",
                "expires": "2026-05-02T08:00:00+07:00",
            },
            "Ngày hết hiệu lực phải sau ngày hiệu lực.",
        ),
    ],
)
def test_rest_refuses_a_bad_document_and_creates_nothing(
    commune_url, tree_functional, overrides, message
):
    before = _children(tree_functional)
    refused = _post(commune_url, _rest_document(**overrides))
    assert refused.status_code == 400
    assert message in refused.json()["message"]
    assert (
        "Expiration date" not in refused.text
    )  # plone.publication's own check is replaced
    assert _children(tree_functional) == before


def test_rest_refuses_radio_and_board_items_without_content(
    commune_url, tree_functional
):
    before = _children(tree_functional)
    radio = _post(
        commune_url,
        {
            "@type": "RadioItem",
            "title": "Tin",
            **COMMON,
            "audio": _upload(samples.pdf(), "tin.mp3"),
        },
    )
    assert radio.status_code == 400
    assert (
        "Tệp không phải âm thanh MP3, WAV, OGG, M4A hoặc FLAC."
        in radio.json()["message"]
    )
    radio = _post(
        commune_url, {"@type": "RadioItem", "title": "Tin", **COMMON, "script": "  "}
    )
    assert (
        "Cần tải lên tệp âm thanh hoặc nhập kịch bản để đọc." in radio.json()["message"]
    )
    board = _post(
        commune_url,
        {"@type": "BoardNotice", "title": "Bảng tin", **COMMON, "text": "x" * 301},
    )
    assert "Nội dung bảng tin tối đa 300 ký tự." in board.json()["message"]
    board = _post(
        commune_url,
        {
            "@type": "BoardNotice",
            "title": "Bảng tin",
            **COMMON,
            "image": _upload(samples.png_claiming(9000, 9000), "a.png"),
        },
    )
    assert "Ảnh quá lớn: tối đa 40 megapixel." in board.json()["message"]
    assert _children(tree_functional) == before


def test_rest_accepts_audio_and_images_and_checks_dates_on_edit(
    commune_url, tree_functional
):
    radio = _post(
        commune_url,
        {
            "@type": "RadioItem",
            "title": "Tin",
            **COMMON,
            "audio": _upload(samples.wav(), "tin.wav"),
            "effective": "2026-05-01T08:00:00",
        },
    )
    assert radio.status_code == 201, radio.text
    board = _post(
        commune_url,
        {
            "@type": "BoardNotice",
            "title": "Bảng tin",
            **COMMON,
            "image": _upload(samples.image("JPEG"), "anh.jpg", "image/jpeg"),
        },
    )
    assert board.status_code == 201, board.text
    assert board.json()["display_duration"] == 10

    session = _session()
    url = radio.json()["@id"]
    refused = session.patch(url, json={"expires": "2026-04-30T08:00:00"})
    assert refused.status_code == 400
    assert "Ngày hết hiệu lực phải sau ngày hiệu lực." in refused.json()["message"]
    assert session.get(url).json()["expires"] is None
    assert (
        session.patch(url, json={"expires": "2026-06-30T08:00:00"}).status_code == 204
    )
