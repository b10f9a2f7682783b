"""Upgrade steps of ``nguon:default``, one ftw.upgrade directory per step.

Create a step with ``.venv/bin/upgrade create "Describe the change"`` run from this folder
(or by hand: a folder ``<YYYYMMDDHHMMSS>_<name>/`` holding ``upgrade.py`` and, if needed,
GenericSetup files). ftw.upgrade sets the profile version to the newest step.
"""
