"""A phone in the browser tests of the citizen app: Chromium at 360×740 (a cheap Android
phone's screen) with its network shaped through the DevTools protocol."""

from tests.browser.chromium import chromium

import itertools
import json


# Throughputs in bytes per second, latency in ms (Chromium DevTools' presets).
FAST_3G = {"latency": 562.5, "downloadThroughput": 180_000, "uploadThroughput": 84_375}
SLOW_3G = {"latency": 2000, "downloadThroughput": 51_200, "uploadThroughput": 51_200}
# Lighthouse's mobile profile ("slow 4G", once called "regular 3G"): 150 ms RTT, 1.6 Mbit/s.
LIGHTHOUSE_MOBILE = {
    "latency": 150,
    "downloadThroughput": 204_800,
    "uploadThroughput": 96_000,
}


def phone():
    driver = chromium(width=360, height=740)
    driver.execute_cdp_cmd("Network.enable", {})
    return driver


def network(driver, profile=None, offline=False):
    """Shape the page's network (``profile`` one of the above, None for no limit), or cut
    it."""
    conditions = {
        "offline": offline,
        "latency": 0,
        "downloadThroughput": -1,
        "uploadThroughput": -1,
    }
    if profile:
        conditions.update(profile)
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", conditions)
    # A service worker fetches on its own target, which the page's conditions do not reach:
    # each one gets the same through one session of ours, kept for the next change (a second
    # session's conditions would not replace the first's).
    sessions = SESSIONS.setdefault(driver.session_id, {})
    for target in driver.execute_cdp_cmd("Target.getTargets", {})["targetInfos"]:
        if target["type"] != "service_worker":
            continue
        if target["targetId"] not in sessions:
            sessions[target["targetId"]] = driver.execute_cdp_cmd(
                "Target.attachToTarget",
                {"targetId": target["targetId"], "flatten": False},
            )["sessionId"]
            send(driver, sessions[target["targetId"]], "Network.enable", {})
        send(
            driver,
            sessions[target["targetId"]],
            "Network.emulateNetworkConditions",
            conditions,
        )


SESSIONS = {}  # driver's session → {service worker's target: our session on it}


def send(driver, session, method, params):
    """A command to another target (its answer, an event, is not read)."""
    driver.execute_cdp_cmd(
        "Target.sendMessageToTarget",
        {
            "sessionId": session,
            "message": json.dumps(
                {"id": next(COUNTER), "method": method, "params": params}
            ),
        },
    )


COUNTER = itertools.count(1)
