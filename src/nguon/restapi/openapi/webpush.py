"""Web Push of alerts (``nguon.restapi.webpush``, docs/webpush.md): the site's VAPID public
key, and a browser's subscription to a unit's warnings (the citizen app; anyone)."""

from nguon.restapi.openapi.schema import json_answer
from nguon.restapi.openapi.schema import json_body
from nguon.restapi.openapi.schema import obj
from nguon.restapi.openapi.schema import operation
from nguon.restapi.openapi.schema import ref
from nguon.restapi.openapi.schema import STR


SUBSCRIPTION = obj(
    ["endpoint", "keys"],
    endpoint={
        "type": "string",
        "maxLength": 1024,
        "description": "The push service's https address for this browser: on a known"
        " push service (registry nguon.webpush.push_services: Google FCM, Mozilla,"
        " Apple, Microsoft WNS) or an allowed network, else 400",
    },
    expirationTime={
        "type": ["number", "null"],
        "description": "When the browser ends the subscription (milliseconds since the"
        " epoch, in the future), or null; not pushed to and removed once passed",
    },
    keys=obj(
        ["p256dh", "auth"],
        p256dh={
            "type": "string",
            "maxLength": 200,
            "pattern": "^[A-Za-z0-9_-]+={0,2}$",
            "description": "The browser's P-256 public key (uncompressed point, base64url)",
        },
        auth={
            "type": "string",
            "maxLength": 200,
            "pattern": "^[A-Za-z0-9_-]+={0,2}$",
            "description": "16 bytes, base64url",
        },
    ),
)
# No room for a new subscription: the unit's or the site's cap (registry
# nguon.webpush.max_per_unit, nguon.webpush.max_subscriptions) is reached.
FULL = json_answer(
    ref("Error"),
    "Full: no new subscription to this unit or site now (``Retry-After``); renewing a"
    " kept one is accepted",
)

OPERATIONS = {
    ("GET", "@push-key", "site"): operation(
        "The site's VAPID public key: the applicationServerKey of"
        " PushManager.subscribe() (base64url, uncompressed P-256 point)",
        {"200": json_answer(obj(["public_key"], public_key=STR))},
        400,
    ),
    ("POST", "@push-subscriptions", "object"): operation(
        "Subscribe a browser (PushSubscription.toJSON(), at most 4,096 bytes) to the"
        " warnings that reach this unit (anyone); the alerts in force for the unit are"
        " pushed to a new subscription after the request",
        {
            "201": json_answer(
                obj(["unit", "endpoint"], unit=STR, endpoint=STR), "Subscribed"
            ),
            "400": json_answer(
                ref("Error"),
                "Not a subscription the site keeps (message in Vietnamese): a body"
                " that is not PushSubscription.toJSON() or over 4,096 bytes, an endpoint"
                " not https, too long, not printable ASCII, on no known push service"
                " (registry nguon.webpush.push_services) nor allowed network, or on a"
                " private address; keys not a P-256 point and a 16-byte secret; a"
                " past or malformed expirationTime",
            ),
            "503": FULL,
        },
        429,
        body=json_body(SUBSCRIPTION),
    ),
    ("DELETE", "@push-subscriptions", "object"): operation(
        "Unsubscribe a browser from this unit's warnings (idempotent)",
        {"204": {"description": "Unsubscribed (or was not subscribed)"}},
        400,
        429,
        body=json_body(obj(["endpoint"], endpoint=STR)),
    ),
}
