Units report upward on the system: `policies/reports.yaml` says which figures a commune, a
district, a province and the central level report each quarter and each year, and by when (the
yearly report before 10 December). A unit's report («Báo cáo định kỳ», `@@bao-cao` on the
unit) is pre-filled from the delivery ledger, completed by the unit's editors, signed off by
its approver and then read by the units above; a province sees every commune's state, the
late ones listed, and its own report adds up their signed figures. Reports download as XLSX,
PDF and CSV, and `@reports` offers the same through the REST API. Operators and clients read
docs/reports.md.
