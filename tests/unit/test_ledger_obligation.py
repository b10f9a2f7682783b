"""An obligation: its pairs from units × channels, and one stored the earlier way (every
pair, lineages and titles in the obligation itself) read back the same."""

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from nguon.ledger.store import Obligation


LINEAGES = {"19786": ("VN", "46", "19786"), "19777": ("VN", "46", "19777")}
TITLES = {"19786": "Phường Thuận Hóa", "19777": "Phường Vỹ Dạ"}
FACTS = {"title": "Bão số 9", "priority": "emergency", "published": "2026-11-30T00:00"}


def test_pairs_are_every_unit_on_every_channel():
    obligation = Obligation(
        "uid-1", FACTS, ["19786", "19777"], ("radio", "board"), LINEAGES, TITLES
    )
    assert obligation.required == (
        ("19786", "radio"),
        ("19786", "board"),
        ("19777", "radio"),
        ("19777", "board"),
    )
    assert obligation.size == 4
    assert obligation.requires(("19777", "board"))
    assert not obligation.requires(("18880", "board"))
    assert not obligation.requires(("19777", "web"))
    assert obligation.common == {"VN", "46"}
    assert obligation.titles["19777"] == "Phường Vỹ Dạ"
    assert not obligation.complete


def test_an_obligation_stored_the_earlier_way_reads_the_same():
    earlier = Obligation.__new__(Obligation)
    earlier.__setstate__(
        {
            "item": "uid-1",
            "facts": FACTS,
            "required": (
                ("19786", "radio"),
                ("19786", "board"),
                ("19777", "radio"),
                ("19777", "board"),
            ),
            "lineages": LINEAGES,
            "titles": TITLES,
            "proofs": OOBTree(),
            "failures": OOBTree(),
            "delivered": Length(),
        }
    )
    assert earlier.units == ("19786", "19777")
    assert earlier.channels == ("radio", "board")
    assert earlier.size == 4 and earlier.requires(("19786", "board"))
    assert earlier.common == {"VN", "46"}
    assert earlier.lineages == LINEAGES and earlier.titles == TITLES
