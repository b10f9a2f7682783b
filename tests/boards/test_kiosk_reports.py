"""The kiosk player's proof of play in a real headless Chromium, when the site answers slowly.

The player reports what it showed every 5 seconds and keeps the records until the site has
taken them. Here the first ``POST @board-proof`` is held back 9 seconds in the page (a
wrapper of ``fetch`` installed before the player's script runs), longer than the 5-second
timer, and the later ones 1 second, so a later report would be answered before the first:
the player must wait for one report's answer before it sends the next (each answer drops
its batch's length from the front of the queue, so overlapping batches answered out of
order dropped records that neither had sent, as a takeover's report beside the timer's did
under load), and what the site holds in the end must be the rotation without a gap and
without a record twice."""

from datetime import datetime
from itertools import pairwise
from nguon.outbox.worker import drain
from tests.boards.test_board_views import COMMUNE
from tests.boards.test_kiosk_broadcast import lcd  # noqa: F401  (fixture)
from tests.browser.chromium import chromium
from tests.e2e.instance import until
from tests.search.helpers import published

import pytest
import transaction


pytestmark = pytest.mark.slow

SLOW_REPORTS = """
(function () {
  var real = window.fetch;
  var state = window.nguonTestReports = {inFlight: 0, most: 0, sent: 0, answered: 0};
  window.fetch = function (url, options) {
    if (String(url).indexOf("@board-proof") < 0 || !options || options.method !== "POST") {
      return real.apply(this, arguments);
    }
    state.inFlight += 1;
    state.sent += 1;
    state.most = Math.max(state.most, state.inFlight);
    var delay = state.sent === 1 ? 9000 : 1000;
    return new Promise(function (resolve) { setTimeout(resolve, delay); })
      .then(function () { return real(url, options); })
      .finally(function () { state.inFlight -= 1; state.answered += 1; });
  };
})();
"""


def _stored(admin, board):
    answer = admin.get(f"{board.absolute_url()}/@board-proof", params={"b_size": 100})
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def test_one_report_at_a_time_and_no_record_lost_when_the_site_is_slow(lcd):  # noqa: F811
    board = lcd["board"]
    for title in ("Lịch thu gom rác tuần này", "Cắt nước khu phố 3 sáng thứ năm"):
        published(
            lcd["commune"],
            "BoardNotice",
            *COMMUNE,
            title=title,
            text="Nội dung ngắn cho bảng tin.",
            display_duration=1,
        )
    transaction.commit()
    drain(lcd["portal"])
    transaction.commit()
    driver = chromium(800, 450)
    try:
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": SLOW_REPORTS}
        )
        pairing = lcd["admin"].post(f"{board.absolute_url()}/@board-pairing")
        assert pairing.status_code == 200, pairing.text
        driver.get(pairing.json()["url"])
        assert until(lambda: "#" not in driver.current_url, 10)

        def reports():
            return driver.execute_script("return window.nguonTestReports;")

        # The timer fires at 5 s and again at 10 s, while the first report is held back.
        assert until(lambda: reports()["answered"] >= 3, 90), reports()
        assert reports()["most"] == 1, reports()

        records = sorted(
            _stored(lcd["admin"], board),
            key=lambda r: datetime.fromisoformat(r["shown_at"]),
        )
        shown = [(r["item"], r["shown_at"]) for r in records]
        assert len(shown) == len(set(shown)), "a record was stored twice"
        assert len(records) >= 10, records
        for before, after in pairwise(records):
            end = datetime.fromisoformat(before["shown_at"]).timestamp() + float(
                before["seconds"]
            )
            gap = datetime.fromisoformat(after["shown_at"]).timestamp() - end
            assert gap < 1.0, (before, after)  # the next slide began as this one ended
    finally:
        driver.quit()
