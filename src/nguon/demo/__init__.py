"""Vietnamese demo data for evaluation: real units, demo users per level, realistic items.

Never install the ``nguon:demo`` profile on a production site: its users share one published
password.
"""
