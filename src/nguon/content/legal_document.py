"""The legal document (văn bản): a law, decree, decision, plan… with its PDF or DOCX file,
whose text is indexed for search (see ``nguon.content.indexers``)."""

from nguon import _
from nguon.content.distribution import IDistributed
from nguon.content.validation import check_document
from nguon.content.validation import check_not_future
from nguon.content.validation import DOCUMENT_MAX_MB
from nguon.content.validation import file_constraint
from nguon.content.validation import value_constraint
from plone.dexterity.content import Item
from plone.namedfile.field import NamedBlobFile
from zope import schema
from zope.interface import implementer


class ILegalDocument(IDistributed):
    """Title (trích yếu), summary and effective dates come from behaviors; ``category`` is the
    document's field (lĩnh vực)."""

    number = schema.TextLine(
        title=_("label_document_number", default="Số, ký hiệu"),
        description=_("help_document_number", default="Ví dụ: 12/2026/QĐ-UBND."),
        required=True,
    )

    document_type = schema.Choice(
        title=_("label_document_type", default="Loại văn bản"),
        vocabulary="nguon.vocabularies.document_types",
        required=True,
    )

    issuing_body = schema.TextLine(
        title=_("label_issuing_body", default="Cơ quan ban hành"),
        required=True,
    )

    signer = schema.TextLine(
        title=_("label_signer", default="Người ký"),
        required=False,
    )

    issue_date = schema.Date(
        title=_("label_issue_date", default="Ngày ban hành"),
        required=True,
        constraint=value_constraint(check_not_future),
    )

    file = NamedBlobFile(
        title=_("label_document_file", default="Tệp văn bản"),
        description=_(
            "help_document_file",
            default="PDF hoặc DOCX, tối đa ${limit} MB; nội dung tệp được đưa vào tìm kiếm.",
            mapping={"limit": DOCUMENT_MAX_MB},
        ),
        required=True,
        constraint=file_constraint(check_document),
    )


@implementer(ILegalDocument)
class LegalDocument(Item):
    """A legal or administrative document issued by a unit."""
