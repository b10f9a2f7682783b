"""``nguon-sync``: the reference consumer a commune website runs to mirror its unit's items.

It needs nothing of Zope: ``mirror`` keeps the items in SQLite (and, if asked, one JSON file
per item in a folder), ``poller`` catches up from the JSON feed with its cursor, ``receiver``
answers WebSub intent checks and takes signed pushes, ``cli`` is the command.
"""
