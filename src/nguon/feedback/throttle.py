"""How hard the public forms make one address work, and how often one contact may report.

Two counts, both sliding windows kept in this process's memory:

- **Per address** (the client's IP address, ``client_address``; an IPv6 address counts with
  its /64 network, ``address_key``): every challenge the address asks for is counted, and
  the more it asked for lately, the more work its next challenge costs (``Throttle.work``). An address is never refused: a village behind one mobile
  carrier's address (carrier-grade NAT puts hundreds of phones behind one) shares the count,
  so the honest citizen who reports in the middle of a spammer's burst is slowed with the
  spammer, solves a costlier challenge, and is accepted. The spammer pays the same price for
  every report: a storm becomes a trickle.
- **Per contact** (a phone number or e-mail address, normalised by ``normal_contact``): a
  hard limit (``CONTACT_LIMITS``); a report beyond it is refused with ``Throttled``, which
  says when to try again (HTTP 429 with ``Retry-After``). A contact is one person, so this
  limit never falls on a neighbour.

Each Zope process counts on its own (as nginx's ``limit_req`` does per worker) and a restart
forgets: the counts only decide how much work to ask for and bound one person's reports.
What holds across processes is the proof of work itself (``nguon.feedback.challenge``): each
report costs its sender the work, whichever process answers.
"""

from collections import deque
from nguon import _
from nguon.errors import UserError

import ipaddress
import math
import re
import threading
import time


ADDRESS_WINDOW = 600.0
"""Seconds over which an address's challenges are counted (10 minutes)."""

ADDRESS_SOFT = 20
"""Challenges one address may ask for within ``ADDRESS_WINDOW`` at the base cost. A commune
office, a school or a village behind one address rarely files more than a few reports in
ten minutes; beyond this the cost rises."""

ADDRESS_STEP = 10
"""Each further ``ADDRESS_STEP`` challenges within the window double the cost."""

MAX_FACTOR = 64
"""The ceiling of the cost: ``MAX_FACTOR`` times the base (about 20 s on a cheap phone when
the base is about 0.3 s). Slow, never a refusal: a challenge solved is always accepted."""

CONTACT_LIMITS = ((3600.0, 5), (86400.0, 20))
"""Per contact: at most 5 reports in any hour and 20 in any day. More from one phone number
or e-mail address is a flood, not a citizen; the refusal says when to try again."""

TRACKED = 50_000
"""Keys remembered per window at most (the least recently seen are forgotten first), which
bounds the memory one process spends on counting (a few megabytes)."""


class Throttled(UserError):
    """A report refused because its contact sent too many; ``retry_after`` is in seconds
    (for the ``Retry-After`` header of the 429 answer). The form keeps what was typed."""

    def __init__(self, retry_after):
        self.retry_after = max(1, math.ceil(retry_after))
        minutes = math.ceil(self.retry_after / 60)
        if minutes <= 90:
            message = _(
                "feedback_throttled_minutes",
                default="Số điện thoại hoặc thư điện tử này đã gửi quá nhiều phản ánh. Vui lòng thử lại sau ${minutes} phút; nội dung bạn viết vẫn được giữ trên trang.",
                mapping={"minutes": minutes},
            )
        else:
            message = _(
                "feedback_throttled_hours",
                default="Số điện thoại hoặc thư điện tử này đã gửi quá nhiều phản ánh. Vui lòng thử lại sau ${hours} giờ; nội dung bạn viết vẫn được giữ trên trang.",
                mapping={"hours": math.ceil(minutes / 60)},
            )
        super().__init__(message)


class Window:
    """Times of events per key within the last ``seconds`` (a sliding window)."""

    def __init__(self, seconds, tracked=TRACKED):
        self.seconds, self.tracked = seconds, tracked
        self.times = {}  # key -> deque of times, the least recently seen key first

    def recent(self, key, now):
        """The key's times still inside the window (older ones dropped), moved to the end of
        the keys as the most recently seen."""
        times = self.times.pop(key, None) or deque()
        while times and times[0] <= now - self.seconds:
            times.popleft()
        self.times[key] = times
        while len(self.times) > self.tracked:
            del self.times[next(iter(self.times))]
        return times

    def free_at(self, times, limit):
        """When a window holding ``times`` (full at ``limit``) has room again."""
        return times[-limit] + self.seconds


class Limits:
    """At most ``limit`` events per key within each ``(seconds, limit)`` of ``limits``;
    ``admit`` raises ``refusal(retry_after)`` beyond them. Thread-safe."""

    def __init__(self, limits, refusal):
        self.lock = threading.Lock()
        self.windows = [(Window(seconds), limit) for seconds, limit in limits]
        self.refusal = refusal

    def admit(self, key, now=None):
        """Count an event of ``key``, or raise the refusal, which says when the fullest
        window has room again (nothing is counted)."""
        now = time.monotonic() if now is None else now
        with self.lock:
            recent = [(w, w.recent(key, now), limit) for w, limit in self.windows]
            full = [
                window.free_at(times, limit) - now
                for window, times, limit in recent
                if len(times) >= limit
            ]
            if full:
                raise self.refusal(max(full))
            for _window, times, _limit in recent:
                times.append(now)


class Throttle:
    """The counts of one process (``THROTTLE``); thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.addresses = Window(ADDRESS_WINDOW)
        self.contacts = Limits(CONTACT_LIMITS, Throttled)

    def work(self, address, now=None):
        """The factor (1 up to ``MAX_FACTOR``) by which the next challenge of ``address``
        costs more than the base, counting this challenge."""
        now = time.monotonic() if now is None else now
        with self.lock:
            times = self.addresses.recent(address_key(address), now)
            times.append(now)
            return factor(len(times))

    def admit(self, contact, now=None):
        """Count a report from ``contact`` (normalised by ``normal_contact``; an empty one is
        not limited), or raise ``Throttled`` when it would pass a limit (nothing counted)."""
        key = normal_contact(contact)
        if key:
            self.contacts.admit(key, now)


def factor(count):
    """The cost factor of an address's ``count``-th challenge within the window: 1 up to
    ``ADDRESS_SOFT``, then doubled every ``ADDRESS_STEP`` more, at most ``MAX_FACTOR``."""
    if count <= ADDRESS_SOFT:
        return 1
    doublings = math.ceil((count - ADDRESS_SOFT) / ADDRESS_STEP)
    return min(MAX_FACTOR, 2**doublings)


_NOT_DIGITS = re.compile(r"\D")


def normal_contact(contact):
    """One key per person: an e-mail address lower-cased; a Vietnamese phone number as its
    national digits (``+84 90 123 4567``, ``84901234567`` and ``0901234567`` are one)."""
    contact = (contact or "").strip().lower()
    if not contact or "@" in contact:
        return contact
    digits = _NOT_DIGITS.sub("", contact)
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits


def address_key(address):
    """What one sender holds: an IPv4 address, or the /64 network of an IPv6 address (a
    home or a phone gets a whole /64 and may use any address in it)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_address(request):
    """The client's address as Zope reads it: ``X-Forwarded-For`` is believed only from
    the proxies listed as ``trusted-proxy`` in zope.conf (ZPublisher's ``getClientAddr``)."""
    return request.getClientAddr() or "-"


THROTTLE = Throttle()
