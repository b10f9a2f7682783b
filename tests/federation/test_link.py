"""The down link over real HTTP: the tree site is central (its unit 46's feed and pusher)
and the province (its unit 44 receives through @federation-inbox). Central's own pusher
delivers; the province catches up from its cursor with a real GET; nothing is lost or
doubled when the two overlap."""

from datetime import date
from nguon.federation import catchup
from nguon.federation import links
from nguon.federation import provenance
from nguon.syndication.pusher import push_round
from nguon.testing import TREE_PASSWORD
from nguon.workflow.state import review_state
from plone import api
from tests.federation.helpers import LOOP_SECRET
from tests.syndication.helpers import PROVINCE_APPROVER
from tests.syndication.helpers import PROVINCE_EDITOR
from tests.syndication.helpers import published
from tests.syndication.helpers import settle
from tests.syndication.helpers import transition
from tests.syndication.helpers import unit_url

import requests
import time
import transaction


def subscribe(layer, portal, link):
    """The province subscribes at central (the WebSub intent check reaches its inbox)."""
    response = requests.post(
        f"{unit_url(layer, '46')}/@subscriptions",
        json={"callback": link.callback, "secret": LOOP_SECRET},
        auth=("46-admins", TREE_PASSWORD),
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    assert response.json()["id"] == link.subscription_id
    transaction.begin()


def central_bulletin(portal, title, **fields):
    fields.setdefault("target_scope", "subtree")
    return published(
        portal["vn"]["46"],
        "Bulletin",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title=title,
        priority=fields.pop("priority", "emergency"),
        **fields,
    )


def central_directive(portal, title, number, **fields):
    """A directive of central's unit 46 for every unit below it, published."""
    return published(
        portal["vn"]["46"],
        "LegalDocument",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title=title,
        number=number,
        document_type="directive",
        issuing_body="UBND tỉnh",
        issue_date=date.today(),
        target_scope="subtree",
        **fields,
    )


def received(portal):
    transaction.begin()
    found = {}
    for brain in api.content.find(
        path="/".join(portal["vn"]["44"].getPhysicalPath()), portal_type="Bulletin"
    ):
        obj = brain.getObject()
        if provenance.get(obj):
            found[obj.Title()] = obj
    return found


def push(portal, **options):
    transaction.commit()
    sent = push_round(portal, **options)
    transaction.commit()
    return sent


def test_central_pushes_to_the_province_which_publishes_and_passes_it_on(
    layer, portal, link
):
    subscribe(layer, portal, link)
    item = central_bulletin(portal, "Cảnh báo lũ trên sông Hương")
    settle(portal)
    sent = push(portal)
    assert [p.ok for p in sent] == [True], [(p.code, p.message) for p in sent]
    copies = received(portal)
    assert list(copies) == ["Cảnh báo lũ trên sông Hương"]
    copy = copies["Cảnh báo lũ trên sông Hương"]
    assert review_state(copy) == "published"  # emergency: at once (the policy)
    assert provenance.get(copy)["origin_uid"] == item.UID()
    # central's approvers: their unit and full name, never a login name
    assert provenance.get(copy)["approvers"] == [{"unit": "46", "name": None}]
    assert provenance.get(copy)["url"].endswith("/vn/46/" + item.getId()), (
        provenance.get(copy)
    )
    # on the province, it flows on to the communes like any other item
    settle(portal)
    feed = requests.get(
        f"{unit_url(layer, '44', '18880')}/feed.json", timeout=30
    ).json()
    assert [entry["title"] for entry in feed["items"]] == [
        "Cảnh báo lũ trên sông Hương"
    ]
    # central retracts: the push carries the tombstone, the province retracts its copy
    transition(PROVINCE_APPROVER, "retract", item)
    settle(portal)
    assert all(p.ok for p in push(portal))
    assert review_state(received(portal)["Cảnh báo lũ trên sông Hương"]) == "retracted"
    settle(portal)
    feed = requests.get(
        f"{unit_url(layer, '44', '18880')}/feed.json", timeout=30
    ).json()
    assert feed["items"] == []


def test_the_province_catches_up_from_its_cursor_and_pushes_after_it_double_nothing(
    layer, portal, link
):
    subscribe(layer, portal, link)
    first = central_bulletin(portal, "Tin thứ nhất")
    settle(portal)
    assert all(p.ok for p in push(portal))
    assert list(received(portal)) == ["Tin thứ nhất"]
    # the link goes down: central publishes, updates, retracts; no push reaches the province
    gone = central_bulletin(portal, "Tin thu hồi khi mất kết nối")
    settle(portal)
    transition(PROVINCE_APPROVER, "retract", gone)
    central_bulletin(portal, "Tin mới khi mất kết nối")
    transition(PROVINCE_APPROVER, "retract", first)
    settle(portal)
    # back up: the province reads central's feed from its cursor (a real GET)
    counts = catchup.pull(portal, link.id)
    transaction.commit()
    assert counts["full"] is False
    copies = received(portal)
    # the item published and retracted while the link was down never shows: central's
    # change log gives its last state (a tombstone), which retracts nothing here
    assert sorted(copies) == ["Tin mới khi mất kết nối", "Tin thứ nhất"]
    assert review_state(copies["Tin mới khi mất kết nối"]) == "published"
    assert review_state(copies["Tin thứ nhất"]) == "retracted"
    assert links.get(portal, link.id).cursor > 0
    # central's pushes of the same changes then arrive: nothing doubled, nothing changed
    sent = push(portal, now=time.time() + 60)
    assert sent and all(p.ok for p in sent)
    assert sorted(received(portal)) == sorted(copies)
    assert catchup.pull(portal, link.id)["created"] == 0
    transaction.commit()


def test_a_cursor_behind_centrals_compacted_log_reads_the_whole_feed(
    layer, portal, link
):
    kept = central_bulletin(portal, "Tin còn hiệu lực")
    settle(portal)
    transaction.begin()
    links.get(portal, link.id).resync = f"{unit_url(layer, '46')}/feed.json"
    transaction.commit()
    counts = catchup.pull(portal, link.id)
    transaction.commit()
    assert counts["full"] is True and counts["created"] == 1
    assert (
        provenance.get(received(portal)["Tin còn hiệu lực"])["origin_uid"] == kept.UID()
    )
    assert links.get(portal, link.id).resync is None


def test_a_410_from_central_makes_a_full_read_that_retracts_what_is_gone(
    layer, portal, link
):
    from nguon.publication.store import storage

    kept = central_bulletin(portal, "Tin vẫn còn")
    gone = central_bulletin(portal, "Tin sẽ thu hồi")
    settle(portal)
    assert catchup.pull(portal, link.id)["created"] == 2
    transaction.commit()
    transition(PROVINCE_APPROVER, "retract", gone)
    settle(portal)
    # central compacts its log past the province's cursor: its feed answers 410 Gone
    transaction.begin()
    store = storage(portal)
    store.horizon = store.sequence
    transaction.commit()
    counts = catchup.pull(portal, link.id)
    transaction.commit()
    assert counts["full"] is True and counts["retracted"] == 1
    copies = received(portal)
    assert review_state(copies["Tin sẽ thu hồi"]) == "retracted"
    assert review_state(copies["Tin vẫn còn"]) == "published"
    assert provenance.get(copies["Tin vẫn còn"])["origin_uid"] == kept.UID()


def test_a_directive_with_its_file_is_published_once_the_file_is_fetched(
    layer, portal, link
):
    from nguon.federation import apply as applying
    from plone.namedfile.file import NamedBlobFile

    pdf = b"%PDF-1.4\n% chi thi\n" + b"0" * 2048 + b"\n%%EOF\n"
    subscribe(layer, portal, link)
    directive = central_directive(
        portal,
        "Chỉ thị kèm văn bản",
        "07/CT-UBND",
        file=NamedBlobFile(pdf, "application/pdf", "chi-thi.pdf"),
    )
    settle(portal)
    assert all(p.ok for p in push(portal))
    transaction.begin()
    [copy] = [
        brain.getObject()
        for brain in api.content.find(
            path="/".join(portal["vn"]["44"].getPhysicalPath()),
            portal_type="LegalDocument",
        )
    ]
    # it waits for its file: submitted, not published
    assert review_state(copy) == "pending" and copy.file is None
    assert list(links.get(portal, link.id).files) == [copy.UID()]
    assert applying.fetch_files(portal, links.get(portal, link.id)) == 1
    transaction.commit()
    assert copy.file.data == pdf and copy.file.filename == "chi-thi.pdf"
    assert review_state(copy) == "published"  # the policy: directives at once
    assert len(links.get(portal, link.id).files) == 0
    assert provenance.get(copy)["origin_uid"] == directive.UID()


def test_a_radio_programme_from_central_reaches_a_station_of_the_province(
    layer, portal, link
):
    from nguon.radio import schedule

    station = api.content.create(
        container=portal["vn"]["44"]["18880"],
        type="RadioStation",
        title="Đài truyền thanh phường Đồng Hới",
        slots="FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0 | 10",
    )
    transaction.commit()
    subscribe(layer, portal, link)
    programme = published(
        portal["vn"]["46"],
        "RadioItem",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title="Bản tin phát thanh khẩn về bão",
        script="Bão số chín đang tiến vào đất liền; người dân không ra khơi.",
        priority="emergency",
        target_scope="subtree",
    )
    settle(portal)
    assert all(p.ok for p in push(portal))
    settle(portal)  # the province's change log takes its copy
    transaction.begin()
    [copy] = [
        brain.getObject()
        for brain in api.content.find(
            path="/".join(portal["vn"]["44"].getPhysicalPath()),
            portal_type="RadioItem",
        )
    ]
    assert copy.script == programme.script
    assert review_state(copy) == "published"
    found, waiting = schedule.candidates(portal, station)
    # on the commune station's list: waiting for its audio (text to speech) or ready
    assert copy.UID() in waiting + [candidate.uid for candidate in found]
    assert programme.UID() not in waiting + [candidate.uid for candidate in found]
