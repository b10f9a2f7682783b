"""Receiving CAP 1.2 alerts from other systems (a national hydro-meteorological service, a
province's own alerting system): the trusted sources as data (``sources``); one message
checked and turned into alerts (``receive``) of the units whose area it names (``areas``),
with its fields and languages (``build``); what was received and refused, kept in the site
(``record``); pushed messages (``services``: ``POST /@cap-ingest`` under ``limits``, and
``GET /@cap-ingest``); the sources' Atom indexes polled (``poller``, and ``cli``:
``nguon-cap-ingest``); what a site keeps for it (``install``). docs/alerts.md, "Receiving
alerts from other systems"."""
