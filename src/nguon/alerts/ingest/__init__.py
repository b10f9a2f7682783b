"""Receiving CAP 1.2 alerts from other systems (a national hydro-meteorological service, a
province's own alerting system): trusted sources as data (``sources``), every message
checked and turned into draft alerts in the units whose area it covers (``receive``), what
was received and refused kept in the site (``record``), pushed messages (``services``:
``POST /@cap-ingest``) and the sources' Atom indexes polled (``poller``, ``cli``)."""
