"""The outbox consumer ``webpush``: alerts pushed to the phones subscribed to the units they
reach (docs/webpush.md).

After every commit that changed an alert, for each one:

- **published and in force**: an Alert is pushed with ``action`` ``new``, an Update with
  ``update``, a Cancel with ``cancel`` (once per alert: the action pushed is remembered);
- **retracted** after it was pushed: ``cancel`` to the units it went to, unless a later
  message of its chain was pushed meanwhile (an Update or Cancel retracts what it follows:
  that one already replaced it, with the same ``Topic``).

The units an alert reaches are those whose lineage its deliverable reach holds
(``nguon.publication.targeting.reaches``, the rule devices use); every subscription of such
a unit gets the push, a ``Test`` or ``Exercise`` alert only the subscriptions marked for
tests. The round is sent at once by ``nguon.syndication.fanout`` (one event loop, keep-alive
connections per push service, every address checked against the allowed networks first).
A kept subscription whose endpoint is no longer on a known push service
(``nguon.webpush.push_services``) nor on the allowed networks is skipped, and kept
(``subscriptions.known``; counted as ``unknown_service`` and logged).
Each push accepted (2xx) is a ``webpush-accepted`` note in the delivery ledger (the unit,
the subscription's short hash as the device); 404 and 410 remove the subscription, and so
does a round that meets one whose browser-given ``expirationTime`` has passed (it is not
pushed to); any other failure is pushed again later (``RETRY_SECONDS`` doubling,
``ATTEMPTS`` in all) through the outbox's schedule (``due``).

**A late subscriber** (``queue_late``, called by the subscribing request): a phone that
subscribes while alerts reaching its unit are in force gets each of them, as the phones
subscribed before got it (same payload, ``Topic``, ``Urgency``, ``TTL`` = the validity
left). The request only queues the push (a ``retry`` entry with no attempt yet, and the
alert offered again to this consumer in the outbox); the consumer sends it, retries it and
notes it in the ledger like any other. A phone the ledger shows has accepted that alert's
push already (a renewed or re-made subscription of the same endpoint) gets nothing again.
"""

from DateTime import DateTime
from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.content.alert import is_alert
from nguon.content.alert import is_public
from nguon.ledger.kinds import ProofKind
from nguon.ledger.record import record
from nguon.ledger.store import ledger
from nguon.ledger.units import lineage_codes
from nguon.outbox.interfaces import IScheduledConsumer
from nguon.outbox.processor import WAKE
from nguon.outbox.storage import outbox
from nguon.publication import targeting
from nguon.publication.entries import expiry_time
from nguon.syndication import addresses
from nguon.syndication import fanout
from nguon.syndication.subscriptions import allowed_networks
from nguon.webpush import message
from nguon.webpush import subscriptions
from nguon.webpush.store import state
from nguon.workflow.state import review_state
from plone import api
from py_vapid import Vapid02
from zope.interface import implementer

import hashlib
import logging
import transaction


logger = logging.getLogger("nguon.webpush")
NAME = "webpush"
KIND = "webpush-accepted"
ACCEPTED = ProofKind(
    KIND,
    "web",
    _("proof_kind_webpush_accepted", default="Dịch vụ thông báo đã nhận cảnh báo đẩy"),
    proves=False,
    note=True,  # the push service took it; no proof that a person saw it
)
GONE = (404, 410)
RETRY_SECONDS = 30
ATTEMPTS = 5
ACTIONS = {"Alert": "new", "Update": "update", "Cancel": "cancel"}


class Push:
    """One push of a round (what ``fanout.send_all`` sends, and notes the outcome in)."""

    __slots__ = ("uid", "unit", "callback", "body", "headers", "ok", "code")
    __slots__ += ("message", "ms")

    def __init__(self, uid, unit, callback, body, headers):
        self.uid, self.unit, self.callback = uid, unit, callback
        self.body, self.headers = body, headers
        self.ok, self.code, self.message, self.ms = False, None, "", 0.0


def device(endpoint):
    """The ledger's device of a subscription: a short hash (the endpoint is a secret)."""
    return "webpush:" + hashlib.sha256(endpoint.encode("utf-8")).hexdigest()[:16]


def subject(portal):
    """VAPID's ``sub``: a mailto: of the site's e-mail address."""
    address = api.portal.get_registry_record("plone.email_from_address", default="")
    return f"mailto:{address or 'webpush@nguon.invalid'}"


def wanted_action(item, now):
    """The action an alert calls for at ``now``: pushed when published and in force."""
    if review_state(item) != "published":
        return None
    expires = expiry_time(item)
    if expires is not None and expires <= now.timestamp():
        return None
    return ACTIONS.get(getattr(item, "msg_type", "Alert") or "Alert", "new")


def receiving_units(found, item):
    """The subscribed units ``item`` reaches (codes, in order)."""
    pairs = targeting.reach(item)
    if not pairs:
        return []
    return [
        code
        for code in found.units.keys()
        if len(found.units[code]) and targeting.reaches(pairs, lineage_codes(code))
    ]


def item_url(portal, found, item):
    base = (found.site_url or portal.absolute_url()).rstrip("/")
    path = item.getPhysicalPath()[len(portal.getPhysicalPath()) :]
    return base + "/" + "/".join(path)


class Round:
    """The pushes of one delivery, built as ``fanout`` asks for them."""

    def __init__(self, portal, found, now):
        self.portal, self.found, self.now = portal, found, now
        self.plans = []  # (item, action, units, only): only = {(unit, endpoint)} or None
        self.expired = set()  # (unit, endpoint) whose expirationTime has passed
        self.skipped = 0  # pushes to endpoints no longer on a known push service
        self.services = subscriptions.push_services()
        self.networks = addresses.networks(allowed_networks())
        self.known = {}  # host (and port) -> whether it is pushed to, for this round
        self.vapid = message.Vapid(
            Vapid02.from_pem(found.private_pem.encode("ascii")), subject(portal)
        )

    def add(self, item, action, units, only=None):
        self.plans.append((item, action, tuple(units), only))

    def on_known_service(self, endpoint):
        """Whether ``endpoint`` is still on a known push service or the allowed networks
        (a subscription kept from before the list was narrowed is skipped, and kept)."""
        key = (subscriptions.host_of(endpoint), subscriptions.port_of(endpoint))
        if key not in self.known:
            self.known[key] = subscriptions.known(
                endpoint, self.services, self.networks
            )
        return self.known[key]

    def pushes(self):
        for item, action, units, only in self.plans:
            uid = item.UID()
            topic = message.topic(item)
            chain = self.found.chains.get(topic)
            tag = chain[0] if chain else uid
            url = item_url(self.portal, self.found, item)
            tests_only = not is_public(item)
            headers = {
                "TTL": str(message.ttl(item, self.now)),
                "Urgency": "high",
                "Topic": topic,
            }
            for unit in units:
                data = message.encoded(message.payload(item, action, unit, url, tag))
                for endpoint, subscription in self.found.entries(unit):
                    if only is not None and (unit, endpoint) not in only:
                        continue
                    if tests_only and not subscription.tests:
                        continue
                    if subscription.expired(self.now.timestamp()):
                        self.expired.add((unit, endpoint))
                        continue
                    if not self.on_known_service(endpoint):
                        self.skipped += 1
                        continue
                    try:
                        body, sent = message.request(
                            endpoint,
                            subscription,
                            data,
                            {**headers, "Authorization": self.vapid.header(endpoint)},
                        )
                    except Exception:  # a subscription whose keys cannot be used
                        logger.exception(
                            "cannot encrypt a push to %s", device(endpoint)
                        )
                        continue
                    yield Push(uid, unit, endpoint, body, sent)


def plan(portal, found, uids, now):
    """The round for the alerts ``uids``: what to push to whom."""
    catalog = portal.portal_catalog
    items = {
        brain.UID: brain._unrestrictedGetObject()
        for brain in catalog.unrestrictedSearchResults(UID=list(uids))
    }
    round_ = Round(portal, found, now)
    retractions = []
    for uid in uids:
        item = items.get(uid)
        if item is None or not is_alert(item):
            forget_retries(found, uid)
            continue
        action = wanted_action(item, now)
        last = found.pushed.get(uid)
        if action is None:
            # Retracted (an expired alert leaves the phones by its TTL and its page).
            if (
                last is not None
                and last[0] != "cancel"
                and review_state(item) != "published"
            ):
                retractions.append(item)
            else:
                forget_retries(found, uid)
            continue
        topic = message.topic(item)
        if last is None or last[0] != action:
            forget_retries(found, uid)
            units = receiving_units(found, item)
            round_.add(item, action, units)
            found.pushed[uid] = (action, topic)
            found.reached[uid] = tuple(units)
            first = found.chains.get(topic)
            found.chains[topic] = (first[0] if first else uid, uid)
        else:
            only = still_to_push(portal, found, uid)
            if only:
                units = sorted({unit for unit, _e in only})
                round_.add(item, action, units, only)
                reached = found.reached.get(uid, ())
                if not set(units) <= set(reached):  # a retraction cancels there too
                    found.reached[uid] = tuple(reached) + tuple(
                        unit for unit in units if unit not in reached
                    )
    for item in retractions:  # after what was published: a follow-up replaced them
        uid = item.UID()
        topic = found.pushed[uid][1]
        chain = found.chains.get(topic)
        found.pushed[uid] = ("cancel", topic)
        forget_retries(found, uid)
        if chain is not None and chain[1] != uid:
            continue  # a later message of the chain was pushed: it replaced this one
        round_.add(item, "cancel", found.reached.get(uid, ()))
    return round_


def accepted_devices(portal, uid, unit):
    """The devices (``device``) whose push of ``uid`` to ``unit`` the ledger holds."""
    store = ledger(portal)
    if store is None:
        return set()
    return {
        key[4]
        for key in store.records.keys(
            min=(uid, unit, ACCEPTED.channel),
            max=(uid, unit, ACCEPTED.channel, "\uffff"),
        )
        if key[5] == KIND
    }


def still_to_push(portal, found, uid):
    """The ``(unit, endpoint)`` whose push of ``uid`` is still to send (``retry``), less
    those no longer subscribed and, of those not tried yet (a late subscriber's), those the
    ledger shows accepted already (all forgotten)."""
    only, devices = set(), {}
    for key, attempts in list(
        found.retry.items(min=(uid,), max=(uid, "\uffff"), excludemax=True)
    ):
        _uid, unit, endpoint = key
        if not found.has(unit, endpoint):
            del found.retry[key]
            continue
        if not attempts:
            if unit not in devices:
                devices[unit] = accepted_devices(portal, uid, unit)
            if device(endpoint) in devices[unit]:
                del found.retry[key]
                continue
        only.add((unit, endpoint))
    return only


def in_force_for(portal, code, now):
    """The public alerts in force that reach the unit ``code`` and call for a push of
    their own (an Alert or an Update; a Cancel shows nothing to a phone that never had the
    alert): what a phone subscribing to the unit now is sent (``queue_late``)."""
    lineage = lineage_codes(code)
    catalog = portal.portal_catalog
    found = []
    for brain in catalog.unrestrictedSearchResults(
        portal_type="Alert",
        review_state="published",
        expires={"query": DateTime(now.timestamp()), "range": "min"},
    ):
        item = brain._unrestrictedGetObject()
        if (
            is_public(item)
            and wanted_action(item, now) in ("new", "update")
            and targeting.reaches(targeting.reach(item), lineage)
        ):
            found.append(item)
    return found


def queue_late(portal, found, code, endpoint, now=None):
    """Queue for the consumer the push of every alert in force for the unit ``code`` to a
    subscription just made there (see the module); returns the alerts' UIDs. Nothing is
    sent here: the consumer's thread sends after the request's commit."""
    now = now or datetime.now(UTC)
    alerts = in_force_for(portal, code, now)
    if not alerts:
        return []
    box = outbox(portal)
    for item in alerts:
        uid = item.UID()
        if (uid, code, endpoint) not in found.retry:
            found.retry[(uid, code, endpoint)] = 0  # no attempt yet
        if box is not None:
            box.pending_set(NAME).record(uid, "/".join(item.getPhysicalPath()))
        else:  # offered at the consumer's next round
            found.wake(uid, now.timestamp())
    transaction.get().addAfterCommitHook(_wake)
    return [item.UID() for item in alerts]


def _wake(committed):
    if committed:
        WAKE.set()


def forget_retries(found, uid):
    for key in list(found.retry.keys(min=(uid,), max=(uid, "\uffff"), excludemax=True)):
        del found.retry[key]


def settle(portal, found, pushes, now):
    """Note each outcome: the ledger's note, pruning, retries. Returns counts by outcome."""
    counts = {"accepted": 0, "gone": 0, "failed": 0}
    for push in pushes:
        key = (push.uid, push.unit, push.callback)
        if push.ok:
            counts["accepted"] += 1
            found.retry.pop(key, None)
            record(
                portal,
                KIND,
                push.uid,
                push.unit,
                device=device(push.callback),
                at=now,
                detail={"status": push.code},
            )
        elif push.code in GONE:
            counts["gone"] += 1
            found.retry.pop(key, None)
            found.unsubscribe(push.unit, push.callback)
        else:
            counts["failed"] += 1
            attempts = found.retry.get(key, 0) + 1
            if attempts >= ATTEMPTS:
                found.retry.pop(key, None)
                logger.warning(
                    "push of %s to %s given up: %s",
                    push.uid,
                    device(push.callback),
                    push.message,
                )
                continue
            found.retry[key] = attempts
            found.wake(push.uid, now.timestamp() + RETRY_SECONDS * 2 ** (attempts - 1))
    return counts


def push(portal, uids, now=None, **options):
    """Push what the alerts ``uids`` call for; returns ``(pushes, counts)``. ``options``
    go to ``fanout.send_all`` (``connections``, ``per_host``, ``timeout``)."""
    now = now or datetime.now(UTC)
    found = state(portal)
    round_ = plan(portal, found, uids, now)
    pushes = fanout.send_all(
        round_.pushes(),
        tuple(allowed_networks()),
        translate=lambda error: "address refused",
        **options,
    )
    counts = settle(portal, found, pushes, now)
    for unit, endpoint in round_.expired:  # the browser said when it ends: it has
        found.unsubscribe(unit, endpoint)
    counts["expired"] = len(round_.expired)
    if round_.skipped:
        counts["unknown_service"] = round_.skipped
        logger.warning(
            "%d push(es) skipped: endpoint not on a known push service "
            "(nguon.webpush.push_services)",
            round_.skipped,
        )
    return pushes, counts


@implementer(IScheduledConsumer)
class WebPushConsumer:
    """The outbox consumer ``webpush`` (see the module's docstring)."""

    title = "Web Push of alerts"

    def active(self, portal):
        return state(portal) is not None

    def wants(self, obj):
        return is_alert(obj)

    def due(self, portal, now=None):
        found = state(portal)
        moment = now.timestamp() if now else datetime.now(UTC).timestamp()
        return found.due(moment) if found is not None else []

    def deliver(self, portal, uids):
        pushes, counts = push(portal, uids)
        if pushes:
            logger.info("web push of %d alert(s): %s", len(uids), counts)
        return {}
