"""The delivery ledger (docs/ledger.md) on the small tree of nguon.testing: Huế (46) with
Thuận Hóa (19786) and Vỹ Dạ (19777), Quảng Trị (44) with Đồng Hới (18880)."""

from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.content.timezone import LOCAL_ZONE
from nguon.devices import health
from nguon.devices.health import seen
from nguon.ledger import coverage
from nguon.ledger.indicators import figures
from nguon.ledger.indicators import indicator
from nguon.ledger.interfaces import IProofKind
from nguon.ledger.kinds import ProofKind
from nguon.ledger.record import of_item
from nguon.ledger.record import record
from nguon.ledger.store import ledger
from nguon.ledger.units import area_codes
from nguon.ledger.units import receiving_units
from nguon.testing import tree_user
from nguon.units.merge import merge_units
from nguon.units.tree import find_unit
from plone import api
from zope.component import getGlobalSiteManager

import pytest


def local_today():
    """Today in Vietnam's calendar, in which the figures count (from 17:00 UTC it is
    already tomorrow there)."""
    return datetime.now(LOCAL_ZONE).date()


AIRED = ProofKind("test-aired", "radio", "aired in a test")
SHOWN = ProofKind("test-shown", "board", "shown in a test")
REFUSED = ProofKind("test-refused", "radio", "refused in a test", proves=False)


@pytest.fixture
def kinds():
    registry = getGlobalSiteManager()
    for kind in (AIRED, SHOWN, REFUSED):
        registry.registerUtility(kind, IProofKind, name=kind.name)
    yield
    for kind in (AIRED, SHOWN, REFUSED):
        registry.unregisterUtility(kind, IProofKind, name=kind.name)


def _publish(code, **fields):
    fields = {
        "title": "Thông báo bão số 9",
        "category": "disaster",
        "channels": {"radio", "board"},
        "target_scope": "subtree",
        **fields,
    }
    with api.env.adopt_user(username=tree_user(code, "editors")):
        item = api.content.create(container=find_unit(code), type="Bulletin", **fields)
        if fields.get("priority") != "emergency":
            api.content.transition(obj=item, transition="submit")
    with api.env.adopt_user(username=tree_user(code, "approvers")):
        transition = (
            "emergency_publish" if fields.get("priority") == "emergency" else "publish"
        )
        api.content.transition(obj=item, transition=transition)
    return item


def test_a_province_item_is_received_by_its_communes(tree):
    units = receiving_units((("46", True),), tree["portal"])
    assert sorted(unit.code for unit in units) == ["19777", "19786"]
    assert [u.code for u in receiving_units((("19786", False),), tree["portal"])] == [
        "19786"
    ]


def test_an_emergency_opens_an_obligation_for_every_commune_and_channel(tree, kinds):
    portal = tree["portal"]
    item = _publish("46", priority="emergency")
    obligation = ledger(portal).obligations[item.UID()]
    assert sorted(obligation.required) == [
        ("19777", "board"),
        ("19777", "radio"),
        ("19786", "board"),
        ("19786", "radio"),
    ]
    found = coverage.coverage(portal, item.UID())
    # The tree has no station nor board: every pair fails, and coverage says why (the
    # channels' reasons, nguon.radio.delivery and nguon.boards.delivery).
    assert found.counts == {"delivered": 0, "pending": 0, "failed": 4}
    assert {p.reason.default for p in found.pairs} == {
        "Đơn vị chưa có đài truyền thanh trên hệ thống.",
        "Đơn vị chưa có bảng tin điện tử trên hệ thống.",
    }
    assert not found.delivered


def test_proofs_fill_coverage_and_failures_say_why(tree, kinds):
    portal = tree["portal"]
    item = _publish("46", priority="emergency")
    uid = item.UID()
    at = datetime.now(UTC) + timedelta(minutes=5)
    assert record(portal, "test-aired", uid, "19786", "station-1", at, {"seconds": 90})
    # The same record twice is one record.
    assert not record(portal, "test-aired", uid, "19786", "station-1", at)
    record(
        portal, "test-refused", uid, "19777", "station-2", at, {"message": "MP3 hỏng"}
    )
    record(portal, "test-shown", uid, "19777", "board-1", at)
    found = coverage.coverage(portal, uid)
    by_pair = {(p.unit, p.channel): p for p in found.pairs}
    assert by_pair[("19786", "radio")].status == "delivered"
    assert by_pair[("19786", "radio")].proof["device"] == "station-1"
    assert by_pair[("19777", "radio")].status == "failed"
    assert by_pair[("19777", "radio")].reason == "MP3 hỏng"
    assert by_pair[("19777", "board")].status == "delivered"
    assert by_pair[("19786", "board")].status == "failed"  # no board there
    assert found.pairs[0].status == "failed"  # worst first
    assert found.percent == 50.0
    # A device the site does not know is named by its id.
    assert by_pair[("19786", "radio")].proof["device_title"] == "station-1"


def test_coverage_names_the_station_that_proved_it(tree, kinds):
    portal = tree["portal"]
    with api.env.adopt_roles(["Manager"]):
        station = api.content.create(
            container=find_unit("19786"), type="RadioStation", title="Đài phường"
        )
    item = _publish("46", priority="emergency")
    record(portal, "test-aired", item.UID(), "19786", station.UID())
    [aired] = [p for p in coverage.coverage(portal, item.UID()).pairs if p.proof]
    assert aired.proof["device"] == station.UID()
    assert aired.proof["device_title"] == "Đài phường"


def test_figures_of_the_province_and_of_a_commune(tree, kinds):
    portal = tree["portal"]
    item = _publish("46", priority="emergency")
    at = datetime.now(UTC) + timedelta(minutes=6)
    record(
        portal, "test-aired", item.UID(), "19786", "station-1", at, {"seconds": 1800}
    )
    today = local_today()
    span = (today - timedelta(days=1), today + timedelta(days=2))
    province = figures(portal, find_unit("46"), *span)
    assert province["essential_items"] == 1
    assert province["emergencies"] == 1
    assert province["coverage_radio"] == 50.0
    assert province["coverage_board"] == 0.0
    assert province["essential_items_delivered"] == 0.0
    assert province["radio_hours"] == 0.5
    assert province["items_published"] == 1
    assert 5.9 <= province["emergency_minutes_to_air"] <= 6.1
    ward = figures(portal, find_unit("19786"), *span)
    assert ward["coverage_radio"] == 100.0
    assert ward["coverage_board"] == 0.0
    other = figures(portal, find_unit("44"), *span)
    assert other["essential_items"] == 0
    assert other["coverage_radio"] is None  # nothing required: nothing to say
    # A period before the item: nothing.
    before = figures(portal, find_unit("46"), date(2020, 1, 1), date(2020, 2, 1))
    assert before["essential_items"] == 0 and before["items_published"] == 0


def test_an_ordinary_item_counts_as_published_without_an_obligation(tree, kinds):
    portal = tree["portal"]
    item = _publish("19786", category="culture", target_scope="unit")
    store = ledger(portal)
    assert item.UID() in store.published
    assert item.UID() not in store.obligations
    assert coverage.coverage(portal, item.UID()) is None
    today = local_today()
    ward = figures(
        portal, find_unit("19786"), today - timedelta(days=1), today + timedelta(days=1)
    )
    assert ward["items_published"] == 1
    assert ward["items_published_radio"] == 1
    assert ward["approval_hours_commune"] is not None


def test_records_survive_the_deletion_of_the_item(tree, kinds):
    portal = tree["portal"]
    item = _publish("46", priority="emergency")
    uid = item.UID()
    record(portal, "test-aired", uid, "19786", "station-1")
    with api.env.adopt_roles(["Manager"]):
        api.content.delete(obj=item)
    assert [row[0] for row in of_item(portal, uid)] == ["19786"]
    assert coverage.coverage(portal, uid).counts["delivered"] == 1


def test_records_of_a_merged_unit_count_for_the_unit_it_was_merged_into(tree, kinds):
    portal = tree["portal"]
    item = _publish("46", priority="emergency")
    record(portal, "test-aired", item.UID(), "19777", "station-2")
    merge_units(find_unit("19777"), find_unit("19786"))
    assert "19777" in area_codes("19786", portal)
    today = local_today()
    ward = figures(
        portal, find_unit("19786"), today - timedelta(days=1), today + timedelta(days=1)
    )
    assert ward["coverage_radio"] == 50.0  # its own pair missing, the merged one proven
    assert [row[0] for row in of_item(portal, item.UID())] == ["19777"]


def test_every_indicator_is_registered_once(tree):
    assert indicator("essential_coverage") is not None
    assert indicator("no-such-indicator") is None


def test_equipment_figures_follow_device_health(tree):
    portal = tree["portal"]
    ward = find_unit("19786")
    with api.env.adopt_roles(["Manager"]):
        station = api.content.create(
            container=ward, type="RadioStation", title="Đài truyền thanh phường"
        )
    today = local_today()
    span = (today - timedelta(days=1), today + timedelta(days=1))
    figures_now = figures(portal, find_unit("46"), *span)
    assert figures_now["stations_total"] == 1
    assert figures_now["boards_total"] == 0
    assert figures_now["boards_units_equipped"] == 0.0
    seen(station)
    assert figures(portal, find_unit("46"), *span)["stations_working"] == 1
    # One of the province's two communes has a working station.
    assert figures(portal, find_unit("46"), *span)["stations_units_equipped"] == 50.0
    later = datetime.now(UTC) + timedelta(hours=2)
    assert health.is_offline(station, later)
