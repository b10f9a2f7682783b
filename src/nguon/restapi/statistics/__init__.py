"""``GET @statistics`` on a unit and ``GET @coverage`` on an item (docs/statistics.md)."""
