"""A phone's push address is personal data of the citizen (docs/security.md "Web Push"): it
is never in a public answer nor in a unit's export; the whole-site export, an operator's
file like a database backup, carries it under ``nguon.webpush`` only (so the phones stay
subscribed when the site moves), and the ledger knows a subscription by a short hash."""

from nguon.exportimport.run import export_site
from nguon.webpush import consumer
from nguon.webpush.store import state
from pathlib import Path
from tests.alerts.alert_support import make_alert
from tests.alerts.alert_support import publish
from tests.rest import json_session
from tests.webpush.test_push import COMMUNE
from tests.webpush.test_push import settle
from tests.webpush.test_services import unit_url

import json
import requests
import transaction


def holding(folder, secrets):
    """The files under ``folder`` holding any of ``secrets``."""
    return sorted(
        str(path.relative_to(folder))
        for path in Path(folder).rglob("*")
        if path.is_file()
        and any(secret in path.read_text(errors="replace") for secret in secrets)
    )


def test_a_push_address_is_in_no_public_answer_and_no_unit_export(
    portal, service, tmp_path
):
    body = service.subscribe("phone")
    commune = unit_url(portal.absolute_url(), COMMUNE)
    session = json_session()
    assert session.post(f"{commune}/@push-subscriptions", json=body).status_code == 201
    alert = publish(make_alert())
    settle(portal)
    assert service.received("phone")
    transaction.begin()
    found = state(portal)
    secrets = [
        body["endpoint"],
        body["keys"]["p256dh"],
        body["keys"]["auth"],
        found.private_pem.splitlines()[1],
    ]

    # The public answers an anonymous reader gets: pages, feeds, CAP, and plone.restapi's.
    province = unit_url(portal.absolute_url(), "46")
    pages = (
        f"{commune}/feed.json",
        f"{commune}/feed.atom",
        f"{commune}/feed.rss",
        f"{province}/feed.json",
        commune,
        alert.absolute_url(),
        f"{alert.absolute_url()}/alert.cap",
    )
    rest = (commune, alert.absolute_url(), f"{portal.absolute_url()}/@push-key")
    answers = [(url, requests.get(url, timeout=60)) for url in pages]
    answers += [(url, session.get(url, timeout=60)) for url in rest]
    for url, answer in answers:
        assert answer.status_code == 200, url
        assert not [s for s in secrets if s in answer.text], url

    # A unit's export (the commune's, its province's): no address, key or secret; the
    # ledger's part names the phone by its short hash. (An export reads as a Manager and
    # may touch objects on the way: nothing of it is committed.)
    try:
        for code in (COMMUNE, "46"):
            folder = tmp_path / code
            export_site(portal, folder, unit=code)
            assert holding(folder, secrets) == [], code
            ledger = (folder / "nguon" / "ledger.json").read_text()
            assert consumer.device(body["endpoint"]) in ledger

        # The whole site's export: in the site's own stores only, under nguon.webpush.
        folder = tmp_path / "site"
        export_site(portal, folder)
        assert holding(folder, secrets) == ["nguon/annotations.json"]
        annotations = json.loads((folder / "nguon" / "annotations.json").read_text())
        for key, value in _annotation_sets(annotations):
            if key != "nguon.webpush":
                text = json.dumps(value)
                assert not [s for s in secrets if s in text], key
    finally:
        transaction.abort()


def _annotation_sets(annotations):
    """``(key, value)`` of every annotation in the export's ``annotations.json``."""
    if isinstance(annotations, dict):
        for holder in annotations.values():
            if isinstance(holder, dict):
                yield from holder.items()
