"""A slow recording never delays a retraction: the outbox delivery threads of a Zope process
(one per consumer), on the layer's database, with a speech engine that does not finish until
the test lets it. The retraction reaches the change log while the synthesis still waits."""

from nguon.outbox.storage import outbox
from nguon.outbox.worker import Worker
from nguon.publication.store import storage
from nguon.radio import prepared
from nguon.radio.tts import EspeakEngine
from nguon.radio.tts import ISpeechEngine
from plone import api
from tests.syndication.helpers import COMMUNE_APPROVER
from tests.syndication.helpers import COMMUNE_EDITOR
from tests.syndication.helpers import create
from tests.syndication.helpers import published
from tests.syndication.helpers import settle
from tests.syndication.helpers import transition
from zope.component import getGlobalSiteManager
from zope.interface import implementer

import pytest
import threading
import time
import transaction


TIMEOUT = 60.0


@implementer(ISpeechEngine)
class HeldEngine:
    """espeak-ng, once the test releases it."""

    def __init__(self):
        self.started = threading.Event()
        self.release = threading.Event()

    def synthesise(self, text, wav_path):
        self.started.set()
        if not self.release.wait(TIMEOUT):
            raise RuntimeError("never released")
        EspeakEngine().synthesise(text, wav_path)


@pytest.fixture
def engine(tree_functional):
    held = HeldEngine()
    registry = getGlobalSiteManager()
    registry.registerUtility(held, ISpeechEngine, name="held")
    api.portal.set_registry_record("nguon.radio.tts_engine", "held")
    transaction.commit()
    yield held
    held.release.set()
    registry.unregisterUtility(held, ISpeechEngine, name="held")


def wait_for(condition, what):
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {TIMEOUT:.0f} s: {what}")
        time.sleep(0.1)


def committed(read):
    """``read()`` on what the workers committed."""

    def condition():
        transaction.abort()
        return read()

    return condition


def scene(portal):
    """A published notice already in the change log, and a radio item read by the engine."""
    commune = portal["vn"]["46"]["19786"]
    notice = published(
        commune,
        "Bulletin",
        COMMUNE_EDITOR,
        COMMUNE_APPROVER,
        title="Thông báo cắt điện sẽ thu hồi",
    )
    settle(portal)
    assert storage(portal).items[notice.UID()].live
    broadcast = create(
        commune,
        "RadioItem",
        COMMUNE_EDITOR,
        title="Bản tin dài",
        script="Bản tin phát thanh của phường Thuận Hóa, đọc chậm.",
    )
    transaction.commit()
    return notice, broadcast


def retracted(portal, notice):
    transition(COMMUNE_APPROVER, "retract", notice)
    transaction.commit()
    return committed(lambda: notice.UID() not in storage(portal).items)


def run(lanes):
    for lane in lanes:
        lane.start()
    return lanes


def stop(lanes, engine):
    engine.release.set()
    for lane in lanes:
        lane.stop(timeout=TIMEOUT)
    assert not any(lane.is_alive() for lane in lanes)


def test_the_attack_one_thread_for_every_consumer_makes_the_retraction_wait(
    tree_functional, engine
):
    portal, db = tree_functional["portal"], tree_functional["zodbDB"]
    notice, _broadcast = scene(portal)
    lanes = run([Worker(db, poll_seconds=0.2, names=("radio-audio", "syndication"))])
    try:
        assert engine.started.wait(TIMEOUT), "the speech engine was never called"
        in_the_log = retracted(portal, notice)
        assert not in_the_log()  # the only thread is inside the synthesis
        engine.release.set()
        wait_for(in_the_log, "the retraction, once the recording is made")
    finally:
        stop(lanes, engine)


def test_a_retraction_reaches_the_change_log_while_a_recording_is_being_made(
    tree_functional, engine
):
    portal, db = tree_functional["portal"], tree_functional["zodbDB"]
    notice, broadcast = scene(portal)
    lanes = run(
        [
            Worker(db, poll_seconds=0.2, names=(name,))
            for name in ("radio-audio", "syndication")
        ]
    )
    try:
        assert engine.started.wait(TIMEOUT), "the speech engine was never called"
        wait_for(retracted(portal, notice), "the retraction in the change log")
        assert not engine.release.is_set()  # the recording is still being made
        assert broadcast.UID() in outbox(portal).pending_set("radio-audio").uids()

        engine.release.set()
        wait_for(
            committed(
                lambda: (
                    prepared.prepared(
                        portal.unrestrictedTraverse(broadcast.getPhysicalPath())
                    )
                    is not None
                )
            ),
            "the recording made afterwards",
        )
    finally:
        stop(lanes, engine)
