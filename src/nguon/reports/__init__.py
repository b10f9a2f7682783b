"""Reports upward: report forms as data (``policies/reports.yaml``), each unit's reports per
form and period, pre-filled from the ledger's indicators, completed, signed off and read by
the units above (docs/reports.md)."""
