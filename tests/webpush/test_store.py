"""The Web Push state travels with a site's export (``nguon.exportimport.state``): the key
pair and the subscriptions come back the same, so the phones stay subscribed."""

from nguon.exportimport import state as exported
from nguon.webpush.store import public_key_of
from nguon.webpush.store import WebPush

import json


def test_the_state_is_written_and_read_back_whole():
    found = WebPush()
    found.subscribe("19786", "https://push.example/a", "BKEY", "AUTH")
    found.subscribe(
        "19786", "https://push.example/t", "BKEY2", "AUTH2", tests=True, expires=2e9
    )
    found.unsubscribe("19786", "https://push.example/a")
    back = exported.decode(json.loads(json.dumps(exported.encode(found))))
    assert back.public_key == found.public_key == public_key_of(back.private_pem)
    assert back.count() == 1 and back.size("19786") == 1
    [(endpoint, subscription)] = list(back.entries("19786"))
    assert (
        endpoint,
        subscription.p256dh,
        subscription.auth,
        subscription.tests,
        subscription.expires,
    ) == ("https://push.example/t", "BKEY2", "AUTH2", True, 2e9)
