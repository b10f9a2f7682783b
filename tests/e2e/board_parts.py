"""The board parts of the end-to-end tests: what the kiosk player in a real Chromium shows.

``kiosk`` pairs a real Chromium with a board (its one-time pairing address) and, when the
site broadcasts (``NGUON_MQTT_*`` in the server's environment), waits until the player is
connected to the broker over WebSockets; ``shown`` is the notice on screen, ``takeover`` the
emergency that took the board over (rendered by the player from the data), ``refused`` what
the player refused of the broker's lists and why.
"""

from tests.browser.chromium import chromium
from tests.e2e.instance import until


def shown(driver):
    """The UID of what the kiosk shows: the slide once its image has loaded, or the
    emergency that took the board over (``takeover``); None otherwise."""
    return driver.execute_script(
        "var t = document.getElementById('kiosk-takeover');"
        "if (t && !t.hidden && t.getAttribute('data-uid')) return t.getAttribute('data-uid');"
        "var i = document.getElementById('kiosk-slide');"
        "return i && i.complete && i.naturalWidth > 0 ? i.getAttribute('data-uid') : null;"
    )


def takeover(driver):
    """``{uid, language, source, text}`` of the takeover on screen (``source``: "broadcast"
    when it came from the broker, "playlist" from polling), or None."""
    return driver.execute_script(
        "var t = document.getElementById('kiosk-takeover');"
        "if (!t || t.hidden || !t.getAttribute('data-uid')) return null;"
        "return {uid: t.getAttribute('data-uid'), language: t.getAttribute('data-language'),"
        " source: t.getAttribute('data-source'), text: t.innerText};"
    )


def broker_state(driver):
    """ "connected", "disconnected", or None before the player tried."""
    return driver.execute_script(
        "return document.getElementById('kiosk').getAttribute('data-broker');"
    )


def refused(driver):
    """``[{topic, reason}]``: the lists the player refused, oldest first."""
    return driver.execute_script("return window.nguonKiosk.refused.slice();")


def kiosk(admin, board_url, width=1280, height=720, broker=True, timeout=60):
    """A Chromium kiosk paired with the board at ``board_url`` (``admin``: a session of one of
    the board unit's admins); with ``broker``, connected to the broker too."""
    driver = chromium(width, height)
    try:
        answer = admin.post(f"{board_url}/@board-pairing")
        assert answer.status_code == 200, answer.text
        driver.get(answer.json()["url"])
        assert until(lambda: "#" not in driver.current_url, 10)
        if broker:
            assert until(lambda: broker_state(driver) == "connected", timeout), (
                broker_state(driver)
            )
    except BaseException:
        driver.quit()
        raise
    return driver
