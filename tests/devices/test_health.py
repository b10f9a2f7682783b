"""Device health on the tree site: last seen from a station's and a board's own requests
(GET polls, through plone.protect), written once a minute at most; offline detection; exactly
one alarm mail per offline episode and one when the device is back, received by a real SMTP
server; the health round's lease in the ZODB keeping a second process out."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from email.header import decode_header
from email.header import make_header
from nguon.devices import alarms
from nguon.devices import health
from nguon.devices import watcher
from nguon.testing import TREE_PASSWORD
from plone.app.testing import login
from plone.keyring.interfaces import IKeyManager
from plone.protect.auto import ProtectTransform
from zope.annotation.interfaces import IAnnotations
from zope.component import getUtility

import requests
import threading
import time
import transaction


def poll(site, service, header, token):
    response = requests.get(
        f"{site['base']}/{service}",
        headers={"Accept": "application/json", header: token},
        timeout=60,
    )
    transaction.begin()  # see what the request committed
    return response


def poll_station(site, token=None):
    return poll(
        site,
        "@station-schedule",
        "X-Station-Token",
        site["station_token"] if token is None else token,
    )


def poll_board(site):
    return poll(site, "@board-playlist", "X-Board-Token", site["board_token"])


def silence(device, minutes):
    """The device last called ``minutes`` ago."""
    IAnnotations(device)[health.SEEN_KEY].at -= minutes * 60
    transaction.commit()


def subject(message):
    return str(make_header(decode_header(message["Subject"])))


def text(message):
    return message.get_payload(decode=True).decode(message.get_content_charset())


def test_a_station_poll_records_last_seen_once_a_minute(site):
    station = site["station"]
    assert health.last_seen(station) is None
    before = datetime.now(UTC)
    assert poll_station(site).status_code == 200
    seen = health.last_seen(station)
    assert seen is not None and before - timedelta(seconds=1) <= seen
    serial = IAnnotations(station)[health.SEEN_KEY]._p_serial
    assert poll_station(site).status_code == 200
    assert health.last_seen(station) == seen  # throttled: nothing written
    assert IAnnotations(station)[health.SEEN_KEY]._p_serial == serial
    assert not health.is_offline(station)


def test_a_board_poll_records_last_seen(site):
    assert health.last_seen(site["board"]) is None
    assert poll_board(site).status_code == 200
    assert health.last_seen(site["board"]) is not None
    assert health.last_seen(site["station"]) is None  # devices are apart


def test_the_last_seen_write_passes_plone_protect(site, tree_functional):
    """plone.protect aborts the writes of a GET by a logged-in person (a kiosk in a browser
    where an admin is logged in) unless they are marked safe: the first write (a new object
    in the device's annotations), the next ones, the return that closes an episode and the
    one that records a silence no round saw are."""
    portal, board = site["portal"], site["board"]
    request = tree_functional["request"]
    request.environ["REQUEST_METHOD"] = "GET"
    request["PARENTS"] = [portal.aq_parent]
    login(portal, "19786-admins")

    def protected_seen(moment):
        assert health.seen(board, moment)
        transform = ProtectTransform(portal, request)
        transform.key_manager = getUtility(IKeyManager)
        assert transform._check()
        transaction.commit()
        assert health.last_seen(board) == moment

    first = datetime.now(UTC)
    protected_seen(first)
    protected_seen(first + timedelta(minutes=2))
    health.history(board, create=True).open(first.timestamp())  # the round's alarm
    transaction.commit()
    protected_seen(first + timedelta(minutes=30))  # back: closes the episode
    protected_seen(first + timedelta(minutes=60))  # after a silence no round saw
    assert health.episodes(board, first + timedelta(minutes=61)) == [
        (first, first + timedelta(minutes=30)),
        (first + timedelta(minutes=30), first + timedelta(minutes=60)),
    ]


def test_a_refused_token_records_nothing(site):
    assert poll_station(site, token=site["board_token"]).status_code == 401
    assert health.last_seen(site["station"]) is None
    assert health.last_seen(site["board"]) is None


def test_devices_of_a_unit_and_its_area(site):
    portal, commune = site["portal"], site["commune"]
    station, board = site["station"], site["board"]
    assert {d.UID() for d in health.devices_of(commune)} == {station.UID(), board.UID()}
    assert [d.UID() for d in health.devices_of(portal, "RadioStation")] == [
        station.UID()
    ]
    assert [d.UID() for d in health.devices_of(portal["vn"]["46"], area=False)] == []
    assert health.devices_of(portal["vn"]["44"]) == []


def test_one_alarm_per_episode_and_one_when_back(site, smtp):
    portal, station = site["portal"], site["station"]
    poll_station(site), poll_board(site)
    assert alarms.check(portal) == []  # both online
    silence(station, 20)
    assert health.is_offline(station)

    sent = alarms.check(portal)
    assert [mail.recipient for mail in sent] == ["19786-admins@nguon.invalid"]
    assert alarms.check(portal) == []  # the episode is open: no second alarm
    assert len(smtp.messages) == 1
    alarm = smtp.messages[0]
    assert alarm["X-RcptTo"] == "19786-admins@nguon.invalid"
    assert subject(alarm) == (
        "[Cảnh báo] Đài truyền thanh «Đài truyền thanh phường Thuận Hóa» mất kết nối"
    )
    body = text(alarm)
    assert "của Phường Thuận Hóa không kết nối với hệ thống từ" in body
    assert "Xin kiểm tra nguồn điện, đường truyền và thiết bị." in body
    assert station.absolute_url() in body
    [(start, end)] = health.episodes(station)
    assert end is None and start == health.last_seen(station)

    assert poll_station(site).status_code == 200  # the station is back
    [(start, end)] = health.episodes(station)
    assert end is not None and not health.is_offline(station)
    alarms.check(portal)
    assert alarms.check(portal) == []
    assert len(smtp.messages) == 2
    back = smtp.messages[1]
    assert subject(back) == (
        "[Đã khôi phục] Đài truyền thanh «Đài truyền thanh phường Thuận Hóa» "
        "kết nối trở lại"
    )
    assert "đã kết nối trở lại lúc" in text(back)
    # Offline from its creation (its silence is older) until its return, online after.
    later = end + timedelta(minutes=10)
    assert 0.9 < health.uptime(station, start, later, now=later) < 1


def test_a_device_that_never_called_raises_its_alarm_after_the_threshold(site, smtp):
    later = datetime.now(UTC) + timedelta(minutes=16)
    sent = alarms.check(site["portal"], now=later)
    assert sorted(mail.subject.split("»")[0] for mail in sent) == [
        "[Cảnh báo] Bảng tin điện tử «Bảng LED chợ Đông Ba",
        "[Cảnh báo] Đài truyền thanh «Đài truyền thanh phường Thuận Hóa",
    ]
    assert len(smtp.messages) == 2


def test_the_lease_keeps_a_second_process_out(site, smtp):
    """Two watchers (two processes) on the same database: the first claims the round and
    mails the alarm; the second finds the lease taken and sends nothing."""
    portal, station = site["portal"], site["station"]
    poll_station(site), poll_board(site)
    silence(station, 20)
    db = portal._p_jar.db()
    first, second = watcher.Watcher(db), watcher.Watcher(db)

    def round_of(thread):
        worker = threading.Thread(target=thread.run_round)
        worker.start()
        worker.join(60)

    round_of(first)
    assert len(smtp.messages) == 1
    transaction.begin()
    assert watcher.lease(portal).held_by(first.holder)

    silence(site["board"], 20)
    round_of(second)
    assert len(smtp.messages) == 1  # the second process did not run the round
    transaction.begin()
    assert watcher.lease(portal).held_by(first.holder)
    round_of(first)
    assert len(smtp.messages) == 2
    assert "Bảng LED chợ Đông Ba" in subject(smtp.messages[1])


def test_the_units_boards_page_shows_each_boards_health(site):
    admin = requests.Session()
    admin.auth = ("19786-admins", TREE_PASSWORD)
    page = f"{site['commune'].absolute_url()}/@@bang-tin"
    assert "Chưa từng kết nối với hệ thống." in admin.get(page, timeout=60).text
    poll_board(site)
    assert "Đang hoạt động, kết nối lần cuối lúc" in admin.get(page, timeout=60).text
    silence(site["board"], 20)
    since = health.local_time(health.last_seen(site["board"]))
    assert f"Mất kết nối từ {since}." in admin.get(page, timeout=60).text


def test_a_station_page_shows_its_health(site):
    admin = requests.Session()
    admin.auth = ("19786-admins", TREE_PASSWORD)
    page = site["station"].absolute_url()
    assert "Chưa từng kết nối với hệ thống." in admin.get(page, timeout=60).text
    poll_station(site)
    seen = health.local_time(health.last_seen(site["station"]))
    assert (
        f"Đang hoạt động, kết nối lần cuối lúc {seen}."
        in admin.get(page, timeout=60).text
    )


def test_the_watcher_thread_raises_the_alarm_by_itself(site, smtp):
    """A watcher started as the Zope process starts it (woken every 0.2 s here) mails the
    alarm of a silent station within its first rounds, and stops cleanly."""
    poll_station(site), poll_board(site)
    silence(site["station"], 20)
    thread = watcher.Watcher(site["portal"]._p_jar.db(), poll_seconds=0.2)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not smtp.messages and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        thread.stop()
    assert not thread.is_alive()
    assert [subject(message) for message in smtp.messages] == [
        "[Cảnh báo] Đài truyền thanh «Đài truyền thanh phường Thuận Hóa» mất kết nối"
    ]
