"""The board parts of the end-to-end tests: what the kiosk player in a real Chromium shows."""


def shown(driver):
    """The UID of the slide the kiosk shows, once its image has loaded; None otherwise."""
    return driver.execute_script(
        "var i = document.getElementById('kiosk-slide');"
        "return i && i.complete && i.naturalWidth > 0 ? i.getAttribute('data-uid') : null;"
    )
