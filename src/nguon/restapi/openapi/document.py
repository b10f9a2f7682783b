"""The OpenAPI 3.1 document of a Nguồn site: ``build(portal_url)``.

``paths`` are made from the services registered in the component registry
(``registry.registrations``), so none can be left out: each takes its hand-written operation
from the endpoint families (``devices``, ``citizens``, ``alerts``, ``work``, ``figures``),
keyed by ``(method, name, scope)``. A service no family describes yet is still listed, with
its docstring and an open answer, and marked ``x-nguon-undescribed`` (``tests/openapi``
fails on it). The families add the paths a service reads after its name
(``@reports/{form}/{period}``) and the browser views machines call (``views``: feeds, CAP,
Open311, audio, slides).
"""

from copy import deepcopy
from inspect import getdoc
from nguon.restapi.openapi import alerts
from nguon.restapi.openapi import citizens
from nguon.restapi.openapi import devices
from nguon.restapi.openapi import federation
from nguon.restapi.openapi import figures
from nguon.restapi.openapi import views
from nguon.restapi.openapi import webpush
from nguon.restapi.openapi import work
from nguon.restapi.openapi.registry import registrations
from nguon.restapi.openapi.schema import json_answer
from nguon.restapi.openapi.schema import obj
from nguon.restapi.openapi.schema import ref
from nguon.restapi.openapi.schema import STR
from nguon.restapi.openapi.schema import URL

import sys


METHODS = ("get", "post", "put", "patch", "delete")
FAMILIES = (devices, citizens, alerts, work, figures, views, federation, webpush)
VERSION = "1"

ERROR = obj(
    ["type", "message"],
    type=STR,
    message=STR,
    code=STR,
    error=obj(["type", "message"], type=STR, message=STR),
)
ERROR_TITLES = {
    400: "Bad request: the message says what to change",
    401: "Unauthorized: log in, or send the device's token",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict (a delivery received before)",
    410: "Gone: the cursor is older than the change log (``resync``)",
    413: "Too large",
    429: "Too many requests (``Retry-After``)",
}

COMPONENTS = {
    "schemas": {
        "Error": ERROR,
        "Batching": obj(
            first=URL,
            last=URL,
            next=URL,
            prev=URL,
            **{"@id": URL},
        ),
    },
    "responses": {
        f"E{status}": json_answer(ref("Error"), title)
        for status, title in ERROR_TITLES.items()
    },
    "parameters": {
        "path": {
            "name": "path",
            "in": "path",
            "required": True,
            "description": "The object's path below the site root (``vn/46/19786``: a unit,"
            " an item, a station, a board, a survey, an alert); ``/`` may be sent as is or as"
            " ``%2F``.",
            "schema": {"type": "string", "minLength": 1},
        },
        "b_start": {
            "name": "b_start",
            "in": "query",
            "required": False,
            "description": "plone.restapi batching: the first item (0 by default).",
            "schema": {"type": "integer", "minimum": 0},
        },
        "b_size": {
            "name": "b_size",
            "in": "query",
            "required": False,
            "description": "plone.restapi batching: items per batch (at most 100).",
            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
        },
    },
    "securitySchemes": {
        "basicAuth": {
            "type": "http",
            "scheme": "basic",
            "description": "A Plone user (staff of a unit).",
        },
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "plone.restapi's token from ``POST @login``.",
        },
        "boardToken": {
            "type": "apiKey",
            "in": "header",
            "name": "X-Board-Token",
            "description": "A public board's token (``POST @board-credentials``).",
        },
        "boardPairing": {
            "type": "apiKey",
            "in": "header",
            "name": "X-Board-Pairing",
            "description": "A one-time pairing code (``POST @board-pairing``).",
        },
        "kioskSession": {
            "type": "apiKey",
            "in": "cookie",
            "name": "nguon_board",
            "description": "A paired kiosk browser's session (``POST @kiosk-session``).",
        },
        "stationToken": {
            "type": "apiKey",
            "in": "header",
            "name": "X-Station-Token",
            "description": "A radio station's token (``POST @station-credentials``).",
        },
        "open311Key": {
            "type": "apiKey",
            "in": "query",
            "name": "api_key",
            "description": "An Open311 application's key (``nguon-feedback-keys``); sent as"
            " the form field ``api_key`` of ``POST requests``.",
        },
    },
}
for _family in FAMILIES:
    COMPONENTS["schemas"].update(getattr(_family, "SCHEMAS", {}))
    COMPONENTS["securitySchemes"].update(getattr(_family, "SECURITY", {}))

DESCRIPTION = """\
Every endpoint of a Nguồn site: its plone.restapi services (JSON; send
``Accept: application/json``), the unit feeds, CAP, Open311 GeoReport v2, the station and
board APIs. Errors come in one shape (``Error``: ``type``, ``message``, and the same under
``error``), except Open311's own. Batched answers follow plone.restapi (``b_start``,
``b_size`` up to 100, ``batching`` links). Equipment authenticates with its own token
header, people with HTTP basic or plone.restapi's JWT; signed requests (CAP messages pushed to
``@cap-ingest``, XML-DSig) carry their credential in the body (``x-nguon-signed``). The
schemas of plone.restapi's own endpoints (content, ``@login``, ...) are plone.restapi's and
are not repeated here.
"""


SELF = {
    ("GET", "@openapi", "site"): {
        "summary": "This document",
        "responses": {"200": json_answer({"type": "object", "required": ["openapi"]})},
    }
}


def tag(family):
    """A family's tag: its module's name (``devices``, ``citizens``, ...)."""
    return family.__name__.rsplit(".", 1)[-1]


def operations():
    """``{(method, name, scope): operation}`` of every family, each tagged with its family."""
    found = {key: {**operation, "tags": ["openapi"]} for key, operation in SELF.items()}
    for family in FAMILIES:
        for key, operation in getattr(family, "OPERATIONS", {}).items():
            found[key] = {**operation, "tags": [tag(family)]}
    return found


def tags():
    """The families, each described by the first paragraph of its module's docstring."""
    described = [
        {
            "name": tag(family),
            "description": getdoc(family).split("\n\n")[0].replace("\n", " "),
        }
        for family in FAMILIES
    ]
    return [*described, {"name": "openapi", "description": "This document."}]


def _path(registration):
    if registration.scope == "site":
        return f"/{registration.name}"
    return f"/{{path}}/{registration.name}"


def _undescribed(registration):
    doc = getdoc(registration.factory) or getdoc(
        sys.modules[registration.factory.__module__]
    )
    return {
        "summary": (doc or registration.name).split("\n\n")[0].replace("\n", " "),
        "responses": {"default": json_answer({})},
        "x-nguon-undescribed": True,
    }


def _module_doc(factory):
    doc = getdoc(sys.modules[factory.__module__]) or ""
    return doc.strip()


def build(portal_url):
    described = operations()
    paths = {}
    for registration in registrations():
        operation = deepcopy(
            described.get(registration.key) or _undescribed(registration)
        )
        operation.setdefault("description", _module_doc(registration.factory))
        operation["operationId"] = (
            f"{registration.method.lower()}_{registration.scope}_"
            + registration.name.lstrip("@").replace("-", "_")
        )
        operation["x-nguon-context"] = registration.context
        operation["x-nguon-permission"] = registration.permission
        operation.setdefault("tags", ["undescribed"])
        entry = paths.setdefault(_path(registration), {})
        if registration.scope == "object":
            entry["parameters"] = [{"$ref": "#/components/parameters/path"}]
        method = registration.method.lower()
        if method in entry:  # one name for two kinds of object: one path, both named
            entry[method]["x-nguon-context"] += f" {registration.context}"
            continue
        entry[method] = operation
    for family in FAMILIES:
        for path, entry in getattr(family, "PATHS", {}).items():
            entry = deepcopy(entry)
            for method in METHODS:
                if method in entry:
                    entry[method].setdefault("tags", [tag(family)])
            for method, operation in entry.items():
                if isinstance(operation, dict) and "responses" in operation:
                    operation.setdefault(
                        "operationId",
                        method
                        + "_"
                        + "".join(c if c.isalnum() else "_" for c in path).strip("_"),
                    )
            paths.setdefault(path, {}).update(entry)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Nguồn",
            "version": VERSION,
            "description": DESCRIPTION,
            "license": {"name": "GPL-2.0-only", "identifier": "GPL-2.0-only"},
        },
        "servers": [{"url": portal_url}],
        "security": [{}, {"basicAuth": []}, {"bearerAuth": []}],
        "tags": tags(),
        "paths": dict(sorted(paths.items())),
        "components": deepcopy(COMPONENTS),
    }
