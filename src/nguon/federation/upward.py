"""What a province sends up to central (acknowledgements, signed-off reports): a JSON body
naming the link's subscription and the time it was sent, signed with the link's secret like
central's pushes (``X-Hub-Signature``), POSTed to one of central's services at the address
that was checked (``syndication.outbound``). Central checks it with ``inbox.sender``."""

from nguon.syndication import formats
from nguon.syndication import outbound
from nguon.syndication import signing
from nguon.syndication.subscriptions import allowed_networks

import json


def post(link, service, payload, now):
    """POST ``payload`` (a dict) to ``service`` (``@federation-acks``…) of the link's central
    site; returns the answer's status. Raises ``outbound.CallFailed`` or ``UserError`` (the
    address) when it could not be sent."""
    body = json.dumps(
        {"subscription": link.subscription_id, "sent": formats.iso(now), **payload},
        ensure_ascii=False,
    ).encode("utf-8")
    answer = outbound.call(
        "POST",
        f"{link.central.rstrip('/')}/{service}",
        tuple(allowed_networks()),
        body=body,
        headers={
            "Content-Type": "application/json",
            signing.HEADER: signing.sign(link.secret, body),
        },
        timeout=30,
    )
    return answer.status
