"""The staff's work: approval (``@approval``, ``@approval-queue``, ``@reach-preview``,
``@workflow``), their lists (``@my-work``), targeting (``@reachable-units``), a unit's
members and its push subscriptions (``@unit-members``, ``@subscriptions``)."""

from nguon.restapi.openapi.schema import ANY
from nguon.restapi.openapi.schema import arr
from nguon.restapi.openapi.schema import BATCH_PARAMETERS
from nguon.restapi.openapi.schema import batched
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
from nguon.restapi.openapi.schema import URL


STAFF = ["basicAuth", "bearerAuth"]
UNIT_CONTEXT = "nguon.content.unit.IAdministrativeUnit"
UNIT = obj(["code"], code=STR, title=STR)
MEMBER = obj(["id"], id=STR, fullname=NULLABLE_STR, email=NULLABLE_STR)
MEMBERS = json_answer(
    obj(
        ["unit", "groups"],
        unit=UNIT,
        groups={"type": "object", "additionalProperties": arr(MEMBER)},
        **{"@id": URL},
    )
)
MEMBER_BODY = json_body(
    obj(
        ["kind", "user"],
        kind={"enum": ["editors", "approvers", "admins"]},
        user=STR,
    )
)
SUBSCRIPTION = obj(["id"], id=STR, callback=URL, status=STR)
SUBSCRIPTIONS = json_answer(obj(["unit", "items"], unit=UNIT, items=arr(SUBSCRIPTION)))
REACHABLE = operation(
    "The units matching ``q`` that an item may target, and the approval chain each makes",
    {
        "200": json_answer(
            obj(
                ["items"],
                unit=ANY,
                own_chain=arr(ANY),
                items=arr(obj()),
                **{"@id": URL},
            )
        )
    },
    400,
    401,
    security=STAFF,
    parameters=[
        query("q"),
        query("portal_type"),
        query("priority"),
        query("category"),
        query("target_scope"),
    ],
)

OPERATIONS = {
    ("GET", "@approval", "object"): operation(
        "An item's approval summary: its chain, who approved, what waits",
        {
            "200": json_answer(
                obj(
                    ["review_state", "chain", "approvals", "history"],
                    review_state=STR,
                    rule=NULLABLE_STR,
                    chain=arr(UNIT),
                    awaiting_unit=ANY,
                    approvals=arr(obj(["unit", "time"], unit=UNIT, user=STR, time=STR)),
                    history=arr(obj(["time"], time=STR, actor=STR, transition=STR)),
                    emergency_procedure=BOOL,
                    last_rejection=ANY,
                    **{"@id": URL},
                )
            )
        },
        401,
    ),
    ("GET", "@approval-queue", "site"): operation(
        "Items waiting for the current user's approval, oldest first, with counts per unit",
        {"200": json_answer(batched(obj(), counts=arr(obj())))},
        400,
        401,
        security=STAFF,
        parameters=BATCH_PARAMETERS,
    ),
    ("GET", "@my-work", "site"): operation(
        "The first items and the total of each of the current user's work lists",
        {
            "200": json_answer(
                obj(
                    ["lists"],
                    lists={"type": "object", "additionalProperties": batched(obj())},
                    **{"@id": URL},
                )
            )
        },
        401,
        security=STAFF,
    ),
    ("GET", "@reach-preview", "object"): operation(
        "Who will receive an item as it stands, and the units that must approve it",
        {
            "200": json_answer(
                obj(
                    ["units", "channels", "chain"],
                    units=arr(
                        obj(["code"], code=STR, title=STR, level=STR, below=BOOL)
                    ),
                    channels=arr(obj(["id"], id=STR, title=STR)),
                    chain=arr(obj(["code"], code=STR, title=STR, level=STR)),
                    problem=ANY,
                    **{"@id": URL},
                )
            )
        },
        401,
        security=STAFF,
    ),
    ("GET", "@reachable-units", "object"): REACHABLE,
    ("POST", "@workflow", "object"): operation(
        "plone.restapi's workflow transition; refusals (reach rule, guards) in the one"
        " error shape. The transition is the next path segment: ``@workflow/{transition}``",
        {"200": json_answer(obj())},
        400,
        401,
        404,
        security=STAFF,
    ),
    ("GET", "@unit-members", "object"): operation(
        "The unit's groups (editors, approvers, admins) and their members",
        {"200": MEMBERS},
        401,
        security=STAFF,
    ),
    ("POST", "@unit-members", "object"): operation(
        "Add a user to one of the unit's groups",
        {"200": MEMBERS},
        400,
        401,
        security=STAFF,
        body=MEMBER_BODY,
    ),
    ("DELETE", "@unit-members", "object"): operation(
        "Remove a user from one of the unit's groups",
        {"200": MEMBERS},
        400,
        401,
        security=STAFF,
        body=MEMBER_BODY,
    ),
    ("GET", "@subscriptions", "object"): operation(
        "The unit's push subscriptions (WebSub style)",
        {"200": SUBSCRIPTIONS},
        401,
        404,
        security=STAFF,
    ),
    ("POST", "@subscriptions", "object"): operation(
        "Subscribe a callback to the unit's pushes, or renew (intent verified)",
        {"200": json_answer(SUBSCRIPTION), "201": json_answer(SUBSCRIPTION)},
        400,
        401,
        security=STAFF,
        body=json_body(
            obj(
                ["callback", "secret"],
                callback=URL,
                secret=STR,
                lease_seconds=INT,
                format=STR,
                channel=STR,
                category=STR,
                priority=STR,
            )
        ),
    ),
    ("DELETE", "@subscriptions", "object"): operation(
        "Unsubscribe: the subscription is the next path segment (``@subscriptions/{id}``)",
        {"200": json_answer(obj()), "204": {"description": "Unsubscribed."}},
        400,
        401,
        404,
        security=STAFF,
    ),
}

PATHS = {
    "/{path}/@workflow/{transition}": {
        "x-nguon-context": "Products.CMFCore.interfaces.IContentish",
        "parameters": [
            {"$ref": "#/components/parameters/path"},
            path_parameter("transition", "the transition's id (submit, publish, ...)"),
        ],
        "post": operation(
            "Run a workflow transition on the item (see ``POST /{path}/@workflow``)",
            {"200": json_answer(obj())},
            400,
            401,
            404,
            security=STAFF,
            body=json_body(obj(comment=STR), required=False),
        ),
    },
    "/@my-work/{list}": {
        "parameters": [path_parameter("list", "one of the lists of ``GET @my-work``")],
        "get": operation(
            "One whole work list in batches",
            {"200": json_answer(batched(obj()))},
            400,
            401,
            404,
            security=STAFF,
            parameters=BATCH_PARAMETERS,
        ),
    },
    "/{path}/@subscriptions/{id}": {
        "x-nguon-context": UNIT_CONTEXT,
        "parameters": [
            {"$ref": "#/components/parameters/path"},
            path_parameter("id", "the subscription's id"),
        ],
        "get": operation(
            "One subscription with its delivery log",
            {"200": json_answer(SUBSCRIPTION)},
            401,
            404,
            security=STAFF,
        ),
        "delete": operation(
            "Unsubscribe",
            {"200": json_answer(obj()), "204": {"description": "Unsubscribed."}},
            401,
            404,
            security=STAFF,
        ),
    },
    "/{path}/@subscriptions/{id}/resume": {
        "x-nguon-context": UNIT_CONTEXT,
        "parameters": [
            {"$ref": "#/components/parameters/path"},
            path_parameter("id", "the subscription's id"),
        ],
        "post": operation(
            "Deliver again to a dead-lettered subscription",
            {"200": json_answer(SUBSCRIPTION)},
            400,
            401,
            404,
            security=STAFF,
        ),
    },
}
