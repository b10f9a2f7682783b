"""CAP alerts: the certificates that sign the site's messages, receiving signed CAP messages
from other systems (``@cap-ingest``), follow-ups of a published alert."""

from nguon.restapi.openapi.schema import arr
from nguon.restapi.openapi.schema import INT
from nguon.restapi.openapi.schema import json_answer
from nguon.restapi.openapi.schema import NULLABLE_STR
from nguon.restapi.openapi.schema import obj
from nguon.restapi.openapi.schema import operation
from nguon.restapi.openapi.schema import STR
from nguon.restapi.openapi.schema import URL


EDITORS = ["basicAuth", "bearerAuth"]

FOLLOW_UP = json_answer(
    obj(
        ["@id", "msg_type", "identifier", "references"],
        title=STR,
        review_state=STR,
        msg_type={"enum": ["Update", "Cancel"]},
        identifier=STR,
        references=arr(STR),
        **{"@id": URL, "@type": STR},
    ),
    "The new draft (its address also in ``Location``).",
)

OPERATIONS = {
    ("GET", "@cap-keys", "site"): operation(
        "The certificates that sign the site's CAP messages, current first",
        {
            "200": json_answer(
                obj(
                    ["algorithm", "keys"],
                    algorithm={"const": "RSA-SHA256"},
                    keys=arr(
                        obj(
                            ["certificate", "fingerprint", "not_after"],
                            certificate=STR,
                            fingerprint=STR,
                            subject=STR,
                            not_before=STR,
                            not_after=STR,
                            retiring_at=NULLABLE_STR,
                        )
                    ),
                )
            )
        },
    ),
    ("POST", "@cap-ingest", "site"): operation(
        "Receive one signed CAP 1.2 message from a trusted source",
        {
            "201": json_answer(
                obj(
                    ["message", "alerts"],
                    message=STR,
                    source=STR,
                    msg_type=STR,
                    alerts=arr(
                        obj(["@id"], unit=STR, review_state=STR, **{"@id": URL})
                    ),
                    notes=arr(STR),
                )
            )
        },
        400,
        413,
        429,
        body={
            "required": True,
            "description": "One CAP 1.2 message, XML-DSig signed (enveloped, RSA-SHA256) by"
            " a certificate of a trusted source (``policies/alert-sources.yaml``).",
            "content": {"application/cap+xml": {"schema": {"type": "string"}}},
        },
        **{"x-nguon-signed": "XML-DSig in the body: the signature is the credential"},
    ),
    ("GET", "@cap-ingest", "site"): operation(
        "The newest refused messages and the number received (the site's managers)",
        {
            "200": json_answer(
                obj(
                    ["received", "refusals"],
                    received=INT,
                    refusals=arr(obj(code=STR, reason=NULLABLE_STR)),
                )
            )
        },
        401,
        security=["basicAuth", "bearerAuth"],
    ),
    ("POST", "@alert-update", "object"): operation(
        "A new draft Update of a published alert, every field and language copied",
        {"201": FOLLOW_UP},
        400,
        401,
        security=EDITORS,
    ),
    ("POST", "@alert-cancel", "object"): operation(
        "A new draft Cancel of a published alert",
        {"201": FOLLOW_UP},
        400,
        401,
        security=EDITORS,
    ),
}
