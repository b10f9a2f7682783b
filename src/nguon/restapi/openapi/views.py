"""Endpoints that are browser views, not plone.restapi services, because they answer
something other than JSON or follow another standard: the unit feeds (Atom, RSS, JSON Feed),
the CAP messages and their Atom index, Open311 GeoReport v2, the station's audio and the
board's slides. Each path names its view in ``x-nguon-view`` (``[context, name]``); the tests
check that every view named is registered."""

from nguon.restapi.openapi.schema import arr
from nguon.restapi.openapi.schema import INT
from nguon.restapi.openapi.schema import NULLABLE_STR
from nguon.restapi.openapi.schema import obj
from nguon.restapi.openapi.schema import operation
from nguon.restapi.openapi.schema import path_parameter
from nguon.restapi.openapi.schema import query
from nguon.restapi.openapi.schema import ref
from nguon.restapi.openapi.schema import STR
from nguon.restapi.openapi.schema import URL


UNIT = "nguon.content.unit.IAdministrativeUnit"
SITE = "plone.base.interfaces.siteroot.IPloneSiteRoot"
ALERT = "nguon.content.alert.IAlert"

SCHEMAS = {
    "JsonFeed": obj(
        ["version", "title", "items", "_nguon"],
        version=STR,
        title=STR,
        home_page_url=URL,
        feed_url=URL,
        next_url=URL,
        language=STR,
        items=arr(obj(["id"], id=STR, url=URL, title=STR, _nguon=obj())),
        _nguon=obj(
            ["cursor"],
            unit=obj(),
            cursor=INT,
            deleted=arr(obj(["uid"], id=STR, uid=STR, when=STR, seq=INT)),
            links=obj(),
            updated=NULLABLE_STR,
        ),
    ),
    "Open311Errors": arr(obj(["code", "description"], code=INT, description=STR)),
}

FEED_PARAMETERS = [
    query("channel", description="channels, comma-separated (web, radio, board, ...)"),
    query("category", description="categories, comma-separated"),
    query("priority", description="normal, priority, emergency; comma-separated"),
    query("since", {"type": "integer", "minimum": 0}, "the cursor of the last poll"),
    query("page", {"type": "integer", "minimum": 1}),
    query("size", {"type": "integer", "minimum": 1, "maximum": 100}),
]
FEED_ERRORS = (400, 410)
XML_FEED = {"type": "string"}


def _feed(summary, media_type, schema):
    return operation(
        summary,
        {
            "200": {
                "description": "The feed (``ETag``/``Last-Modified``: 304 when unchanged).",
                "content": {media_type: {"schema": schema}},
            },
            "304": {"description": "Not modified."},
        },
        *FEED_ERRORS,
        parameters=FEED_PARAMETERS,
    )


def _unit_feed(name, summary, media_type, schema):
    return {
        "parameters": [{"$ref": "#/components/parameters/path"}],
        "x-nguon-view": [UNIT, name],
        "get": _feed(summary, media_type, schema),
    }


OPEN311_FORMAT = {
    "name": "format",
    "in": "path",
    "required": True,
    "schema": {"enum": ["json", "xml"]},
}


def open311_errors(*statuses):
    """Open311's own error shape: a list of ``{"code", "description"}`` (XML ``<errors>``)."""
    return {
        str(status): {
            "description": "Open311 error",
            "content": {
                "application/json": {"schema": ref("Open311Errors")},
                "text/xml": {"schema": STR},
            },
        }
        for status in statuses
    }


def _open311(summary, shape, *statuses, **more):
    return operation(
        summary,
        {
            "200": {
                "description": "OK (JSON or XML, as the suffix asks).",
                "content": {
                    "application/json": {"schema": shape},
                    "text/xml": {"schema": STR},
                },
            },
            **open311_errors(400, 404, *statuses),
        },
        **more,
    )


OPEN311_SERVICE = obj(
    ["service_code", "service_name"],
    service_code=STR,
    service_name=STR,
    description=NULLABLE_STR,
    metadata={"type": "boolean"},
    type=STR,
    keywords=NULLABLE_STR,
    group=NULLABLE_STR,
)
OPEN311_REQUEST = obj(
    ["service_request_id", "status"],
    service_request_id=STR,
    status={"enum": ["open", "closed"]},
    service_code=STR,
    service_name=STR,
)

PATHS = {
    "/@@openapi.json": {
        "x-nguon-view": [SITE, "openapi.json"],
        "get": operation(
            "This document, for tools that send no ``Accept`` (``GET /@openapi`` too)",
            {
                "200": {
                    "description": "OpenAPI 3.1",
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "required": ["openapi"]}
                        }
                    },
                }
            },
        ),
    },
    "/{path}/feed.atom": _unit_feed(
        "feed.atom", "A unit's feed (Atom 1.0)", "application/atom+xml", XML_FEED
    ),
    "/{path}/feed.rss": _unit_feed(
        "feed.rss", "A unit's feed (RSS 2.0)", "application/rss+xml", XML_FEED
    ),
    "/{path}/feed.json": _unit_feed(
        "feed.json",
        "A unit's feed (JSON Feed 1.1, with ``_nguon``: cursor, deletions)",
        "application/feed+json",
        ref("JsonFeed"),
    ),
    "/{path}/emergency.atom": _unit_feed(
        "emergency.atom",
        "A unit's emergencies (Atom)",
        "application/atom+xml",
        XML_FEED,
    ),
    "/{path}/emergency.rss": _unit_feed(
        "emergency.rss", "A unit's emergencies (RSS)", "application/rss+xml", XML_FEED
    ),
    "/{path}/emergency.json": _unit_feed(
        "emergency.json",
        "A unit's emergencies (JSON Feed)",
        "application/feed+json",
        ref("JsonFeed"),
    ),
    "/alerts.atom": {
        "x-nguon-view": [SITE, "alerts.atom"],
        "get": operation(
            "The Atom index of the site's current CAP alerts",
            {
                "200": {
                    "description": "Atom",
                    "content": {"application/atom+xml": {"schema": STR}},
                }
            },
        ),
    },
    "/{path}/alerts.atom": {
        "parameters": [{"$ref": "#/components/parameters/path"}],
        "x-nguon-view": [UNIT, "alerts.atom"],
        "get": operation(
            "The Atom index of a unit's current CAP alerts",
            {
                "200": {
                    "description": "Atom",
                    "content": {"application/atom+xml": {"schema": STR}},
                }
            },
        ),
    },
    "/{path}/alert.cap": {
        "parameters": [{"$ref": "#/components/parameters/path"}],
        "x-nguon-view": [ALERT, "alert.cap"],
        "get": operation(
            "A published alert as a signed CAP 1.2 message (XML-DSig, ``@cap-keys``)",
            {
                "200": {
                    "description": "CAP 1.2",
                    "content": {"application/cap+xml": {"schema": STR}},
                }
            },
            404,
        ),
    },
    "/open311/v2/discovery.{format}": {
        "parameters": [OPEN311_FORMAT],
        "x-nguon-view": [SITE, "open311"],
        "get": _open311(
            "Open311 discovery: endpoint, formats, how to get a key",
            obj(
                ["endpoints"],
                changeset=STR,
                contact=STR,
                key_service=STR,
                endpoints=arr(
                    obj(
                        ["specification", "url"],
                        specification=STR,
                        url=STR,
                        type=STR,
                        formats=arr(STR),
                    )
                ),
            ),
        ),
    },
    "/open311/v2/services.{format}": {
        "parameters": [OPEN311_FORMAT],
        "x-nguon-view": [SITE, "open311"],
        "get": _open311(
            "Open311 services: the feedback categories",
            arr(OPEN311_SERVICE),
            parameters=[query("address_id", description="a unit code (extension)")],
        ),
    },
    "/open311/v2/services/{service_code}.{format}": {
        "parameters": [
            path_parameter("service_code", "a category code"),
            OPEN311_FORMAT,
        ],
        "x-nguon-view": [SITE, "open311"],
        "get": _open311(
            "Open311 service definition", obj(["service_code"], service_code=STR)
        ),
    },
    "/open311/v2/requests.{format}": {
        "parameters": [OPEN311_FORMAT],
        "x-nguon-view": [SITE, "open311"],
        "get": _open311(
            "Open311 public service requests, newest first",
            arr(OPEN311_REQUEST),
            parameters=[
                query("service_request_id"),
                query("service_code"),
                query("status"),
                query("start_date"),
                query("end_date"),
                query("page", {"type": "integer", "minimum": 1}),
                query("page_size", {"type": "integer", "minimum": 1, "maximum": 1000}),
                query("address_id"),
            ],
        ),
        "post": operation(
            "Open311: file a service request (``api_key`` of a registered application)",
            {
                "201": {
                    "description": "Filed.",
                    "content": {
                        "application/json": {"schema": arr(obj())},
                        "text/xml": {"schema": STR},
                    },
                },
                **open311_errors(400, 403, 429),
            },
            security=["open311Key"],
            requestBody={
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": obj(
                            ["api_key", "service_code", "address_id", "description"],
                            api_key=STR,
                            service_code=STR,
                            address_id=STR,
                            lat=STR,
                            long=STR,
                            address_string=STR,
                            email=STR,
                            phone=STR,
                            description=STR,
                        )
                    },
                    "multipart/form-data": {"schema": obj()},
                },
            },
        ),
    },
    "/open311/v2/requests/{service_request_id}.{format}": {
        "parameters": [
            path_parameter("service_request_id", "a public report's id"),
            OPEN311_FORMAT,
        ],
        "x-nguon-view": [SITE, "open311"],
        "get": _open311("Open311: one public service request", arr(OPEN311_REQUEST)),
    },
    "/@@station-audio/{uid}": {
        "parameters": [path_parameter("uid", "an item of the station's schedule")],
        "x-nguon-view": [SITE, "station-audio"],
        "get": operation(
            "The delivery audio of an item of the station's schedule",
            {
                "200": {
                    "description": "Audio",
                    "content": {"audio/*": {"schema": STR}},
                }
            },
            401,
            404,
            security=["stationToken"],
        ),
    },
    "/@@board-slide/{uid}": {
        "parameters": [path_parameter("uid", "a slide of the board's playlist")],
        "x-nguon-view": [SITE, "board-slide"],
        "get": operation(
            "A slide of the board's playlist, rendered for its size",
            {
                "200": {
                    "description": "PNG",
                    "content": {"image/png": {"schema": STR}},
                }
            },
            401,
            404,
            security=["boardToken", "kioskSession"],
        ),
    },
}
