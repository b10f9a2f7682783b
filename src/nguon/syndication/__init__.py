"""Syndication to commune websites: feeds and push, over the publication core.

What is published and for whom (targeting, entries, the change log and its consumer, a
unit's feed read from it) is ``nguon.publication``; this package turns it into documents and
deliveries. ``store`` here is only a legacy alias that keeps old databases loadable.

- ``query``: the parameters of a feed request;
- ``formats``: Atom (RFC 4287, RFC 5005, RFC 6721), RSS 2.0 and JSON Feed 1.1 documents.
- ``subscriptions``, ``addresses``, ``signing``, ``websub``, ``pusher``: push delivery to
  subscribers (WebSub intent verification, HMAC-SHA256 signatures, SSRF guard, retries,
  dead letters and a delivery log per subscriber).

Radio stations and public boards read the same change log through ``nguon.publication``,
never through this package.
"""
