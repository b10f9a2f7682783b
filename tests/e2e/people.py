"""People and places of the end-to-end tests: REST sessions, unit URLs, communes of Quảng
Trị without demo items of their own, and their members (admins, editors, approvers) made
through plone.restapi as a site administrator would."""

from nguon.demo.users import demo_password
from tests.rest import json_session

import requests


def session(user, password=None):
    return json_session(user, password or demo_password())


def unit_url(instance, code):
    found = requests.get(
        f"{instance.url}/@search",
        params={"portal_type": "AdministrativeUnit", "unit_code": code},
        headers={"Accept": "application/json"},
        timeout=30,
    ).json()
    return found["items"][0]["@id"]


def communes(instance, count=1, province="44"):
    """The first ``count`` communes (by id) of a province, Quảng Trị by default, without
    demo items of their own."""
    admin = session("admin", "admin")
    found = admin.get(
        f"{instance.url}/@search",
        params={
            "portal_type": "AdministrativeUnit",
            "unit_level": "commune",
            "path.query": unit_url(instance, province).replace(instance.url, "/Plone"),
            "path.depth": 1,
            "sort_on": "id",
            "b_size": count + 4,
        },
    ).json()["items"]
    chosen = [
        unit["@id"] for unit in found if not unit["@id"].endswith(("dong-hoi", "18880"))
    ][:count]
    assert len(chosen) == count, found
    return chosen


def member(instance, unit, kind, userid):
    """A new user ``userid`` (e-mail ``userid@nguon.invalid``) in the ``kind`` group of
    ``unit`` (admins, editors, approvers), made through plone.restapi as a site
    administrator would; their session."""
    admin = session("admin", "admin")
    password = f"mat-khau-{userid}-2026"
    created = admin.post(
        f"{instance.url}/@users",
        json={
            "username": userid,
            "email": f"{userid}@nguon.invalid",
            "password": password,
        },
    )
    assert created.status_code == 201, created.text
    added = admin.post(f"{unit}/@unit-members", json={"kind": kind, "user": userid})
    assert added.status_code == 200, added.text
    return session(userid, password)


def commune_with_users(instance):
    """A commune of Quảng Trị without demo items of its own, with an admin, an editor and an
    approver made through plone.restapi as a site administrator would."""
    [commune] = communes(instance)
    users = {
        kind: member(instance, commune, kind, f"xa.{kind}")
        for kind in ("admins", "editors", "approvers")
    }
    return commune, users
