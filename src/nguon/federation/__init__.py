"""Federation: a Nguồn site's links to the Nguồn sites above and below it (docs/federation.md).

The down link (central → province) reuses syndication's signed push: the province's site is a
subscriber of its unit's feed on central, whose deliveries arrive at ``@federation-inbox``
(``inbox``), become items of the province with their provenance (``apply``,
``provenance``) as the province's policy says (``policy``), and are caught up after an outage
from the link's cursor (``catchup``). Links and what they applied are kept in ``links``.
"""
