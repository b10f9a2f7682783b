"""Federation: where central pushes to a provincial site (``@federation-inbox/{link}``,
``nguon.restapi.federation``). The push is signed with the link's shared secret
(``X-Hub-Signature``, WebSub style), not made by a user.

The federation package is being built beside this one: its description applies once the
package is there (``find_spec``), so the document never describes a service the site lacks
(``tests/openapi`` checks both ways)."""

from importlib.util import find_spec
from nguon.restapi.openapi.schema import json_answer
from nguon.restapi.openapi.schema import obj
from nguon.restapi.openapi.schema import operation
from nguon.restapi.openapi.schema import path_parameter
from nguon.restapi.openapi.schema import query
from nguon.restapi.openapi.schema import STR


PRESENT = find_spec("nguon.restapi.federation") is not None

INTENT = operation(
    "WebSub verification of intent: the challenge echoed for the link's own topic",
    {
        "200": {
            "description": "The challenge, as text.",
            "content": {"text/plain": {"schema": STR}},
        },
        "404": {
            "description": "Not this link's topic.",
            "content": {"text/plain": {"schema": STR}},
        },
    },
    parameters=[
        query("hub.mode", {"enum": ["subscribe", "unsubscribe"]}),
        query("hub.topic"),
        query("hub.challenge"),
    ],
)
DELIVERY = operation(
    "A signed change document from central (counts of what was taken)",
    {"200": json_answer(obj())},
    400,
    403,
    404,
    409,
    security=["hubSignature"],
    body={
        "required": True,
        "content": {"application/json": {"schema": obj()}},
    },
    **{"x-nguon-signed": "HMAC of the body with the link's secret (X-Hub-Signature)"},
)

OPERATIONS = (
    {
        ("GET", "@federation-inbox", "site"): INTENT,
        ("POST", "@federation-inbox", "site"): DELIVERY,
    }
    if PRESENT
    else {}
)

PATHS = (
    {
        "/@federation-inbox/{link}": {
            "parameters": [path_parameter("link", "the link's id")],
            "get": INTENT,
            "post": DELIVERY,
        }
    }
    if PRESENT
    else {}
)

SECURITY = {
    "hubSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Hub-Signature",
        "description": "sha256=<HMAC-SHA256 of the body with the link's secret>: a signed"
        " push between Nguồn sites (federation).",
    }
}
