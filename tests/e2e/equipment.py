"""Equipment of the end-to-end tests, made through plone.restapi as a commune's admin does: a
radio station with a daily slot, a public board, and the demo's emergencies cleared from
their way (they would air when the stations start and take the boards over)."""

from datetime import timedelta
from tests.e2e.instance import until

import requests


# The demo's emergencies that reach the province's communes are over (retracted): they would
# air when the stations start and take the board over. They reach every commune of the
# province alike, so one station's playlist and one board's name them.


def emergencies_on_air(site_admin, station_url):
    """The emergencies the station will air at once (known when their audio is ready)."""

    def playlist():
        return site_admin.get(f"{station_url}/@station-playlist").json()

    assert until(lambda: not playlist()["waiting_for_audio"], 180)
    return {each["uid"] for each in playlist()["emergencies"]}


def emergencies_on_board(instance, board_token):
    board = requests.get(
        f"{instance.url}/@board-playlist",
        headers={"X-Board-Token": board_token, "Accept": "application/json"},
        timeout=30,
    ).json()
    return {slide["uid"] for slide in board["slides"]} if board["emergency"] else set()


def retract(site_admin, instance, uids):
    for uid in uids:
        item = site_admin.get(f"{instance.url}/@search", params={"UID": uid}).json()
        retracted = site_admin.post(f"{item['items'][0]['@id']}/@workflow/retract")
        assert retracted.status_code == 200, retracted.text


def slots(moment):
    """One daily slot of three minutes at ``moment`` (local time, to the second)."""
    return (
        f"FREQ=DAILY;BYHOUR={moment.hour};BYMINUTE={moment.minute};"
        f"BYSECOND={moment.second} | 3"
    )


def new_station(admin, commune, title, slot):
    """A station of the commune made by its admin (quiet hours away from ``slot``): its
    address, UID and token."""
    created = admin.post(
        commune,
        json={
            "@type": "RadioStation",
            "title": title,
            "clusters": "Cụm 1 | Thôn 1 | LOA-001 | hoạt động",
            "slots": slots(slot),
            "quiet_start": (slot + timedelta(hours=1)).strftime("%H:%M"),
            "quiet_end": (slot + timedelta(hours=2)).strftime("%H:%M"),
        },
    )
    assert created.status_code == 201, created.text
    url = created.json()["@id"]
    token = admin.post(f"{url}/@station-credentials").json()["token"]
    return url, created.json()["UID"], token


def new_board(admin, commune, title):
    created = admin.post(
        commune,
        json={
            "@type": "PublicBoard",
            "title": title,
            "location": "Nhà văn hóa",
            "size_class": "lcd",
            "width": 1280,
            "height": 720,
            "opening_start": "00:00",
            "opening_end": "23:59",
        },
    )
    assert created.status_code == 201, created.text
    return created.json()["@id"], created.json()["UID"]
