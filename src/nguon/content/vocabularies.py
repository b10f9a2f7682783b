"""Controlled vocabularies of the content types, with Vietnamese titles through i18n.

The values are stable identifiers stored on content and used by policies, feeds and search;
the titles are what editors and citizens read.
"""
from nguon import _
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
    ("local-directive", _("category_local_directive", default="Chỉ đạo, điều hành của địa phương")),
    ("disaster", _("category_disaster", default="Phòng chống thiên tai")),
    ("health", _("category_health", default="Y tế, phòng chống dịch bệnh")),
    ("security", _("category_security", default="An ninh, trật tự")),
    ("agriculture", _("category_agriculture", default="Nông nghiệp, khuyến nông")),
    ("education", _("category_education", default="Giáo dục")),
    ("culture-society", _("category_culture_society", default="Văn hóa, xã hội")),
    ("economy", _("category_economy", default="Kinh tế, việc làm")),
    ("public-services", _("category_public_services", default="Điện, nước, dịch vụ công")),
    ("environment", _("category_environment", default="Tài nguyên, môi trường")),
)


def _vocabulary(pairs):
    return SimpleVocabulary([SimpleTerm(value, value, title) for value, title in pairs])


def _factory(pairs):
    @provider(IVocabularyFactory)
    def factory(context=None):
        return _vocabulary(pairs)

    return factory


LevelsVocabulary = _factory(LEVELS)
PrioritiesVocabulary = _factory(PRIORITIES)
ChannelsVocabulary = _factory(CHANNELS)
TargetScopesVocabulary = _factory(TARGET_SCOPES)
CategoriesVocabulary = _factory(CATEGORIES)
