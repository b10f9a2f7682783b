"""The administrative unit tree: the official list, its import, and each unit's groups."""
