"""Figures and reports: a unit's indicators (``@statistics``), an item's delivery coverage
(``@coverage``), the periodic reports that roll up the unit tree (``@reports``)."""

from nguon.restapi.openapi.schema import ANY
from nguon.restapi.openapi.schema import arr
from nguon.restapi.openapi.schema import INT
from nguon.restapi.openapi.schema import json_answer
from nguon.restapi.openapi.schema import json_body
from nguon.restapi.openapi.schema import obj
from nguon.restapi.openapi.schema import operation
from nguon.restapi.openapi.schema import path_parameter
from nguon.restapi.openapi.schema import query
from nguon.restapi.openapi.schema import STR
from nguon.restapi.openapi.schema import URL


OFFICIALS = ["basicAuth", "bearerAuth"]
UNIT_CONTEXT = "nguon.content.unit.IAdministrativeUnit"
REPORT = obj(["form", "period"], form=STR, period=STR, state=STR)
REPORT_PATH = [
    {"$ref": "#/components/parameters/path"},
    path_parameter("form", "the report form's id"),
    path_parameter("period", "the period (2026-Q3, 2026-07, ...)"),
]

OPERATIONS = {
    ("GET", "@statistics", "object"): operation(
        "The indicators of a unit's area over a period, coverage below, months and gaps",
        {
            "200": json_answer(
                obj(
                    ["unit", "period", "indicators", "months"],
                    unit=obj(["code"], code=STR, title=STR),
                    period=obj(
                        ["start", "end"], kind=STR, start=STR, end=STR, label=STR
                    ),
                    indicators=arr(obj(["name"], name=STR, title=STR, value=ANY)),
                    groups=arr(obj()),
                    months=arr(obj(["month"], month=STR)),
                    gaps=obj(["items"], items=arr(obj()), total=INT),
                    children=arr(obj()),
                    **{"@id": URL},
                )
            )
        },
        400,
        401,
        security=OFFICIALS,
        parameters=[
            query("period", {"enum": ["month", "quarter", "year", "custom"]}),
            query("start", description="ISO date or dd/mm/yyyy"),
            query("end", description="the last day counted"),
            query("indicators", description="names, comma-separated or repeated"),
        ],
    ),
    ("GET", "@coverage", "object"): operation(
        "Every target unit x required channel of an item: status, reason and proof",
        {"200": json_answer(obj(pairs=arr(obj()), **{"@id": URL}))},
        401,
        404,
        security=OFFICIALS,
    ),
    ("GET", "@reports", "object"): operation(
        "The unit's reports and, per form, the period due with its units' states",
        {
            "200": json_answer(
                obj(
                    ["unit", "forms", "items"],
                    unit=STR,
                    forms=arr(
                        obj(
                            ["form", "period", "state"],
                            form=STR,
                            period=STR,
                            state=STR,
                            deadline=STR,
                            late=arr(ANY),
                            children=arr(ANY),
                        )
                    ),
                    items=arr(obj()),
                    **{"@id": URL},
                )
            )
        },
        400,
        401,
        404,
        security=OFFICIALS,
        parameters=[query("form"), query("period")],
    ),
    ("POST", "@reports", "object"): operation(
        "Create a report, pre-filled",
        {"200": json_answer(REPORT), "201": json_answer(REPORT)},
        400,
        401,
        security=OFFICIALS,
        body=json_body(obj(["form", "period"], form=STR, period=STR)),
    ),
    ("PATCH", "@reports", "object"): operation(
        "Change a report's values (the report is ``@reports/{form}/{period}``)",
        {"200": json_answer(REPORT)},
        400,
        401,
        404,
        security=OFFICIALS,
    ),
}

PATHS = {
    "/{path}/@reports/{form}/{period}": {
        "x-nguon-context": UNIT_CONTEXT,
        "parameters": REPORT_PATH,
        "get": operation(
            "One report",
            {"200": json_answer(REPORT)},
            401,
            404,
            security=OFFICIALS,
        ),
        "patch": operation(
            "Change a report's values and remarks",
            {"200": json_answer(REPORT)},
            400,
            401,
            404,
            security=OFFICIALS,
            body=json_body(obj(values={"type": "object"}, remarks={"type": "object"})),
        ),
    },
    "/{path}/@reports/{form}/{period}/{action}": {
        "x-nguon-context": UNIT_CONTEXT,
        "parameters": [
            *REPORT_PATH,
            {
                "name": "action",
                "in": "path",
                "required": True,
                "schema": {"enum": ["refresh", "submit", "sign", "reject"]},
            },
        ],
        "post": operation(
            "Refresh, submit, sign or reject a report",
            {"200": json_answer(REPORT)},
            400,
            401,
            404,
            security=OFFICIALS,
            body=json_body(obj(comment=STR), required=False),
        ),
    },
}
