"""``GET /@openapi``: the OpenAPI 3.1 document of every Nguồn endpoint (``document``)."""
