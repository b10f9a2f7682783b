"""The typed JSON of Nguồn's stores (``nguon.exportimport.state``): every kind of value comes
back equal and of the same type, through real JSON; an unknown kind is refused by name."""

from BTrees.IIBTree import IITreeSet
from BTrees.Length import Length
from BTrees.OIBTree import OIBTree
from BTrees.OOBTree import OOBTree
from DateTime import DateTime
from nguon.exportimport import state
from nguon.ledger.store import ObligationDetail
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping

import datetime
import json
import pytest


def round_trip(value):
    return state.decode(json.loads(json.dumps(state.encode(value))))


def test_plain_values_keep_their_types():
    value = {
        ("19777", "radio", "2026-11-30"): [1, 2.5, None, True, "Vỹ Dạ"],
        7: {"set": {1, 2}, "frozen": frozenset({"a"}), "bytes": b"\x00\xff"},
        "when": datetime.datetime(2026, 11, 30, 7, 0, tzinfo=datetime.UTC),
        "day": datetime.date(2026, 11, 30),
        "zope": DateTime("2026/11/30 14:00:01.250000 GMT+7"),
        "utc": DateTime("2026/11/30 07:00:01.250000 UTC"),
    }
    back = round_trip(value)
    assert back == value
    assert isinstance(back[7]["frozen"], frozenset)
    assert back["utc"].timezone() == "UTC" and back["zope"].timezone() == "GMT+7"


def test_persistent_stores_come_back_whole():
    tree = OOBTree({("46", "d2026-11-30"): PersistentList([1, 2])})
    counters = OIBTree({"a": 1, "b": 2})
    detail = ObligationDetail(
        {"19777": ("VN", "46", "19777")}, {"19777": "Phường Vỹ Dạ"}
    )
    detail._v_cache = "not data"
    back = round_trip(
        {
            "tree": tree,
            "counters": counters,
            "set": IITreeSet([3, 1, 2]),
            "length": Length(5),
            "mapping": PersistentMapping({"x": (1, 2)}),
            "detail": detail,
        }
    )
    assert type(back["tree"]) is OOBTree and dict(back["tree"]) == dict(tree)
    assert type(back["tree"][("46", "d2026-11-30")]) is PersistentList
    assert dict(back["counters"]) == {"a": 1, "b": 2}
    assert list(back["set"]) == [1, 2, 3] and back["length"]() == 5
    assert back["mapping"]["x"] == (1, 2)
    assert type(back["detail"]) is ObligationDetail
    assert back["detail"].titles == {"19777": "Phường Vỹ Dạ"}
    assert not hasattr(back["detail"], "_v_cache")


def test_an_unknown_kind_is_named():
    class Slotted:
        __slots__ = ("a",)

    with pytest.raises(TypeError, match="Slotted tại /x/"):
        state.encode({"x": Slotted()})
