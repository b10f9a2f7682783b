"""Where reports are kept: one ``ReportStore`` in the site's annotations, a BTree of
:class:`Report` keyed ``(unit_code, form, period)``.

A unit's reports are one range of the BTree (its code sorts them together); a province's
view of its communes reads one key per child. ``install`` makes the store (setup handlers and
the upgrade step); requests never create it.
"""

from BTrees.OOBTree import OOBTree
from nguon.annotations import site_state
from persistent import Persistent
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping


KEY = "nguon.reports"

DRAFT = "draft"
SUBMITTED = "submitted"
SIGNED = "signed"
STATES = (DRAFT, SUBMITTED, SIGNED)

SYSTEM = "system"  # pre-filled from an indicator ("hệ thống")
AGGREGATED = "aggregated"  # pre-filled from the signed reports of the units below
ENTERED = "entered"  # typed by the unit ("đơn vị nhập")


class Report(Persistent):
    """One unit's report for one form and period.

    ``values`` maps a figure's key to ``{"value", "source", "remark"}`` (dicts are replaced,
    never changed in place); ``children`` is what the units below contributed (live until
    sign-off, then frozen here); ``history`` lists every step with who, when and comment.
    """

    def __init__(self, unit_code, form, period, created, creator):
        self.unit_code = unit_code
        self.form = form
        self.period = period
        self.state = DRAFT
        self.values = PersistentMapping()
        self.children = None
        self.created = created
        self.creator = creator
        self.signed = None  # {"by", "at"} once signed off
        self.comment = ""  # the approver's comment when it was last sent back
        self.history = PersistentList()

    @property
    def key(self):
        return (self.unit_code, self.form, self.period)

    def log(self, action, by, at, comment=""):
        self.history.append(
            {"action": action, "by": by, "at": at, "comment": comment or ""}
        )


class ReportStore(Persistent):
    def __init__(self):
        self.reports = OOBTree()

    def get(self, unit_code, form, period):
        return self.reports.get((unit_code, form, period))

    def add(self, report):
        self.reports[report.key] = report
        return report

    def of_unit(self, unit_code):
        """Every report of a unit, by form and period."""
        return list(
            self.reports.values(
                min=(unit_code,), max=(unit_code + "\x00",), excludemax=True
            )
        )


def storage(portal, create=False):
    return site_state(portal, KEY, ReportStore, create=create)
