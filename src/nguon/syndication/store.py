"""LEGACY ALIAS, for old pickles only: do not import from here in new code.

The change log moved to ``nguon.publication.store``. Sites made before that keep it in their
ZODB under the class path ``nguon.syndication.store.Syndication`` (and its records under
``nguon.syndication.store.Record`` and ``.Anchor``); this module keeps those paths loadable.
An object written again is stored under its new path. Remove this module only once every
database has been packed after an upgrade that rewrote the change log.
"""

from nguon.publication.store import Anchor  # noqa: F401
from nguon.publication.store import ChangeLog as Syndication  # noqa: F401
from nguon.publication.store import Record  # noqa: F401
