"""Search over the archive on Solr (through collective.solr), correct when Solr is down.

- ``client``: the HTTP calls nguon makes to Solr, with errors that say what happened;
- ``documents``: what one item looks like in Solr;
- ``consumer``: the outbox consumer that keeps Solr equal to the catalog;
- ``health``: whether Solr answers, logged once per change;
- ``dispatcher`` and ``guard``: catalog searches (restapi ``@search``, ``@@search``) on Solr,
  stripped of untrusted Solr parameters, checked against the catalog, falling back to it;
- ``query`` and ``citizen``: the citizen search (faceted, highlighted) for the page and REST;
- ``verify`` and ``maintenance``: compare Solr with the catalog, rebuild, sync and clean;
- ``cli``: the ``nguon-search`` command;
- ``patches``: two fixes to collective.solr on Plone 6.2; ``browser``: the citizen search page
  (``@@tra-cuu``) and the disabled term suggestions.

See docs/search.md.
"""
