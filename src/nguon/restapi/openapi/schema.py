"""Small builders of JSON Schema (OpenAPI 3.1 uses JSON Schema 2020-12) and of operations,
so the endpoint families' descriptions stay short.

Answers are described as they are; objects stay open (``additionalProperties`` is not
closed) so a field added later is no break for clients, while the fields listed are
checked with their types.
"""

STR = {"type": "string"}
INT = {"type": "integer"}
NUM = {"type": "number"}
BOOL = {"type": "boolean"}
URL = {"type": "string", "format": "uri"}
DATETIME = {"type": "string"}  # ISO 8601; not "date-time": some answers carry no zone
NULLABLE_STR = {"type": ["string", "null"]}
ANY = {}


def obj(required=(), /, **properties):
    shape = {"type": "object", "properties": properties}
    if required:
        shape["required"] = list(required)
    return shape


def arr(items):
    return {"type": "array", "items": items}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(shape):
    if "$ref" in shape:
        return {"anyOf": [shape, {"type": "null"}]}
    kind = shape.get("type")
    if isinstance(kind, str):
        return {**shape, "type": [kind, "null"]}
    return shape


def json_answer(shape, description="OK"):
    return {
        "description": description,
        "content": {"application/json": {"schema": shape}},
    }


def json_body(shape, required=True):
    return {"required": required, "content": {"application/json": {"schema": shape}}}


def query(name, shape=STR, description="", required=False):
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": shape,
    }


def path_parameter(name, description):
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "minLength": 1, "pattern": "^[^/]+$"},
    }


def errors(*statuses):
    """The error answers: ``{status: $ref}`` to the shared responses of ``components``."""
    return {
        str(status): {"$ref": f"#/components/responses/E{status}"}
        for status in statuses
    }


BATCH_PARAMETERS = [
    {"$ref": "#/components/parameters/b_start"},
    {"$ref": "#/components/parameters/b_size"},
]


def batched(item, **extra):
    """plone.restapi's batched list: ``items``, ``items_total`` and ``batching`` links."""
    return {
        "type": "object",
        "required": ["items", "items_total"],
        "properties": {
            "@id": URL,
            "items": arr(item),
            "items_total": INT,
            "batching": ref("Batching"),
            **extra,
        },
    }


def operation(
    summary, answer, *statuses, security=None, parameters=(), body=None, **more
):
    """One operation: ``answer`` is ``{status: response}``; ``statuses`` the error answers;
    ``security`` a list of scheme names (None: anonymous allowed as well as any login)."""
    shaped = {"summary": summary, "responses": {**answer, **errors(*statuses)}}
    if parameters:
        shaped["parameters"] = list(parameters)
    if body is not None:
        shaped["requestBody"] = body
    if security is not None:
        shaped["security"] = [{name: []} for name in security]
    shaped.update(more)
    return shaped
