"""The jobs of ``nguon-search`` (``nguon.search.cli`` parses the arguments and opens the site
with ``nguon.instance.offline``), one module each:

- ``status``: the outbox's search channel and Solr against the catalog;
- ``check``: ``verify``, Solr compared with the catalog item by item;
- ``repair``: ``sync``, ``clean`` and ``rebuild`` queue items, ``delivery`` delivers them;
- ``delivery``: deliver the queued items batch by batch, and report what Solr refused;
- ``progress``: the progress bar (tqdm); ``output``: the lines the operator reads.
"""
