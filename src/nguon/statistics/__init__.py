"""Statistics pages: what the ledger and the indicators say about a unit's area, for its
officials (coverage of essential information, approval latency, time to air and to screen,
device uptime, gaps to act on), as charts with their numbers and through ``@statistics``."""
