"""Controlled vocabularies of the content types, with Vietnamese titles through i18n.

The values are stable identifiers stored on content and used by policies, feeds and search;
the titles are what editors and citizens read.
"""

from nguon import _
from nguon.content import alert
from plone.registry.interfaces import IRegistry
from zope.component import queryUtility
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


LEVELS = (
    ("central", _("level_central", default="Trung ương")),
    ("province", _("level_province", default="Tỉnh, thành phố")),
    ("district", _("level_district", default="Quận, huyện")),
    ("commune", _("level_commune", default="Xã, phường, đặc khu")),
)

PRIORITIES = (
    ("normal", _("priority_normal", default="Thông thường")),
    ("priority", _("priority_priority", default="Ưu tiên")),
    ("emergency", _("priority_emergency", default="Khẩn cấp")),
)

CHANNELS = (
    ("web", _("channel_web", default="Trang thông tin điện tử")),
    ("radio", _("channel_radio", default="Đài truyền thanh")),
    ("board", _("channel_board", default="Bảng tin điện tử")),
)

TARGET_SCOPES = (
    ("unit", _("scope_unit", default="Chỉ đơn vị này")),
    ("subtree", _("scope_subtree", default="Đơn vị này và mọi đơn vị trực thuộc")),
    ("chosen", _("scope_chosen", default="Các đơn vị trực thuộc được chọn")),
    ("area", _("scope_area", default="Toàn địa bàn của đơn vị cấp trên được chọn")),
)

CATEGORIES = (
    ("policy-law", _("category_policy_law", default="Chính sách, pháp luật")),
    (
        "local-directive",
        _("category_local_directive", default="Chỉ đạo, điều hành của địa phương"),
    ),
    ("disaster", _("category_disaster", default="Phòng chống thiên tai")),
    ("health", _("category_health", default="Y tế, phòng chống dịch bệnh")),
    ("security", _("category_security", default="An ninh, trật tự")),
    ("agriculture", _("category_agriculture", default="Nông nghiệp, khuyến nông")),
    ("education", _("category_education", default="Giáo dục")),
    ("culture-society", _("category_culture_society", default="Văn hóa, xã hội")),
    ("economy", _("category_economy", default="Kinh tế, việc làm")),
    (
        "public-services",
        _("category_public_services", default="Điện, nước, dịch vụ công"),
    ),
    ("environment", _("category_environment", default="Tài nguyên, môi trường")),
)

DOCUMENT_TYPES = (
    ("law", _("document_type_law", default="Luật")),
    ("ordinance", _("document_type_ordinance", default="Pháp lệnh")),
    ("resolution", _("document_type_resolution", default="Nghị quyết")),
    ("decree", _("document_type_decree", default="Nghị định")),
    ("decision", _("document_type_decision", default="Quyết định")),
    ("circular", _("document_type_circular", default="Thông tư")),
    ("directive", _("document_type_directive", default="Chỉ thị")),
    ("notice", _("document_type_notice", default="Thông báo")),
    ("plan", _("document_type_plan", default="Kế hoạch")),
    ("official-letter", _("document_type_official_letter", default="Công văn")),
    ("report", _("document_type_report", default="Báo cáo")),
    ("other", _("document_type_other", default="Văn bản khác")),
)


def _vocabulary(pairs):
    return SimpleVocabulary([SimpleTerm(value, value, title) for value, title in pairs])


def _factory(pairs):
    @provider(IVocabularyFactory)
    def factory(context=None):
        return _vocabulary(pairs)

    return factory


PrioritiesVocabulary = _factory(PRIORITIES)
CapStatusesVocabulary = _factory(alert.STATUSES)
CapMsgTypesVocabulary = _factory(alert.MSG_TYPES)
CapCategoriesVocabulary = _factory(alert.CAP_CATEGORIES)
CapResponseTypesVocabulary = _factory(alert.RESPONSE_TYPES)
CapUrgenciesVocabulary = _factory(alert.URGENCIES)
CapSeveritiesVocabulary = _factory(alert.SEVERITIES)
CapCertaintiesVocabulary = _factory(alert.CERTAINTIES)
AlertLanguagesVocabulary = _factory(
    [(tag, title) for tag, title, _spoken in alert.LANGUAGES]
)
ChannelsVocabulary = _factory(CHANNELS)
TargetScopesVocabulary = _factory(TARGET_SCOPES)
CategoriesVocabulary = _factory(CATEGORIES)
DocumentTypesVocabulary = _factory(DOCUMENT_TYPES)


LEVELS_RECORD = "nguon.levels"


def configured_levels():
    """Level ids, top-down, from the registry record ``nguon.levels`` (so a deployment can
    add or drop levels without code); the built-in four when no site is at hand."""
    registry = queryUtility(IRegistry)
    levels = registry.get(LEVELS_RECORD) if registry is not None else None
    return tuple(levels) if levels else tuple(value for value, _title in LEVELS)


@provider(IVocabularyFactory)
def LevelsVocabulary(context=None):
    titles = dict(LEVELS)
    return SimpleVocabulary(
        [
            SimpleTerm(level, level, titles.get(level, level))
            for level in configured_levels()
        ]
    )
