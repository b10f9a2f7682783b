"""Small compatibility fixes for third-party packages on Plone 6.2, each explained where it lives."""
