"""The OpenAPI 3.1 document (``GET /@openapi``): valid per openapi-spec-validator, served to
anyone, and complete: every plone.restapi service Nguồn registers is in it with a
hand-written description, and every browser view it names exists."""

from nguon.restapi.openapi import document
from nguon.restapi.openapi.registry import registrations
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from zope.component import queryMultiAdapter
from zope.dottedname.resolve import resolve
from zope.interface import alsoProvides
from zope.interface import directlyProvides

import pytest
import requests


METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def built(integration):
    return document.build(integration["portal"].absolute_url())


def operations_of(doc):
    for path, entry in doc["paths"].items():
        for method in METHODS:
            if method in entry:
                yield path, method, entry[method]


def test_the_document_is_valid_openapi_3_1(built):
    assert built["openapi"] == "3.1.0"
    validate(built)  # raises on any error


def test_the_validator_refuses_a_broken_document(built):
    """The check is a real one: a path parameter the template does not name is refused."""
    broken = {**built, "paths": {"/x/{missing}": {"get": {"responses": {}}}}}
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_every_nguon_service_is_described(built):
    """A service registered for Nguồn and absent from the families' ``OPERATIONS`` is listed
    as undescribed: describe it in src/nguon/restapi/openapi/ (docs/openapi.md)."""
    described = document.operations()
    missing = [
        f"{r.method} {r.name} ({r.scope}: {r.context}, {r.factory.__module__})"
        for r in registrations()
        if r.key not in described
    ]
    assert not missing, "services without an OpenAPI description:\n" + "\n".join(
        missing
    )
    assert not [
        (path, method)
        for path, method, operation in operations_of(built)
        if operation.get("x-nguon-undescribed")
    ]


def test_every_registration_is_a_path_of_the_document(built):
    for r in registrations():
        path = f"/{r.name}" if r.scope == "site" else f"/{{path}}/{r.name}"
        assert r.method.lower() in built["paths"].get(path, {}), (r, path)


def test_no_description_is_left_over(built):
    """Every hand-written operation still belongs to a registered service."""
    registered = {r.key for r in registrations()}
    assert not set(document.operations()) - registered


def test_a_new_service_would_be_listed(built, monkeypatch):
    """The paths come from the registry: a registration the families do not know appears,
    marked undescribed, so it cannot be forgotten silently."""
    from nguon.restapi.openapi import registry

    real = registry.registrations()
    extra = registry.Registration(
        method="GET",
        name="@not-yet-described",
        context="plone.base.interfaces.siteroot.IPloneSiteRoot",
        factory=real[0].factory,
        permission="View",
        scope="site",
    )
    monkeypatch.setattr(document, "registrations", lambda: [*real, extra])
    doc = document.build("http://nohost/plone")
    assert doc["paths"]["/@not-yet-described"]["get"]["x-nguon-undescribed"] is True
    validate(doc)


def test_every_view_the_document_names_is_registered(integration):
    portal = integration["portal"]
    request = integration["request"]
    from nguon.interfaces import INguonLayer

    alsoProvides(request, INguonLayer)
    doc = document.build(portal.absolute_url())
    named = {
        tuple(entry["x-nguon-view"])
        for entry in doc["paths"].values()
        if "x-nguon-view" in entry
    }
    assert len(named) >= 10
    for interface, name in sorted(named):

        class Stub:
            pass

        stub = Stub()
        directlyProvides(stub, resolve(interface))
        assert queryMultiAdapter((stub, request), name=name) is not None, name


def test_every_operation_has_answers_a_unique_id_and_its_family(built):
    ids = [operation["operationId"] for _p, _m, operation in operations_of(built)]
    assert len(ids) == len(set(ids))
    families = {tag["name"] for tag in built["tags"]}
    for path, method, operation in operations_of(built):
        assert operation["responses"], (path, method)
        assert operation.get("summary"), (path, method)
        assert set(operation["tags"]) <= families, (path, method, operation["tags"])


def test_anyone_reads_the_document_from_the_site(functional):
    url = functional["portal"].absolute_url()
    answer = requests.get(
        f"{url}/@openapi", headers={"Accept": "application/json"}, timeout=60
    )
    assert answer.status_code == 200, answer.text
    served = answer.json()
    assert served["servers"] == [{"url": url}]
    validate(served)
    assert "/@board-playlist" in served["paths"]
    assert "/{path}/feed.json" in served["paths"]
    plain = requests.get(f"{url}/@@openapi.json", timeout=60)
    assert plain.status_code == 200
    assert plain.headers["Content-Type"].startswith("application/json")
    assert plain.json() == served
