"""Export the demo site and import it into a fresh site on the same database: every item,
review state, workflow history, version, group, member and Nguồn store comes back equal,
compared item by item; and a one-unit export carries that unit's subtree, groups and members.

The fresh site is a second Plone site in the layer's application (``nguon:default`` only, as
``nguon-start`` creates a site without the demo); the layer's transaction is aborted after."""

from Acquisition import aq_base
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.exportimport import run
from nguon.exportimport import state
from nguon.instance.site import BASE_PROFILES
from nguon.ledger.record import record
from plone import api
from plone.app.testing import login
from plone.app.testing import SITE_OWNER_NAME
from plone.dexterity.utils import iterSchemata
from plone.exportimport.utils.principals import export_groups
from plone.exportimport.utils.principals import export_members
from plone.namedfile.interfaces import INamedField
from Products.CMFPlone.factory import addPloneSite
from zope.annotation.interfaces import IAnnotations
from zope.component.hooks import site as active_site
from zope.schema import getFields

import hashlib
import json
import pytest


def fresh_site(app, site_id):
    return addPloneSite(
        app,
        site_id,
        extension_ids=BASE_PROFILES,
        setup_content=False,
        default_language="vi",
    )


FIELDS = (
    "title",
    "description",
    "language",
    "creators",
    "effective_date",
    "expiration_date",
    "creation_date",
    "modification_date",
)


def files(obj):
    """{field: (file name, content type, SHA-256 of the data)} of the item's file fields."""
    found = {}
    for schema in iterSchemata(obj):
        for name, field in getFields(schema).items():
            value = getattr(aq_base(obj), name, None)
            if INamedField.providedBy(field) and value is not None:
                digest = hashlib.sha256(value.data).hexdigest()
                found[name] = (value.filename, value.contentType, digest)
    return found


def versions(obj):
    """Each version's comment, author, time, and its title and text as saved."""
    repository = api.portal.get_tool("portal_repository")
    found = []
    for selector, version in enumerate(run.version_history(obj)):
        saved = aq_base(repository.retrieve(obj, selector, countPurged=False).object)
        text = getattr(getattr(saved, "text", None), "raw", None)
        del version["version_id"]
        found.append({**version, "title": saved.title, "text": text})
    return found


def snapshot(site):
    """Everything compared, by UID (the site root under its own key), read from ``site``."""
    with active_site(site):
        items = {}
        for obj in run.site_objects(site):
            uid = run._uid(obj)
            base = aq_base(obj)
            items[uid] = {
                "path": run._relative(site, obj),
                "type": obj.portal_type,
                "review_state": run.review_state(obj),
                "workflow_history": state.encode(
                    dict(getattr(base, "workflow_history", {}) or {})
                ),
                "versions": versions(obj),
                "local_roles": dict(getattr(base, "__ac_local_roles__", None) or {}),
                "fields": {name: getattr(base, name, None) for name in FIELDS},
                "text": repr(getattr(getattr(base, "text", None), "raw", None)),
                "annotations": run.nguon_annotations(obj),
                "files": files(obj),
            }
        groups = {g["groupid"]: g for g in export_groups()}
        members = {m["username"]: m for m in export_members()}
    return items, groups, members


def assert_same(expected, found, what):
    missing = sorted(set(expected) - set(found))
    assert not missing, f"{what} missing: {missing[:10]}"
    for key, value in expected.items():
        for name in value:
            assert found[key][name] == value[name], (
                f"{what} {key}: {name}: {found[key][name]} ≠ {value[name]}"
            )


def proofs_of_play(portal):
    """Board proofs of play in the ledger (the demo holds counters but no records): two for
    Vỹ Dạ (19777), one for Thuận Hóa (19786)."""
    item = api.content.find(portal_type="Bulletin", review_state="published")[0].UID
    at = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    for unit, minutes, device in (
        ("19777", 0, "b1"),
        ("19777", 5, "b1"),
        ("19786", 0, "b2"),
    ):
        assert record(
            portal,
            "board-shown",
            item,
            unit,
            device=device,
            at=at + timedelta(minutes=minutes),
            detail={"seconds": 12.5},
        )


@pytest.fixture
def demo_export(demo_integration, tmp_path):
    login(demo_integration["app"], SITE_OWNER_NAME)
    proofs_of_play(demo_integration["portal"])
    return demo_integration, tmp_path


def test_demo_site_round_trip(demo_export):
    layer, folder = demo_export
    app, portal = layer["app"], layer["portal"]
    manifest = run.export_site(portal, folder)
    items, groups, members = snapshot(portal)
    assert len(manifest["items"]) == len(items) > 100
    assert sum(len(i["versions"]) for i in items.values()) > 50
    edited = [i for i in items.values() if len({v["text"] for v in i["versions"]}) > 1]
    assert edited  # versions whose texts differ: each comes back with its own
    ledger = items[run.SITE_ROOT]["annotations"]["nguon.ledger"]
    assert ledger and len(IAnnotations(portal)["nguon.ledger"].records) == 3
    assert sum(len(item["files"]) for item in items.values()) >= 2  # audio, documents
    target = fresh_site(app, "fresh")

    assert run.import_site(target, folder) == []

    found_items, found_groups, found_members = snapshot(target)
    assert_same(items, found_items, "item")
    assert_same(groups, found_groups, "group")
    assert_same(members, found_members, "member")


def test_one_unit_subtree(demo_export):
    layer, folder = demo_export
    app, portal = layer["app"], layer["portal"]
    unit = run.unit_folder("19777")  # Phường Vỹ Dạ, under Thành phố Huế
    manifest = run.export_site(portal, folder, unit="19777")
    unit_path = run._relative(portal, unit)
    paths = {entry["path"] for entry in manifest["items"].values()}
    assert unit_path in paths and "/" not in paths
    assert all(p.startswith(unit_path) or unit_path.startswith(p) for p in paths)
    principals = json.loads((folder / "principals.json").read_text())
    assert {g["groupid"] for g in principals["groups"]} == {
        f"unit-19777-{kind}" for kind in ("editors", "approvers", "admins")
    }
    assert principals["members"]  # the commune's own editors and approvers
    target = fresh_site(app, "fresh")

    assert run.import_site(target, folder) == []

    with active_site(target):
        ledger = IAnnotations(target)["nguon.ledger"]
        source = IAnnotations(portal)["nguon.ledger"]
        for tree, position in (("records", 1), ("by_area", 0), ("counters", 0)):
            expected = {
                k: v for k, v in getattr(source, tree).items() if k[position] == "19777"
            }
            assert dict(getattr(ledger, tree).items()) == expected, tree
        assert len(ledger.records) == 2  # Vỹ Dạ's proofs of play, not Thuận Hóa's
        assert ledger.counters and ledger.by_area  # what the commune received, counted
        assert api.group.get("unit-19777-editors") is not None
        province = target.unrestrictedTraverse(unit_path.rsplit("/", 1)[0].lstrip("/"))
        province.title = "Thành phố Huế (site của tỉnh)"
        # Again, into a site that has the unit's ancestors: they stay the site's own.
        assert run.import_site(target, folder) == []
        assert province.title == "Thành phố Huế (site của tỉnh)"
        assert (
            api.group.get("unit-46-editors") is None
        )  # other units' groups stay behind
        for member in principals["members"]:
            assert api.user.get(member["username"]) is not None
