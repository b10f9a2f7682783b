"""The upgrade step "Device credentials and reports in nguon.devices" on a site as it was
before issue 13: a station's and a board's tokens under ``nguon.radio.credentials``, the as-run
log (``nguon.radio.asrun.AsRunLog``) and the proof-of-play log (``nguon.boards.proof.ProofLog``)
under their own keys. After the step the tokens still authenticate from their new key, the
records are read from the one report log, and nothing is left under the old keys."""

from BTrees.OOBTree import OOBTree
from datetime import datetime
from datetime import UTC
from importlib import import_module
from nguon.boards import proof
from nguon.boards.proof import ProofLog
from nguon.devices import credentials
from nguon.devices import reports
from nguon.radio import asrun
from nguon.radio.asrun import AsRunLog
from plone import api
from zope.annotation.interfaces import IAnnotations

import transaction


STEP = "nguon.upgrades.20261130081300_device_credentials_and_reports_in_nguon_devices.upgrade"


def _device(portal_type, title, **fields):
    with api.env.adopt_roles(["Manager"]):
        return api.content.create(
            container=api.portal.get()["vn"]["46"]["19786"],
            type=portal_type,
            title=title,
            **fields,
        )


def _old_token(device):
    """A token stored the pre-issue-13 way."""
    token = credentials.issue(device)
    annotations = IAnnotations(device)
    annotations[credentials.OLD_KEY] = annotations.pop(credentials.KEY)
    return token


def _old_log(cls, key, tree, kind, device_uid, record):
    old = cls()
    setattr(old, tree, OOBTree())
    old.by_item = OOBTree()
    getattr(old, tree)[kind.device_key(record)] = record
    old.by_item[kind.item_key(record)] = record
    IAnnotations(api.portal.get())[key] = old


def test_the_step_moves_tokens_and_logs_and_they_still_work(tree):
    portal = api.portal.get()
    station = _device("RadioStation", "Đài phường")
    board = _device(
        "PublicBoard",
        "Bảng tin chợ",
        location="Chợ",
        size_class="led",
        width=384,
        height=192,
        opening_start="00:00",
        opening_end="23:59",
    )
    station_token, board_token = _old_token(station), _old_token(board)
    del IAnnotations(portal)[reports.KEY]
    played = {
        "station": station.UID(),
        "unit": "19786",
        "item": "i1",
        "status": "finished",
        "at": "2026-11-29T06:00:00.000+00:00",
        "clusters": [],
        "message": "",
        "received": 0.0,
    }
    shown = {
        "board": board.UID(),
        "item": "i2",
        "shown_at": "2026-11-29T06:00:00.000+00:00",
        "seconds": 5.0,
        "received": 0.0,
    }
    _old_log(
        AsRunLog, "nguon.radio.asrun", "by_station", asrun.ASRUN, station.UID(), played
    )
    _old_log(
        ProofLog, "nguon.boards.proof", "by_board", proof.PROOF, board.UID(), shown
    )
    transaction.savepoint()
    # Before the step the new code finds neither the tokens nor the records.
    assert (
        not credentials.valid(station, station_token)
        and list(asrun.of_station(portal, station.UID())) == []
    )

    step = import_module(STEP)
    step.DeviceCredentialsAndReportsInNguonDevices(api.portal.get_tool("portal_setup"))

    assert credentials.authenticated(station_token, "RadioStation") == station
    assert credentials.authenticated(board_token, "PublicBoard") == board
    for device in (station, board):
        assert credentials.OLD_KEY not in IAnnotations(
            device
        ) and credentials.KEY in IAnnotations(device)
    assert [dict(r) for r in asrun.of_station(portal, station.UID())] == [played]
    assert [dict(r) for r in proof.of_board(portal, board.UID())] == [shown]
    annotations = IAnnotations(portal)
    assert (
        "nguon.radio.asrun" not in annotations
        and "nguon.boards.proof" not in annotations
    )
    assert isinstance(reports.log(portal, asrun.ASRUN), reports.ReportLog)
    # New reports go to the same log, beside the migrated ones, and the old one can be pruned.
    assert (
        asrun.report(
            portal,
            station.UID(),
            "19786",
            [{"item": "i3", "status": "started", "at": "2026-11-29T07:00:00+00:00"}],
        )
        == 1
    )
    assert [r["item"] for r in asrun.of_station(portal, station.UID())] == ["i1", "i3"]
    # Run twice, the step changes nothing.
    step.DeviceCredentialsAndReportsInNguonDevices(api.portal.get_tool("portal_setup"))
    assert credentials.authenticated(station_token, "RadioStation") == station
    assert len(asrun.of_station(portal, station.UID())) == 2
    # For devices that stopped reporting: every record past the retention goes at once.
    later = datetime(2027, 6, 1, tzinfo=UTC)
    assert reports.prune_log(portal, asrun.ASRUN, now=later) == 2
    assert reports.prune_log(portal, proof.PROOF, now=later) == 1
    assert list(proof.of_board(portal, board.UID())) == []
