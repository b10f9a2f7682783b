"""The site against its own OpenAPI document, with schemathesis: a real site (the tree's
functional layer and its WSGI server) serves ``GET /@openapi``; every operation anyone or a
device may call (anonymous, ``X-Board-Token``, ``X-Station-Token``) gets a few generated
requests, and every answer must be no server error, with a documented status, content type
and body shape. Bounded: ``EXAMPLES`` requests per operation, no deadline (the site's speed is
not what is tested), no example database, derandomized (the same requests every run)."""

from datetime import datetime
from datetime import UTC
from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis.errors import Unsatisfiable
from nguon.testing import TREE_PASSWORD
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance
from tests.alerts.alert_support import make_alert
from tests.alerts.alert_support import publish
from tests.search.helpers import published

import copy
import pytest
import requests
import schemathesis
import transaction


EXAMPLES = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Operations anyone may call: with a device's token, or refused without a signature or key.
DEVICE_SCHEMES = {
    "boardToken",
    "kioskSession",
    "boardPairing",
    "stationToken",
    "hubSignature",
    "open311Key",
}
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def site(tree_functional):
    """The tree site with a station, a board, a published bulletin, survey and alert, and
    the devices' tokens."""
    portal = tree_functional["portal"]
    commune = portal["vn"]["46"]["19786"]
    with api.env.adopt_user(username="19786-admins"):
        station = api.content.create(
            container=commune, type="RadioStation", title="Đài phường Thuận Hóa"
        )
        board = api.content.create(
            container=commune,
            type="PublicBoard",
            title="Bảng LED chợ Đông Ba",
            size_class="led",
            width=384,
            height=192,
            opening_start="00:00",
            opening_end="23:59",
        )
    bulletin = published(
        commune,
        "Bulletin",
        "19786-editors",
        "19786-approvers",
        title="Lịch tiêm chủng tháng 12",
        description="Trạm y tế phường tiêm chủng vào ngày 5/12.",
    )
    with api.env.adopt_user(username="46-editors"):
        survey = api.content.create(
            container=portal["vn"]["46"],
            type="Survey",
            title="Lấy ý kiến về giờ phát thanh",
            questions="Ông/bà nghe đài vào lúc nào? *\n( ) Sáng sớm\n( ) Chiều tối\n",
            answer_mode="challenge",
            category="public-services",
            target_scope="subtree",
        )
        api.content.transition(obj=survey, transition="submit")
    with api.env.adopt_user(username="46-approvers"):
        api.content.transition(obj=survey, transition="publish")
    alert = publish(make_alert())
    transaction.commit()
    admin = requests.Session()
    admin.auth = ("19786-admins", TREE_PASSWORD)
    admin.headers["Accept"] = "application/json"
    tokens = {
        "X-Station-Token": admin.post(
            f"{station.absolute_url()}/@station-credentials", timeout=60
        ).json()["token"],
        "X-Board-Token": admin.post(
            f"{board.absolute_url()}/@board-credentials", timeout=60
        ).json()["token"],
    }
    root = portal.absolute_url_path()

    def path(obj):
        return obj.absolute_url_path()[len(root) + 1 :]

    objects = {
        "nguon.content.unit.IAdministrativeUnit": path(commune),
        "nguon.content.radio_station.IRadioStation": path(station),
        "nguon.content.public_board.IPublicBoard": path(board),
        "nguon.content.survey.ISurvey": path(survey),
        "nguon.content.alert.IAlert": path(alert),
        "nguon.content.distribution.IDistributed": path(bulletin),
        "plone.dexterity.interfaces.IDexterityContent": path(bulletin),
        "Products.CMFCore.interfaces.IContentish": path(bulletin),
        "zope.interface.Interface": path(bulletin),
    }
    return {
        "url": portal.absolute_url(),
        "portal": portal,
        "tokens": tokens,
        "objects": objects,
    }


def _callable(operation):
    """Whether anyone or a device may call the operation (not only a person logged in)."""
    security = operation.get("security")
    if security is None:
        return True
    schemes = {name for requirement in security for name in requirement}
    return not security or {} in security or bool(schemes & DEVICE_SCHEMES)


def _staff_read(method, operation):
    """A GET, read as the site's administrator: those only people logged in may call, and
    the others' answers to a person who may see more (``@approval``, ``@survey-results``)."""
    return method == "get"


def _object_of(entry, operation, objects):
    """The object path the operation is called on: its context (a service's, or a path's
    that a service reads after its name) or the view's."""
    contexts = (
        operation.get("x-nguon-context") or entry.get("x-nguon-context", "")
    ).split()
    if "x-nguon-view" in entry:
        contexts = [entry["x-nguon-view"][0]]
    for context in contexts:
        if context in objects:
            return objects[context]
    return None


def exercised(doc, objects, staff=False):
    """The document with only the operations this run calls (anyone's and the devices', or
    with ``staff`` the reads of people logged in), each ``{path}`` fixed to an object of the
    right kind; and the operations left out, with why."""
    doc = copy.deepcopy(doc)
    paths, left_out = {}, []
    for path, entry in doc["paths"].items():
        kept = {}
        for method in METHODS:
            operation = entry.get(method)
            if operation is None:
                continue
            if not (_staff_read(method, operation) if staff else _callable(operation)):
                left_out.append((method, path, "not in this run"))
                continue
            if "{path}" in path:
                target = _object_of(entry, operation, objects)
                if target is None:
                    left_out.append((method, path, "no object of its kind"))
                    continue
                operation.setdefault("parameters", []).append(
                    {
                        "name": "path",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": [target]},
                    }
                )
            kept[method] = operation
        if kept:
            paths[path] = {
                **{k: v for k, v in entry.items() if k not in METHODS},
                **kept,
            }
    doc["paths"] = paths
    return doc, left_out


def _runner(operation, base_url, headers, statuses, mode, checks):
    """The hypothesis test of one operation: ``EXAMPLES`` generated requests, checked."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call_and_validate(
            base_url=base_url, headers=headers, checks=checks, timeout=60
        )
        statuses.setdefault(operation.label, set()).add(response.status_code)

    return run


def _served(site):
    return requests.get(
        f"{site['url']}/@openapi", headers={"Accept": "application/json"}, timeout=60
    ).json()


def _run(doc, site, headers_of, mode=GenerationMode.POSITIVE, checks=CHECKS):
    """Every operation of ``doc`` run; the failures and the statuses seen per operation."""
    schema = schemathesis.openapi.from_dict(doc)
    operations = [result.ok() for result in schema.get_all_operations()]
    failures, statuses = [], {}
    for operation in operations:
        run = _runner(
            operation, site["url"], headers_of(operation), statuses, mode, checks
        )
        try:
            run()
        except Unsatisfiable:  # negative data: an operation with nothing to get wrong
            if mode is GenerationMode.POSITIVE:
                raise
            statuses[operation.label] = set()
        except (Exception, BaseExceptionGroup) as error:  # every operation's failure
            failures.append(f"{operation.label}: {str(error)[:3000]}")
    assert not failures, "\n\n".join(failures)
    assert set(statuses) == {operation.label for operation in operations}
    print("\n".join(f"{label}: {sorted(found)}" for label, found in statuses.items()))
    return operations, statuses


def _device_headers(site):
    def headers_of(operation):
        security = {
            name
            for requirement in operation.definition.raw.get("security", [])
            for name in requirement
        }
        headers = {"Accept": "application/json"}
        if security & {"boardToken", "kioskSession"}:
            headers["X-Board-Token"] = site["tokens"]["X-Board-Token"]
        if "stationToken" in security:
            headers["X-Station-Token"] = site["tokens"]["X-Station-Token"]
        return headers

    return headers_of


def test_anyone_and_devices_get_what_the_document_says(site):
    doc, left_out = exercised(_served(site), site["objects"])
    operations, statuses = _run(doc, site, _device_headers(site))
    assert len(operations) >= 40, left_out
    # The devices' tokens opened their endpoints; the document itself was read.
    for label in ("GET /@board-playlist", "GET /@station-schedule", "GET /@openapi"):
        assert 200 in statuses[label], (label, statuses[label])


def test_requests_outside_the_document_are_refused_not_failed(site):
    """Negative data (wrong types, missing fields, values out of bounds) for the same
    operations: refused in the error shape, never a server error."""
    doc, _left_out = exercised(_served(site), site["objects"])
    _run(
        doc,
        site,
        _device_headers(site),
        mode=GenerationMode.NEGATIVE,
        checks=[not_a_server_error, content_type_conformance],
    )


def test_the_staff_reads_get_what_the_document_says(site):
    """Every GET as the site's administrator."""
    doc, left_out = exercised(_served(site), site["objects"], staff=True)
    admin = requests.auth._basic_auth_str(SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    operations, statuses = _run(
        doc,
        site,
        lambda operation: {"Accept": "application/json", "Authorization": admin},
    )
    assert len(operations) >= 45, left_out
    for label in (
        "GET /@cap-ingest",
        "GET /{path}/@unit-members",
        "GET /{path}/@approval",
        "GET /{path}/@survey-results",
    ):
        assert 200 in statuses[label], (label, statuses[label])


def _now():
    return datetime.now(UTC).isoformat(timespec="seconds")


def test_what_succeeds_answers_as_the_document_says(site, monkeypatch):
    """Generated data rarely gets past the checks (a solved challenge, an item the device
    played, an application's key): the writes that succeed are sent by hand, and their
    answers checked against the document as the generated ones are."""
    from nguon.feedback import apikeys
    from nguon.feedback import throttle
    from nguon.feedback.policy import load_policy
    from tests.feedback.altcha_solver import solve

    # The challenges the runs above asked for (and other modules') make this address's
    # next ones cost more: start its count afresh so the two solved here stay cheap.
    monkeypatch.setattr(
        throttle.THROTTLE, "addresses", throttle.Window(throttle.ADDRESS_WINDOW)
    )

    schema = schemathesis.openapi.from_dict(_served(site))
    portal = site["portal"]
    bulletin = portal.unrestrictedTraverse(
        site["objects"]["nguon.content.distribution.IDistributed"]
    ).UID()
    category = next(
        c
        for c in load_policy().categories
        if c.public and c.level == "commune" and not c.offered_in
    )
    _client, key = apikeys.issue(portal, "Ứng dụng thử OpenAPI")
    transaction.commit()

    def challenge():
        answer = requests.get(
            f"{site['url']}/@feedback-challenge",
            headers={"Accept": "application/json"},
            timeout=60,
        )
        return solve(answer.json())

    def call(path, method, status, headers=None, **case):
        operation = schema[path][method]
        made = operation.Case(
            headers={"Accept": "application/json", **(headers or {})}, **case
        )
        response = made.call_and_validate(
            base_url=site["url"], checks=CHECKS, timeout=60
        )
        assert response.status_code == status, (path, response.text)
        return response

    station = {"X-Station-Token": site["tokens"]["X-Station-Token"]}
    board = {"X-Board-Token": site["tokens"]["X-Board-Token"]}
    played = {"item": bulletin, "status": "finished", "at": _now(), "clusters": []}
    call("/@station-asrun", "POST", 200, station, body={"records": [played]})
    shown = {"item": bulletin, "shown_at": _now(), "seconds": 10}
    call("/@board-proof", "POST", 200, board, body={"records": [shown]})
    filed = call(
        "/@feedback",
        "POST",
        201,
        body={
            "category": category.code,
            "place": "19786",
            "text": "Đèn đường trước nhà văn hóa tổ 5 bị hỏng đã hai tuần.",
            "altcha": challenge(),
        },
    ).json()
    call("/@feedback-mine", "POST", 200, body={"code": filed["code"], "action": "view"})
    survey = site["objects"]["nguon.content.survey.ISurvey"]
    call(
        "/{path}/@survey-answer",
        "POST",
        201,
        path_parameters={"path": survey},
        body={"answers": {"q1": "1"}, "altcha": challenge()},
    )
    editor = requests.auth._basic_auth_str("46-editors", TREE_PASSWORD)
    update = call(
        "/{path}/@alert-update",
        "POST",
        201,
        {"Authorization": editor},
        path_parameters={"path": site["objects"]["nguon.content.alert.IAlert"]},
    ).json()
    assert update["msg_type"] == "Update"
    call(
        "/open311/v2/requests.{format}",
        "POST",
        201,
        path_parameters={"format": "json"},
        media_type="application/x-www-form-urlencoded",
        body={
            "api_key": key,
            "service_code": category.code,
            "address_id": "19786",
            "description": "Ổ gà lớn trước số 12 đường Lê Lợi.",
        },
    )
