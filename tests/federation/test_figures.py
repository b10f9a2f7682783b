"""Ledger figures up: a province's counters arrive at central over the link, signed with its
secret, and central's statistics read the province's units from them. The tree site plays
both: central's unit 46 (Huế, with Thuận Hóa 19786 and Vỹ Dạ 19777) and the province's unit
44 following it (conftest's ``link``); Quảng Trị's commune 18880 lies outside 46's area."""

from datetime import date
from datetime import datetime
from datetime import UTC
from nguon.federation import figures
from nguon.federation import links
from nguon.ledger.counters import bump
from nguon.ledger.counters import local_day
from nguon.ledger.store import ledger
from nguon.statistics import periods
from nguon.statistics.summary import gather
from nguon.syndication import formats
from nguon.syndication import signing
from nguon.units.tree import find_unit
from tests.federation.helpers import LOOP_SECRET
from tests.federation.test_link import subscribe

import json
import pytest
import requests
import time
import transaction


TODAY = local_day(datetime.now(UTC))
DAY, MONTH = f"d{TODAY.isoformat()}", f"m{TODAY:%Y-%m}"


def _body(link, entries, subscription=None):
    return json.dumps(
        {
            "subscription": subscription or link.subscription_id,
            "sent": formats.iso(time.time()),
            "figures": entries,
        }
    ).encode()


def _post(portal, data, secret=LOOP_SECRET):
    return requests.post(
        f"{portal.absolute_url()}/@federation-figures",
        data=data,
        headers={signing.HEADER: signing.sign(secret, data)},
        timeout=30,
    )


def _figures(portal, code, names):
    transaction.begin()
    found = gather(portal, find_unit(code), periods.current(periods.MONTH), names)
    return {each.name: value for each, value in found.figures}


def test_central_reads_a_connected_provinces_units_from_the_figures_it_sent(
    layer, portal, link
):
    subscribe(layer, portal, link)
    store = ledger(portal)
    # Central's own counters for units of Huế (what it required and heard of) and for
    # Quảng Trị, which reports nothing.
    bump(store, "19786", "seconds", "radio", TODAY, 60)
    bump(store, "46", "published", "", TODAY, 7)
    bump(store, "18880", "seconds", "radio", TODAY, 1800)
    transaction.commit()
    sent = [
        ["19786", "seconds", "radio", DAY, 3600],
        ["19786", "seconds", "radio", MONTH, 3600],
        ["19777", "seconds", "radio", DAY, 1800],
        ["19777", "seconds", "radio", MONTH, 1800],
        ["46", "published", "", DAY, 2],
        ["46", "published", "", MONTH, 2],
    ]
    taken = _post(portal, _body(link, sent))
    assert taken.status_code == 200, taken.text
    assert taken.json() == {"stored": 6}
    # The province's figures, not central's own plus them.
    assert _figures(portal, "46", ["radio_hours", "items_published"]) == {
        "radio_hours": 1.5,
        "items_published": 2,
    }
    assert _figures(portal, "19786", ["radio_hours"]) == {"radio_hours": 1.0}
    # A unit of the area the province counted nothing for reads zero, not central's own.
    bump(ledger(portal), "19777", "published", "", TODAY, 4)
    transaction.commit()
    assert _figures(portal, "19777", ["items_published"]) == {"items_published": 0}
    assert _figures(portal, "44", ["radio_hours"]) == {"radio_hours": 0.5}  # its own
    # Absolute values: the same figures again change nothing; a new value replaces.
    assert _post(portal, _body(link, sent)).json() == {"stored": 0}
    sent[0][-1] = sent[1][-1] = 7200
    assert _post(portal, _body(link, sent)).json() == {"stored": 2}
    assert _figures(portal, "19786", ["radio_hours"]) == {"radio_hours": 2.0}


@pytest.mark.parametrize(
    "entry",
    [
        ["19786", "seconds", "radio", "2026-11-30", 60],  # not a period
        ["19786", "seconds", "radio", "d2026-13-01", 60],  # no such day
        ["19786", "seconds", "radio", DAY, -1],
        ["19786", "seconds", "radio", DAY, True],
        ["19786", "seconds", "radio", DAY, "60"],
        ["19786", "seconds", "radio", DAY, 2**31],
        ["19786", "seconds", "radio", DAY],
        ["19786", "Giây phát", "radio", DAY, 60],
        ["", "seconds", "radio", DAY, 60],
        {"unit": "19786"},
    ],
)
def test_malformed_figures_are_refused_and_nothing_is_kept(layer, portal, link, entry):
    subscribe(layer, portal, link)
    good = ["19777", "seconds", "radio", DAY, 60]
    answer = _post(portal, _body(link, [good, entry]))
    assert answer.status_code == 400, answer.text
    assert answer.json()["type"] == "BadRequest"
    transaction.begin()
    assert ledger(portal).rolled_up is None


def test_forged_foreign_unknown_and_oversized_sendings_are_refused(layer, portal, link):
    subscribe(layer, portal, link)
    good = ["19786", "seconds", "radio", DAY, 60]
    forged = _post(portal, _body(link, [good]), secret="not-the-secret-0123456789")
    assert forged.status_code == 403
    # Quảng Trị's commune is not under the subscription's unit: a province never writes
    # another province's figures, and nothing of the body is kept.
    foreign = _post(portal, _body(link, [good, ["18880", "seconds", "radio", DAY, 60]]))
    assert foreign.status_code == 403
    assert "18880" in foreign.json()["message"]
    unknown = _post(portal, _body(link, [good], subscription="khong-co"))
    assert unknown.status_code == 404
    many = _post(portal, _body(link, [good] * (figures.BATCH + 1)))
    assert many.status_code == 400
    assert str(figures.BATCH) in many.json()["message"].replace(".", "")
    transaction.begin()
    assert ledger(portal).rolled_up is None
    assert _figures(portal, "19786", ["radio_hours"]) == {"radio_hours": 0.0}


def test_the_province_sends_what_changed_and_stops_at_a_refusal(layer, portal, link):
    subscribe(layer, portal, link)
    store = ledger(portal)
    bump(store, "44", "published", "", TODAY, 3)
    bump(store, "44", "published", "", date(2025, 1, 6), 5)  # long ago
    transaction.commit()
    # The first round sends the whole history, the province's unit by central's code.
    assert figures.send(portal, links.get(portal, link.id)) == 4
    transaction.commit()
    rolled = dict(ledger(portal).rolled_up)
    assert rolled == {
        ("46", "published", "", DAY): 3,
        ("46", "published", "", MONTH): 3,
        ("46", "published", "", "d2025-01-06"): 5,
        ("46", "published", "", "m2025-01"): 5,
    }
    assert figures.send(portal, links.get(portal, link.id)) == 0
    # Later rounds: what changed in the recent periods.
    bump(store, "44", "published", "", TODAY)
    bump(store, "44", "published", "", date(2025, 1, 6))  # outside the window
    transaction.commit()
    assert figures.send(portal, links.get(portal, link.id)) == 2
    transaction.commit()
    assert ledger(portal).rolled_up[("46", "published", "", DAY)] == 4
    assert ledger(portal).rolled_up[("46", "published", "", "d2025-01-06")] == 5
    # A commune of the province that central places elsewhere: central refuses the body,
    # the province keeps it to send again and says why in the link's log.
    bump(store, "18880", "seconds", "radio", TODAY, 60)
    transaction.commit()
    assert figures.send(portal, links.get(portal, link.id)) == 0
    transaction.commit()
    link = links.get(portal, link.id)
    assert link.log[-1]["status"] == "figures-failed" and link.log[-1]["code"] == 403
    assert ("18880", "seconds", "radio", DAY) not in link.figures_sent


def test_the_window_starts_on_the_first_of_the_previous_month():
    assert figures.since(date(2026, 12, 1)) == date(2026, 11, 1)
    assert figures.since(date(2026, 1, 31)) == date(2025, 12, 1)
    assert figures.since(date(2026, 3, 15)) == date(2026, 2, 1)
