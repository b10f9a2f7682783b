"""The equipment's endpoints: the board API and the station API (``nguon.restapi.boards``,
``nguon.restapi.radio``). Equipment calls with its own token header, never as a person."""

from nguon.restapi.openapi.schema import ANY
from nguon.restapi.openapi.schema import arr
from nguon.restapi.openapi.schema import BATCH_PARAMETERS
from nguon.restapi.openapi.schema import batched
from nguon.restapi.openapi.schema import BOOL
from nguon.restapi.openapi.schema import DATETIME
from nguon.restapi.openapi.schema import INT
from nguon.restapi.openapi.schema import json_answer
from nguon.restapi.openapi.schema import json_body
from nguon.restapi.openapi.schema import NULLABLE_STR
from nguon.restapi.openapi.schema import NUM
from nguon.restapi.openapi.schema import obj
from nguon.restapi.openapi.schema import operation
from nguon.restapi.openapi.schema import query
from nguon.restapi.openapi.schema import ref
from nguon.restapi.openapi.schema import STR
from nguon.restapi.openapi.schema import URL


BOARD = ["boardToken", "kioskSession"]
STATION = ["stationToken"]
ADMIN = ["basicAuth", "bearerAuth"]

SCHEMAS = {
    "SignedEnvelope": obj(
        ["schedule", "signatures"],
        schedule=obj(
            ["kind", "station", "sequence", "issued", "valid_from", "valid_until"],
            kind=STR,
            station=STR,
            sequence=INT,
            issued=DATETIME,
            valid_from=DATETIME,
            valid_until=DATETIME,
            emergencies=arr(obj()),
            slots=arr(
                obj(
                    ["start", "end", "items"],
                    start=DATETIME,
                    end=DATETIME,
                    items=arr(obj()),
                    deferred=arr(obj()),
                )
            ),
        ),
        signatures=arr(obj(["key_id", "signature"], key_id=STR, signature=STR)),
    ),
    "DeviceReport": obj(
        ["records"],
        records=arr(obj()),
    ),
    "DeviceCredentials": obj(
        ["token", "header"],
        device=STR,
        station=STR,
        token=STR,
        header=STR,
        note=STR,
    ),
}

NOT_MODIFIED = {
    "304": {"description": "Not modified (``If-None-Match`` held the ETag)."}
}

REPORT_BODY = json_body(
    obj(
        ["records"],
        records={
            "type": "array",
            "maxItems": 500,
            "items": obj(
                item=STR, shown_at=DATETIME, at=DATETIME, seconds=NUM, status=STR
            ),
        },
    )
)
STORED = json_answer(obj(["stored"], stored=INT))

OPERATIONS = {
    ("GET", "@board-playlist", "site"): operation(
        "What a board shows now",
        {
            "200": json_answer(
                obj(
                    ["version", "emergency", "open", "slides"],
                    board=STR,
                    width=INT,
                    height=INT,
                    version=STR,
                    emergency=BOOL,
                    open=BOOL,
                    slides=arr(obj()),
                )
            ),
            **NOT_MODIFIED,
        },
        400,
        401,
        security=BOARD,
        parameters=[
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "schema": STR,
                "description": "The ETag of the last answer: 304 when nothing changed.",
            }
        ],
    ),
    ("POST", "@board-proof", "site"): operation(
        "Proof of play: what the board showed",
        {"200": STORED},
        400,
        401,
        security=BOARD,
        body=REPORT_BODY,
    ),
    ("POST", "@kiosk-session", "site"): operation(
        "A session cookie for a paired kiosk browser (pairing code, token or session)",
        {
            "200": json_answer(
                obj(
                    ["board", "expires"],
                    board=STR,
                    expires=DATETIME,
                    broadcast=ANY,
                )
            )
        },
        400,
        401,
        security=[*BOARD, "boardPairing"],
    ),
    ("POST", "@board-credentials", "object"): operation(
        "A new token for the board (the old one, its sessions and pairings stop)",
        {"200": json_answer(ref("DeviceCredentials"))},
        401,
        security=ADMIN,
    ),
    ("POST", "@board-pairing", "object"): operation(
        "A one-time pairing address for the board's kiosk browser",
        {
            "200": json_answer(
                obj(["url", "expires"], board=STR, url=URL, expires=DATETIME, note=STR)
            )
        },
        401,
        security=ADMIN,
    ),
    ("GET", "@board-proof", "object"): operation(
        "The board's proof-of-play log, newest first",
        {"200": json_answer(batched(obj(), board=STR))},
        400,
        401,
        parameters=BATCH_PARAMETERS,
        security=ADMIN,
    ),
    ("GET", "@radio-signing-key", "site"): operation(
        "The Ed25519 public keys stations pin (current first, then retiring)",
        {
            "200": json_answer(
                obj(
                    ["algorithm", "key_id", "public_key", "keys"],
                    algorithm={"const": "Ed25519"},
                    key_id=STR,
                    public_key=STR,
                    keys=arr(
                        obj(
                            ["key_id", "public_key"],
                            key_id=STR,
                            public_key=STR,
                            not_after=NULLABLE_STR,
                        )
                    ),
                )
            )
        },
    ),
    ("GET", "@station-schedule", "site"): operation(
        "The station's signed schedule (``?format=m3u``: the next slot as M3U)",
        {
            "200": {
                "description": "The signed schedule, or the M3U playlist.",
                "content": {
                    "application/json": {"schema": ref("SignedEnvelope")},
                    "audio/x-mpegurl": {"schema": STR},
                },
            }
        },
        401,
        security=STATION,
        parameters=[query("format", {"type": "string", "enum": ["json", "m3u"]})],
    ),
    ("GET", "@station-events", "site"): operation(
        "The emergencies for the station now, signed like a schedule",
        {"200": json_answer(ref("SignedEnvelope")), **NOT_MODIFIED},
        401,
        security=STATION,
    ),
    ("POST", "@station-asrun", "site"): operation(
        "As-run report: what the station played",
        {"200": STORED},
        400,
        401,
        security=STATION,
        body=REPORT_BODY,
    ),
    ("POST", "@station-credentials", "object"): operation(
        "A new token for the station (the old one stops working)",
        {"200": json_answer(ref("DeviceCredentials"))},
        401,
        security=ADMIN,
    ),
    ("GET", "@station-asrun", "object"): operation(
        "The station's as-run log, newest first",
        {"200": json_answer(batched(obj(), station=STR))},
        400,
        401,
        parameters=BATCH_PARAMETERS,
        security=ADMIN,
    ),
    ("GET", "@station-playlist", "object"): operation(
        "The station's upcoming schedule as its operator sees it, with the choices made",
        {
            "200": json_answer(
                obj(
                    ["station", "slots", "candidates"],
                    station=STR,
                    slots=arr(obj()),
                    emergencies=arr(obj()),
                    never_fits=arr(ANY),
                    waiting_for_audio=arr(ANY),
                    candidates=arr(
                        obj(
                            ["uid", "title", "priority"],
                            uid=STR,
                            title=STR,
                            priority=STR,
                            duration=NUM,
                            pinned=BOOL,
                            dropped=BOOL,
                            order={"type": ["integer", "null"]},
                        )
                    ),
                )
            )
        },
        401,
        security=ADMIN,
    ),
    ("POST", "@station-playlist", "object"): operation(
        "The operator's choice for one normal item of the station's playlist",
        {"200": json_answer(obj())},
        400,
        401,
        security=ADMIN,
        body=json_body(
            obj(
                ["item"],
                item=STR,
                pinned=BOOL,
                dropped=BOOL,
                order={"type": "integer", "minimum": 0, "maximum": 10000},
            )
        ),
    ),
}
