"""``@reports`` on a unit: its reports, its units' status, and each report's steps
(docs/reports.md)."""
