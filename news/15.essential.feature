Editors can mark an item as essential information («Thông tin thiết yếu») in its add and edit
forms; items are also essential by the rules of `policies/essential.yaml` (by type, priority
and category, with the channels that need proof), and emergencies always are. The delivery
ledger proves that essential items reached every unit they target; the catalog answers
`is_essential`. Operators read docs/essential.md.
