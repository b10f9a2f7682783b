"""People and places of the end-to-end tests: REST sessions, unit URLs, and a commune of
Quảng Trị without demo items of its own, given an admin, an editor and an approver through
plone.restapi as a site administrator would."""

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


def commune_with_users(instance):
    """A commune of Quảng Trị without demo items of its own, with an admin, an editor and an
    approver made through plone.restapi as a site administrator would."""
    admin = session("admin", "admin")
    province = unit_url(instance, "44")
    found = admin.get(
        f"{instance.url}/@search",
        params={
            "portal_type": "AdministrativeUnit",
            "unit_level": "commune",
            "path.query": province.replace(instance.url, "/Plone"),
            "path.depth": 1,
            "sort_on": "id",
            "b_size": 5,
        },
    ).json()["items"]
    commune = next(
        unit["@id"] for unit in found if not unit["@id"].endswith(("dong-hoi", "18880"))
    )
    users = {}
    for kind in ("admins", "editors", "approvers"):
        userid = f"xa.{kind}"
        password = f"mat-khau-{kind}-2026"
        created = admin.post(
            f"{instance.url}/@users",
            json={
                "username": userid,
                "email": f"{userid}@nguon.invalid",
                "password": password,
            },
        )
        assert created.status_code == 201, created.text
        added = admin.post(
            f"{commune}/@unit-members", json={"kind": kind, "user": userid}
        )
        assert added.status_code == 200, added.text
        users[kind] = session(userid, password)
    return commune, users
