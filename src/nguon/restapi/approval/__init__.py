"""``GET <item>/@approval``: where the item stands in its approval chain, and its audit trail."""
