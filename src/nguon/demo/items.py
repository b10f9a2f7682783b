"""Realistic Vietnamese items for the demo units — bulletins, legal documents, radio items,
board notices, a warning and a survey — in several workflow states, each written and
approved by the demo users."""

from DateTime import DateTime
from datetime import date
from docx import Document
from io import BytesIO
from nguon.demo.users import DEMO_USERS
from nguon.units.tree import find_unit
from nguon.workflow.approval import ApprovalState
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.namedfile.file import NamedBlobFile


# Effective dates count back from this day so that the demo looks the same on every install.
DEMO_DAY = DateTime("2026/11/20 08:00:00 GMT+7")

# Each item: unit code, id, title, summary, HTML text, category, priority, target scope,
# channels, days before DEMO_DAY, final state: "published", "pending" (waiting at its own
# unit), "draft", "climbing" (approved by its commune, waiting at the province) or
# "emergency" (published at once under the emergency procedure).
DEMO_ITEMS = (
    (
        "46",
        "canh-bao-mua-lon-lu-quet-thang-11",
        "Cảnh báo mưa lớn, nguy cơ lũ quét và sạt lở đất trên địa bàn thành phố",
        "Từ đêm 20 đến 23/11, thành phố Huế có mưa to đến rất to; các xã miền núi đề phòng lũ quét, sạt lở đất.",
        "<p>Theo Đài Khí tượng Thủy văn thành phố Huế, từ đêm 20/11 đến ngày 23/11 trên địa bàn có mưa "
        "to đến rất to, lượng mưa phổ biến 300–500 mm, có nơi trên 700 mm.</p><p>Đề nghị Ủy ban nhân dân "
        "các xã, phường chủ động sơ tán người dân ở vùng trũng thấp, ven sông, vùng có nguy cơ sạt lở; "
        "không để người dân qua lại ngầm tràn khi nước chảy xiết.</p>",
        "disaster",
        "emergency",
        "subtree",
        {"web", "radio", "board"},
        0,
        "published",
    ),
    (
        "46",
        "huong-dan-ke-khai-thue-ho-kinh-doanh-2027",
        "Hướng dẫn kê khai thuế đối với hộ kinh doanh năm 2027",
        "Từ ngày 1/1/2027 hộ kinh doanh chuyển sang kê khai thuế theo doanh thu thực tế.",
        "<p>Thực hiện Luật Quản lý thuế sửa đổi, từ ngày 1/1/2027 phương pháp thuế khoán được bãi bỏ; "
        "hộ kinh doanh kê khai theo doanh thu thực tế qua ứng dụng eTax Mobile.</p>",
        "policy-law",
        "normal",
        "subtree",
        {"web", "board"},
        6,
        "published",
    ),
    (
        "46",
        "ke-hoach-tiem-chung-mo-rong-quy-4",
        "Kế hoạch tiêm chủng mở rộng quý IV năm 2026",
        "Trạm y tế các xã, phường tổ chức tiêm bổ sung vắc xin sởi, bạch hầu cho trẻ em.",
        "<p>Các trạm y tế xã, phường tổ chức tiêm bổ sung vắc xin sởi – rubella và bạch hầu – ho gà – "
        "uốn ván cho trẻ từ 1 đến 5 tuổi vào các ngày 5 và 6 hằng tháng.</p>",
        "health",
        "priority",
        "subtree",
        {"web", "radio"},
        12,
        "published",
    ),
    (
        "46",
        "du-thao-quy-che-phoi-hop-thong-tin-co-so",
        "Dự thảo Quy chế phối hợp quản lý hệ thống thông tin cơ sở thành phố",
        "Dự thảo đang lấy ý kiến các sở, ngành; chưa công bố.",
        "<p>Dự thảo quy chế phối hợp giữa Sở Văn hóa và Thể thao với Ủy ban nhân dân các xã, phường.</p>",
        "local-directive",
        "normal",
        "unit",
        {"web"},
        2,
        "draft",
    ),
    (
        "19786",
        "lich-cat-dien-ngay-25-11",
        "Thông báo lịch cắt điện ngày 25/11 tại phường Thuận Hóa",
        "Điện lực Huế tạm ngừng cấp điện từ 7 giờ đến 16 giờ ngày 25/11 để bảo dưỡng lưới điện.",
        "<p>Khu vực mất điện: các tuyến đường Lê Lợi, Hà Nội, Nguyễn Huệ (từ Lê Lợi đến Bến Nghé). "
        "Thời gian: từ 7 giờ 00 đến 16 giờ 00 ngày 25/11/2026.</p>",
        "public-services",
        "normal",
        "unit",
        {"web", "radio", "board"},
        1,
        "published",
    ),
    (
        "19786",
        "ra-quan-ve-sinh-moi-truong-cuoi-tuan",
        "Ra quân vệ sinh môi trường, khơi thông cống rãnh sáng Chủ nhật",
        "Các tổ dân phố ra quân dọn vệ sinh, khơi thông cống rãnh trước mùa mưa lũ.",
        "<p>Từ 6 giờ 30 sáng Chủ nhật, các tổ dân phố tổ chức dọn vệ sinh đường phố, khơi thông cống "
        "rãnh, thu gom rác thải để phòng ngập úng.</p>",
        "environment",
        "normal",
        "unit",
        {"web", "radio"},
        4,
        "published",
    ),
    (
        "19786",
        "tuyen-truyen-phong-chong-lua-dao-qua-mang",
        "Cảnh giác với các thủ đoạn lừa đảo qua điện thoại và mạng xã hội",
        "Công an phường khuyến cáo người dân không cung cấp mã OTP, không chuyển tiền cho người lạ.",
        "<p>Thời gian gần đây xuất hiện nhiều cuộc gọi giả danh công an, cán bộ thuế yêu cầu cài đặt "
        "ứng dụng lạ. Người dân tuyệt đối không cung cấp mã OTP và báo ngay cho Công an phường.</p>",
        "security",
        "priority",
        "unit",
        {"web", "radio", "board"},
        8,
        "published",
    ),
    (
        "19786",
        "ngay-hoi-dai-doan-ket-toan-dan-toc",
        "Tổ chức Ngày hội Đại đoàn kết toàn dân tộc ở các tổ dân phố",
        "Các tổ dân phố tổ chức Ngày hội Đại đoàn kết toàn dân tộc từ ngày 10 đến 18/11.",
        "<p>Nhân kỷ niệm 96 năm Ngày truyền thống Mặt trận Tổ quốc Việt Nam (18/11/1930 – 18/11/2026), "
        "các tổ dân phố tổ chức ngày hội với các hoạt động văn hóa, thể thao.</p>",
        "culture-society",
        "normal",
        "unit",
        {"web"},
        15,
        "published",
    ),
    (
        "19786",
        "thong-bao-thu-phi-ve-sinh-2027",
        "Thông báo mức thu phí vệ sinh năm 2027",
        "Dự kiến mức thu phí vệ sinh hộ gia đình năm 2027; đang chờ lãnh đạo phường duyệt.",
        "<p>Mức thu dự kiến: 25.000 đồng/hộ/tháng đối với hộ gia đình, 60.000 đồng/tháng đối với hộ "
        "kinh doanh.</p>",
        "public-services",
        "normal",
        "unit",
        {"web", "board"},
        0,
        "pending",
    ),
    (
        "19777",
        "lich-tiep-cong-dan-thang-12",
        "Lịch tiếp công dân của lãnh đạo phường Vỹ Dạ tháng 12/2026",
        "Chủ tịch Ủy ban nhân dân phường tiếp công dân định kỳ vào sáng thứ Năm hằng tuần.",
        "<p>Địa điểm: Trụ sở Ủy ban nhân dân phường Vỹ Dạ. Thời gian: từ 7 giờ 30 đến 11 giờ 00 "
        "sáng thứ Năm hằng tuần.</p>",
        "local-directive",
        "normal",
        "unit",
        {"web", "board"},
        3,
        "published",
    ),
    (
        "19777",
        "huong-dan-dang-ky-thuong-tru-truc-tuyen",
        "Hướng dẫn đăng ký thường trú trực tuyến trên Cổng dịch vụ công quốc gia",
        "Người dân có thể đăng ký thường trú, tạm trú trực tuyến bằng tài khoản định danh điện tử VNeID.",
        "<p>Truy cập Cổng dịch vụ công quốc gia, đăng nhập bằng tài khoản VNeID mức độ 2, chọn thủ tục "
        "đăng ký thường trú và nộp hồ sơ điện tử.</p>",
        "public-services",
        "normal",
        "unit",
        {"web", "radio"},
        10,
        "published",
    ),
    (
        "19777",
        "don-dep-sau-lu",
        "Kế hoạch dọn dẹp vệ sinh sau lũ (bản nháp)",
        "Bản nháp kế hoạch dọn dẹp sau lũ của phường Vỹ Dạ.",
        "<p>Phân công các tổ dân phố dọn bùn đất, phun khử khuẩn sau khi nước rút.</p>",
        "disaster",
        "normal",
        "unit",
        {"web"},
        0,
        "draft",
    ),
    (
        "44",
        "cong-dien-ung-pho-bao-so-15",
        "Công điện về việc chủ động ứng phó với bão số 15",
        "Yêu cầu các xã, phường ven biển kêu gọi tàu thuyền vào nơi tránh trú an toàn.",
        "<p>Ủy ban nhân dân tỉnh yêu cầu các xã, phường, đặc khu ven biển thông báo cho chủ tàu thuyền "
        "đang hoạt động trên biển biết vị trí, hướng di chuyển của bão để chủ động phòng tránh; "
        "kiểm đếm, hướng dẫn tàu thuyền vào nơi tránh trú an toàn.</p>",
        "disaster",
        "emergency",
        "subtree",
        {"web", "radio", "board"},
        1,
        "published",
    ),
    (
        "44",
        "ho-tro-giong-lua-vu-dong-xuan",
        "Hỗ trợ giống lúa vụ Đông Xuân 2026–2027 cho hộ nông dân",
        "Tỉnh hỗ trợ 50% giá giống lúa xác nhận cho các hộ sản xuất vụ Đông Xuân.",
        "<p>Các hộ nông dân đăng ký nhận hỗ trợ tại Ủy ban nhân dân xã trước ngày 15/12/2026.</p>",
        "agriculture",
        "normal",
        "subtree",
        {"web", "radio"},
        9,
        "published",
    ),
    (
        "44",
        "tuyen-sinh-dao-tao-nghe-lao-dong-nong-thon",
        "Tuyển sinh đào tạo nghề miễn phí cho lao động nông thôn",
        "Các trung tâm giáo dục nghề nghiệp tuyển sinh lớp may công nghiệp, sửa chữa máy nông nghiệp.",
        "<p>Học viên được miễn học phí và hỗ trợ tiền ăn 30.000 đồng/ngày thực học.</p>",
        "economy",
        "normal",
        "subtree",
        {"web", "board"},
        20,
        "published",
    ),
    (
        "18880",
        "thong-bao-lich-thu-gom-rac",
        "Thông báo điều chỉnh lịch thu gom rác thải sinh hoạt",
        "Từ ngày 1/12, xe thu gom rác hoạt động từ 17 giờ đến 21 giờ hằng ngày.",
        "<p>Đề nghị các hộ gia đình để rác đúng nơi quy định trước 17 giờ, phân loại rác tại nguồn.</p>",
        "environment",
        "normal",
        "unit",
        {"web", "radio", "board"},
        2,
        "published",
    ),
    (
        "18880",
        "kiem-tra-an-toan-thuc-pham-cho",
        "Kiểm tra an toàn thực phẩm tại chợ Đồng Hới",
        "Đoàn liên ngành kiểm tra an toàn thực phẩm tại các quầy hàng thịt, cá, rau quả.",
        "<p>Đợt kiểm tra diễn ra từ ngày 24 đến 28/11/2026.</p>",
        "health",
        "normal",
        "unit",
        {"web"},
        5,
        "published",
    ),
    (
        "18880",
        "hop-dan-quy-hoach-khu-dan-cu",
        "Thông báo họp dân lấy ý kiến quy hoạch khu dân cư Bắc Lý",
        "Họp dân lấy ý kiến về quy hoạch chi tiết khu dân cư; đang chờ duyệt.",
        "<p>Thời gian: 19 giờ 30 ngày 28/11/2026 tại nhà văn hóa tổ dân phố 5.</p>",
        "local-directive",
        "normal",
        "unit",
        {"web", "radio"},
        0,
        "pending",
    ),
)

# Two more per commune for breadth: a recurring kind of notice every commune sends.
COMMUNE_ROUTINE = (
    (
        "lich-phat-thanh-tuan",
        "Lịch phát sóng đài truyền thanh {unit} tuần này",
        "Đài truyền thanh phát sóng 2 buổi/ngày: 6 giờ 00 và 17 giờ 00, trừ Chủ nhật.",
        "<p>Chương trình gồm tin tức địa phương, phổ biến pháp luật và thông báo của {unit}.</p>",
        "culture-society",
        {"web", "radio"},
        7,
    ),
    (
        "tuyen-truyen-nghia-vu-quan-su-2027",
        "{unit} tuyên truyền Luật Nghĩa vụ quân sự, chuẩn bị tuyển quân 2027",
        "Thanh niên trong độ tuổi đăng ký nghĩa vụ quân sự theo dõi thông báo khám tuyển.",
        "<p>Ban Chỉ huy quân sự {unit} thông báo lịch khám sơ tuyển nghĩa vụ quân sự năm 2027.</p>",
        "policy-law",
        {"web", "radio", "board"},
        11,
    ),
)
# Items that show the approval chain at work: one climbing from a commune to its province,
# one published under the emergency procedure.
CHAIN_ITEMS = (
    (
        "19786",
        "de-nghi-ho-tro-sua-chua-nha-van-hoa",
        "Đề nghị toàn thành phố hưởng ứng quyên góp sửa chữa nhà văn hóa sau bão",
        "Phường Thuận Hóa đề nghị phổ biến lời kêu gọi quyên góp trên toàn địa bàn thành phố.",
        "<p>Nhà văn hóa tổ dân phố 3 bị tốc mái sau bão. Ủy ban nhân dân phường kêu gọi các tổ chức, "
        "cá nhân trên địa bàn thành phố chung tay ủng hộ.</p>",
        "culture-society",
        "normal",
        "area:46",
        {"web", "radio"},
        0,
        "climbing",
    ),
    (
        "18880",
        "canh-bao-trieu-cuong-ngap-ven-song-nhat-le",
        "Khẩn cấp: triều cường gây ngập các khu dân cư ven sông Nhật Lệ",
        "Nước dâng cao, các hộ ven sông di chuyển tài sản, người già và trẻ em lên nơi cao.",
        "<p>Dự báo đỉnh triều lúc 17 giờ 30 hôm nay. Lực lượng dân quân phường túc trực hỗ trợ người "
        "dân sơ tán.</p>",
        "disaster",
        "emergency",
        "area:44",
        {"web", "radio", "board"},
        0,
        "emergency",
    ),
)
ROUTINE_UNITS = ("19786", "19777", "18880")


def _routine_items():
    for code in ROUTINE_UNITS:
        name = find_unit(code).title
        for slug, title, summary, text, category, channels, age in COMMUNE_ROUTINE:
            yield (
                code,
                slug,
                title.format(unit=name),
                summary,
                text.format(unit=name),
                category,
                "normal",
                "unit",
                channels,
                age,
                "published",
            )


def _demo_user(unit_code, kind):
    return next(
        u for u, _name, code, k in DEMO_USERS if code == unit_code and k == kind
    )


def _approve_until(bulletin, stop_states):
    """Each waiting level's demo approver approves (or publishes at the last level)."""
    while api.content.get_state(bulletin) not in stop_states:
        state = ApprovalState(bulletin)
        transition = "publish" if state.is_last_step else "approve"
        with api.env.adopt_user(username=_demo_user(state.awaiting_unit, "approvers")):
            api.content.transition(obj=bulletin, transition=transition)


def _bring_to(item, code, state):
    """Walk a new item through the workflow as the demo users of its unit would."""
    if state != "draft":
        with api.env.adopt_user(username=_demo_user(code, "editors")):
            api.content.transition(obj=item, transition="submit")
    if state == "published":
        _approve_until(item, ("published",))
    elif state == "climbing":
        _approve_until(item, ("approved_at_level", "published"))
    elif state == "emergency":
        # The approver of the unit whose area covers the warning's targets (the top of its
        # chain) publishes it at once; a commune's approver could not reach its province.
        acting = ApprovalState(item).chain[-1]
        with api.env.adopt_user(username=_demo_user(acting, "approvers")):
            api.content.transition(obj=item, transition="emergency_publish")


def _create(unit, portal_type, slug, state, age, **fields):
    code = unit.code
    if state in ("published", "emergency"):
        # The Dublin Core attribute: ``effective`` would hide the item's effective() method.
        fields["effective_date"] = DEMO_DAY - age
    with api.env.adopt_user(username=_demo_user(code, "editors")):
        item = api.content.create(container=unit, type=portal_type, id=slug, **fields)
    _bring_to(item, code, state)
    return item


def _bulletin(unit, item):
    (
        _code,
        slug,
        title,
        summary,
        text,
        category,
        priority,
        scope,
        channels,
        age,
        state,
    ) = item
    scope, _sep, area = scope.partition(":")
    return _create(
        unit,
        "Bulletin",
        slug,
        state,
        age,
        title=title,
        description=summary,
        text=RichTextValue(text, "text/html", "text/x-html-safe"),
        category=category,
        priority=priority,
        target_scope=scope,
        target_units=[area] if area else [],
        channels=set(channels),
    )


def _docx(paragraphs):
    """A real DOCX with these paragraphs, as a Word user would attach it."""
    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    stream = BytesIO()
    document.save(stream)
    return stream.getvalue()


def _other_items():
    """(unit code, type, id, state, days before DEMO_DAY, fields) of the other item types."""
    yield (
        "46",
        "LegalDocument",
        "quyet-dinh-ke-hoach-phong-chong-thien-tai-2027",
        "published",
        5,
        dict(
            title="Quyết định ban hành Kế hoạch phòng, chống thiên tai năm 2027",
            description="Kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn của thành phố Huế.",
            number="215/QĐ-UBND",
            document_type="decision",
            issuing_body="Ủy ban nhân dân thành phố Huế",
            signer="Phó Chủ tịch Ủy ban nhân dân thành phố",
            issue_date=date(2026, 11, 10),
            category="disaster",
            target_scope="subtree",
            file=NamedBlobFile(
                _docx(
                    [
                        "ỦY BAN NHÂN DÂN THÀNH PHỐ HUẾ",
                        "QUYẾT ĐỊNH Ban hành Kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn năm 2027",
                        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phòng, chống thiên tai năm 2027.",
                        "Điều 2. Ủy ban nhân dân các xã, phường tổ chức diễn tập sơ tán dân trước mùa mưa bão.",
                    ]
                ),
                filename="215-QD-UBND.docx",
            ),
        ),
    )
    yield (
        "19786",
        "LegalDocument",
        "thong-bao-lich-tiep-cong-dan-2027",
        "published",
        3,
        dict(
            title="Thông báo lịch tiếp công dân năm 2027",
            number="08/TB-UBND",
            document_type="notice",
            issuing_body="Ủy ban nhân dân phường Thuận Hóa",
            signer="Chủ tịch Ủy ban nhân dân phường",
            issue_date=date(2026, 11, 15),
            category="local-directive",
            target_scope="unit",
            file=NamedBlobFile(
                _docx(
                    [
                        "Chủ tịch Ủy ban nhân dân phường tiếp công dân vào sáng thứ Năm hằng tuần.",
                        "Địa điểm: Bộ phận tiếp công dân, trụ sở Ủy ban nhân dân phường Thuận Hóa.",
                    ]
                ),
                filename="08-TB-UBND.docx",
            ),
        ),
    )
    yield (
        "19786",
        "RadioItem",
        "ban-tin-phat-thanh-sang-thu-hai",
        "published",
        1,
        dict(
            title="Bản tin phát thanh sáng thứ Hai",
            script="Kính thưa bà con phường Thuận Hóa. Sáng nay, từ 7 giờ đến 16 giờ ngày 25 tháng 11, "
            "Điện lực Huế tạm ngừng cấp điện để bảo dưỡng lưới điện. Đề nghị bà con chủ động "
            "sắp xếp công việc.",
            category="public-services",
            target_scope="unit",
        ),
    )
    yield (
        "44",
        "RadioItem",
        "canh-bao-bao-so-15-phat-thanh",
        "published",
        1,
        dict(
            title="Phát thanh cảnh báo bão số 15",
            script="Bão số 15 đang tiến gần đất liền. Bà con vùng ven biển khẩn trương gia cố nhà cửa, "
            "đưa tàu thuyền vào nơi tránh trú an toàn.",
            category="disaster",
            priority="emergency",
            target_scope="subtree",
        ),
    )
    yield (
        "19786",
        "BoardNotice",
        "bang-tin-lich-cat-dien",
        "published",
        1,
        dict(
            title="Lịch cắt điện 25/11",
            text="Ngừng cấp điện 7:00–16:00 ngày 25/11 tại các đường Lê Lợi, Hà Nội, Nguyễn Huệ.",
            display_duration=15,
            category="public-services",
            target_scope="unit",
        ),
    )
    yield (
        "18880",
        "BoardNotice",
        "bang-tin-trieu-cuong",
        "pending",
        0,
        dict(
            title="Cảnh báo triều cường",
            text="Triều cường dâng cao chiều nay: không đi lại ven sông Nhật Lệ.",
            display_duration=20,
            category="disaster",
            priority="priority",
            target_scope="unit",
        ),
    )


ALERT = "canh-bao-lu-quet-song-huong"


def _demo_alert():
    """A flash-flood warning of Huế for its whole area, in Vietnamese and English, waiting
    for the city's approver: what a warning looks like before the one approval that sends
    it to every channel. It expires two days after the demo is made (as a real one would
    be refused once past its expiry)."""
    unit = find_unit("46")
    with api.env.adopt_user(username=_demo_user("46", "editors")):
        alert = api.content.create(
            container=unit,
            type="Alert",
            id=ALERT,
            title="Cảnh báo lũ quét, sạt lở đất ở các xã miền núi phía tây thành phố Huế",
            category="disaster",
            event="Lũ quét, sạt lở đất",
            cap_categories={"Met", "Geo"},
            urgency="Expected",
            severity="Severe",
            certainty="Likely",
            response_types={"Evacuate", "Prepare"},
            alert_description="Mưa rất to trên thượng nguồn sông Hương và sông Bồ, lượng "
            "mưa 24 giờ qua trên 300 mm; nguy cơ lũ quét trên các suối nhỏ và sạt lở đất ở "
            "các xã A Lưới, Phong Điền.",
            instruction="Không ở lại nhà ven suối, chân đồi; di chuyển người già, trẻ em "
            "đến nơi tránh trú của xã; không qua ngầm, tràn khi nước chảy xiết.",
            area_description="Các xã miền núi phía tây thành phố Huế",
            target_scope="subtree",
            expiration_date=DateTime() + 2,
        )
        api.content.create(
            container=alert,
            type="AlertInfo",
            id="en",
            title="Flash flood and landslide warning for the western mountain communes "
            "of Hue",
            language="en-US",
            event="Flash flood, landslide",
            alert_description="Very heavy rain upstream of the Huong and Bo rivers, over "
            "300 mm in 24 hours; flash floods on small streams and landslides likely.",
            instruction="Leave houses by streams and at the foot of hills; take the "
            "elderly and children to the commune's shelter; do not cross flooded fords.",
        )
    _bring_to(alert, "46", "pending")
    return alert


SURVEY = "lay-y-kien-gio-phat-thanh"
SURVEY_QUESTIONS = """Ông/bà thường nghe đài truyền thanh phường vào khung giờ nào? *
( ) Sáng sớm (5:30–6:30)
( ) Buổi trưa (11:00–12:00)
( ) Chiều tối (17:00–18:00)
( ) Tôi không nghe được đài

Ông/bà muốn đài phát thêm những nội dung nào?
[ ] Thông báo của phường, tổ dân phố
[ ] Cảnh báo thiên tai, thời tiết
[ ] Chính sách, pháp luật mới
[ ] Văn hóa, văn nghệ

Ông/bà đánh giá thế nào về âm lượng loa ở nơi mình sống? *
1-5: Quá nhỏ, không nghe rõ | Vừa phải, nghe rõ

Ông/bà có góp ý gì thêm về giờ phát thanh?
"""


def _demo_survey():
    """A survey of Huế for its whole area, published through the city's approval: when
    people listen to their ward's loudspeakers, one question of each kind. It takes answers
    for thirty days after the demo is made."""
    unit = find_unit("46")
    with api.env.adopt_user(username=_demo_user("46", "editors")):
        survey = api.content.create(
            container=unit,
            type="Survey",
            id=SURVEY,
            title="Lấy ý kiến người dân về giờ phát thanh của đài truyền thanh phường",
            description="Thành phố muốn biết giờ phát thanh nào thuận tiện cho bà con "
            "để sắp xếp lại lịch phát của các đài truyền thanh phường từ tháng 1.",
            questions=SURVEY_QUESTIONS,
            answer_mode="challenge",
            category="public-services",
            target_scope="subtree",
            effective_date=DEMO_DAY - 1,
            expiration_date=DateTime() + 30,
        )
    _bring_to(survey, "46", "published")
    return survey


def create_demo_items():
    """Create the demo items that are missing; returns how many were created."""
    created = 0
    for item in (*DEMO_ITEMS, *CHAIN_ITEMS, *_routine_items()):
        unit = find_unit(item[0])
        if item[1] not in unit.objectIds():
            _bulletin(unit, item)
            created += 1
    for code, portal_type, slug, state, age, fields in _other_items():
        unit = find_unit(code)
        if slug not in unit.objectIds():
            _create(unit, portal_type, slug, state, age, **fields)
            created += 1
    if ALERT not in find_unit("46").objectIds():
        _demo_alert()
        created += 1
    if SURVEY not in find_unit("46").objectIds():
        _demo_survey()
        created += 1
    return created
