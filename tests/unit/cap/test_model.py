"""The model's small parts: CAP times, references, geometry."""

from datetime import datetime
from datetime import timedelta
from datetime import timezone
from datetime import UTC
from nguon.cap.model import circle
from nguon.cap.model import points
from nguon.cap.model import Reference
from nguon.cap.times import format_time
from nguon.cap.times import parse_time
from tests.unit.cap import samples

import pytest


def test_times_have_an_offset_seconds_and_no_z():
    assert format_time(samples.SENT) == "2026-11-30T14:00:00+07:00"
    assert format_time(datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC)) == (
        "2026-01-02T03:04:05-00:00"
    )
    west = timezone(-timedelta(hours=3, minutes=30))
    assert format_time(datetime(2026, 1, 2, tzinfo=west)) == "2026-01-02T00:00:00-03:30"


def test_a_naive_time_cannot_be_written():
    with pytest.raises(ValueError):
        format_time(datetime(2026, 1, 2))


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-30T14:00:00Z",
        "2026-11-30T14:00:00",
        "2026-11-30T14:00:00.5+07:00",
        "2026-11-30 14:00:00+07:00",
        "30/11/2026",
    ],
)
def test_times_outside_caps_form_are_refused(text):
    with pytest.raises(ValueError):
        parse_time(text)


def test_a_time_reads_back_to_the_same_instant():
    assert parse_time(" 2026-11-30T14:00:00+07:00\n") == samples.SENT
    assert parse_time("2026-11-30T07:00:00-00:00") == samples.SENT


def test_a_reference_is_sender_identifier_sent():
    reference = samples.alert().reference()
    text = str(reference)
    assert (
        text
        == "canhbao@nguon.example.vn,vn.nguon.46.2026-0042,2026-11-30T14:00:00+07:00"
    )
    assert Reference.parse(text) == reference


@pytest.mark.parametrize(
    "text", ["a,b", "a,b,c,d", ",b,2026-11-30T14:00:00+07:00", "a,b,yesterday"]
)
def test_a_malformed_reference_is_refused(text):
    with pytest.raises(ValueError):
        Reference.parse(text)


def test_geometry_reads_caps_text():
    assert points("16.0,107.0 16.8,107.5  16.0,107.0") == (
        (16.0, 107.0),
        (16.8, 107.5),
        (16.0, 107.0),
    )
    assert circle("16.46,107.59 25") == (16.46, 107.59, 25.0)


@pytest.mark.parametrize(
    "text", ["16.0;107.0", "16.0", "16,107,3", "nan,1", "1e3,2", "a,b"]
)
def test_malformed_coordinates_are_refused(text):
    with pytest.raises(ValueError):
        points(text)


@pytest.mark.parametrize(
    "text", ["16.46,107.59", "16.46,107.59 inf", "16.46,107.59 5 km"]
)
def test_malformed_circles_are_refused(text):
    with pytest.raises(ValueError):
        circle(text)


def test_area_codes_are_the_unit_geocodes():
    area = samples.info().areas[0]
    assert area.codes() == ("46",)
    assert area.codes("SAME") == ()


def test_an_offset_with_seconds_is_written_in_utc():
    from zoneinfo import ZoneInfo

    old = datetime(1900, 6, 1, 12, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert old.utcoffset().total_seconds() % 60  # local mean time, +07:06:40
    assert parse_time(format_time(old)) == old
