"""Board credentials never travel in a URL, attack first: the old ``?token=`` address is
refused (with the way to migrate), a kiosk pairs with a one-time code carried in the address's
fragment and then holds a signed, HttpOnly, SameSite=Strict session; proof of play is pruned
by age and read in bounded batches."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.boards import proof
from nguon.devices import sessions as session
from nguon.testing import TREE_PASSWORD
from tests.boards.test_board_views import notice
from urllib.parse import urlsplit

import requests
import transaction


JSON = {"Accept": "application/json"}  # the board API is plone.restapi's


def _kiosk():
    kiosk = requests.Session()
    kiosk.headers.update(JSON)
    return kiosk


def _admin(user="19786-admins"):
    admin = requests.Session()
    admin.auth = (user, TREE_PASSWORD)
    admin.headers["Accept"] = "application/json"
    return admin


def _pair(site):
    answer = _admin().post(f"{site['board'].absolute_url()}/@board-pairing")
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_token_in_the_address_is_refused_with_the_way_to_migrate(site):
    item = notice(site, "Tin trên bảng")
    # The attack: the long-lived token in a URL (access logs, proxies, Referer) still opens the board.
    for view in ("@board-playlist", f"@@board-slide/{item.UID()}", "@@kiosk"):
        answer = requests.get(
            f"{site['base']}/{view}",
            params={"token": site["token"]},
            timeout=30,
            headers=JSON if view.startswith("@board") else {},
        )
        assert answer.status_code == 400, view
        assert "?token=" in answer.text and "@board-pairing" in answer.text
        assert "Tin trên bảng" not in answer.text
    posted = requests.post(
        f"{site['base']}/@board-proof",
        params={"token": site["token"]},
        timeout=30,
        headers=JSON,
        json={
            "records": [
                {
                    "item": item.UID(),
                    "shown_at": datetime.now(UTC).isoformat(),
                    "seconds": 1,
                }
            ]
        },
    )
    assert posted.status_code == 400
    transaction.begin()
    assert (
        list(proof.of_board(site["portal"], site["board"].UID())) == []
    )  # nothing stored


def test_a_kiosk_pairs_once_and_holds_a_strict_http_only_session(site):
    item = notice(site, "Tin cho màn hình đã ghép")
    pairing = _pair(site)
    address = urlsplit(pairing["url"])
    assert (
        address.path.endswith("/@@kiosk") and not address.query
    )  # nothing secret is sent
    code = address.fragment.removeprefix("pair=")
    kiosk = _kiosk()
    assert kiosk.get(f"{site['base']}/@board-playlist", timeout=30).status_code == 401
    paired = kiosk.post(
        f"{site['base']}/@kiosk-session", headers={"X-Board-Pairing": code}, timeout=30
    )
    assert paired.status_code == 200, paired.text
    cookie = paired.headers["Set-Cookie"]
    assert (
        "HttpOnly" in cookie
        and "SameSite=Strict" in cookie
        and "Max-Age=86400" in cookie
    )
    assert site["token"] not in cookie
    assert item.UID() in {
        s["uid"]
        for s in kiosk.get(f"{site['base']}/@board-playlist", timeout=30).json()[
            "slides"
        ]
    }
    assert (
        kiosk.get(f"{site['base']}/@@board-slide/{item.UID()}", timeout=30).headers[
            "Content-Type"
        ]
        == "image/png"
    )
    renewed = kiosk.post(f"{site['base']}/@kiosk-session", timeout=30)
    assert (
        renewed.status_code == 200 and session.COOKIE in renewed.headers["Set-Cookie"]
    )
    # The attack: the code, seen once on the screen, is used again by someone else.
    again = requests.post(
        f"{site['base']}/@kiosk-session",
        headers={"X-Board-Pairing": code, **JSON},
        timeout=30,
    )
    assert again.status_code == 401 and "Mã ghép" in again.json()["error"]["message"]


def test_a_forged_or_expired_session_gets_nothing(site):
    board = site["board"]
    token, expires = session.session_token(board)
    transaction.commit()
    uid, _expires, mac = token.split(".")
    for forged in (
        f"{uid}.{expires + 10**6}.{mac}",
        f"{uid}.{expires}.{'0' * 64}",
        "abc",
        f"{uid}.x.y",
    ):
        answer = requests.get(
            f"{site['base']}/@board-playlist",
            cookies={session.COOKIE: forged},
            timeout=30,
            headers=JSON,
        )
        assert answer.status_code == 401
    assert session.valid_session(board, token)
    assert not session.valid_session(board, token, now=expires + 1)
    ok = requests.get(
        f"{site['base']}/@board-playlist",
        cookies={session.COOKIE: token},
        timeout=30,
        headers=JSON,
    )
    assert ok.status_code == 200


def test_an_expired_pairing_code_is_refused(site):
    code, until = session.pairing_code(site["board"])
    assert not session.redeem(site["board"], code, now=until + 1)


def test_new_credentials_end_every_session(site):
    code = urlsplit(_pair(site)["url"]).fragment.removeprefix("pair=")
    kiosk = _kiosk()
    assert kiosk.post(
        f"{site['base']}/@kiosk-session", headers={"X-Board-Pairing": code}, timeout=30
    ).ok
    _admin().post(f"{site['board'].absolute_url()}/@board-credentials")
    assert kiosk.get(f"{site['base']}/@board-playlist", timeout=30).status_code == 401


def test_only_the_units_admins_may_pair_a_board(site):
    for user in ("19786-editors", "18880-admins"):
        answer = _admin(user).post(f"{site['board'].absolute_url()}/@board-pairing")
        assert answer.status_code in (401, 403), user
    anonymous = requests.post(
        f"{site['board'].absolute_url()}/@board-pairing",
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert anonymous.status_code == 401


def test_proof_of_play_is_pruned_by_age_and_read_in_bounded_batches(site):
    item = notice(site, "Tin được trình chiếu nhiều lần")
    now = datetime.now(UTC)
    records = [
        {
            "item": item.UID(),
            "shown_at": (now - timedelta(minutes=minute)).isoformat(),
            "seconds": 5,
        }
        for minute in range(150)
    ]
    stale = {
        "item": item.UID(),
        "shown_at": (now - timedelta(days=400)).isoformat(),
        "seconds": 5,
    }
    url, board = (
        f"{site['base']}/@board-proof",
        {"X-Board-Token": site["token"], **JSON},
    )
    assert requests.post(url, headers=board, json={"records": [stale]}, timeout=30).ok
    assert requests.post(
        url, headers=board, json={"records": records}, timeout=30
    ).json() == {"stored": 150}
    transaction.begin()
    assert (
        len(proof.of_board(site["portal"], site["board"].UID())) == 150
    )  # the stale one went
    # A board's clock far ahead would keep its records for ever: refused.
    ahead = {
        "item": item.UID(),
        "shown_at": (now + timedelta(days=400)).isoformat(),
        "seconds": 5,
    }
    assert (
        requests.post(
            url, headers=board, json={"records": [ahead]}, timeout=30
        ).status_code
        == 400
    )
    admin, log = _admin(), f"{site['board'].absolute_url()}/@board-proof"
    first = admin.get(log).json()
    assert (
        first["items_total"] == 150
        and len(first["items"]) == 25
        and "next" in first["batching"]
    )
    assert (
        first["items"][0]["shown_at"] > first["items"][-1]["shown_at"]
    )  # newest first
    second = admin.get(first["batching"]["next"]).json()
    assert second["items"][0]["shown_at"] < first["items"][-1]["shown_at"]
    # The attack: one request for everything, or from a negative start.
    for params in ({"b_size": 10**9}, {"b_size": 0}, {"b_size": "x"}, {"b_start": -5}):
        refused = admin.get(log, params=params)
        assert refused.status_code == 400 and "b_s" in refused.json()["message"], params


def test_the_retention_is_a_setting(monkeypatch):
    from nguon.devices import reports as device_logs

    monkeypatch.setenv("NGUON_DEVICE_LOG_DAYS", "30")
    assert device_logs.retention() == timedelta(days=30)
    monkeypatch.setenv("NGUON_DEVICE_LOG_DAYS", "-1")
    assert device_logs.retention() == timedelta(days=device_logs.DEFAULT_DAYS)
