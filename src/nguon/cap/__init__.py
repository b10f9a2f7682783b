"""CAP 1.2, the OASIS Common Alerting Protocol, with no Zope in it.

The message as frozen dataclasses (``model``), its XML both ways (``xml``), the official
OASIS schema and a validator (``schema``), the rules a warning must meet before it is
approved or accepted (``rules``), XML-DSig signatures (``signature``) and the Atom index that
alert aggregators read (``atom``). The Plone side (``nguon.alerts``) builds an ``Alert``
from its content and back; this package knows nothing of Plone.
"""
