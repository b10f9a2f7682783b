"""Kinds of delivery records: what a record proves, and on which channel.

A capability declares its kind once (``ProofKind``) and registers it as a named utility of
``IProofKind`` in its own ``configure.zcml``; the ledger finds it by name. A kind means one
of three things: a proof of delivery (``proves``), a failure (``proves=False``: its message
is the pair's reason until a proof comes), or a note (``proves=False, note=True``: a
broadcast that started, kept with the others and counted nowhere).
"""

from dataclasses import dataclass
from nguon.ledger.interfaces import IProofKind
from zope.component import getUtilitiesFor
from zope.component import queryUtility
from zope.interface import implementer


@implementer(IProofKind)
@dataclass(frozen=True)
class ProofKind:
    name: str
    channel: str
    title: object
    proves: bool = True  # False: a report that delivery failed (audio refused, …)
    note: bool = False  # with proves=False: neither proof nor failure (started)

    @property
    def fails(self):
        """Whether a record of this kind reports that delivery failed."""
        return not self.proves and not self.note


def kind(name):
    """The registered kind called ``name`` (``LookupError`` when none is)."""
    found = queryUtility(IProofKind, name=name)
    if found is None:
        raise LookupError(f"no delivery record kind {name!r} is registered")
    return found


def kinds():
    """Every registered kind, by name."""
    return dict(getUtilitiesFor(IProofKind))
