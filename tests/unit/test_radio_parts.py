"""Radio parts that need no site: reading normalisation, slots, playlists, schedule
signatures; speech and audio with the real espeak-ng and ffmpeg."""

from datetime import datetime
from datetime import time
from datetime import timedelta
from nguon.content import slots
from nguon.radio import audio
from nguon.radio import playlist
from nguon.radio import signing
from nguon.radio import speech
from nguon.radio import tts

import pytest
import subprocess


@pytest.mark.parametrize(
    "number, words",
    [
        (0, "không"),
        (10, "mười"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (105, "một trăm linh năm"),
        (115, "một trăm mười lăm"),
        (2026, "hai nghìn không trăm hai mươi sáu"),
        (15000, "mười lăm nghìn"),
        (2500000, "hai triệu năm trăm nghìn"),
        (1000000000, "một tỷ"),
    ],
)
def test_numbers_in_words(number, words):
    assert speech.number_words(number) == words


@pytest.mark.parametrize(
    "text, spoken",
    [
        (
            "Ngày 25/11/2026",
            "Ngày hai mươi lăm tháng mười một năm hai nghìn không trăm hai mươi sáu",
        ),
        ("từ 7h30 đến 17:00", "từ bảy giờ ba mươi phút đến mười bảy giờ"),
        ("UBND phường", "Ủy ban nhân dân phường"),
        ("tăng 2,5%", "tăng hai phẩy năm phần trăm"),
        ("giá 15.000 đ", "giá mười lăm nghìn đồng"),
        ("QL 1A", "quốc lộ một A"),
        ("gọi 0234", "gọi không hai ba bốn"),
    ],
)
def test_reading_normalisation(text, spoken):
    assert speech.normalise(text) == spoken


def test_a_script_of_punctuation_only_is_refused(tmp_path):
    with pytest.raises(tts.SpeechError) as refused:
        tts.speak(" ... !!! — ,;", tmp_path / "x.wav", engine_name="espeak-ng")
    assert "không có chữ nào" in refused.value.message.default


def test_speech_and_normalised_audio_with_the_real_tools(tmp_path):
    tts.speak(
        "Thông báo lịch tiêm chủng ngày 5/12 tại trạm y tế phường.",
        tmp_path / "a.wav",
        engine_name="espeak-ng",
    )
    prepared = audio.prepare(tmp_path / "a.wav", tmp_path / "a.mp3")
    assert 2 < prepared.duration < 30
    assert abs(prepared.loudness - audio.TARGET_LUFS) < 1.5  # EBU R128 within tolerance
    assert audio.probe(tmp_path / "a.mp3")[1] == "mp3"


def test_two_items_of_different_loudness_come_out_equally_loud(tmp_path):
    for name, volume in (("quiet", "0.05"), ("loud", "0.9")):
        subprocess.run(
            [
                "sox",
                "-n",
                "-r",
                "44100",
                "-c",
                "1",
                str(tmp_path / f"{name}.wav"),
                "synth",
                "4",
                "pinknoise",
                "vol",
                volume,
            ],
            check=True,
        )
    quiet = audio.prepare(tmp_path / "quiet.wav", tmp_path / "quiet.mp3")
    loud = audio.prepare(tmp_path / "loud.wav", tmp_path / "loud.mp3")
    assert abs(quiet.loudness - loud.loudness) < 1.0


@pytest.mark.parametrize(
    "content",
    [b"", b"ID3" + b"\x00" * 4000, b"%PDF-1.7 not audio", bytes(range(256)) * 40],
)
def test_corrupt_or_fake_audio_is_refused(tmp_path, content):
    fake = tmp_path / "tin.mp3"
    fake.write_bytes(content)
    with pytest.raises(audio.AudioError):
        audio.prepare(fake, tmp_path / "out.mp3")


def test_silence_is_refused(tmp_path):
    subprocess.run(
        [
            "sox",
            "-n",
            "-r",
            "44100",
            "-c",
            "1",
            str(tmp_path / "s.wav"),
            "trim",
            "0",
            "3",
        ],
        check=True,
    )
    with pytest.raises(audio.AudioError):
        audio.prepare(tmp_path / "s.wav", tmp_path / "s.mp3")


WEEKDAYS_6_AND_17 = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA;BYHOUR=6,17;BYMINUTE=0 | 15"


def test_slots_follow_the_rule_and_skip_sundays_holidays_and_quiet_hours():
    plan = slots.Plan(
        slots.parse_rules(WEEKDAYS_6_AND_17 + "\nFREQ=DAILY;BYHOUR=22 | 10"),
        holidays=slots.parse_holidays("2026-12-01"),
    )
    start = datetime(2026, 11, 29, tzinfo=slots.ZONE)  # a Sunday
    found = slots.occurrences(plan, start, start + timedelta(days=3))
    assert [(s.start.day, s.start.hour, s.seconds) for s in found] == [
        (30, 6, 900),
        (30, 17, 900),
    ]


def test_quiet_hours_may_wrap_midnight_and_be_edited():
    quiet = (time(21, 0), time(6, 0))
    at = lambda hour: datetime(2026, 11, 30, hour, 30, tzinfo=slots.ZONE)  # noqa: E731
    assert slots.in_quiet_hours(at(22), quiet) and slots.in_quiet_hours(at(5), quiet)
    assert not slots.in_quiet_hours(at(6), quiet) and not slots.in_quiet_hours(
        at(20), quiet
    )
    assert slots.in_quiet_hours(at(13), (time(12, 0), time(14, 0)))


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=WEEKLY;BYHOUR=6",
        "BYHOUR=6 | 15",
        "FREQ=WEEKLY | 15",
        "FREQ=SOMETIMES;BYHOUR=6 | 15",
        "FREQ=DAILY;BYHOUR=6 | 999",
    ],
)
def test_bad_slot_rules_are_refused_with_the_line(text):
    with pytest.raises(slots.SlotError) as refused:
        slots.parse_rules("# lịch\n" + text)
    assert refused.value.message.mapping["line"] == 2


def _slot(minutes):
    start = datetime(2026, 11, 30, 6, tzinfo=slots.ZONE)
    return slots.Slot(start, start + timedelta(minutes=minutes))


def test_a_slot_never_overflows_and_what_does_not_fit_moves_to_the_next():
    first, second = (
        _slot(5),
        slots.Slot(
            _slot(5).start + timedelta(hours=11),
            _slot(5).start + timedelta(hours=11, minutes=5),
        ),
    )
    items = [
        playlist.Candidate(f"n{i}", f"Tin {i}", "normal", effective=i, duration=120)
        for i in range(4)
    ]
    items.append(
        playlist.Candidate("p", "Tin ưu tiên", "priority", effective=9, duration=100)
    )
    items.append(
        playlist.Candidate("e", "Khẩn cấp", "emergency", effective=5, duration=60)
    )
    items.append(
        playlist.Candidate("long", "Quá dài", "normal", effective=0, duration=3600)
    )
    playlists, emergencies, never = playlist.assemble([first, second], items)
    assert [c.uid for c in playlists[0].items] == ["p", "n0"]  # 100 + 120 ≤ 300
    assert playlists[0].seconds <= first.seconds
    assert [c.uid for c in playlists[0].deferred] == ["n1", "n2", "n3"]
    assert [c.uid for c in playlists[1].items] == ["n1", "n2"]
    assert [c.uid for c in emergencies] == ["e"] and [c.uid for c in never] == ["long"]


def test_the_operator_pins_orders_and_drops_normal_items():
    items = [
        playlist.Candidate("a", "A", "normal", 1, 10),
        playlist.Candidate("b", "B", "normal", 2, 10),
        playlist.Candidate("c", "C", "normal", 3, 10, pinned=True),
        playlist.Candidate("d", "D", "normal", 4, 10, dropped=True),
        playlist.Candidate("e", "E", "normal", 5, 10, order=0),
        playlist.Candidate("p", "P", "priority", 9, 10, order=99),
    ]
    playlists, _emergencies, _never = playlist.assemble([_slot(15)], items)
    assert [c.uid for c in playlists[0].items] == ["p", "c", "e", "a", "b"]


def test_schedule_signatures():
    private = signing.new_private_key()
    public = signing.public_key(private)
    envelope = signing.sign(
        {"sequence": 7, "title": "Quảng Nghệ ường ữ"},
        [private],
        "schedule",
        "xa-thuan-hoa",
    )
    assert signing.verify(envelope, public)["sequence"] == 7
    tampered = {**envelope, "schedule": {**envelope["schedule"], "sequence": 8}}
    with pytest.raises(signing.SignatureError):
        signing.verify(tampered, public)
    with pytest.raises(signing.SignatureError):
        signing.verify(envelope, signing.public_key(signing.new_private_key()))
    with pytest.raises(signing.SignatureError):
        signing.verify(
            {
                "schedule": {},
                "signatures": [
                    {"key_id": signing.key_id(public), "signature": "không phải base64"}
                ],
            },
            public,
        )
