"""``@unit-members`` on a unit: list (GET), add (POST) and remove (DELETE) group members."""
