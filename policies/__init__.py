"""Approval and syndication policies as data, shipped inside the package as ``nguon.policies``."""
