"""The delivery ledger: what reached whom, on which channel, when, and the proof of it.

Every delivery a channel can prove (a push acknowledged, an as-run record, a proof of play)
becomes one immutable record; essential items carry an obligation (every target unit, every
required channel) whose coverage the statistics pages, the report pre-fill and the unit
admins' gaps read. docs/ledger.md explains the design and the store chosen by measurement.
"""
