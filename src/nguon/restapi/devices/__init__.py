"""Services of the people who manage devices (a device\x27s token, its report log)."""
