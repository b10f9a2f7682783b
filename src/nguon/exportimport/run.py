"""Export a whole site or one unit's subtree to a folder, and import such a folder into a site.

plone.exportimport writes and reads the content (with its workflow history, local roles,
ordering and, with ``include_revisions``, the data of every earlier version), the groups and
members, redirects, relations, discussions and portlets. Nguồn adds, in ``nguon/``:

- ``manifest.json``: what was exported (format version, the unit of a subtree export) and, for
  every item, its path, type, review state, workflow history length and version count: the
  importer checks the imported site against it (``check``);
- ``annotations.json``: the ``nguon.*`` annotations of the portal and of every exported item
  (the ledger, the change log, the device reports, approval records…), written by
  ``nguon.exportimport.state`` (``SKIPPED`` lists what is not carried);
- ``versions.json``: each item's versions' comment, author and time: plone.exportimport
  exports the versions' data but imports none of it, so ``import_versions`` saves them again;
- ``registry.json`` (whole site): the registry's records; ``ledger.json`` (one unit): its part
  of the ledger, merged into the target's.

Each item's ``data.json`` also gets ``nguon.raw``: the attributes plone.exportimport changes on
the way (language, creators, dates, workflow history), set again last (``RAW_FIELDS``).

docs/exportimport.md describes the folder for importers of other vendors.
"""

from Acquisition import aq_base
from datetime import datetime
from datetime import UTC
from nguon.exportimport import state
from nguon.ledger.store import KEY as LEDGER
from nguon.ledger.store import Ledger
from nguon.units.tree import find_unit
from nguon.units.tree import group_id
from nguon.units.tree import GROUP_KINDS
from pathlib import Path
from plone import api
from plone.exportimport import settings
from plone.exportimport.exporters import get_exporter
from plone.exportimport.importers import get_importer
from plone.exportimport.interfaces import IExportImportRequestMarker
from plone.exportimport.utils import content as content_utils
from plone.exportimport.utils import relations as relation_utils
from plone.exportimport.utils import request_provides
from plone.exportimport.utils.content import get_deserializer
from plone.exportimport.utils.content import import_helpers
from plone.exportimport.utils.principals import export_groups
from plone.exportimport.utils.principals import export_members
from Products.CMFEditions.CopyModifyMergeRepositoryTool import (
    CopyModifyMergeRepositoryTool,
)
from Products.CMFEditions.utilities import dereference
from Products.CMFPlone import relationhelper
from unittest import mock
from zope.annotation.interfaces import IAnnotations
from zope.component.hooks import site as active_site

import argparse
import copy
import json
import logging
import zope.event


logger = logging.getLogger("nguon.exportimport")

FORMAT = "nguon-export"
FORMAT_VERSION = 1
FOLDER = "nguon"
PREFIX = "nguon."
# Annotations that are the running process's state, not the site's data: leases, sessions,
# one-time challenges, and the outbox's pending deliveries (drain it before exporting:
# docs/exportimport.md).
SKIPPED = frozenset(
    {
        "nguon.outbox",
        "nguon.alerts.ingest.poller",
        "nguon.syndication.pusher",
        "nguon.boards.session",
        "nguon.feedback.challenge",
    }
)
SITE_ROOT = settings.SITE_ROOT_UID
CONTENT = (
    "plone.dexterity.interfaces.IDexterityContent"  # what plone.exportimport writes
)


class ExportError(Exception):
    """Why an export or import cannot run (Vietnamese, for the operator)."""


def _dump(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")


def _read(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _uid(obj):
    return content_utils.get_uid(obj)


def _relative(site, obj):
    return (
        "/".join(obj.getPhysicalPath())[len("/".join(site.getPhysicalPath())) :] or "/"
    )


# --- what is exported ------------------------------------------------------------------


def unit_folder(code):
    unit = find_unit(code)
    if unit is None:
        raise ExportError(f"không có đơn vị mã «{code}»")
    return unit


def subtree_objects(site, unit):
    """The unit's ancestors (without their other content), the unit and all it holds."""
    catalog = api.portal.get_tool("portal_catalog")
    ancestors = []
    parent = unit.aq_parent
    while aq_base(parent) is not aq_base(site):
        ancestors.append(parent)
        parent = parent.aq_parent
    path = "/".join(unit.getPhysicalPath())
    brains = catalog.unrestrictedSearchResults(
        path=path, object_provides=CONTENT, sort_on="path"
    )
    return [site, *reversed(ancestors), *(b._unrestrictedGetObject() for b in brains)]


def site_objects(site):
    catalog = api.portal.get_tool("portal_catalog")
    path = "/".join(site.getPhysicalPath())
    brains = catalog.unrestrictedSearchResults(
        path=path,
        object_provides=CONTENT,
        sort_on="path",
    )
    found = [b._unrestrictedGetObject() for b in brains if b.getPath() != path]
    return [site, *found]


def workflow_length(obj):
    history = getattr(aq_base(obj), "workflow_history", None) or {}
    return {wf: len(entries) for wf, entries in history.items()}


def review_state(obj):
    return api.content.get_state(obj, default=None)


def version_history(obj):
    """[{version_id, comment, principal, timestamp}] oldest first, [] for an unversioned item."""
    repository = api.portal.get_tool("portal_repository")
    if not repository.isVersionable(obj):
        return []
    history = repository.getHistoryMetadata(obj)
    if not history:
        return []
    versions = []
    for selector in range(history.getLength(countPurged=False)):
        meta = history.retrieve(selector, countPurged=False)["metadata"]["sys_metadata"]
        versions.append(
            {
                "version_id": history.getVersionId(selector, countPurged=False),
                "comment": meta.get("comment", ""),
                "principal": meta.get("principal", ""),
                "timestamp": meta.get("timestamp"),
            }
        )
    return versions


def describe(site, obj):
    """What the import must give back for ``obj`` (a manifest entry)."""
    return {
        "path": _relative(site, obj),
        "type": obj.portal_type,
        "review_state": review_state(obj),
        "workflow_history": workflow_length(obj),
        "versions": len(version_history(obj)),
    }


def nguon_annotations(obj):
    annotations = IAnnotations(obj, None)
    if annotations is None:
        return {}
    return {
        key: state.encode(value, f"{_uid(obj)}:{key}/")
        for key, value in sorted(annotations.items())
        if key.startswith(PREFIX) and key not in SKIPPED
    }


RAW = "nguon.raw"
# Attributes written as they are (``state``) and set again after everything else:
# plone.exportimport writes the site's language as a placeholder and turns a language the
# site does not offer into the site's (an alert's English ``<info>``, ``en-US``, a CAP
# language, would become Vietnamese), keeps dates (and workflow histories' times) to the
# second, sets workflow histories as lists where DCWorkflow keeps tuples, and makes the
# importer the creator of items whose type has no ownership fields.
RAW_FIELDS = (
    "language",
    "creators",
    "effective_date",
    "expiration_date",
    "creation_date",
    "modification_date",
    "workflow_history",
)

RAW_INDEXES = [
    "review_state",
    "Language",
    "Creator",
    "effective",
    "expires",
    "created",
    "modified",
]


def keep_raw(data, obj, config):
    base = aq_base(obj)
    data[RAW] = {
        name: state.encode(getattr(base, name), name)
        for name in RAW_FIELDS
        if name in base.__dict__
    }
    return data


def restore_language(item, config):
    """The raw language, so that the deserializer accepts the item."""
    language = item.get(RAW, {}).get("language")
    if isinstance(language, str):
        item["language"] = language
    return item


def import_raw_fields(site, path, manifest):
    for uid, entry in manifest["items"].items():
        obj = _object(site, uid, entry)
        if obj is None:
            continue
        data = _read(
            path / "content" / settings.EXPORT_CONTENT_FILEPATH.format(UID=uid)
        )
        base = aq_base(obj)
        for name, value in data.get(RAW, {}).items():
            setattr(base, name, state.decode(value))
        obj.reindexObject(
            idxs=RAW_INDEXES
        )  # not idxs=[]: that sets the modification date


def export_site(site, path, unit=None):
    """Write the site (or the subtree of the unit with code ``unit``) to the folder ``path``;
    returns the manifest."""
    path = Path(path)
    with active_site(site), api.env.adopt_roles(["Manager"]):
        folder = unit_folder(unit) if unit else None
        path.mkdir(parents=True, exist_ok=True)
        objects = subtree_objects(site, folder) if folder else site_objects(site)
        exporter = get_exporter(site)
        options = argparse.Namespace(include_revisions=True)
        for name, one in exporter.exporters.items():
            if name == "plone.exporter.content":
                content = (
                    [obj for obj in objects if obj is not site] if folder else objects
                )
                one.all_objects = lambda content=content: iter(content)
                one.data_hooks = [keep_raw]
            elif name == "plone.exporter.principals" and folder:
                continue  # written below: only the subtree's groups and their members
            elif folder:
                continue  # relations (below), redirects, translations, discussions,
                # portlets: the whole site's
            one.export_data(path, options=options)
        if folder:
            export_subtree_principals(path, objects, folder)
            export_subtree_relations(path, objects)
            _dump(path / FOLDER / "ledger.json", ledger_part(site, objects, folder))
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "exported": datetime.now(UTC).isoformat(timespec="seconds"),
            "site": site.getId(),
            "unit": unit,
            # a unit's ancestors, written as containers: left as they are where they exist
            "ancestors": [
                _uid(obj)
                for obj in objects
                if folder and obj is not site and not _inside(obj, folder)
            ],
            "items": {
                _uid(obj): describe(site, obj)
                for obj in objects
                if not (folder and obj is site)
            },
        }
        _dump(path / FOLDER / "manifest.json", manifest)
        _dump(
            path / FOLDER / "annotations.json",
            {
                _uid(obj): found
                for obj in objects
                if not (folder and obj is site)  # the portal's stores mix every unit's
                and (found := nguon_annotations(obj))
            },
        )
        if not folder:
            _dump(path / FOLDER / "registry.json", registry_values())
        _dump(
            path / FOLDER / "versions.json",
            {
                _uid(obj): versions
                for obj in objects
                if (versions := version_history(obj))
            },
        )
    return manifest


def export_subtree_principals(path, objects, folder):
    """principals.json with the groups of the unit and the units below it, and their members
    (the ancestors written as containers keep their groups behind)."""
    _inside, codes = _subtree_codes(objects, folder)
    wanted = {group_id(code, kind) for code in codes for kind in GROUP_KINDS}
    groups = [g for g in export_groups() if g["groupid"] in wanted]
    userids = {p for g in groups for p in g["principals"]}
    members = [m for m in export_members() if m["username"] in userids]
    for member in members:
        member["groups"] = [g for g in member["groups"] if g in wanted]
    _dump(path / "principals.json", {"groups": groups, "members": members})


def export_subtree_relations(path, objects):
    """relations.json with the relations between the subtree's items only."""
    uids = {_uid(obj) for obj in objects}
    found = [
        rel
        for rel in relation_utils.get_relations()
        if rel["from_uuid"] in uids and rel["to_uuid"] in uids
    ]
    _dump(path / "relations.json", found)


def import_subtree_relations(path):
    """A unit's relations added to the site's: plone.exportimport's importer would first
    remove every relation of the site (it imports whole sites)."""
    relations_path = path / "relations.json"
    if relations_path.is_file():
        found = relation_utils._prepare_relations_to_import(_read(relations_path))
        relationhelper.restore_relations(all_relations=found)


# Records that belong to the environment the site runs in, set again at every start.
LOCAL_RECORDS = ("collective.solr.", "plone.cachepurging.")


def registry_values():
    """{record name: encoded value} for every record of the site's registry."""
    registry = api.portal.get_tool("portal_registry")
    return {
        name: state.encode(registry.records[name].value, name)
        for name in sorted(registry.records.keys())
        if not name.startswith(LOCAL_RECORDS)
    }


def import_registry(path):
    """Set the records the target site has to their exported values (the others are the
    add-ons' of the old site: listed in the log)."""
    registry_path = path / FOLDER / "registry.json"
    if not registry_path.is_file():
        return
    registry = api.portal.get_tool("portal_registry")
    for name, value in _read(registry_path).items():
        if name.startswith(LOCAL_RECORDS):
            continue
        if name not in registry.records:
            logger.info("registry record %s: not in this site, skipped", name)
            continue
        try:
            registry.records[name].value = state.decode(value)
        except Exception as error:  # a value the site's field refuses: keep the site's
            logger.warning("registry record %s: %s", name, error)


def _never_versionable(*args, **kwargs):
    return False


def _unchanged(item, obj):
    return obj


def _inside(obj, folder):
    top = folder.getPhysicalPath()
    return obj.getPhysicalPath()[: len(top)] == top


def _subtree_codes(objects, folder):
    inside = [obj for obj in objects if _inside(obj, folder)]
    codes = {getattr(aq_base(obj), "code", None) for obj in inside}
    codes.discard(None)
    return inside, codes


def ledger_part(site, objects, folder):
    """The ledger's records of a subtree: what its items must reach and reached, and what its
    units received (from any item), their areas' lists and their counters."""
    found = IAnnotations(site).get(LEDGER)
    if found is None:
        return None
    inside, codes = _subtree_codes(objects, folder)
    uids = {_uid(obj) for obj in inside}
    part = {
        "records": [
            [k, v] for k, v in found.records.items() if k[0] in uids or k[1] in codes
        ],
        "obligations": [[k, v] for k, v in found.obligations.items() if k in uids],
        "by_area": [[k, v] for k, v in found.by_area.items() if k[0] in codes],
        "counters": [[k, v] for k, v in found.counters.items() if k[0] in codes],
        "published": [[k, v] for k, v in found.published.items() if k in uids],
        "aliases": [
            [k, v] for k, v in found.aliases.items() if k in codes or v in codes
        ],
    }
    return state.encode(part, LEDGER)


def import_ledger_part(site, path):
    """Merge a subtree's ledger records into the site's ledger (created when missing)."""
    part_path = path / FOLDER / "ledger.json"
    if not part_path.is_file():
        return
    part = state.decode(_read(part_path))
    if part is None:
        return
    annotations = IAnnotations(site)
    if annotations.get(LEDGER) is None:
        annotations[LEDGER] = Ledger()
    target = annotations[LEDGER]
    for name, pairs in part.items():
        getattr(target, name).update(dict(pairs))
    forget_cached_stores(site)


# --- import -----------------------------------------------------------------------------


def read_manifest(path):
    manifest_path = Path(path) / FOLDER / "manifest.json"
    if not manifest_path.is_file():
        raise ExportError(
            f"{path} không phải thư mục xuất của Nguồn (thiếu {manifest_path})"
        )
    manifest = _read(manifest_path)
    if (
        manifest.get("format") != FORMAT
        or manifest.get("format_version") != FORMAT_VERSION
    ):
        raise ExportError(
            f"{manifest_path}: định dạng {manifest.get('format')} "
            f"{manifest.get('format_version')} không đọc được (cần {FORMAT} {FORMAT_VERSION})"
        )
    return manifest


def import_site(site, path, commit=False):
    """Import the folder ``path`` into ``site``; returns the differences with the manifest
    (``check``): an empty list when every item came back as it was exported.

    ``commit``: plone.exportimport's intermediate commits (a command on a real database);
    without it nothing is committed (tests, or a caller that commits)."""
    path = Path(path)
    manifest = read_manifest(path)
    with active_site(site), api.env.adopt_roles(["Manager"]):
        importer = get_importer(site)
        if manifest["unit"]:
            del importer.importers["plone.importer.relations"]
        for name, one in importer.importers.items():
            one.intermediate_commits = commit
            if name == "plone.importer.content":
                one.data_hooks = [restore_language]
        import_registry(path)
        kept = existing_ancestors(site, manifest)
        if kept:
            content = importer.importers["plone.importer.content"]
            content.all_objects = _without(content.all_objects, kept)
        # Versions are saved by import_versions alone (editing and transitions save some);
        # no transitions: Nguồn's guards ask who approves in which unit, and the workflow
        # history set as exported says the state (import_raw_fields).
        with (
            mock.patch.object(
                CopyModifyMergeRepositoryTool, "isVersionable", _never_versionable
            ),
            mock.patch.object(import_helpers, "update_review_state", _unchanged),
        ):
            report = importer.import_site(path)
        for line in report:
            logger.info(line)
        if manifest["unit"]:
            import_subtree_relations(path)
        import_members_without_email(path)
        import_versions(site, path, manifest)
        import_annotations(site, path, manifest)
        import_ledger_part(site, path)
        import_local_roles(site, path, manifest)
        import_raw_fields(site, path, manifest)
        api.portal.get_tool("portal_workflow").updateRoleMappings()
        return check(site, manifest)


def _object(site, uid, entry=None):
    obj = content_utils.object_from_uid(uid)
    if obj is None and entry is not None:
        obj = site.unrestrictedTraverse(entry["path"].lstrip("/"), None)
    return obj


def existing_ancestors(site, manifest):
    """The UIDs of a unit's ancestors that the site has at their path: the import leaves them
    (their fields, roles, history and UID are the site's), and the manifest's check too."""
    kept = set()
    for uid in manifest.get("ancestors", ()):
        entry = manifest["items"][uid]
        if site.unrestrictedTraverse(entry["path"].lstrip("/"), None) is not None:
            kept.add(uid)
    for uid in kept:
        del manifest["items"][uid]
    return kept


def _without(all_objects, kept):
    def filtered():
        for data in all_objects():
            if data.get("UID") not in kept:
                yield data

    return filtered


def import_members_without_email(path):
    """The members plone.exportimport skips because they have no e-mail address."""
    principals = path / "principals.json"
    if not principals.is_file():
        return
    acl_users = api.portal.get_tool("acl_users")
    for item in _read(principals).get("members", []):
        userid = item["username"]
        if item.get("email") or api.user.get(username=userid) is not None:
            continue
        acl_users.source_users.doAddUser(userid, item["password"])
        login = item.get("login_name")
        if login and login != userid:
            acl_users.updateLoginName(userid, login)
        member = api.user.get(username=userid)
        properties = {
            k: v
            for k, v in item.items()
            if k not in ("username", "password", "login_name", "roles", "groups")
            and v is not None
        }
        member.setMemberProperties(properties)
        if item.get("roles"):
            api.user.grant_roles(username=userid, roles=item["roles"])
        for group in item.get("groups", []):
            api.group.add_user(groupname=group, username=userid)
        logger.info("member %s (no e-mail address) imported", userid)


def import_local_roles(site, path, manifest):
    """Each item's local roles exactly as exported: plone.exportimport adds them to those of
    the one who imports (who would own every item)."""
    metadata = _read(path / "content" / "__metadata__.json").get("local_roles", {})
    for uid, entry in manifest["items"].items():
        obj = _object(site, uid, entry)
        if obj is None or obj is site:
            continue
        exported = metadata.get(uid, {}).get("local_roles", {})
        roles = {principal: list(found) for principal, found in exported.items()}
        if roles != (getattr(aq_base(obj), "__ac_local_roles__", None) or {}):
            obj.__ac_local_roles__ = roles
            obj.reindexObjectSecurity()


def import_annotations(site, path, manifest):
    data = _read(path / FOLDER / "annotations.json")
    for uid, found in data.items():
        if uid not in manifest["items"]:
            continue  # an ancestor the site has
        obj = _object(site, uid)
        if obj is None:
            logger.warning("annotations of %s: no such item", uid)
            continue
        annotations = IAnnotations(obj)
        for key, value in found.items():
            annotations[key] = state.decode(value)
    forget_cached_stores(site)


def forget_cached_stores(site):
    """The stores a site keeps at hand for its connection (``_v_nguon_ledger``…) are the
    replaced ones: they are looked up again."""
    base = aq_base(site)
    for name in [n for n in vars(base) if n.startswith("_v_nguon")]:
        delattr(base, name)


def import_versions(site, path, manifest):
    """Save each item's earlier versions again from their exported data, oldest first, then
    the current data as the last version; each version gets back its comment, author and
    time."""
    versions = _read(path / FOLDER / "versions.json")
    repository = api.portal.get_tool("portal_repository")
    for uid, history in versions.items():
        if uid not in manifest["items"]:
            continue  # an ancestor the site has
        obj = _object(site, uid, manifest["items"].get(uid))
        if obj is None:
            logger.warning("versions of %s: no such item", uid)
            continue
        existing = [_without_id(v) for v in version_history(obj)]
        if existing == [_without_id(v) for v in history]:
            continue  # imported before: its versions are there
        if existing:
            logger.warning(
                "versions of %s: %d versions already there, the exported ones follow them",
                uid,
                len(existing),
            )
        data = _read(
            path / "content" / settings.EXPORT_CONTENT_FILEPATH.format(UID=uid)
        )
        earlier = data.get("exportimport.versions", {})
        for version in history:
            vid = str(version["version_id"])
            if vid in earlier:
                _apply(obj, earlier[vid], path)
            else:
                _apply(obj, data, path)
            repository.save(obj, comment=version["comment"])
        _apply(obj, data, path)
        _restore_metadata(repository, obj, history)


def _without_id(version):
    return {k: v for k, v in version.items() if k != "version_id"}


def _apply(obj, data, path):
    """Set the fields of ``data`` on ``obj`` without events (editing a published item would
    take it back to approval); the final importer and ``updateRoleMappings`` reindex."""
    payload = {
        k: copy.deepcopy(
            v
        )  # the file deserializer takes its blob_path out of the value
        for k, v in data.items()
        if not k.startswith(("@", "exportimport.")) and k not in ("workflow_history",)
    }
    request = obj.REQUEST
    request[settings.IMPORT_PATH_KEY] = (
        path / "content"
    )  # files: content/<UID>/<field>/…
    deserializer = get_deserializer(obj, request)
    with (
        request_provides(request, IExportImportRequestMarker),
        mock.patch.object(zope.event, "subscribers", []),
    ):
        deserializer(validate_all=False, data=payload)


def _restore_metadata(repository, obj, history):
    storage = api.portal.get_tool("portal_historiesstorage")
    shadow = storage._getShadowHistory(_history_id(obj), autoAdd=False)
    saved = list(shadow._available)[-len(history) :]
    for version_id, version in zip(saved, history, strict=True):
        entry = shadow._full[version_id]
        entry["metadata"]["sys_metadata"]["principal"] = version["principal"]
        entry["metadata"]["sys_metadata"]["timestamp"] = version["timestamp"]
        shadow._full[version_id] = entry
    shadow._p_changed = True


def _history_id(obj):
    return dereference(obj)[1]


# --- the check --------------------------------------------------------------------------


def check(site, manifest):
    """Lines saying how the site differs from the manifest's items ([] when it does not)."""
    differences = []
    for uid, expected in manifest["items"].items():
        obj = _object(site, uid, expected)
        if obj is None:
            differences.append(f"{expected['path']}: thiếu")
            continue
        found = describe(site, obj)
        for name, value in expected.items():
            if found[name] != value:
                differences.append(
                    f"{expected['path']}: {name} {found[name]!r} ≠ {value!r}"
                )
    return differences
