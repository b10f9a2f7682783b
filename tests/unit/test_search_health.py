"""Solr's health as searches see it: one log line per change, a look again every few seconds."""

from nguon.search.health import Health
from nguon.search.health import RECHECK_SECONDS

import logging


class Clock:
    now = 100.0

    def __call__(self):
        return self.now


def test_down_is_logged_once_and_searches_skip_solr_until_it_is_time_to_look(caplog):
    clock = Clock()
    health = Health(clock=clock)
    pings = []
    with caplog.at_level(logging.WARNING, logger="nguon.search"):
        health.down("connection refused")
        health.down("connection refused")
        assert not health.usable(lambda: pings.append(1) or True)
        assert pings == []
        clock.now += RECHECK_SECONDS + 0.1
        assert not health.usable(lambda: pings.append(1) or False)
        clock.now += RECHECK_SECONDS + 0.1
        assert health.usable(lambda: pings.append(1) or True)
    assert pings == [1, 1]
    messages = [record.getMessage() for record in caplog.records]
    assert len([m for m in messages if "unavailable" in m]) == 1
    assert len([m for m in messages if "available again" in m]) == 1
    assert not health.is_down and health.usable(lambda: False)
