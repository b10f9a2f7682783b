"""The file of a received item: a legal document's text, a radio programme's audio.

A central item whose feed entry has the file its type carries (``FIELDS``: the attachment
whose address ends in ``@@download/<field>``, on central's own host) waits for it: the copy
is created and submitted, and the file is noted in ``link.files``. ``fetch`` (the catch-up
thread's round, or ``@federation-links/<id>/catch-up``) GETs each noted file from central
through ``syndication.outbound`` (SSRF-checked, no redirects, at most the type's size
limit), sets it on the copy and only then publishes it at once, or leaves it to the
province's approvers, as the policy said. A file that cannot be fetched stays noted (its
failures counted in the link's log) and is tried again next round. The inbox itself never
waits for a file: central's pusher gives an answer ``fanout.TIMEOUT`` seconds.
"""

from nguon.content.validation import AUDIO_MAX_MB
from nguon.content.validation import DOCUMENT_MAX_MB
from nguon.federation.acting import as_link
from nguon.syndication import outbound
from nguon.syndication.subscriptions import allowed_networks
from plone.app.uuid.utils import uuidToObject
from plone.namedfile.file import NamedBlobFile
from urllib.parse import urlsplit
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

import logging


logger = logging.getLogger("nguon.federation")
FIELDS = {
    "LegalDocument": ("file", DOCUMENT_MAX_MB),
    "RadioItem": ("audio", AUDIO_MAX_MB),
}
PER_ROUND = 20
MISSING = 3
TIMEOUT = 60


def wanted(link, portal_type, item):
    """The file central's entry offers for the type's field, or None."""
    field, limit = FIELDS.get(portal_type, (None, 0))
    if field is None:
        return None
    central = urlsplit(link.topic)
    for attachment in item.get("attachments") or ():
        url = attachment.get("url") or ""
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != (central.scheme, central.netloc):
            continue  # only central's own files
        if parts.path.endswith(f"/@@download/{field}"):
            return {
                "field": field,
                "url": url,
                "mime_type": str(attachment.get("mime_type") or "")[:100],
                "filename": str(attachment.get("title") or field)[:200],
                "limit": limit * 1024 * 1024,
            }
    return None


def fetch(portal, link, through_chain, comment="", limit=PER_ROUND):
    """Fetch the noted files (at most ``limit``), set each on its copy and publish or
    submit it as noted; returns how many were set. ``through_chain(obj, publish,
    comment)``: the chain runner of ``apply`` (acting as the link)."""
    done = 0
    for local_uid in list(link.files.keys())[:limit]:
        wish = dict(link.files[local_uid])
        obj = uuidToObject(local_uid, unrestricted=True)
        if obj is None:
            # Deleted, or made by this very transaction and not in the catalog yet: a
            # thread's catalog queue is not flushed while another thread flushes its own
            # (``Products.CMFCore.indexing.processing`` is one set for every thread). Tried
            # again next round; dropped when missing ``MISSING`` rounds running.
            missing = wish.get("missing", 0) + 1
            if missing >= MISSING:
                del link.files[local_uid]
            else:
                link.files[local_uid] = {**wish, "missing": missing}
            continue
        try:
            answer = outbound.call(
                "GET",
                wish["url"],
                tuple(allowed_networks()),
                timeout=TIMEOUT,
                read=wish["limit"] + 1,
            )
        except (outbound.CallFailed, ValueError) as error:
            link.note(status="file-failed", item=local_uid, message=str(error)[:200])
            continue
        if answer.status != 200 or len(answer.body) > wish["limit"]:
            link.note(status="file-failed", item=local_uid, code=answer.status)
            continue
        with as_link(link):
            setattr(
                obj,
                wish["field"],
                NamedBlobFile(
                    data=answer.body,
                    contentType=wish["mime_type"] or "application/octet-stream",
                    filename=wish["filename"],
                ),
            )
            notify(ObjectModifiedEvent(obj))
            obj.reindexObject()
            through_chain(obj, wish["publish"], comment or wish.get("comment", ""))
        del link.files[local_uid]
        link.note(status="file", item=local_uid, size=len(answer.body))
        done += 1
    return done
