"""Federation (``nguon.restapi.federation``, docs/federation.md): where central pushes to a
provincial site (``@federation-inbox/{link}``), signed with the link's shared secret
(``X-Hub-Signature``, WebSub style) rather than made by a user; the links, for the site's
administrators (``@federation-links``); on central, the provinces' acknowledgements of
directives (``@federation-acks``), their reports (``@federation-reports``) and their ledger
figures (``@federation-figures``), signed the same way."""

from nguon.restapi.openapi.schema import arr
from nguon.restapi.openapi.schema import BOOL
from nguon.restapi.openapi.schema import INT
from nguon.restapi.openapi.schema import json_answer
from nguon.restapi.openapi.schema import json_body
from nguon.restapi.openapi.schema import NULLABLE_STR
from nguon.restapi.openapi.schema import obj
from nguon.restapi.openapi.schema import operation
from nguon.restapi.openapi.schema import path_parameter
from nguon.restapi.openapi.schema import query
from nguon.restapi.openapi.schema import STR


ADMINS = ["basicAuth", "bearerAuth"]
LINK = obj(
    ["id", "topic"],
    id=STR,
    topic=STR,
    unit=STR,
    local_unit=STR,
    central=STR,
    callback=STR,
    subscription=NULLABLE_STR,
    cursor={"type": ["integer", "null"]},
    items=INT,
    log=arr(obj()),
)
LINK_PATH = path_parameter("id", "the link's id")

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

ACKS = operation(
    "Central: a province's signed acknowledgements of the directives it received",
    {
        "200": json_answer(
            obj(
                ["recorded", "known", "refused"],
                recorded=INT,
                known=INT,
                refused=INT,
            )
        )
    },
    400,
    403,
    404,
    security=["hubSignature"],
    body={
        "required": True,
        "content": {
            "application/json": {
                "schema": obj(
                    ["subscription", "sent", "acks"],
                    subscription=STR,
                    sent=STR,
                    acks=arr(
                        obj(
                            ["uid", "unit", "at"],
                            uid=STR,
                            unit=STR,
                            at=STR,
                            kind=STR,
                            channel=STR,
                        )
                    ),
                )
            }
        },
    },
    **{
        "x-nguon-signed": "HMAC of the body with the subscription's secret"
        " (X-Hub-Signature)"
    },
)

REPORTS = operation(
    "Central: a province's signed report, rolled up into central's statistics",
    {"200": json_answer(obj(["stored"], stored=BOOL))},
    400,
    403,
    404,
    409,
    security=["hubSignature"],
    body={
        "required": True,
        "content": {
            "application/json": {
                "schema": obj(
                    ["subscription", "sent", "report"],
                    subscription=STR,
                    sent=STR,
                    report={"type": "object"},
                )
            }
        },
    },
    **{
        "x-nguon-signed": "HMAC of the body with the subscription's secret"
        " (X-Hub-Signature)"
    },
)

FIGURES = operation(
    "Central: a province's ledger figures (absolute values per unit, figure, dimension and"
    " day or month); central's statistics read the province's units from them",
    {"200": json_answer(obj(["stored"], stored=INT))},
    400,
    403,
    404,
    security=["hubSignature"],
    body={
        "required": True,
        "content": {
            "application/json": {
                "schema": obj(
                    ["subscription", "sent", "figures"],
                    subscription=STR,
                    sent=STR,
                    figures={
                        "type": "array",
                        "maxItems": 5000,
                        "items": {
                            "type": "array",
                            "description": "[unit code, figure, dimension, period"
                            " (d2026-11-30 or m2026-11), value]",
                            "prefixItems": [
                                STR,
                                STR,
                                STR,
                                {
                                    "type": "string",
                                    "pattern": r"^(d\d{4}-\d{2}-\d{2}|m\d{4}-\d{2})$",
                                },
                                {"type": "integer", "minimum": 0},
                            ],
                            "minItems": 5,
                            "maxItems": 5,
                        },
                    },
                )
            }
        },
    },
    **{
        "x-nguon-signed": "HMAC of the body with the subscription's secret"
        " (X-Hub-Signature)"
    },
)

OPERATIONS = {
    ("POST", "@federation-figures", "site"): FIGURES,
    ("GET", "@federation-inbox", "site"): INTENT,
    ("POST", "@federation-reports", "site"): REPORTS,
    ("POST", "@federation-inbox", "site"): DELIVERY,
    ("POST", "@federation-acks", "site"): ACKS,
    ("GET", "@federation-links", "site"): operation(
        "The site's federation links (never their secrets)",
        {"200": json_answer(obj(["items"], items=arr(LINK)))},
        401,
        security=ADMINS,
    ),
    ("POST", "@federation-links", "site"): operation(
        "Create or change a link; the answer names the callback to subscribe with",
        {"200": json_answer(LINK), "201": json_answer(LINK)},
        400,
        401,
        security=ADMINS,
        body=json_body(
            obj(
                ["id", "topic", "secret", "unit"],
                id=STR,
                topic=STR,
                secret=STR,
                unit=STR,
                local_unit=STR,
                central=STR,
            )
        ),
    ),
}

PATHS = {
    "/@federation-inbox/{link}": {
        "parameters": [path_parameter("link", "the link's id")],
        "get": INTENT,
        "post": DELIVERY,
    },
    "/@federation-links/{id}": {
        "parameters": [LINK_PATH],
        "get": operation(
            "One link, with its log",
            {"200": json_answer(LINK)},
            401,
            404,
            security=ADMINS,
        ),
    },
    "/@federation-links/{id}/catch-up": {
        "parameters": [LINK_PATH],
        "post": operation(
            "One catch-up round now: read what central's feed holds after the link's"
            " cursor, fetch waiting files, send central the acknowledgements, signed"
            " reports and ledger figures it has not taken",
            {"200": json_answer(obj())},
            400,
            401,
            404,
            security=ADMINS,
        ),
    },
}

SECURITY = {
    "hubSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Hub-Signature",
        "description": "sha256=<HMAC-SHA256 of the body with the link's secret>: a signed"
        " push between Nguồn sites (federation).",
    }
}
