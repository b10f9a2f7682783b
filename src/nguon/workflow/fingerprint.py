"""What an approver approves: a digest of every field of the item that a reader, listener or
viewer receives, or that decides where it goes (text, files, targets, priority, channels).

Only bookkeeping fields are left out (dates of publication, keywords, language, the change
note, ...): a new field of a type is covered by default. An item keeps the digests of what
was submitted; an edit that changes any of them is a new approval
(``nguon.workflow.events.reapprove_on_change``).
"""

from hashlib import sha256
from plone.dexterity.utils import iterSchemata
from plone.namedfile.interfaces import INamedFile


BOOKKEEPING = frozenset(
    {
        "id",
        "effective",
        "expires",
        "subjects",
        "language",
        "creators",
        "contributors",
        "rights",
        "exclude_from_nav",
        "changeNote",
        "versioning_enabled",
        "allow_discussion",
        "table_of_contents",
        # Filled by the system, not by people: a radio item's duration, measured when its
        # audio is prepared (``nguon.radio.consumer``), often while the item waits.
        "duration",
        # An alert's CAP ``sent``: set when it is first published (``nguon.alerts.events``).
        "sent",
    }
)
CHUNK = 1 << 16


def _value_digest(value):
    digest = sha256()
    if INamedFile.providedBy(value):
        digest.update(
            f"{value.filename}|{value.contentType}|{value.getSize()}|".encode()
        )
        if hasattr(value, "open"):  # a blob: read it in chunks
            with value.open() as stream:
                for chunk in iter(lambda: stream.read(CHUNK), b""):
                    digest.update(chunk)
        else:
            digest.update(value.data)
    elif hasattr(value, "raw"):  # rich text
        digest.update(value.raw.encode("utf-8"))
    elif isinstance(value, (set, frozenset, list, tuple)):
        digest.update(repr(sorted(map(repr, value))).encode("utf-8"))
    else:
        digest.update(repr(value).encode("utf-8"))
    return digest.hexdigest()[:32]


def approved_fields(item):
    """Names of the fields an approver approves on ``item``."""
    names = []
    for schema in iterSchemata(item):
        names.extend(name for name in schema.names(all=True) if name not in BOOKKEEPING)
    return sorted(set(names))


def digests(item):
    """``{field name: digest}`` of what ``item`` says now."""
    return {
        name: _value_digest(getattr(item, name, None)) for name in approved_fields(item)
    }


def changed_fields(before, after):
    """Names of the fields whose digests differ between two ``digests`` results."""
    return sorted(
        name for name in set(before) | set(after) if before.get(name) != after.get(name)
    )
