"""Nguồn's stores as JSON: the annotations that plone.exportimport does not carry.

The ledger, the change log, the device reports, the citizens' reports, the approval records on
items… are persistent objects, BTrees and plain values kept in annotations (``nguon.*`` keys).
``encode`` writes any of them as JSON that names every type it holds, and ``decode`` builds
the same structure again, so an export carries them whole and an importer of another vendor can
read them from docs/exportimport.md:

- ``null``, booleans, numbers, strings and lists are themselves;
- ``{"@dict": [[key, value], …]}`` a dict (keys may be tuples or numbers, hence pairs),
  sorted by key;
- ``{"@tuple": […]}``, ``{"@set": […]}``, ``{"@frozenset": […]}``, ``{"@bytes": "<base64>"}``;
- ``{"@datetime": "<ISO 8601>"}``, ``{"@date": …}``, ``{"@DateTime": …, "zone": "UTC"}`` (Zope's,
  with the name of its zone);
- ``{"@class": "module.Name", "items": [[key, value], …]}`` a mapping type (BTrees, persistent
  mappings), ``{"@class": …, "keys": […]}`` a BTrees set, ``{"@class": …, "list": […]}`` a
  persistent list, ``{"@class": "BTrees.Length.Length", "value": n}``;
- ``{"@class": "module.Name", "state": {…}}`` any other object: its class and attributes.

A value of a type not listed raises ``TypeError`` naming where it is, so nothing is dropped
silently.
"""

from BTrees.Length import Length
from DateTime import DateTime
from importlib import import_module
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping

import base64
import datetime


def class_name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def find_class(name):
    module, _, qualname = name.rpartition(".")
    return getattr(import_module(module), qualname)


def _is_btree(value):
    return type(value).__module__.startswith("BTrees.")


def encode(value, where="/"):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list) and type(value) is list:
        return [encode(v, where) for v in value]
    if type(value) is tuple:
        return {"@tuple": [encode(v, where) for v in value]}
    if type(value) is dict:
        return {"@dict": _pairs(value, where)}
    if isinstance(value, (set, frozenset)):
        tag = "@set" if type(value) is set else "@frozenset"
        return {tag: sorted((encode(v, where) for v in value), key=repr)}
    if isinstance(value, bytes):
        return {"@bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime.datetime):
        return {"@datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"@date": value.isoformat()}
    if isinstance(value, DateTime):
        return {"@DateTime": value.asdatetime().isoformat(), "zone": value.timezone()}
    name = class_name(type(value))
    if isinstance(value, Length):
        return {"@class": name, "value": value()}
    if isinstance(value, PersistentMapping) or (
        _is_btree(value) and hasattr(value, "items")
    ):
        items = [
            [encode(k, where), encode(v, f"{where}{k}/")] for k, v in value.items()
        ]
        return {"@class": name, "items": items}
    if _is_btree(value) and hasattr(value, "keys"):
        return {"@class": name, "keys": [encode(k, where) for k in value.keys()]}
    if isinstance(value, PersistentList):
        return {"@class": name, "list": [encode(v, where) for v in value]}
    state = getattr(value, "__dict__", None)
    if state is not None and not _is_btree(value):
        return {
            "@class": name,
            "state": {
                k: encode(v, f"{where}{k}/")
                for k, v in sorted(state.items())
                if not k.startswith(("_v_", "_p_"))  # volatile: not the object's data
            },
        }
    raise TypeError(f"nguon.exportimport: không ghi được {name} tại {where}")


def _pairs(mapping, where):
    """[[key, value], …] in key order (by ``repr`` where keys of several types mix)."""
    pairs = [[encode(k, where), encode(v, f"{where}{k}/")] for k, v in mapping.items()]
    return sorted(pairs, key=lambda pair: repr(pair[0]))


def decode(data):
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "@tuple" in data:
        return tuple(decode(v) for v in data["@tuple"])
    if "@dict" in data:
        return {decode(k): decode(v) for k, v in data["@dict"]}
    if "@set" in data:
        return {decode(v) for v in data["@set"]}
    if "@frozenset" in data:
        return frozenset(decode(v) for v in data["@frozenset"])
    if "@bytes" in data:
        return base64.b64decode(data["@bytes"])
    if "@datetime" in data:
        return datetime.datetime.fromisoformat(data["@datetime"])
    if "@date" in data:
        return datetime.date.fromisoformat(data["@date"])
    if "@DateTime" in data:
        return DateTime(data["@DateTime"]).toZone(data["zone"])
    cls = find_class(data["@class"])
    if "value" in data:
        return cls(data["value"])
    if "items" in data:
        made = cls()
        made.update({decode(k): decode(v) for k, v in data["items"]})
        return made
    if "keys" in data:
        return cls([decode(k) for k in data["keys"]])
    if "list" in data:
        return cls(decode(data["list"]))
    made = cls.__new__(cls)
    made.__dict__.update({k: decode(v) for k, v in data["state"].items()})
    return made
