"""Reports up: the province's signed-off quarterly report arrives at central over the link,
signed with its secret; central stores it as the province unit's signed report, never over
a report of its own, and refuses a forged or misdirected one."""

from nguon.federation import links
from nguon.federation import rollup
from nguon.reports import lifecycle
from nguon.reports.store import SIGNED
from nguon.reports.store import storage
from nguon.syndication import signing
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from plone import api
from tests.federation.test_link import subscribe

import json
import requests
import transaction


QUARTER = "2026-Q4"


def signed_report(portal, code):
    unit = find_unit(code)
    editor = api.user.get(userid=tree_user(code, "editors"))
    report = lifecycle.create(portal, unit, "quy", QUARTER, editor)
    lifecycle.fill(
        unit,
        report,
        editor,
        values={"staff_trained": "4", "loudspeakers": "20", "remarks": "Ổn định."},
    )
    lifecycle.submit(unit, report, editor)
    lifecycle.sign(
        portal, unit, report, api.user.get(userid=tree_user(code, "approvers"))
    )
    transaction.commit()
    return report


def test_the_provinces_signed_report_arrives_at_central(layer, portal, link):
    subscribe(layer, portal, link)
    mine = signed_report(portal, "44")  # the province's unit on its own site
    assert rollup.send(portal, links.get(portal, link.id)) == 1
    transaction.commit()
    transaction.begin()
    arrived = storage(portal).get("46", "quy", QUARTER)  # central's code for it
    assert arrived.state == SIGNED
    assert arrived.signed["by"] == f"federation:{link.subscription_id}"
    assert arrived.signed["at"] == mine.signed["at"]
    assert dict(arrived.values) == {k: dict(v) for k, v in mine.values.items()}
    assert arrived.history[-1]["action"] == "federation"
    # the same version is not sent again
    assert rollup.send(portal, links.get(portal, link.id)) == 0


def test_central_refuses_forged_misdirected_reports_and_keeps_its_own(
    layer,
    portal,
    link,
):
    subscribe(layer, portal, link)
    url = f"{portal.absolute_url()}/@federation-reports"
    from nguon.syndication import formats

    import time

    def body(unit="46"):
        return json.dumps(
            {
                "subscription": link.subscription_id,
                "sent": formats.iso(time.time()),
                "report": {
                    "unit": unit,
                    "form": "quy",
                    "period": QUARTER,
                    "values": {"remarks": {"value": "x", "source": "entered"}},
                    "children": None,
                    "signed": {"at": "2026-11-30T10:00:00+00:00"},
                    "history": [],
                },
            }
        ).encode()

    def post(data, secret="the-link-secret-of-province-44"):
        return requests.post(
            url,
            data=data,
            headers={signing.HEADER: signing.sign(secret, data)},
            timeout=30,
        )

    assert post(body(), secret="not-the-secret-0123456789").status_code == 403
    assert post(body(unit="44")).status_code == 403  # not the subscription's unit
    transaction.begin()
    assert storage(portal).get("46", "quy", QUARTER) is None
    signed_report(portal, "46")  # central's own people made the province's report
    refused = post(body())
    assert refused.status_code == 409, refused.text
    transaction.begin()
    assert storage(portal).get("46", "quy", QUARTER).signed["by"] == tree_user(
        "46", "approvers"
    )


def test_central_shows_the_report_that_came_by_federation(layer, portal, link):
    from plone.app.testing import SITE_OWNER_NAME
    from plone.app.testing import SITE_OWNER_PASSWORD
    from tests.syndication.helpers import unit_url

    subscribe(layer, portal, link)
    signed_report(portal, "44")
    assert rollup.send(portal, links.get(portal, link.id)) == 1
    transaction.commit()
    shown = requests.get(
        f"{unit_url(layer, '46')}/@reports/quy/{QUARTER}",
        auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert shown.status_code == 200, shown.text
    assert (
        shown.json()["history"][-1]["title"] == "Nhận từ trang cấp dưới qua liên thông"
    )
