"""Where citizens' reports live: one ``FeedbackStore`` in the site's annotations (``KEY``).

Reports are not content objects: a province receives hundreds of thousands of them, each
with a history, and what officials wait for is one page of their queue. So, like the
delivery ledger, the store is a few BTrees shaped so that every page is one range scan and
every filing touches keys that no other filing touches (BTrees' conflict resolution merges
inserts of different keys):

- ``reports``: report id -> :class:`Report`.
- ``queue``: ``(unit code, bucket, sort key, id)``: what a unit's desk lists. Buckets:
  ``open`` (handled by the unit, sorted by due date, the most urgent first), ``escalated``
  (open reports of the units below that passed their due date and were escalated to this
  unit, by due date) and ``done`` (closed, withdrawn or merged, the latest first).
- ``public``: ``(area code, received, id)`` for every unit of the place's lineage, for the
  reports the public may read (public category, not hidden, not withdrawn or merged): the
  newest first (the citizen pages, Open311).
  "The latest first" keys hold the time counted down (:func:`newest_first`), so that every
  page is read forwards from the start of its range: a BTree walks to the n-th key bucket by
  bucket, and at a million reports that walk, not the page, would cost.
- ``timers``: ``(when, kind, id)``: the SLA clock's next warnings and escalations.
- ``tokens``: sha256 of the citizen's secret code -> id (the citizen's own page).
- ``fingerprints``: ``(handler code, fingerprint)`` -> id of the first open report with that
  text (duplicate detection).
- ``tallies``: ``(unit code, bucket)`` -> how many entries the unit has in ``queue`` (the
  desk's counts without counting; :meth:`FeedbackStore.tally`).
- ``counters``: ``(unit code, figure, category, period)`` -> count, the figures of the
  statistics pages, per day (``d2026-11-30``) and month (``m2026-11``) in Vietnam's calendar,
  kept under the unit that handled the report.

Tallies and counters are ``BTrees.Length`` objects, not ints in the tree: every filing at
one unit adds to the same few keys, and two citizens filing at once would otherwise conflict
on them (a bucket cannot merge two changes of one key; a ``Length`` adds them up).

``install`` makes the store (setup handlers and the upgrade step); requests never create it.
"""

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from BTrees.OOBTree import OOTreeSet
from datetime import datetime
from datetime import UTC
from itertools import islice
from nguon.annotations import site_state
from nguon.content.timezone import LOCAL_ZONE
from persistent import Persistent
from persistent.list import PersistentList

import hashlib
import secrets


KEY = "nguon.feedback"

RECEIVED = "received"
IN_PROGRESS = "in_progress"
ANSWERING = "answering"
CLOSED = "closed"
WITHDRAWN = "withdrawn"
MERGED = "merged"
OPEN_STATES = (RECEIVED, IN_PROGRESS, ANSWERING)
DONE_STATES = (CLOSED, WITHDRAWN, MERGED)
STATES = OPEN_STATES + DONE_STATES

OPEN = "open"
ESCALATED = "escalated"
DONE = "done"
BUCKETS = (OPEN, ESCALATED, DONE)

WARN = "warn"
ESCALATE = "escalate"

# Figures counted per handling unit, category and period (``nguon.feedback.figures``).
FIGURES = (
    "received",  # filed (a merged duplicate counts once, where it was filed)
    "closed",  # answered and the answer published
    "closed_on_time",  # ... on or before its due date
    "escalated",  # passed its due date while open
    "withdrawn",  # withdrawn by its author
    "reopened",  # reopened by its author after the answer
    "rated",  # answers rated by their authors
    "rating_sum",  # the sum of those ratings (1 to 5)
    "satisfied",  # ... rated 4 or 5 stars (the share of satisfied citizens)
)

ID_DIGITS = 9


def utcnow():
    return datetime.now(UTC)


def utc(moment=None):
    """``moment`` (now by default) in UTC: the store keeps only UTC datetimes, as ZODB cannot
    pickle ``zoneinfo`` time zones."""
    return (moment or utcnow()).astimezone(UTC)


def iso(moment):
    """A sortable UTC text of an aware datetime (the keys of the indexes)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def newest_first(moment):
    """A key that sorts later moments first: microseconds left until the year 10000."""
    delta = datetime(9999, 12, 31, tzinfo=UTC) - moment.astimezone(UTC)
    return f"{delta.days:07d}{delta.seconds:05d}{delta.microseconds:06d}"


def periods(moment):
    """The day and month keys of ``moment`` in Vietnam's calendar."""
    local = moment.astimezone(LOCAL_ZONE)
    return (f"d{local:%Y-%m-%d}", f"m{local:%Y-%m}")


def token_hash(code):
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


class Report(Persistent):
    """One citizen's report.

    What the citizen gave: ``category``, ``text`` (as written; officials only), ``address``
    (as written), ``place`` (the commune's code; ``areas`` its lineage's codes), ``point`` (``(lat, lon)`` or None),
    ``photos`` (cleaned blobs: no EXIF, no GPS) and ``contact`` (``{"kind": "email"|"phone",
    "value", "verified"}`` or None; never published). What is published: ``public_text`` and
    ``public_address`` (scrubbed), the photos, the state and the answer, unless ``public`` is
    False (the category is not public, or an official hid it: ``hidden_reason``).

    Handling: ``handler`` (the unit code), ``assignee`` (a user id), ``due`` and ``warn_at``,
    ``warned``, ``escalated_to`` / ``escalated_at``, ``answer_draft`` and ``answer`` (UIDs of
    the answering item), ``closed_at``, ``rating`` / ``rating_comment``, ``reopened``
    (times), ``merged_into`` / ``followers`` (the contacts and codes of merged duplicates,
    told of every step), ``duplicate_of`` (a suspected duplicate, for the desk),
    ``history`` (every step: dicts with ``at``, ``actor``, ``action``, ``unit``, ``note``,
    ``internal``; internal notes never leave the unit).
    """

    def __init__(self, id, received, category, place, handler, text, public_text):
        self.id = id
        self.received = received
        self.category = category
        self.place = place
        self.areas = ()  # the codes of the place's lineage, top-down
        self.handler = handler
        self.text = text
        self.public_text = public_text
        self.address = ""
        self.public_address = ""
        self.point = None
        self.photos = PersistentList()
        self.contact = None
        self.public = True
        self.hidden_reason = ""
        self.state = RECEIVED
        self.assignee = None
        self.due = None
        self.warn_at = None
        self.warned = False
        self.escalated_to = None
        self.escalated_at = None
        self.answer_draft = None
        self.answer = None
        self.closed_at = None
        self.rating = None
        self.rating_comment = ""
        self.reopened = 0
        self.merged_into = None
        self.followers = PersistentList()
        self.duplicate_of = None
        self.history = PersistentList()

    @property
    def listed(self):
        """Whether the public may read the report (its scrubbed version)."""
        return self.public and self.state not in (WITHDRAWN, MERGED)

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    def overdue(self, now=None):
        return self.is_open and self.due is not None and (now or utcnow()) > self.due

    def bucket_key(self):
        """The report's key in its handler's ``queue``."""
        if self.is_open:
            return (self.handler, OPEN, iso(self.due), self.id)
        return (
            self.handler,
            DONE,
            newest_first(self.closed_at or self.received),
            self.id,
        )

    def escalation_key(self):
        """The report's key in the queue of the unit it was escalated to, while open."""
        if self.escalated_to and self.is_open:
            return (self.escalated_to, ESCALATED, iso(self.due), self.id)
        return None


class FeedbackStore(Persistent):
    def __init__(self):
        self.reports = OOBTree()
        self.queue = OOTreeSet()
        self.public = OOTreeSet()
        self.timers = OOTreeSet()
        self.tokens = OOBTree()
        self.fingerprints = OOBTree()
        self.tallies = OOBTree()
        self.counters = OOBTree()

    # -- ids and lookups -------------------------------------------------------------------

    def new_id(self):
        """A fresh report id: nine random digits, easy to read out on the phone and not
        guessable in sequence (two citizens filing at once never touch the same key)."""
        while True:
            candidate = str(
                secrets.randbelow(9 * 10 ** (ID_DIGITS - 1)) + 10 ** (ID_DIGITS - 1)
            )
            if candidate not in self.reports:
                return candidate

    def get(self, report_id):
        return self.reports.get(str(report_id))

    def by_token(self, code):
        report_id = self.tokens.get(token_hash(code)) if code else None
        return self.reports.get(report_id) if report_id else None

    # -- indexes ---------------------------------------------------------------------------

    def _tally(self, key, step):
        _add(self.tallies, (key[0], key[1]), step)

    def tally(self, unit_code, bucket):
        """How many entries the unit has in a bucket of its queue."""
        found = self.tallies.get((unit_code, bucket))
        return found() if found is not None else 0

    def unindex(self, report):
        """Take the report out of the desk's queues and the clock (before it changes)."""
        for key in (report.bucket_key(), report.escalation_key()):
            if key is not None and key in self.queue:
                self.queue.remove(key)
                self._tally(key, -1)
        for kind, moment in ((WARN, report.warn_at), (ESCALATE, report.due)):
            if moment is not None:
                self.timers.discard((iso(moment), kind, report.id))

    def index(self, report):
        """Put the report in the desk's queues and the clock as it is now."""
        for key in (report.bucket_key(), report.escalation_key()):
            if key is not None and key not in self.queue:
                self.queue.add(key)
                self._tally(key, 1)
        if report.is_open:
            if report.warn_at is not None and not report.warned:
                self.timers.add((iso(report.warn_at), WARN, report.id))
            if report.due is not None and not report.escalated_to:
                self.timers.add((iso(report.due), ESCALATE, report.id))

    def add(self, report, code):
        """Store a new report with the citizen's secret ``code`` (only its hash is kept)."""
        self.reports[report.id] = report
        self.tokens[token_hash(code)] = report.id
        self.index(report)
        self.publish(report)

    def publish(self, report):
        """List the report in the public index of every area of its place, or take it out
        when the public may no longer read it (``report.listed``)."""
        for area_code in report.areas:
            key = (area_code, newest_first(report.received), report.id)
            if report.listed:
                self.public.add(key)
            else:
                self.public.discard(key)

    # -- reading ---------------------------------------------------------------------------

    def listing(self, unit_code, bucket, start=0, size=50):
        """One page of a unit's queue bucket: ``(total, reports)``. The total comes from the
        tallies; the page is read forwards from the start of the bucket's range."""
        keys = self.queue.keys((unit_code, bucket), (unit_code, bucket, "\uffff"))
        return self.tally(unit_code, bucket), self._page(keys, start, size)

    def in_area(self, area_code, start=0, size=50):
        """One page of the public reports made in an area, the newest first, and whether
        more follow: ``(reports, more)``."""
        keys = self.public.keys((area_code,), (area_code, "\uffff"))
        found = self._page(keys, start, size + 1)
        return found[:size], len(found) > size

    def _page(self, keys, start, size):
        return [
            report
            for key in islice(keys, start, start + size)
            if (report := self.reports.get(key[-1])) is not None
        ]

    def overdue(self, unit_code, now=None):
        """How many of the unit's open reports are past their due date."""
        keys = self.queue.keys(
            (unit_code, OPEN), (unit_code, OPEN, iso(now or utcnow()))
        )
        return len(keys)

    def due_timers(self, now):
        """The clock's timers due at ``now``: ``(kind, report)`` pairs, oldest first."""
        for when, kind, report_id in list(self.timers.keys(max=(iso(now), "\uffff"))):
            report = self.reports.get(report_id)
            if report is not None:
                yield kind, report, when

    # -- figures ---------------------------------------------------------------------------

    def count(self, unit_code, figure, category, moment, step=1):
        """Add ``step`` to a figure of a unit and category at ``moment`` (day and month)."""
        if figure not in FIGURES:
            raise ValueError(f"unknown feedback figure {figure!r}")
        for period in periods(moment):
            for cat in (category, "*"):
                _add(self.counters, (unit_code, figure, cat, period), step)

    def figure(self, unit_code, figure, period, category="*"):
        found = self.counters.get((unit_code, figure, category, period))
        return found() if found is not None else 0


def _add(tree, key, step):
    """Add ``step`` to the ``Length`` under ``key`` (made at the first step)."""
    found = tree.get(key)
    if found is None:
        found = tree[key] = Length()
    found.change(step)


def install(portal):
    """The site's feedback store (idempotent)."""
    return site_state(portal, KEY, FeedbackStore, create=True)


def feedback_store(portal):
    """The site's store, or None in a site without one (requests never create it)."""
    return site_state(portal, KEY, FeedbackStore)
