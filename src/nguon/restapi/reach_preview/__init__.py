"""``GET <item>/@reach-preview``: who will receive the item and which units must approve it."""
