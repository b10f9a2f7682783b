"""Radio end to end with the real parts: the site started by ``nguon-start``, a commune's
station on ``nguon-station`` driving real Liquidsoap into a real Icecast on loopback. Two
approved items air at their slot (the stream carries non-silent audio of their length); an
emergency approved while the first plays interrupts it within the bound below; the as-run
log arrives in Plone."""

from datetime import datetime
from datetime import timedelta
from tests.e2e.instance import Instance
from tests.e2e.instance import until
from tests.e2e.people import commune_with_users
from tests.e2e.radio_parts import agent_log
from tests.e2e.radio_parts import Icecast
from tests.e2e.radio_parts import loud_spans
from tests.e2e.radio_parts import record
from tests.e2e.radio_parts import scheduled
from tests.e2e.radio_parts import signing_key
from tests.e2e.radio_parts import start_agent
from tests.streams import mounted
from zoneinfo import ZoneInfo

import pytest
import time


pytestmark = pytest.mark.slow
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
EMERGENCY_BOUND = (
    15.0  # seconds from the approving request's answer to the emergency on air
)


def _publish(editor, approver, container, **fields):
    created = editor.post(
        container, json={"@type": "RadioItem", "category": "public-services", **fields}
    )
    assert created.status_code == 201, created.text
    url = created.json()["@id"]
    assert editor.post(f"{url}/@workflow/submit").status_code == 200
    answer = approver.post(f"{url}/@workflow/publish")
    assert answer.status_code == 200, answer.text
    return created.json()["UID"], time.time()


def test_approved_items_air_at_their_slot_and_an_emergency_interrupts(tmp_path):
    (tmp_path / "site").mkdir()
    instance = Instance(tmp_path / "site").start()
    icecast = agent = recorder = None
    try:
        commune, users = commune_with_users(instance)
        admin, editor, approver = users["admins"], users["editors"], users["approvers"]
        # Two normal items, ~20 s each when read aloud.
        script = (
            "Ủy ban nhân dân xã thông báo lịch tiêm chủng mở rộng cho trẻ em "
            "dưới năm tuổi vào sáng thứ bảy ngày 5/12 tại trạm y tế xã, từ 7h30 đến 11h. "
            "Đề nghị các gia đình mang theo sổ tiêm chủng và thẻ bảo hiểm y tế."
        )
        first, _t = _publish(
            editor, approver, commune, title="Lịch tiêm chủng tháng 12", script=script
        )
        second, _t = _publish(
            editor,
            approver,
            commune,
            title="Lịch thu gom rác",
            script=script.replace(
                "tiêm chủng mở rộng cho trẻ em dưới năm tuổi", "thu gom rác thải"
            ),
        )
        # The station, first with a slot hours away; the real slot is set once the station is
        # on air and idle (below).
        now = datetime.now(ZONE)
        placeholder = now + timedelta(hours=2)
        quiet_from = (now + timedelta(hours=3)).strftime("%H:%M")
        quiet_to = (now + timedelta(hours=4)).strftime("%H:%M")
        station = admin.post(
            commune,
            json={
                "@type": "RadioStation",
                "title": "Đài truyền thanh xã",
                "clusters": "Cụm 1 | Tổ dân phố 3 | LOA-001 | hoạt động",
                "slots": f"FREQ=DAILY;BYHOUR={placeholder.hour};BYMINUTE={placeholder.minute} | 3",
                "quiet_start": quiet_from,
                "quiet_end": quiet_to,
            },
        )
        assert station.status_code == 201, station.text
        station_url = station.json()["@id"]
        token = admin.post(f"{station_url}/@station-credentials").json()["token"]
        key = signing_key(instance)

        def ready(slot_start=None):
            return {first, second} <= scheduled(instance, token, slot_start)

        assert until(ready, 60)  # audio prepared by the server's outbox worker
        # The operator keeps this slot for the two items: the province's normal items wait
        # (once every item for the station has its audio, so that none comes in later).
        assert until(
            lambda: (
                not admin.get(f"{station_url}/@station-playlist").json()[
                    "waiting_for_audio"
                ]
            ),
            120,
        )
        playlist = admin.get(f"{station_url}/@station-playlist").json()
        for candidate in playlist["candidates"]:
            if candidate["priority"] == "normal" and candidate["uid"] not in (
                first,
                second,
            ):
                assert (
                    admin.post(
                        f"{station_url}/@station-playlist",
                        json={"item": candidate["uid"], "dropped": True},
                    ).status_code
                    == 200
                )
        for order, uid in enumerate((first, second)):
            assert (
                admin.post(
                    f"{station_url}/@station-playlist",
                    json={"item": uid, "order": order},
                ).status_code
                == 200
            )

        icecast = Icecast(tmp_path / "icecast")
        agent = start_agent(instance, token, key, icecast, "/dai-xa.mp3", tmp_path)
        stream = icecast.stream("/dai-xa.mp3")
        assert until(lambda: mounted(stream), 60)

        def idle():  # the site's own emergencies, aired at start, are over: 4 s of silence
            sample = tmp_path / "idle.wav"
            record(stream, 4, sample).wait(timeout=30)
            return sample.exists() and not loud_spans(sample)

        assert until(idle, 240)
        # Now the slot: the next whole minute at least 45 s away; the agent fetches it.
        slot = (datetime.now(ZONE) + timedelta(seconds=105)).replace(
            second=0, microsecond=0
        )
        changed = admin.patch(
            station_url,
            json={"slots": f"FREQ=DAILY;BYHOUR={slot.hour};BYMINUTE={slot.minute} | 3"},
        )
        assert changed.status_code == 204, changed.text
        assert until(lambda: ready(slot), 30)
        record_from = time.time()
        recording = tmp_path / "stream.wav"
        recorder = record(stream, slot.timestamp() - record_from + 75, recording)
        # The emergency is approved while the first item plays.
        time.sleep(max(0, slot.timestamp() + 6 - time.time()))
        alarm, approved_at = _publish(
            editor,
            approver,
            commune,
            title="Cảnh báo lũ khẩn cấp",
            priority="emergency",
            category="disaster",
            script="Khẩn cấp. Nước sông Thạch Hãn lên nhanh. Bà con vùng bãi giữa di dời ngay.",
        )
        recorder.wait(timeout=200)

        def asrun():
            answer = admin.get(f"{station_url}/@station-asrun").json()["items"]
            return {(r["item"], r["status"]): r for r in answer}

        until(
            lambda: (alarm, "finished") in asrun() and (second, "finished") in asrun(),
            60,
        )
        log = asrun()
        print(
            "as-run:",
            sorted((r["at"], r["item"][:6], r["status"]) for r in log.values()),
        )
        print("items:", {"first": first[:6], "second": second[:6], "alarm": alarm[:6]})
        assert (alarm, "finished") in log and (second, "finished") in log
        assert (first, "started") in log and (first, "interrupted") in log
        on_air = datetime.fromisoformat(log[(alarm, "started")]["at"]).timestamp()
        delay = on_air - approved_at
        print(f"emergency on air {delay:.2f} s after its approval")
        assert 0 <= delay <= EMERGENCY_BOUND
        assert log[(first, "started")]["clusters"] == ["LOA-001"]
        started = datetime.fromisoformat(log[(first, "started")]["at"]).timestamp()
        assert abs(started - slot.timestamp()) < 3  # the slot starts on time

        # The stream itself: sound from the slot's start for as long as the slot's items and
        # the emergency played (the site's own earlier emergencies aired before, at start).
        offset = slot.timestamp() - record_from
        spans = [(a, b) for a, b in loud_spans(recording) if b > offset - 3]
        assert spans, "the stream carried no sound in the slot"
        assert -1.5 < spans[0][0] - offset < 6, (
            spans,
            offset,
        )  # on time, give or take the buffers
        aired = sum(end - start for start, end in spans)
        # What the as-run log says played from the slot's start (back to back, up to the end
        # of the recording) is what the stream carried.
        recorded_until = slot.timestamp() + 75
        at = {
            key: datetime.fromisoformat(record["at"]).timestamp()
            for key, record in log.items()
        }
        played = [
            uid
            for (uid, status), when in at.items()
            if status == "started" and when >= started - 1
        ]
        ends = [
            min(
                at.get((uid, "finished"), at.get((uid, "interrupted"), recorded_until)),
                recorded_until,
            )
            for uid in played
        ]
        expected = max(ends) - started
        assert abs(aired - expected) < 3, (aired, expected, spans)
        before = [(a, b) for a, b in loud_spans(recording) if a < offset - 3 < b]
        assert not before, f"sound just before the slot: {before}"
    except BaseException:
        print(agent_log(tmp_path))
        raise
    finally:
        for process in (agent, recorder):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(20)
        if icecast is not None:
            icecast.stop()
        instance.kill()
