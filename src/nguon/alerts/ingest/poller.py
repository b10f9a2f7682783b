"""Polling the trusted sources' Atom indexes (``index`` in ``policies/alert-sources.yaml``).

Every ``nguon.alerts.ingest_interval`` seconds (the registry; 120 by default) one Zope
process reads each source's index, fetches every entry's CAP message it has not fetched in
that version yet (an entry is known by its address and its ``updated``), and gives each to
``receive.receive``, committing after each message: a refused message is recorded and the
next one is read, a source that does not answer is recorded and the next source is read.

Several processes may serve one database; the round is claimed with the site's ``Lease``
(``nguon.outbox.lease``), as the device-health round is (``nguon.devices.watcher``).
``NGUON_OUTBOX_WORKER=0`` switches the poller off with the delivery threads;
``nguon-cap-ingest --once`` runs one round from the command line.

Fetching is bounded: http and https only (redirects too), a timeout, no more than
``nguon.cap.xml.MAX_SIZE`` bytes read of any document, and messages only from the index's
own scheme, host and port (an index is not signed: a forged one must not make the site
fetch addresses of its own network).
"""

from nguon import _
from nguon.alerts.ingest import sources as trusted
from nguon.alerts.ingest.receive import receive
from nguon.alerts.ingest.receive import Refused
from nguon.alerts.ingest.receive import vietnamese
from nguon.alerts.ingest.record import ingest_log
from nguon.cap.atom import parse_index
from nguon.cap.errors import CapError
from nguon.cap.xml import MAX_SIZE
from nguon.outbox.lease import site_lease
from nguon.outbox.lifecycle import start_thread
from nguon.outbox.thread import DeliveryThread
from persistent.mapping import PersistentMapping
from plone import api
from urllib.parse import urlsplit

import logging
import threading
import urllib.request


logger = logging.getLogger("nguon.alerts.ingest")

KEY = "nguon.alerts.ingest.poller"  # the lease of the round
INTERVAL_RECORD = "nguon.alerts.ingest_interval"
DEFAULT_INTERVAL = 120
TIMEOUT = 20  # seconds for a source to answer
AGENT = "nguon-cap-ingest"


class FetchError(OSError):
    """A document that could not be fetched, or was too large."""


class _HttpOnly(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise FetchError(f"redirect to {newurl} refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_HttpOnly)


def fetch(url):
    """The bytes at ``url`` (http or https), at most ``MAX_SIZE``; ``FetchError`` otherwise."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"not an http(s) address: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": AGENT})
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            data = response.read(MAX_SIZE + 1)
    except OSError as error:  # URLError, HTTPError, timeouts, refused connections
        raise FetchError(str(error)) from None
    if len(data) > MAX_SIZE:
        raise FetchError(f"{url}: over {MAX_SIZE} bytes")
    return data


def interval():
    return api.portal.get_registry_record(INTERVAL_RECORD, default=DEFAULT_INTERVAL)


def poll(portal, tm, known=None):
    """One round over every source with an index; (messages taken, refused)."""
    taken = refused = 0
    for source in (known or trusted.active()).polled():
        counts = poll_source(portal, source, tm, known)
        taken, refused = taken + counts[0], refused + counts[1]
    return taken, refused


def poll_source(portal, source, tm, known=None):
    """Fetch and receive the new entries of ``source``'s index; (taken, refused)."""
    log = ingest_log(portal)
    try:
        entries = parse_index(fetch(source.index), base_url=source.index)
    except (FetchError, CapError) as error:
        _unreachable(log, source, source.index, error)
        tm.commit()
        return 0, 0
    fetched = log.polled.get(source.name)
    if fetched is None:
        fetched = log.polled[source.name] = PersistentMapping()
    taken = refused = 0
    for url, updated in entries:
        version = updated.isoformat() if updated else ""
        if fetched.get(url) == version:
            continue
        if _origin(url) != _origin(source.index):
            _refuse_address(log, source, url)
            fetched[url] = version
            refused += 1
            continue
        try:
            data = fetch(url)
        except FetchError as error:  # tried again next round
            _unreachable(log, source, url, error)
            tm.commit()
            continue
        try:
            receive(portal, data, via=url, known=known)
            taken += 1
        except Refused:
            refused += 1  # recorded by receive
        fetched[url] = version
        tm.commit()
    listed = {url for url, _updated in entries}
    for url in [url for url in fetched if url not in listed]:
        del fetched[url]  # gone from the index: forget it
    tm.commit()
    return taken, refused


def _origin(url):
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


def _refuse_address(log, source, url):
    """An entry pointing away from its index's host is not fetched: an index is not signed,
    and a forged one must not make the site ask addresses of its own network."""
    reason = vietnamese(
        _(
            "cap_ingest_foreign_address",
            default="Mục ${url} của chỉ mục trỏ ra ngoài máy chủ của chỉ mục: không đọc.",
            mapping={"url": url},
        )
    )
    logger.warning("CAP source %s: %s", source.name, reason)
    log.refuse(code="foreign-address", reason=reason, via=url, source=source.name)


def _unreachable(log, source, url, error):
    reason = vietnamese(
        _(
            "cap_ingest_unreachable",
            default="Không đọc được ${url}: ${error}",
            mapping={"url": url, "error": str(error)},
        )
    )
    logger.warning("CAP source %s: %s", source.name, reason)
    log.refuse(code="unreachable", reason=reason, via=url, source=source.name)


def install(portal):
    return site_lease(portal, KEY)


class Poller(DeliveryThread):
    """The ingest thread of a Zope process: a round per site every ``interval()``, in the one
    process that holds the site's lease ``KEY``."""

    title = "CAP ingest"
    lease_key = KEY

    def __init__(self, db, poll_seconds=DEFAULT_INTERVAL):
        super().__init__(db, poll_seconds)
        self.wake = threading.Event()  # only ``stop`` sets it

    @property
    def lease_seconds(self):
        return 5 * self.poll_seconds

    def work(self, tm, site):
        self.poll_seconds = interval()
        if trusted.active().polled():
            poll(site, tm)
        return False


def start_poller(event):
    start_thread(Poller)
