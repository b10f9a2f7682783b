"""One delivery engine for every channel that takes published items away from the site.

- ``targeting``: which units an item reaches (its reach) and on which channels.
- ``entries``: the snapshot of a published item that leaves the site (title, links, files).
- ``store``: the change log: one sequence number per change, per-unit indexes of what is
  live now, the schedule of items that take effect or expire later.
- ``consumer``: the outbox consumer that turns committed changes into change-log events.
- ``feeds``: reading the store for one unit (current items, changes since a cursor, version).
- ``formats``: Atom (RFC 4287, RFC 5005, RFC 6721), RSS 2.0 and JSON Feed 1.1 documents.
- ``subscriptions``, ``addresses``, ``signing``, ``websub``, ``pusher``: push delivery to
  subscribers (WebSub intent verification, HMAC-SHA256 signatures, SSRF guard, retries,
  dead letters and a delivery log per subscriber).

Radio stations and public boards read the same store through their own adapters.
"""
