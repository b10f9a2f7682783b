"""What citizens, their apps and commune websites call: feedback (``@feedback*``), surveys,
finding a unit, the archive search (``@faceted-search``, ``@search``)."""

from nguon.restapi.openapi.schema import ANY
from nguon.restapi.openapi.schema import arr
from nguon.restapi.openapi.schema import BATCH_PARAMETERS
from nguon.restapi.openapi.schema import batched
from nguon.restapi.openapi.schema import BOOL
from nguon.restapi.openapi.schema import INT
from nguon.restapi.openapi.schema import json_answer
from nguon.restapi.openapi.schema import json_body
from nguon.restapi.openapi.schema import NULLABLE_STR
from nguon.restapi.openapi.schema import NUM
from nguon.restapi.openapi.schema import obj
from nguon.restapi.openapi.schema import operation
from nguon.restapi.openapi.schema import path_parameter
from nguon.restapi.openapi.schema import query
from nguon.restapi.openapi.schema import STR
from nguon.restapi.openapi.schema import URL


OFFICIALS = ["basicAuth", "bearerAuth"]

SCHEMAS = {
    "FeedbackReport": obj(["id"], id=STR, status=STR, category=ANY, url=URL),
}

# plone.restapi answers an empty ``SearchableText`` (or ``*``) with ``[]``, not with an empty
# batch (plone.restapi.search.handler); found by schemathesis, documented as it is.
SEARCH_RESULTS = {
    "anyOf": [batched(obj()), {"type": "array", "maxItems": 0}],
}

QUESTION = obj(
    ["id", "kind", "text"],
    id=STR,
    kind=STR,
    text=STR,
    required=BOOL,
    options=arr(obj(["id", "title"], id=STR, title=STR)),
    low=NULLABLE_STR,
    high=NULLABLE_STR,
)

CATEGORIES = operation(
    "What a citizen may report about (site: every category; unit: those offered there)",
    {
        "200": json_answer(
            obj(
                ["items"],
                place=NULLABLE_STR,
                items=arr(
                    obj(
                        ["code", "title"],
                        code=STR,
                        title=STR,
                        level=STR,
                        due_days=INT,
                        public=BOOL,
                    )
                ),
            )
        )
    },
    404,
)

FILE_BODY = json_body(
    obj(
        ["category", "text"],
        category=STR,
        place=STR,
        text=STR,
        address=STR,
        point=arr(NUM),
        contact=obj(kind={"enum": ["email", "phone"]}, value=STR),
        photos=arr(obj(data=STR, filename=STR)),
        altcha=STR,
    )
)
FILED = {
    "201": json_answer(
        obj(["id", "code"], id=STR, code=STR, follow_url=URL, url=URL),
        "Filed: the citizen's secret ``code`` is shown once.",
    )
}
DESK = operation(
    "The unit's desk: a page of a bucket, the counts of every bucket, the overdue",
    {
        "200": json_answer(
            batched(
                obj(),
                counts=obj(
                    ["open", "escalated", "done"], open=INT, escalated=INT, done=INT
                ),
                overdue=INT,
                bucket=STR,
                unit=STR,
            )
        )
    },
    400,
    401,
    security=OFFICIALS,
    parameters=[
        query("bucket", {"enum": ["open", "escalated", "done"]}),
        *BATCH_PARAMETERS,
    ],
)

OPERATIONS = {
    ("GET", "@feedback-challenge", "site"): operation(
        "A fresh proof-of-work challenge (ALTCHA v2) for filing or answering",
        {
            "200": json_answer(
                obj(
                    ["parameters", "signature"],
                    parameters=obj(
                        ["algorithm", "nonce", "salt"],
                        algorithm=STR,
                        cost=INT,
                        expiresAt=INT,
                        keyLength=INT,
                        keyPrefix=STR,
                        keySignature=STR,
                        nonce=STR,
                        salt=STR,
                    ),
                    signature=STR,
                )
            )
        },
        429,
    ),
    ("GET", "@feedback-categories", "site"): CATEGORIES,
    ("GET", "@feedback-categories", "object"): CATEGORIES,
    ("POST", "@feedback", "site"): operation(
        "File a report (anyone; the solved challenge in ``altcha``)",
        FILED,
        400,
        429,
        body=FILE_BODY,
    ),
    ("POST", "@feedback", "object"): operation(
        "File a report in this unit (anyone; the solved challenge in ``altcha``)",
        FILED,
        400,
        429,
        body=FILE_BODY,
    ),
    ("GET", "@feedback", "site"): operation(
        "The site root has no desk: ``GET @feedback/{id}`` reads one report",
        {"200": json_answer(obj())},
        400,
        401,
        404,
    ),
    ("GET", "@feedback", "object"): DESK,
    ("POST", "@feedback-mine", "site"): operation(
        "The citizen's own report through its secret code (view, verify, withdraw, reopen,"
        " rate)",
        {"200": json_answer(obj(["id"], id=STR))},
        400,
        404,
        429,
        body=json_body(
            obj(
                ["code", "action"],
                code=STR,
                action={"enum": ["view", "verify", "withdraw", "reopen", "rate"]},
                verification=STR,
                reason=STR,
                stars={"type": "integer", "minimum": 1, "maximum": 5},
                comment=STR,
            )
        ),
    ),
    ("GET", "@find-unit", "site"): operation(
        "Units whose name holds the words typed (without diacritics), best first; or, "
        "with lat and lon, the located units nearest to that point, nearest first",
        {
            "200": json_answer(
                obj(
                    ["q", "items_total", "items"],
                    q=STR,
                    lat=NUM,
                    lon=NUM,
                    items_total=INT,
                    items=arr(
                        obj(
                            ["@id", "code", "title", "level"],
                            code=STR,
                            title=STR,
                            level=STR,
                            level_title=STR,
                            parent_title=NULLABLE_STR,
                            distance_km={"type": "number", "minimum": 0},
                            **{"@id": URL},
                        )
                    ),
                )
            )
        },
        400,
        parameters=[
            query("q", {"type": "string", "maxLength": 200}, "words of the name"),
            query("limit", {"type": "integer", "minimum": 1, "maximum": 50}),
            query(
                "level",
                {
                    "type": "string",
                    "enum": ["central", "province", "district", "commune"],
                },
                "only units of this level (with lat/lon: commune unless given)",
            ),
            query(
                "lat",
                {"type": "number", "minimum": -90, "maximum": 90},
                "latitude in WGS84 degrees, with lon: the nearest located units, each "
                "with distance_km (great-circle); with q, only those whose name matches; "
                "one without the other is refused (400)",
            ),
            query(
                "lon",
                {"type": "number", "minimum": -180, "maximum": 180},
                "longitude in WGS84 degrees, with lat",
            ),
        ],
    ),
    ("GET", "@faceted-search", "site"): operation(
        "The archive search commune websites call: hits with snippets, facets, paging",
        {
            "200": json_answer(
                obj(
                    ["items_total", "items", "facets"],
                    items_total=INT,
                    b_start=INT,
                    b_size=INT,
                    items=arr(
                        obj(
                            ["@id", "title"],
                            title=STR,
                            description=NULLABLE_STR,
                            effective=NULLABLE_STR,
                            unit=NULLABLE_STR,
                            snippets=ANY,
                            file=NULLABLE_STR,
                            **{"@id": URL, "@type": STR},
                        )
                    ),
                    facets={
                        "type": "object",
                        "additionalProperties": arr(
                            obj(
                                ["value", "count"],
                                value=STR,
                                title=STR,
                                count=INT,
                                selected=BOOL,
                            )
                        ),
                    },
                )
            )
        },
        400,
        parameters=[
            query("q", description="the text searched"),
            query("unit", description="unit codes (repeated)"),
            query("unit_level"),
            query("portal_type"),
            query("category"),
            query("document_type"),
            query("issuing_body"),
            query("year", {"type": "integer", "minimum": 1900, "maximum": 2100}),
            query("from", {"type": "string", "format": "date"}),
            query("to", {"type": "string", "format": "date"}),
            query("sort", {"enum": ["relevance", "newest", "oldest"]}),
            query("facets", {"enum": ["0", "1"]}),
            *BATCH_PARAMETERS,
        ],
    ),
    ("GET", "@search", "site"): operation(
        "plone.restapi's ``@search``, on Solr with the catalog's last word, each parameter"
        " read on its own (one that cannot be read answers 400)",
        {"200": json_answer(SEARCH_RESULTS)},
        400,
        parameters=[query("SearchableText"), query("portal_type"), *BATCH_PARAMETERS],
    ),
    ("GET", "@search", "object"): operation(
        "plone.restapi's ``@search`` below this object (see the site's)",
        {"200": json_answer(SEARCH_RESULTS)},
        400,
        parameters=[query("SearchableText"), query("portal_type"), *BATCH_PARAMETERS],
    ),
    ("GET", "@survey-answer", "object"): operation(
        "What a survey asks, whether it is open, how an answer is proven",
        {
            "200": json_answer(
                obj(
                    ["questions", "open"],
                    questions=arr(QUESTION),
                    open=BOOL,
                    title=STR,
                    description=NULLABLE_STR,
                    opens=NULLABLE_STR,
                    closes=NULLABLE_STR,
                    answer_mode={"enum": ["challenge", "contact"]},
                )
            )
        },
        401,
    ),
    ("POST", "@survey-answer", "object"): operation(
        "Answer a survey (``altcha`` or ``email`` + ``code``)",
        {"201": json_answer(obj(["answered"], answered=BOOL))},
        400,
        429,
        body=json_body(
            obj(
                ["answers"],
                answers={"type": "object"},
                altcha=STR,
                email=STR,
                code=STR,
            )
        ),
    ),
    ("POST", "@survey-code", "object"): operation(
        "Mail the six-digit code that proves an answer (``contact`` surveys)",
        {"202": json_answer(obj(["sent"], sent=BOOL))},
        400,
        429,
        body=json_body(obj(["email"], email=STR, altcha=STR)),
    ),
    ("GET", "@surveys", "object"): operation(
        "The surveys a unit's people may answer now (its own and those reaching it from"
        " above), the newest first",
        {
            "200": json_answer(
                obj(
                    ["items", "items_total"],
                    items=arr(
                        obj(
                            ["@id", "UID", "title"],
                            **{"@id": URL},
                            UID=STR,
                            title=STR,
                            description=NULLABLE_STR,
                            unit={
                                "anyOf": [obj(code=STR, title=STR), {"type": "null"}]
                            },
                            opens=NULLABLE_STR,
                            closes=NULLABLE_STR,
                            answer_mode={"enum": ["challenge", "contact"]},
                        )
                    ),
                    items_total=INT,
                    unit=STR,
                )
            )
        },
    ),
    ("GET", "@survey-results", "object"): operation(
        "The live results (the unit's officials; everyone once published)",
        {
            "200": json_answer(
                obj(
                    ["questions", "total"],
                    questions=arr(
                        {
                            **QUESTION,
                            "properties": {**QUESTION["properties"], "answered": INT},
                        }
                    ),
                    total=INT,
                    public=BOOL,
                    open=BOOL,
                    title=STR,
                )
            )
        },
        401,
    ),
}

PATHS = {
    "/@feedback/{id}": {
        "parameters": [path_parameter("id", "the report's id")],
        "get": operation(
            "One report: the desk's shape for its officials, the public shape when public",
            {"200": json_answer(obj(["id"], id=STR))},
            404,
        ),
        "post": operation(
            "Handle a report: note, assign, forward, merge, hide, answer (its officials)",
            {"200": json_answer(obj(["id"], id=STR))},
            400,
            401,
            404,
            security=OFFICIALS,
            body=json_body(
                obj(
                    ["action"],
                    action={
                        "enum": ["note", "assign", "forward", "merge", "hide", "answer"]
                    },
                )
            ),
        ),
    },
}
