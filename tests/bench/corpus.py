"""A deterministic archive of realistic Vietnamese grassroots information, for the search
benchmarks: bulletins, legal documents, radio scripts and board notices about power cuts,
storms, floods, epidemics, vaccination, farming, land, traffic, elections… in the real
provinces and communes of the official list (``vietnam-provinces``), over 2015–2026.

``items(count, seed)`` yields plain dicts that the Plone builder (``bench_search.py``) turns
into content; ``solr_document(item)`` gives the document nguon's consumer would send for it, for
the Solr-only benchmark (``bench_search_solr.py``); ``QUERIES`` are representative citizen
queries. A million items take a couple of minutes of one core: every pool is built once.
"""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.content.vocabularies import DOCUMENT_TYPES

import random
import uuid


TYPES = (
    ("Bulletin", 45),
    ("LegalDocument", 25),
    ("RadioItem", 15),
    ("BoardNotice", 15),
)
STATES = (
    ("published", 85),
    ("pending", 5),
    ("draft", 6),
    ("published-expired", 2),
    ("published-future", 2),
)
YEARS = range(2015, 2027)

# Topic: category, titles, sentences of the body. {place}, {province}, {date}, {hour},
# {number}, {count}, {road}, {crop}, {disease} are filled per item.
TOPICS = (
    (
        "public-services",
        (
            "Thông báo lịch cắt điện {place}",
            "Lịch tạm ngừng cung cấp điện ngày {date}",
            "Thông báo tạm ngừng cấp nước sinh hoạt tại {place}",
            "Kế hoạch bảo dưỡng lưới điện {place}",
        ),
        (
            "Điện lực {province} thông báo lịch cắt điện để bảo dưỡng, sửa chữa lưới điện.",
            "Thời gian tạm ngừng cung cấp điện từ {hour} giờ đến {hour2} giờ ngày {date}.",
            "Khu vực ảnh hưởng gồm các thôn, tổ dân phố thuộc {place}.",
            "Đề nghị nhân dân chủ động sắp xếp sinh hoạt, sản xuất trong thời gian cắt điện.",
            "Công ty cấp nước tạm ngừng cấp nước để thay thế đường ống trên {road}.",
            "Mọi thắc mắc xin liên hệ số điện thoại đường dây nóng của ngành điện.",
        ),
    ),
    (
        "disaster",
        (
            "Cảnh báo bão số {number} và mưa lớn",
            "Chủ động ứng phó với bão số {number}",
            "Thông báo sơ tán dân vùng trũng thấp {place}",
            "Cảnh báo lũ quét, sạt lở đất tại {place}",
            "Triển khai phương án phòng chống thiên tai năm {year}",
        ),
        (
            "Ban Chỉ huy phòng chống thiên tai và tìm kiếm cứu nạn {province} đề nghị nhân dân theo dõi chặt chẽ diễn biến của bão.",
            "Các tàu thuyền không ra khơi, khẩn trương vào nơi tránh trú an toàn.",
            "Gia cố nhà cửa, chặt tỉa cây xanh, chuẩn bị lương thực, nước uống cho ít nhất ba ngày.",
            "Sơ tán người dân ở vùng trũng thấp, ven sông, ven biển đến nơi an toàn trước {hour} giờ.",
            "Mưa lớn có thể gây lũ quét, sạt lở đất ở vùng núi và ngập úng ở vùng thấp.",
            "Không đi qua ngầm tràn, đập tràn khi nước đang chảy xiết.",
        ),
    ),
    (
        "health",
        (
            "Kế hoạch tiêm chủng mở rộng năm {year}",
            "Thông báo tiêm vắc xin {disease} cho trẻ em",
            "Phòng chống dịch sốt xuất huyết tại {place}",
            "Khuyến cáo phòng bệnh tay chân miệng",
            "Chiến dịch diệt lăng quăng, bọ gậy {place}",
        ),
        (
            "Trạm y tế {place} tổ chức tiêm vắc xin {disease} miễn phí cho trẻ dưới 5 tuổi.",
            "Phụ huynh mang theo sổ tiêm chủng và giấy khai sinh của trẻ.",
            "Số ca mắc sốt xuất huyết tăng {count} ca so với cùng kỳ năm trước.",
            "Người dân thực hiện diệt lăng quăng, bọ gậy, ngủ màn kể cả ban ngày.",
            "Khi có dấu hiệu sốt cao, phát ban, cần đến ngay cơ sở y tế gần nhất.",
            "Ngành y tế khuyến cáo rửa tay thường xuyên bằng xà phòng và nước sạch.",
        ),
    ),
    (
        "agriculture",
        (
            "Hướng dẫn gieo cấy vụ đông xuân {year}",
            "Thông báo lịch thời vụ gieo trồng {crop}",
            "Phòng trừ rầy nâu hại lúa tại {place}",
            "Kế hoạch nạo vét kênh mương nội đồng",
            "Hỗ trợ giống cây trồng cho nông dân {place}",
        ),
        (
            "Hợp tác xã nông nghiệp {place} tổ chức nạo vét kênh mương nội đồng trước vụ sản xuất.",
            "Khung lịch thời vụ gieo trồng {crop} từ ngày {date}, không gieo sạ sớm.",
            "Mật độ rầy nâu cao trên các chân ruộng trũng, bà con cần thăm đồng thường xuyên.",
            "Sử dụng thuốc bảo vệ thực vật theo nguyên tắc bốn đúng.",
            "Nhà nước hỗ trợ {count} tấn giống lúa cho các hộ bị thiệt hại do thiên tai.",
            "Khuyến khích liên kết sản xuất theo chuỗi giá trị, áp dụng quy trình VietGAP.",
        ),
    ),
    (
        "policy-law",
        (
            "Quyết định phê duyệt danh sách hộ nghèo năm {year}",
            "Phổ biến Luật Đất đai sửa đổi",
            "Nghị quyết về chính sách hỗ trợ người có công",
            "Quy định về cấp giấy chứng nhận quyền sử dụng đất",
            "Tuyên truyền Luật Thực hiện dân chủ ở cơ sở",
        ),
        (
            "Ủy ban nhân dân {province} ban hành quyết định phê duyệt danh sách hộ nghèo, hộ cận nghèo.",
            "Văn bản có hiệu lực thi hành kể từ ngày {date}.",
            "Người sử dụng đất được cấp giấy chứng nhận quyền sử dụng đất khi đủ điều kiện theo quy định.",
            "Các cơ quan, đơn vị, tổ chức và cá nhân có liên quan chịu trách nhiệm thi hành.",
            "Mức hỗ trợ {count} nghìn đồng mỗi người mỗi tháng, chi trả hằng quý.",
            "Nhân dân được biết, được bàn, được làm, được kiểm tra, được giám sát.",
        ),
    ),
    (
        "security",
        (
            "Cảnh giác với thủ đoạn lừa đảo qua mạng",
            "Tổng kiểm tra, rà soát nhân khẩu {place}",
            "Vận động giao nộp vũ khí, vật liệu nổ",
            "Bảo đảm an toàn giao thông dịp lễ, tết",
            "Phân luồng giao thông trên {road}",
        ),
        (
            "Công an {place} cảnh báo các thủ đoạn giả danh cơ quan nhà nước gọi điện lừa đảo.",
            "Người dân tuyệt đối không cung cấp mã OTP, thông tin tài khoản ngân hàng cho người lạ.",
            "Tạm cấm các phương tiện trên {road} từ {hour} giờ đến {hour2} giờ ngày {date}.",
            "Không lái xe sau khi uống rượu, bia; đội mũ bảo hiểm khi đi xe máy.",
            "Mọi hành vi vi phạm sẽ bị xử lý nghiêm theo quy định của pháp luật.",
        ),
    ),
    (
        "culture-society",
        (
            "Bầu cử đại biểu Hội đồng nhân dân các cấp",
            "Lễ hội truyền thống {place} năm {year}",
            "Ngày hội đại đoàn kết toàn dân tộc",
            "Thông báo họp dân tại nhà văn hóa thôn",
            "Xây dựng gia đình văn hóa, khu dân cư văn hóa",
        ),
        (
            "Cử tri kiểm tra danh sách cử tri niêm yết tại nhà văn hóa thôn, tổ dân phố.",
            "Ngày bầu cử là ngày {date}, các điểm bỏ phiếu mở cửa từ {hour} giờ sáng.",
            "Ban tổ chức lễ hội đề nghị du khách giữ gìn vệ sinh môi trường, trật tự an toàn.",
            "Mời đại diện các hộ gia đình dự họp lúc {hour} giờ tại nhà văn hóa thôn.",
            "Khen thưởng {count} gia đình văn hóa tiêu biểu năm {year}.",
        ),
    ),
    (
        "environment",
        (
            "Lịch thu gom rác thải sinh hoạt {place}",
            "Phân loại rác tại nguồn",
            "Cảnh báo ô nhiễm không khí",
            "Ra quân làm sạch môi trường {place}",
        ),
        (
            "Xe thu gom rác hoạt động từ {hour} giờ đến {hour2} giờ hằng ngày.",
            "Người dân phân loại rác thành rác hữu cơ, rác tái chế và rác khác.",
            "Không đổ rác, xả nước thải ra sông, kênh, mương.",
            "Chỉ số chất lượng không khí ở mức kém, người già và trẻ nhỏ hạn chế ra ngoài.",
            "Đoàn thanh niên ra quân thu gom {count} tấn rác thải dọc bờ biển.",
        ),
    ),
    (
        "education",
        (
            "Kế hoạch tuyển sinh lớp 1 và lớp 6 năm học {year}",
            "Thông báo lịch khai giảng năm học mới",
            "Hỗ trợ học sinh có hoàn cảnh khó khăn",
            "Phổ cập bơi cho học sinh tiểu học",
        ),
        (
            "Trường tiểu học {place} nhận hồ sơ tuyển sinh lớp 1 từ ngày {date}.",
            "Hồ sơ gồm bản sao giấy khai sinh và giấy xác nhận cư trú.",
            "Hỗ trợ {count} suất học bổng cho học sinh nghèo vượt khó.",
            "Lễ khai giảng tổ chức lúc {hour} giờ tại sân trường.",
        ),
    ),
    (
        "economy",
        (
            "Hỗ trợ vay vốn giải quyết việc làm",
            "Phiên giao dịch việc làm {place}",
            "Đăng ký kinh doanh hộ cá thể",
            "Chương trình mỗi xã một sản phẩm OCOP",
        ),
        (
            "Ngân hàng Chính sách xã hội cho vay vốn tạo việc làm với lãi suất ưu đãi.",
            "Phiên giao dịch việc làm có {count} doanh nghiệp tham gia tuyển dụng lao động.",
            "Hộ kinh doanh nộp hồ sơ đăng ký tại bộ phận một cửa của Ủy ban nhân dân.",
            "Sản phẩm OCOP của {place} đạt chứng nhận ba sao.",
        ),
    ),
)
DISEASES = (
    "sởi",
    "bại liệt",
    "viêm não Nhật Bản",
    "bạch hầu",
    "ho gà",
    "uốn ván",
    "viêm gan B",
)
CROPS = ("lúa", "ngô", "lạc", "sắn", "rau màu", "cà phê", "hồ tiêu")
ROADS = (
    "Quốc lộ 1A",
    "Quốc lộ 49",
    "Quốc lộ 9",
    "đường Lê Lợi",
    "đường Trần Hưng Đạo",
    "đường Nguyễn Huệ",
    "đường Hùng Vương",
    "tỉnh lộ 10",
    "đường ven biển",
)
SIGNERS = (
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Quang Cường",
    "Phạm Thị Dung",
    "Hoàng Văn Em",
    "Võ Thị Phương",
    "Đặng Minh Giang",
    "Bùi Văn Hải",
    "Ngô Thị Hoa",
    "Đỗ Quang Khải",
)
DOCUMENT_ABBREVIATIONS = {
    "law": "L",
    "ordinance": "PL",
    "resolution": "NQ",
    "decree": "NĐ",
    "decision": "QĐ",
    "circular": "TT",
    "directive": "CT",
    "notice": "TB",
    "plan": "KH",
    "official-letter": "CV",
    "report": "BC",
    "other": "VB",
}
CENTRAL = "VN"

QUERIES = (
    {"label": "power cuts, with diacritics", "text": "thông báo lịch cắt điện"},
    {"label": "power cuts, without diacritics", "text": "thong bao lich cat dien"},
    {"label": "storm, with diacritics, facets", "text": "cảnh báo bão", "facets": True},
    {
        "label": "storm, without diacritics, facets",
        "text": "canh bao bao",
        "facets": True,
    },
    {"label": "vaccination, facets", "text": "tiêm vắc xin sởi", "facets": True},
    {
        "label": "vaccination, without diacritics, facets",
        "text": "tiem vac xin soi",
        "facets": True,
    },
    {"label": "phrase", "text": '"nạo vét kênh mương"'},
    {"label": "place name", "text": "Thuận Hóa"},
    {"label": "document number", "text": "QĐ-UBND"},
    {
        "label": "fraud, in one province (Huế), facets",
        "text": "lừa đảo",
        "unit": "46",
        "facets": True,
    },
    {
        "label": "poor households, category policy-law",
        "text": "hộ nghèo",
        "category": "policy-law",
    },
    {
        "label": "no words: newest in a category, facets",
        "text": "",
        "category": "disaster",
        "facets": True,
    },
)


def _places():
    """(province code, province title, commune code, commune title) of every commune."""
    from nguon.units.official import provinces

    return [
        (province.code, province.title, commune.code, commune.title)
        for province in provinces().values()
        for commune in province.children
    ]


def _weighted(pairs):
    return [value for value, weight in pairs for _ in range(weight)]


def items(count, seed=2026):
    """``count`` archive items as plain dicts, the same for the same seed."""
    rng = random.Random(seed)
    places = _places()
    types, states = _weighted(TYPES), _weighted(STATES)
    doc_types = [value for value, _title in DOCUMENT_TYPES]
    for number in range(count):
        province_code, province, commune_code, commune = places[
            rng.randrange(len(places))
        ]
        at_province = rng.random() < 0.1
        place = province if at_province else commune
        category, titles, sentences = TOPICS[rng.randrange(len(TOPICS))]
        issued = datetime(
            rng.choice(YEARS),
            rng.randint(1, 12),
            rng.randint(1, 28),
            rng.randint(7, 17),
            rng.choice((0, 15, 30, 45)),
            tzinfo=UTC,
        )
        values = {
            "place": place,
            "province": province,
            "year": issued.year,
            "date": (issued + timedelta(days=rng.randint(1, 20))).strftime("%d/%m/%Y"),
            "hour": rng.randint(5, 14),
            "hour2": rng.randint(15, 20),
            "number": rng.randint(1, 13),
            "count": rng.randint(2, 900),
            "road": rng.choice(ROADS),
            "crop": rng.choice(CROPS),
            "disease": rng.choice(DISEASES),
        }
        title = rng.choice(titles).format(**values)
        body = [
            rng.choice(sentences).format(**values) for _ in range(rng.randint(8, 40))
        ]
        portal_type = rng.choice(types)
        state = rng.choice(states)
        effective, expires = issued, None
        if state == "published-expired":
            expires = issued + timedelta(days=rng.randint(5, 60))
        elif state == "published-future":
            effective = datetime(2027, rng.randint(1, 12), 1, 8, tzinfo=UTC)
        document_type = (
            rng.choice(doc_types) if portal_type == "LegalDocument" else None
        )
        issuer = f"UBND {province if at_province else commune}"
        item = {
            "uid": uuid.UUID(int=rng.getrandbits(128), version=4).hex,
            "id": f"muc-{number:07d}",
            "portal_type": portal_type,
            "title": title,
            "description": " ".join(body[:2]),
            "text": " ".join(body),
            "category": category,
            "priority": rng.choice(("normal",) * 8 + ("priority", "emergency")),
            "channels": ["web"] + (["radio"] if rng.random() < 0.4 else []),
            "review_state": state.split("-")[0],
            "effective": effective,
            "expires": expires,
            "issue_date": issued.date(),
            "province_code": province_code,
            "commune_code": None if at_province else commune_code,
            "creator": f"bientap-{province_code if at_province else commune_code}",
        }
        if portal_type == "LegalDocument":
            item.update(
                document_type=document_type,
                issuing_body=issuer,
                number=f"{rng.randint(1, 350)}/{issued.year}/"
                f"{DOCUMENT_ABBREVIATIONS[document_type]}-UBND",
                signer=rng.choice(SIGNERS),
            )
        yield item


def _iso(value, default):
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else default


def solr_document(item, site="/Plone"):
    """The Solr document nguon's consumer sends for ``item`` (``nguon.search.documents``)."""
    commune = item.get("commune_code")
    unit_codes = [CENTRAL, item["province_code"]] + ([commune] if commune else [])
    unit_path = "/".join([site, "vn"] + unit_codes[1:])
    path = f"{unit_path}/{item['id']}"
    parts = path.strip("/").split("/")
    public = item["review_state"] == "published"
    text = " ".join(
        filter(
            None,
            (
                item["title"],
                item["description"],
                item["text"],
                item.get("number"),
                item.get("issuing_body"),
                item.get("signer"),
            ),
        )
    )
    effective = _iso(item["effective"], "1969-12-31T00:00:00Z")
    doc = {
        "UID": item["uid"],
        "id": item["id"],
        "getId": item["id"],
        "path_string": path,
        "path_parents": [
            "/" + "/".join(parts[:depth]) for depth in range(1, len(parts) + 1)
        ],
        "path_depth": len(parts),
        "portal_type": item["portal_type"],
        "Type": item["portal_type"],
        "review_state": item["review_state"],
        "allowedRolesAndUsers": ["Anonymous"]
        if public
        else [
            "Manager",
            "Site Administrator",
            "Editor",
            "Reader",
            "Contributor",
            "Reviewer",
            f"user${item['creator']}",
        ],
        "Language": "vi",
        "Title": item["title"],
        "Description": item["description"],
        "SearchableText": text,
        "sortable_title": item["title"].lower()[:40],
        "created": effective,
        "modified": effective,
        "effective": effective,
        "expires": _iso(item["expires"], "2499-12-31T00:00:00Z"),
        "Creator": item["creator"],
        "unit_code": unit_codes[-1],
        "unit_path": unit_path,
        "unit_ancestors": unit_codes,
        "unit_level": "commune" if commune else "province",
        "category": item["category"],
        "priority": item["priority"],
        "channels": item["channels"],
        "year": item["issue_date"].year,
    }
    if item["portal_type"] == "LegalDocument":
        doc.update(
            document_type=item["document_type"],
            issuing_body=item["issuing_body"],
            document_number=item["number"],
            signer=item["signer"],
            issue_date=item["issue_date"].strftime("%Y-%m-%dT00:00:00Z"),
        )
    return doc
