"""``@subscriptions`` on a unit: push subscriptions to its feed and their delivery logs."""
