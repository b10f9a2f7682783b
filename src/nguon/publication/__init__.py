"""The publication core: what every channel reads to know what is published, and for whom.

- ``targeting``: which units an item reaches (its reach, within its approved area:
  ``nguon.workflow.reach``), and whether a unit's lineage is reached;
- ``entries``: the snapshot of a published item that leaves the site (title, links, files),
  rendered as the anonymous user sees it (``public``);
- ``store``: the change log: one sequence number per change, per-unit indexes of what is
  live now, the schedule of items that take effect or expire later;
- ``consumer``: the outbox consumer that turns committed changes into change-log events;
- ``feeds``: reading the log for one unit (current items, changes since a cursor, version).

Syndication (feeds and push to commune websites), radio schedules and board playlists are
adapters over this core; a new channel reads it the same way and never imports another
channel.
"""
