"""Ledger figures up: a province's counters roll up to central over the link, so central's
statistics cover every connected province (docs/federation.md).

**On the province** (``send``): the ledger counters (``nguon.ledger.counters``: unit, figure,
dimension, day or month -> n) of every unit in the link's unit's area whose value central has
not taken yet are POSTed to ``<central>/@federation-figures``, signed like a push
(``upward.post``): ``{"subscription", "sent", "figures": [[unit, figure, dimension, period,
n], ...]}``, at most ``BATCH`` per request, the link's unit named by central's code for it.
Values are absolute, never increments: a body sent twice, or one whose answer was lost and is
sent again, changes nothing. The first round sends the whole history; later rounds look at
the periods from the first day of the previous month on (``since``), where late device
reports still land, and send what changed.

**On central** (``take``): the subscription must exist, its secret verify the body and
``sent`` lie within the window (``inbox.sender``); every unit named must be the
subscription's unit or one under it on central (a province never writes another's figures);
figures, dimensions and periods must have the counters' shape. Nothing of a refused body is
stored. What is taken goes to the ledger's ``rolled_up`` counters, and from then on every
unit of the subscription's area is read from those on central (``nguon.ledger.counters.tree``;
a unit the province counted nothing for reads zero): the province did the delivering there,
central's own counters for those units (the pairs its obligations required, the
acknowledgements it received) are left aside rather than counted twice.
"""

from BTrees.OIBTree import OIBTree
from BTrees.OOBTree import OOBTree
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon import _
from nguon.federation import upward
from nguon.federation.inbox import envelope
from nguon.federation.inbox import MALFORMED
from nguon.federation.inbox import Refused
from nguon.federation.inbox import sender
from nguon.ledger.counters import local_day
from nguon.ledger.store import install
from nguon.ledger.store import ledger
from nguon.ledger.units import area_codes
from zope.i18nmessageid import Message

import re
import time


BATCH = 5000  # counters in one request
MAX_VALUE = 2**31 - 1  # what a counter holds (``OIBTree``)
PERIOD = re.compile(r"^(d\d{4}-\d{2}-\d{2}|m\d{4}-\d{2})$")
NAME = re.compile(r"^[a-z0-9_:.-]{0,64}$")
OUTSIDE = _(
    "federation_error_figures_unit",
    default="Số liệu của đơn vị ${unit} không thuộc địa bàn của đăng ký này; không nhận.",
)
TOO_MANY = _(
    "federation_error_figures_batch",
    default="Mỗi lần gửi tối đa ${batch} số liệu.",
)


# -- the province ---------------------------------------------------------------------


def since(today):
    """The first day of the month before ``today``'s: periods from there on are looked at
    again in every round (late reports of devices land in them)."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def _recent(period, start):
    kind, value = period[0], period[1:]
    return value >= (start.isoformat() if kind == "d" else f"{start:%Y-%m}")


def changed(store, codes, sent, start=None):
    """``[(key, n)]``: the counters of units ``codes`` whose value differs from ``sent``
    (what central took), only periods from ``start`` on (a date; None: every period)."""
    found = []
    for code in codes:
        for key, value in store.counters.items(
            min=(code,), max=(code + "\x00",), excludemax=True
        ):
            if start is not None and not _recent(key[3], start):
                continue
            if sent.get(key) != value:
                found.append((key, value))
    return found


def send(portal, link, now=None):
    """POST the figures of the link's area that central has not taken; returns how many it
    took. Raises ``outbound.CallFailed`` or ``UserError`` (the address)."""
    store = ledger(portal)
    if store is None:
        return 0
    now = now or time.time()
    first = link.figures_sent is None
    if first:
        link.figures_sent = OIBTree()
    start = None if first else since(local_day(datetime.fromtimestamp(now, UTC)))
    found = changed(
        store, area_codes(link.local_unit, portal), link.figures_sent, start
    )
    taken = 0
    for offset in range(0, len(found), BATCH):
        batch = found[offset : offset + BATCH]
        status = upward.post(
            link,
            "@federation-figures",
            {
                "figures": [
                    [link.unit_code if code == link.local_unit else code, *rest, value]
                    for (code, *rest), value in batch
                ]
            },
            now,
        )
        if status != 200:
            link.note(status="figures-failed", code=status)
            break
        for key, value in batch:
            link.figures_sent[key] = value
        taken += len(batch)
    if taken:
        link.note(status="figures-sent", figures=taken)
    return taken


# -- central --------------------------------------------------------------------------


def _figure(entry):
    """``(key, n)`` of one sent figure, or ValueError when it has not the counters' shape."""
    code, figure, dimension, period, value = entry
    if not all(isinstance(part, str) for part in (code, figure, dimension, period)):
        raise ValueError(entry)
    if not (NAME.match(figure) and NAME.match(dimension) and PERIOD.match(period)):
        raise ValueError(entry)
    kind, day = period[0], period[1:]
    date.fromisoformat(day if kind == "d" else f"{day}-01")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(entry)
    if not 0 <= value <= MAX_VALUE or not code or len(code) > 64:
        raise ValueError(entry)
    return (code, figure, dimension, period), value


def take(portal, body, signature, now=None):
    """Keep a province's figures; returns ``{"stored": n}`` (n: values that changed) or
    raises ``inbox.Refused``."""
    now = now if now is not None else time.time()
    try:
        data, sid, sent = envelope(body)
        entries = data["figures"]
        if not isinstance(entries, list):
            raise ValueError(entries)
        if len(entries) > BATCH:
            raise Refused(400, Message(TOO_MANY, mapping={"batch": BATCH}))
        figures = [_figure(entry) for entry in entries]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise Refused(400, MALFORMED) from None
    subscription = sender(portal, sid, sent, body, signature, now)
    area = set(area_codes(subscription.unit_code, portal))
    for (code, *_rest), _value in figures:
        if code not in area:
            raise Refused(403, Message(OUTSIDE, mapping={"unit": code}))
    store = install(portal)
    if store.rolled_up is None:
        store.rolled_up, store.rolled_up_from = OIBTree(), OOBTree()
    for code in area:
        if store.rolled_up_from.get(code) != sid:
            store.rolled_up_from[code] = sid
    stored = 0
    for key, value in figures:
        if store.rolled_up.get(key) != value:
            store.rolled_up[key] = value
            stored += 1
    return {"stored": stored}
