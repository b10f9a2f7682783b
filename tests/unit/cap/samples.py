"""Alerts to build tests on: a complete Vietnamese warning and small variations of it."""

from dataclasses import replace
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from decimal import Decimal
from nguon.cap.model import Alert
from nguon.cap.model import Area
from nguon.cap.model import Info
from nguon.cap.model import Resource
from nguon.cap.model import VN_UNIT_CODE


VN = timezone(timedelta(hours=7))
SENT = datetime(2026, 11, 30, 14, 0, tzinfo=VN)
# A moment while the sample warning is in force, for rules.check(now=...).
DURING = SENT + timedelta(hours=1)


def info(**changes):
    """The Vietnamese <info> of the sample warning, with ``changes``."""
    values = dict(
        language="vi-VN",
        categories=("Met",),
        event="Bão số 9",
        response_types=("Prepare", "Monitor"),
        urgency="Expected",
        severity="Severe",
        certainty="Likely",
        audience="Người dân ven biển",
        event_codes=(("SAME", "HUW"),),
        effective=SENT,
        onset=SENT + timedelta(hours=6),
        expires=SENT + timedelta(hours=30),
        sender_name="Đài Khí tượng Thủy văn khu vực Trung Trung Bộ",
        headline="Bão số 9 đổ bộ Thừa Thiên Huế - Quảng Trị",
        description="Hồi 13 giờ, vị trí tâm bão ở vào khoảng 16,5 độ Vĩ Bắc; 109,6 độ Kinh Đông.",
        instruction="Neo đậu tàu thuyền, gia cố nhà cửa, sẵn sàng sơ tán khi có lệnh.",
        web="https://nguon.example.vn/canh-bao/bao-so-9",
        contact="Ban Chỉ huy Phòng chống thiên tai 0234 3822 888",
        parameters=(("WMO_AREA", "VN"),),
        resources=(
            Resource(
                description="Bản tin đọc",
                mime_type="audio/mpeg",
                size=123456,
                uri="https://nguon.example.vn/canh-bao/bao-so-9/voice.mp3",
                digest="0d3b1f0e4c2a9e8f",
            ),
        ),
        areas=(
            Area(
                description="Tỉnh Thừa Thiên Huế",
                polygons=("16.0,107.0 16.8,107.0 16.8,108.2 16.0,108.2 16.0,107.0",),
                circles=("16.46,107.59 25",),
                geocodes=((VN_UNIT_CODE, "46"),),
                altitude=Decimal("0"),
                ceiling=Decimal("1500.5"),
            ),
        ),
    )
    values.update(changes)
    return Info(**values)


def alert(**changes):
    """The sample warning (an Alert in Vietnamese and English), with ``changes``."""
    values = dict(
        identifier="vn.nguon.46.2026-0042",
        sender="canhbao@nguon.example.vn",
        sent=SENT,
        status="Actual",
        msg_type="Alert",
        scope="Public",
        source="Trung tâm Dự báo KTTV quốc gia",
        note="Bản tin số 3",
        codes=("IPAWSv1.0",),
        incidents="bao-so-9",
        infos=(
            info(),
            info(
                language="en-US",
                event="Typhoon No. 9",
                headline="Typhoon No. 9 landfall",
            ),
        ),
    )
    values.update(changes)
    return Alert(**values)


def update(**changes):
    """An Update of the sample warning, referring to it."""
    first = alert()
    sent = SENT + timedelta(hours=2)
    values = dict(
        msg_type="Update",
        sent=sent,
        references=(first.reference(),),
        infos=tuple(replace(info, effective=sent) for info in first.infos),
    )
    values.update(changes)
    return replace(first, **values)
