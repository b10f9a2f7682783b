"""One back-off policy: the outbox worker and push deliveries wait the same doubling times."""

from nguon.outbox.backoff import Backoff
from nguon.outbox.backoff import doubling
from nguon.syndication.subscriptions import Delivery
from nguon.syndication.subscriptions import RETRY_CAP


def test_doubling_waits_double_up_to_the_cap():
    assert [doubling(n, 1.0, 10.0) for n in range(6)] == [0.0, 1.0, 2.0, 4.0, 8.0, 10.0]


def test_the_worker_waits_the_policy_times_its_jitter():
    backoff = Backoff(
        first=2.0, cap=30.0, clock=lambda: 0.0, jitter=lambda low, high: 1.0
    )
    for failures in range(1, 6):
        backoff.failed()
        assert backoff.delay() == doubling(failures, 2.0, 30.0)


def test_a_push_delivery_waits_the_policy_times():
    delivery = Delivery(cursor=0)
    for failures in range(1, 6):
        delivery.failed("refused", 500, 1, 10, now=1000.0, base_delay=3.0)
        assert delivery.next_attempt == 1000.0 + doubling(failures, 3.0, RETRY_CAP)
