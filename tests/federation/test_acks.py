"""Acknowledgements of directives flow up: the province acknowledges a directive when it
arrives and for every unit its ledger proves it reached; central enters them in its ledger
when the subscription's secret signs them, for units of the subscription's area only."""

from datetime import datetime
from datetime import UTC
from nguon.federation import acks
from nguon.federation import links
from nguon.ledger.record import record
from nguon.ledger.store import ledger
from nguon.syndication import signing
from tests.federation.helpers import LOOP_SECRET
from tests.federation.test_link import central_directive
from tests.federation.test_link import push
from tests.federation.test_link import subscribe
from tests.syndication.helpers import PROVINCE_APPROVER
from tests.syndication.helpers import PROVINCE_EDITOR
from tests.syndication.helpers import published
from tests.syndication.helpers import settle

import json
import requests
import time
import transaction


def central_acks(portal, uid):
    transaction.begin()
    return sorted(
        (unit, kind)
        for _uid, unit, _channel, _at, _device, kind in ledger(portal).records.keys(
            min=(uid,), max=(uid, "\U0010ffff")
        )
        if kind == "federation-received"
    )


def test_a_directive_is_acknowledged_up_for_the_province_and_its_communes(
    layer, portal, link
):
    assert link.central == portal.absolute_url()
    subscribe(layer, portal, link)
    directive = central_directive(
        portal, "Chỉ thị về phòng chống thiên tai", "05/CT-UBND"
    )
    settle(portal)
    assert all(p.ok for p in push(portal))
    copy = received_directive(portal)
    # a commune of the province reads it (a proof in the province's own ledger)
    record(portal, "web-push", copy.UID(), "19786", "commune-site", datetime.now(UTC))
    transaction.commit()
    sent = acks.send(portal, links.get(portal, link.id))
    transaction.commit()
    assert sent == 2
    assert central_acks(portal, directive.UID()) == [
        ("19786", "federation-received"),
        ("46", "federation-received"),
    ]
    # nothing left to send
    assert acks.send(portal, links.get(portal, link.id)) == 0
    transaction.commit()


def received_directive(portal):
    transaction.begin()
    from plone import api

    [brain] = api.content.find(
        path="/".join(portal["vn"]["44"].getPhysicalPath()),
        portal_type="LegalDocument",
    )
    return brain.getObject()


def test_central_refuses_forged_stale_and_out_of_area_acknowledgements(
    layer, portal, link
):
    subscribe(layer, portal, link)
    item = published(
        portal["vn"]["46"],
        "Bulletin",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title="Tin",
        target_scope="subtree",
    )
    transaction.commit()
    url = f"{portal.absolute_url()}/@federation-acks"

    def body(sent=None, unit="46", subscription=None):
        return json.dumps(
            {
                "subscription": subscription or link.subscription_id,
                "sent": datetime.fromtimestamp(sent or time.time(), UTC).isoformat(),
                "acks": [
                    {
                        "uid": item.UID(),
                        "unit": unit,
                        "kind": "received",
                        "channel": "web",
                        "at": datetime.now(UTC).isoformat(),
                    }
                ],
            }
        ).encode()

    def send(data, secret=LOOP_SECRET):
        return requests.post(
            url,
            data=data,
            headers={signing.HEADER: signing.sign(secret, data)},
            timeout=30,
        )

    assert send(body(), secret="not-the-secret-0123456789").status_code == 403
    assert send(body(sent=time.time() - 3600)).status_code == 403
    assert send(body(subscription="unknown")).status_code == 404
    assert send(b"not json").status_code == 400
    assert central_acks(portal, item.UID()) == []
    # 44 is not in the area of the subscription's unit 46
    refused = send(body(unit="44"))
    assert refused.status_code == 200 and refused.json()["refused"] == 1
    assert central_acks(portal, item.UID()) == []
    data = body()
    assert send(data).json() == {"recorded": 1, "known": 0, "refused": 0}
    # the same body again adds nothing
    assert send(data).json() == {"recorded": 0, "known": 1, "refused": 0}
    assert central_acks(portal, item.UID()) == [("46", "federation-received")]


def central_records(portal, uid):
    transaction.begin()
    return sorted(
        (unit, kind)
        for _uid, unit, _channel, _at, _device, kind in ledger(portal).records.keys(
            min=(uid,), max=(uid, "\U0010ffff")
        )
        if kind.startswith("federation-")
    )


def test_a_directive_opened_by_a_communes_site_flows_up_as_opened_beside_received(
    layer, portal, link
):
    subscribe(layer, portal, link)
    directive = central_directive(portal, "Chỉ thị về chuyển đổi số", "09/CT-UBND")
    settle(portal)
    assert all(p.ok for p in push(portal))
    copy = received_directive(portal)
    # one commune's site read it from the province's feed with its signed request (it
    # opened it); another's only took a push (received, not opened)
    record(portal, "web-fetch", copy.UID(), "19786", "commune-a", datetime.now(UTC))
    record(portal, "web-push", copy.UID(), "19777", "commune-b", datetime.now(UTC))
    transaction.commit()
    assert acks.send(portal, links.get(portal, link.id)) == 4
    transaction.commit()
    assert central_records(portal, directive.UID()) == [
        ("19777", "federation-received"),
        ("19786", "federation-opened"),
        ("19786", "federation-received"),
        ("46", "federation-received"),
    ]
    # "opened" is a note beside the proof: the commune's deliveries are counted once
    from nguon.ledger.kinds import kind

    assert kind("federation-opened").note and not kind("federation-opened").proves
    assert acks.send(portal, links.get(portal, link.id)) == 0
    transaction.commit()


def test_central_refuses_an_acknowledgement_of_a_kind_it_does_not_know(
    layer, portal, link
):
    subscribe(layer, portal, link)
    item = published(
        portal["vn"]["46"],
        "Bulletin",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title="Tin",
        target_scope="subtree",
    )
    transaction.commit()
    at = datetime.now(UTC).isoformat()
    data = json.dumps(
        {
            "subscription": link.subscription_id,
            "sent": datetime.now(UTC).isoformat(),
            "acks": [
                {"uid": item.UID(), "unit": "46", "kind": k, "channel": "web", "at": at}
                for k in ("liked", "opened")
            ],
        }
    ).encode()
    answer = requests.post(
        f"{portal.absolute_url()}/@federation-acks",
        data=data,
        headers={signing.HEADER: signing.sign(LOOP_SECRET, data)},
        timeout=30,
    )
    assert answer.json() == {"recorded": 1, "known": 0, "refused": 1}
    assert central_records(portal, item.UID()) == [("46", "federation-opened")]


def test_an_administrator_sends_the_acknowledgements_at_once_with_a_catch_up(
    layer, portal, link
):
    from plone.app.testing import SITE_OWNER_NAME
    from plone.app.testing import SITE_OWNER_PASSWORD

    subscribe(layer, portal, link)
    directive = central_directive(portal, "Chỉ thị gửi xác nhận ngay", "11/CT-UBND")
    settle(portal)
    assert all(p.ok for p in push(portal))
    transaction.commit()
    answer = requests.post(
        f"{portal.absolute_url()}/@federation-links/trung-uong/catch-up",
        auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["acks"] == 1 and answer.json()["reports"] == 0
    assert central_acks(portal, directive.UID()) == [("46", "federation-received")]
