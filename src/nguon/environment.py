"""Secrets of the Zope-free commands (``nguon-sync``, ``nguon-station``) come from the
environment, never from the command line where other users could read them in ``ps``."""

import os


def required(name, program):
    """The value of ``name``; stops ``program`` with a Vietnamese message when it is unset."""
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"{program}: LỖI: thiếu biến môi trường {name}")
    return value
