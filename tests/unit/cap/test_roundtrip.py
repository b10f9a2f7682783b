"""CAP XML both ways: what to_xml writes, parse reads back unchanged, and it is valid."""

from nguon.cap.schema import validate
from nguon.cap.xml import parse
from nguon.cap.xml import to_xml
from tests.unit.cap import samples


def test_a_full_alert_round_trips_and_is_valid():
    alert = samples.alert()
    data = to_xml(alert)
    validate(data)
    assert parse(data) == alert


def test_an_update_with_references_round_trips():
    update = samples.update()
    data = to_xml(update)
    validate(data)
    assert parse(data) == update
    assert (
        b"<references>canhbao@nguon.example.vn,vn.nguon.46.2026-0042,2026-11-30T14:00:00+07:00</references>"
        in data
    )
